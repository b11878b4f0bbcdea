"""`Store`: a persistent, incremental analysis in one DuckDB file.

    store = engine.Store("runs/syria")
    store.add("articles/day1/")          # analyses day 1
    store.add("articles/day2/")          # only day 2's documents are read into claims; only new pairs are scored
    store.analysis().contradictions      # the whole story so far
    store.export("out/")                 # parquet tables, graph.graphml, disagreements.graphml of the store

Why DuckDB (one `store.duckdb` file in the folder) rather than SQLite plus parquet files:
- one ACID transaction can cover several tables, so a stage's output (documents with their claims, a chunk
  of embeddings, a chunk of NLI scores) is written all-or-nothing; a run killed at any point (even SIGKILL)
  leaves the file at the last commit and the next open replays the write-ahead log. Parquet files beside
  SQLite would need hand-made rename tricks to get the same guarantee across tables.
- it is columnar and speaks Arrow, so polars frames go in and out without row-by-row conversion, and the
  set operations the store needs (which candidate pairs are not scored yet, among millions) are fast joins.
- it takes an OS file lock: a second process writing the same store gets a clear "in use" error instead of
  silently interleaving.
- it is an embedded library already used by the project (no server, pip-installable, single file to copy).

What is stored: documents, skipped documents, claims as extracted (before actor resolution), one
embedding per claim and embedding model, and the NLI probabilities of every pair ever scored, per NLI setup.
Everything downstream is recomputed over the whole store on each `add()`/`analysis()` because it is cheap
and it is what makes "A then B" equal "A+B at once":
- actors are re-resolved over all claims (actors merge across documents);
- candidate blocking is re-run over all claims (stored embeddings), so the candidate set is exactly the
  batch one; only candidate pairs without a stored score go to NLI;
- contradictions are selected from the stored scores of the current candidate set.
Claim-extraction options are fixed when the store is created (changing them would need a new store);
all other options (thresholds, top_k, NLI model, ...) may change between calls.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
from pathlib import Path

import numpy as np
import polars as pl

from engine.analysis import Analysis
from engine.config import Config
from engine.errors import ConfigError, ModelError, StoreError
from engine.schema import CANDIDATES, CLAIMS, DOCUMENTS, SCORED, SKIPPED, conform, empty

log = logging.getLogger("engine.store")

DB_FILE = "store.duckdb"
SCHEMA_VERSION = "2"
#: options that shape documents and claims: fixed for the life of a store
EXTRACTION_OPTIONS = ("max_document_bytes", "languages", "spacy_model", "min_claim_words",
                      "max_sentence_chars", "include_unattributed")
#: options that change NLI probabilities: scores are kept per distinct setup
NLI_OPTIONS = ("nli_model", "nli_backend", "nli_max_length", "nli_combine", "nli_reverse_min", "nli_core_view",
               "nli_affirmed_view", "nli_denial_reading", "nli_exact", "nli_fast", "nli_exact_margin", "nli_bf16_runtime")
#: how a run executes, not what it computes: never inherited from the stored config
RUNTIME_OPTIONS = ("backend", "threads", "show_progress", "strict")
#: rows per committed chunk: a kill loses at most one chunk of work
EMBED_CHUNK = 4096
SCORE_CHUNK = 2048
PROBABILITIES = ("contradiction", "entailment", "neutral")

_TABLES = {
    "meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    # caches keyed by the SHA-1 of the text the models see: valid whatever claim carries the text
    "embeddings": "text_key VARCHAR, model VARCHAR, vector BLOB, PRIMARY KEY (text_key, model)",
    # one row per unordered text pair and NLI setup, probabilities oriented key_a -> key_b (key_a < key_b);
    # present = False: the NLI stage returned no row for the pair (remembered so it is not retried)
    "scores": ("key_a VARCHAR, key_b VARCHAR, nli_key VARCHAR, present BOOLEAN, score DOUBLE, "
               "contradiction_ab DOUBLE, contradiction_ba DOUBLE, entailment_ab DOUBLE, entailment_ba DOUBLE, "
               "neutral_ab DOUBLE, neutral_ba DOUBLE, view VARCHAR, PRIMARY KEY (key_a, key_b, nli_key)"),
}


def _trace(event: str) -> None:
    """Test hook: append each committed step to $CONTRA_STORE_TRACE so a test can kill us mid-way."""
    path = os.environ.get("CONTRA_STORE_TRACE")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(event + "\n")


def _sql(con, sql: str, params=None) -> list[tuple]:
    """Run one statement and fetch everything (DuckDB refuses new work while a result is unfinished)."""
    return con.execute(sql, params or []).fetchall()


@contextlib.contextmanager
def _transaction(con):
    """All of the block's writes are committed, or none (an exception, a kill: DuckDB rolls back on reopening)."""
    _sql(con, "BEGIN TRANSACTION")
    try:
        yield
        _sql(con, "COMMIT")
    except BaseException:
        _sql(con, "ROLLBACK")
        raise


def _one(con, sql: str, params=None):
    rows = _sql(con, sql, params)
    return rows[0] if rows else None


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _with_pair_keys(pairs: pl.DataFrame, claim_table: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Adds key_a <= key_b (hashes of the two model texts) and `flip` (the candidate runs key_b -> key_a)."""
    from engine.nli.views import claim_readings

    texts = claim_readings(claim_table, config)  # what NLI reads: a denial and its assertion differ
    keys = claim_table.select("claim_id").with_columns(pl.Series("k", [_text_key(t) for t in texts], dtype=pl.Utf8))
    with_keys = (pairs.join(keys.rename({"claim_id": "claim_a", "k": "ka"}), on="claim_a", how="left")
                 .join(keys.rename({"claim_id": "claim_b", "k": "kb"}), on="claim_b", how="left"))
    return with_keys.with_columns(
        pl.min_horizontal("ka", "kb").alias("key_a"), pl.max_horizontal("ka", "kb").alias("key_b"),
        (pl.col("ka") > pl.col("kb")).alias("flip"),
    ).drop("ka", "kb")


def _fingerprint(config: Config, names) -> str:
    values = {n: getattr(config, n) for n in names}
    return hashlib.sha1(json.dumps(values, sort_keys=True, default=list).encode()).hexdigest()[:16]


def _nli_key(config: Config) -> str:
    """What stored scores are valid for: the NLI options, what the views read (views.VERSION), and the weights
    themselves where they are a local folder (the shipped model is retrained from time to time under the same
    name)."""
    from engine.nli import views
    from engine.nli.model import _resolve

    try:
        _, path = _resolve(config.nli_model)
    except ModelError:  # loading the model reports the problem properly
        path = None
    digest = _weights_digest(path, *_stat(path)) if path is not None else None
    return _fingerprint(config, NLI_OPTIONS) + f".r{views.VERSION}" + (f"-{digest[:12]}" if digest else "")


def _stat(path: Path) -> tuple[float, int]:
    f = path / "model.safetensors"
    return (f.stat().st_mtime, f.stat().st_size) if f.exists() else (0.0, 0)


@functools.lru_cache(maxsize=8)
def _weights_digest(path: Path, mtime: float, size: int) -> str | None:
    from engine.nli.model import weights_digest

    return weights_digest(path)  # cached per file version: hashing 45 MB on every add would be waste


def _config_to_json(config: Config) -> str:
    return json.dumps(config.to_dict(), sort_keys=True, default=list)


def _config_from_json(text: str) -> Config:
    values = json.loads(text)
    known = Config.__dataclass_fields__
    values = {k: (tuple(v) if isinstance(v, list) else v) for k, v in values.items() if k in known}
    return Config(**values)


class Store:
    """A folder holding a persistent analysis; see the module docstring."""

    def __init__(self, path):
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise StoreError(f"store path {self.path} is a file, not a folder")
        self.db_path = self.path / DB_FILE
        #: counts of the last add()/analysis(): new documents, claims, embeddings and NLI pairs
        self.last_run: dict[str, int] = {}
        #: the inputs the last add() skipped (the store's `skipped` table holds every run's)
        self.last_skipped = conform(None, SKIPPED)
        #: notes on the dates of the documents the last add() stored (engine.ingest.date_notes)
        self.last_notes: list[str] = []

    # ------------------------------------------------------------------ connection
    def _connect(self, create: bool = True):
        import duckdb

        if not self.db_path.exists():
            if not create:
                raise StoreError(f"no store at {self.path} (create one with `contra analyze --store {self.path}`)")
            self.path.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(self.db_path))
        except duckdb.Error as exc:
            raise StoreError(self._explain(exc)) from None
        try:
            self._prepare(con)
        except duckdb.Error as exc:
            con.close()
            raise StoreError(f"store {self.db_path} is corrupt: {str(exc).splitlines()[0]}") from None
        return con

    def _explain(self, exc) -> str:
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            pid = re.search(r"PID (\d+)", message)
            who = f" (process {pid.group(1)})" if pid else ""
            return f"store {self.path} is in use by another process{who}; wait for it to finish"
        if "not a valid DuckDB database" in message or "Corrupt" in message or "checksum" in message.lower():
            return f"store {self.db_path} is corrupt or not a store file; remove it or choose another folder"
        return f"cannot open store {self.db_path}: {message}"

    def _prepare(self, con) -> None:
        for name, columns in _TABLES.items():
            _sql(con, f"CREATE TABLE IF NOT EXISTS {name} ({columns})")
        version = _one(con, "SELECT value FROM meta WHERE key = 'schema_version'")
        if version is None:
            _sql(con, "INSERT INTO meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
        elif version[0] != SCHEMA_VERSION:
            raise StoreError(f"store {self.path} has format {version[0]}, this engine reads {SCHEMA_VERSION}")
        # nothing else to clean up after a crash: every write is one transaction (an unfinished one is rolled
        # back when the file is opened) and the caches are keyed by content, so a partial stage only means
        # fewer cache hits next time

    @staticmethod
    def _exists(con, table: str) -> bool:
        return _one(con, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table])[0] > 0

    @staticmethod
    def _read(con, sql: str, params=None) -> pl.DataFrame:
        return pl.from_arrow(con.sql(sql, params=params).to_arrow_table()) if params else \
            pl.from_arrow(con.sql(sql).to_arrow_table())

    @staticmethod
    def _append(con, table: str, frame: pl.DataFrame) -> None:
        """Insert `frame`, creating the table (or new columns) from its schema; call inside a transaction."""
        # all-null columns have no type: store them as text
        frame = frame.with_columns([pl.col(c).cast(pl.Utf8) for c, t in frame.schema.items() if t == pl.Null])
        con.register("_incoming", frame.to_arrow())
        try:
            if not Store._exists(con, table):
                _sql(con, f"CREATE TABLE {table} AS SELECT * FROM _incoming")
                return
            have = {r[0] for r in _sql(
                con, "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table])}
            for column in frame.columns:
                if column not in have:
                    kind = _one(con, f'SELECT typeof("{column}") FROM _incoming LIMIT 1')
                    _sql(con, f'ALTER TABLE {table} ADD COLUMN "{column}" {kind[0] if kind else "VARCHAR"}')
            if frame.height:
                _sql(con, f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
        finally:
            con.unregister("_incoming")

    def _table(self, con, table: str, schema: dict) -> pl.DataFrame:
        if not self._exists(con, table):
            return empty(schema)
        frame = self._read(con, f"SELECT * FROM {table} ORDER BY seq")
        return conform(frame.drop("seq"), schema)

    # ------------------------------------------------------------------ config
    def _config(self, con, config: Config | None, options: dict) -> Config:
        stored = _one(con, "SELECT value FROM meta WHERE key = 'config'")
        if config is None and stored:
            # the analysis options carry over between calls; how this run executes does not
            defaults = Config()
            config = _config_from_json(stored[0]).replace(**{n: getattr(defaults, n) for n in RUNTIME_OPTIONS})
        base = config or Config()
        config = base.replace(**options) if options else base
        if stored and self._exists(con, "documents"):
            before = _config_from_json(stored[0])
            changed = [n for n in EXTRACTION_OPTIONS if getattr(before, n) != getattr(config, n)]
            if changed:
                n = changed[0]
                raise ConfigError(
                    f"store {self.path} was built with {n}={getattr(before, n)!r}; claim-extraction options "
                    f"cannot change in a store (got {getattr(config, n)!r}): use a new store folder"
                )
        return config

    # ------------------------------------------------------------------ public API
    def add(self, sources, config: Config | None = None, **options) -> Analysis:
        """Add `sources` (anything `engine.analyze` reads); returns the analysis of the whole store."""
        from engine import claims, ingest, pipeline

        con = self._connect()
        try:
            config = self._config(con, config, options)
            pipeline.prepare(config)
            self._current_claims(con, config)
            documents, skipped = ingest.load_documents(sources, config)
            pipeline.check_skipped(skipped, config)
            new_docs, copies = self._new_documents(con, documents)
            new_skipped = self._new_skipped(con, pl.concat([conform(skipped, SKIPPED), copies]))
            new_claims = claims.extract(new_docs, config) if new_docs.height else empty(CLAIMS)

            # documents, their claims and the skipped list land together or not at all
            with _transaction(con):
                self._append(con, "documents", self._with_seq(con, "documents", conform(new_docs, DOCUMENTS)))
                self._append(con, "claims", self._with_seq(con, "claims", conform(new_claims, CLAIMS)))
                self._append(con, "skipped", self._with_seq(con, "skipped", conform(new_skipped, SKIPPED)))
                _sql(con, "INSERT OR REPLACE INTO meta VALUES ('config', ?)", [_config_to_json(config)])
            _trace("documents")
            result = self._refresh(con, config)
            # what this call received, apart from the store's totals that `result` reports
            self.last_run = {"received": documents.height + skipped.height, "new_documents": new_docs.height,
                             "already_stored": documents.height - new_docs.height, "skipped": skipped.height,
                             "new_claims": new_claims.height, **self.last_run}
            self.last_skipped = conform(skipped, SKIPPED)
            self.last_notes = ingest.date_notes(new_docs)
            return result
        finally:
            con.close()

    def run_summary(self) -> str:
        """One line on the last add(): received = new + already in the store + skipped."""
        r = self.last_run
        if "received" not in r:
            return "nothing added yet"
        return (f"this run: {r['received']} received = {r['new_documents']} new + {r['already_stored']} already in "
                f"the store + {r['skipped']} skipped; {r['new_claims']} new claims")

    def analysis(self, config: Config | None = None, **options) -> Analysis:
        """The analysis of everything in the store (scores any candidate pair not scored yet)."""
        con = self._connect(create=False)
        try:
            config = self._config(con, config, options)
            self._current_claims(con, config)
            result = self._refresh(con, config)
            self.last_run = {"new_documents": 0, "new_claims": 0, **self.last_run}
            return result
        finally:
            con.close()

    def export(self, directory, config: Config | None = None, **options) -> dict[str, Path]:
        """Write the whole store into `directory` as `contra export` does: parquet tables, graph.graphml and
        disagreements.graphml (engine.export.write_all)."""
        from engine.export import write_all

        return write_all(self.analysis(config, **options), directory)

    def stats(self) -> dict[str, int]:
        """Row counts of the stored tables."""
        con = self._connect(create=False)
        try:
            counts = {}
            for table in ("documents", "skipped", "claims", "embeddings", "scores"):
                counts[table] = _one(con, f"SELECT count(*) FROM {table}")[0] \
                    if self._exists(con, table) else 0
            return counts
        finally:
            con.close()

    # ------------------------------------------------------------------ stages
    def _current_claims(self, con, config: Config) -> None:
        """Claims made by another version of the extractor (`claims.VERSION`; none recorded: a store older than
        the key) are extracted again from the stored documents, in one transaction, so that a store never
        mixes claims of two versions and stays equal to one run over all its documents. Embeddings and NLI
        scores are keyed by text, so those of claims that did not change are reused."""
        from engine import claims

        stored = _one(con, "SELECT value FROM meta WHERE key = 'claims_version'")
        if stored is not None and stored[0] == claims.VERSION:
            return
        documents = self._table(con, "documents", DOCUMENTS) if self._exists(con, "documents") else empty(DOCUMENTS)
        fresh = empty(CLAIMS)
        if documents.height:
            log.warning("store %s: its claims were extracted by an earlier version of the engine (%s); extracting "
                        "them again from its %d documents (stored embeddings and scores of unchanged claims are "
                        "reused)", self.path, stored[0] if stored else "unrecorded", documents.height)
            fresh = claims.extract(documents, config)
        with _transaction(con):
            if self._exists(con, "claims"):
                _sql(con, "DELETE FROM claims")
            if documents.height:
                self._append(con, "claims", self._with_seq(con, "claims", conform(fresh, CLAIMS)))
            _sql(con, "INSERT OR REPLACE INTO meta VALUES ('claims_version', ?)", [claims.VERSION])
        _trace("claims_version")

    def _with_seq(self, con, table: str, frame: pl.DataFrame) -> pl.DataFrame:
        """Number rows after those stored: the store keeps insertion order, which is the batch order."""
        start = _one(con, f"SELECT coalesce(max(seq) + 1, 0) FROM {table}")[0] \
            if self._exists(con, table) else 0
        return frame.with_columns((pl.int_range(pl.len(), dtype=pl.Int64) + start).alias("seq"))

    def _new_documents(self, con, documents: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Documents not in the store yet, and those that repeat a stored text under another id.

        A document already stored (same doc_id) is simply not new. One whose text is stored under another
        id is skipped as "duplicate", as `ingest` does within one batch, so A then B equals A+B.
        """
        if not self._exists(con, "documents") or documents.height == 0:
            return documents, conform(None, SKIPPED)
        stored = self._read(con, "SELECT doc_id AS stored_id, text FROM documents")
        fresh = documents.join(stored.select(pl.col("stored_id").alias("doc_id")), on="doc_id", how="anti")
        same_text = fresh.join(stored, on="text", how="inner")
        copies = same_text.select(
            "origin", pl.lit("duplicate").alias("reason"),
            ("same text as an earlier document (" + pl.col("stored_id") + ")").alias("detail"),
        )
        return fresh.join(same_text.select("doc_id"), on="doc_id", how="anti"), conform(copies, SKIPPED)

    def _new_skipped(self, con, skipped: pl.DataFrame) -> pl.DataFrame:
        skipped = conform(skipped, SKIPPED).unique(subset=["origin", "reason"], keep="first", maintain_order=True)
        if not self._exists(con, "skipped") or skipped.height == 0:
            return skipped
        seen = self._read(con, "SELECT DISTINCT origin, reason FROM skipped")
        return skipped.join(seen, on=["origin", "reason"], how="anti", nulls_equal=True)

    def _refresh(self, con, config: Config) -> Analysis:
        from engine import pipeline

        # the pipeline's own post-extraction steps over ALL stored claims, with embeddings and NLI scores
        # served from the store (only what is missing is computed, and stored as it is)
        documents = self._table(con, "documents", DOCUMENTS)
        skipped = self._table(con, "skipped", SKIPPED)
        raw_claims = self._table(con, "claims", CLAIMS).drop("group_id", "copies")
        counts = {}

        def encode(texts, config):
            vectors, counts["embedded"] = self._vectors(con, texts, config)
            return vectors

        def score(claims, pairs, config):
            scored, counts["pairs_scored"] = self._scores(con, claims, pairs, config)
            counts["candidates"] = pairs.height
            return scored

        result = pipeline.from_claims(documents, skipped, raw_claims, config, encode=encode, score=score)
        self.last_run = counts
        return result

    def _vectors(self, con, texts: list[str], config: Config) -> tuple[np.ndarray, int]:
        """One vector per text: stored ones, the rest encoded and stored chunk by chunk (keyed by text hash,
        so a claim whose model text changes is never served a stale vector)."""
        from engine import embed

        model = embed.model_key(config)  # bf16 and fp32 vectors are kept apart
        keys = [_text_key(t) for t in texts]
        stored = self._read(con, "SELECT text_key, vector FROM embeddings WHERE model = ?", [model])
        have = dict(zip(stored["text_key"].to_list(), stored["vector"].to_list()))
        missing = list({k: t for k, t in zip(keys, texts) if k not in have}.items())
        for start in range(0, len(missing), EMBED_CHUNK):
            chunk = missing[start:start + EMBED_CHUNK]
            vectors = np.asarray(embed.encode([t for _, t in chunk], config), dtype=np.float32)
            rows = pl.DataFrame({
                "text_key": [k for k, _ in chunk],
                "model": [model] * len(chunk),
                "vector": [v.tobytes() for v in vectors],
            })
            with _transaction(con):
                self._append(con, "embeddings", rows)
            have.update(zip(rows["text_key"].to_list(), rows["vector"].to_list()))
            _trace("embeddings")
        if not keys:
            return np.zeros((0, 0), dtype=np.float32), 0
        matrix = np.frombuffer(b"".join(have[k] for k in keys), dtype=np.float32).reshape(len(keys), -1)
        return matrix.copy(), len(missing)

    def _scores(self, con, claim_table: pl.DataFrame, pairs: pl.DataFrame, config: Config):
        """SCORED rows for `pairs`: stored probabilities, NLI only for text pairs never scored in this setup."""
        if config.backend == "ray":
            from engine.backends.ray_backend import score_pairs as score
        else:
            from engine.nli import score_pairs as score

        nli_key = _nli_key(config)
        keyed = _with_pair_keys(pairs, claim_table, config)
        con.register("_pairs", keyed.select("key_a", "key_b").unique().to_arrow())
        try:
            todo = self._read(con, "SELECT p.key_a, p.key_b FROM _pairs p ANTI JOIN "
                                   "(SELECT key_a, key_b FROM scores WHERE nli_key = ?) s "
                                   "ON p.key_a = s.key_a AND p.key_b = s.key_b", [nli_key])
        finally:
            con.unregister("_pairs")
        if todo.height:
            todo_pairs = (keyed.join(todo, on=["key_a", "key_b"], how="semi")
                          .unique(subset=["key_a", "key_b"], keep="first", maintain_order=True))
            for start in range(0, todo_pairs.height, SCORE_CHUNK):
                chunk = todo_pairs.slice(start, SCORE_CHUNK)
                result = score(claim_table, conform(chunk.drop("key_a", "key_b", "flip"), CANDIDATES), config)
                self._store_scores(con, chunk, conform(result, SCORED), nli_key)
                _trace("scores")
        stored = self._read(con, "SELECT * FROM scores WHERE nli_key = ? AND present", [nli_key]).drop(
            "nli_key", "present")
        scored = keyed.with_row_index("_order").join(stored, on=["key_a", "key_b"], how="inner").sort("_order")
        # stored probabilities are oriented key_a -> key_b: back to the candidate's orientation
        scored = scored.with_columns([
            pl.when(pl.col("flip")).then(pl.col(f"{p}_{b}")).otherwise(pl.col(f"{p}_{a}")).alias(f"{p}_{a}")
            for p in PROBABILITIES for a, b in (("ab", "ba"), ("ba", "ab"))
        ])
        return conform(scored, SCORED).select(list(SCORED)), todo.height

    def _store_scores(self, con, chunk: pl.DataFrame, result: pl.DataFrame, nli_key: str) -> None:
        """Write one chunk of NLI results (pairs the NLI stage returned no row for are kept as not present)."""
        oriented = result.join(chunk.select("claim_a", "claim_b", "key_a", "key_b", "flip"),
                               on=["claim_a", "claim_b"], how="inner")
        oriented = oriented.with_columns([
            pl.when(pl.col("flip")).then(pl.col(f"{p}_{b}")).otherwise(pl.col(f"{p}_{a}")).alias(f"{p}_{a}")
            for p in PROBABILITIES for a, b in (("ab", "ba"), ("ba", "ab"))
        ]).select("key_a", "key_b", "score", *[f"{p}_{d}" for p in PROBABILITIES for d in ("ab", "ba")], "view")
        rows = (chunk.select("key_a", "key_b")
                .join(oriented.unique(subset=["key_a", "key_b"], keep="first"), on=["key_a", "key_b"], how="left")
                .with_columns(pl.lit(nli_key).alias("nli_key"), pl.col("score").is_not_null().alias("present")))
        with _transaction(con):
            con.register("_incoming", rows.to_arrow())
            _sql(con, "INSERT OR IGNORE INTO scores BY NAME SELECT * FROM _incoming")
            con.unregister("_incoming")
