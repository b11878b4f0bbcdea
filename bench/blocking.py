"""Candidate blocking against exhaustive NLI: the fraction of pairs the default blocking sends to NLI, and
the share of the contradictions found by scoring ALL pairs that it keeps (recall).

Build the cache once (heavy: NLI on every pair; run it under the shared lock):

    flock /tmp/contra-heavy.lock python -m bench.blocking --build --claims 700
    flock /tmp/contra-heavy.lock python -m bench.blocking --build --claims 2000   # the issue's size, ~4x longer

Measure (seconds, reads bench/cache/):  python -m bench.blocking

The sample is "story-dense", like a user following stories: documents of the bundled corpus are taken in
groups (a random document plus its nearest documents by embedding), until the claims reach the target.
Claims go through the same steps as engine.analyze (ingest, claims, actors, embeddings, near-duplicate
grouping); blocking and exhaustive scoring both run on the group representatives, as the pipeline does.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.config import Config  # noqa: E402

CACHE = ROOT / "bench" / "cache"
SAMPLE = CACHE / "blocking_claims.parquet"
PAIRS = CACHE / "blocking_exhaustive.parquet"
PARTS = CACHE / "blocking_parts"
CHUNK = 20_000
#: pairs below this a->b are not scored b->a (they would need >= 0.9 back to reach a 0.5 mean)
REVERSE_MIN = 0.1


def build_sample(n_claims: int, seed: int, config: Config) -> pl.DataFrame:
    from engine import actors, claims, datasets, dedupe, embed, ingest

    corpus = datasets.load("corpus")
    docs, _ = ingest.load_documents(corpus, config)
    # documents as vectors (their lead, ~2 sentences: cheap and topical), to pick neighbours of a random anchor
    t = time.time()
    doc_vectors = embed.encode([t[:250] for t in docs["text"].to_list()], config)
    print(f"{docs.height} documents embedded in {time.time() - t:.0f}s", file=sys.stderr)
    rng = np.random.default_rng(seed)
    chosen: list[int] = []
    counts = 0
    free = np.ones(docs.height, dtype=bool)
    while counts < n_claims and free.any():
        anchor = int(rng.choice(np.flatnonzero(free)))
        sims = doc_vectors @ doc_vectors[anchor]
        sims[~free] = -np.inf
        group = [int(i) for i in np.argsort(-sims)[:8] if np.isfinite(sims[i])]
        for i in group:
            free[i] = False
        chosen += group
        counts += claims.extract(docs[group], config).height
    selected = docs[chosen]
    table = claims.extract(selected, config)
    table, _ = actors.resolve(table, selected, config)
    vectors = embed.encode(table["content"].to_list(), config)
    table = dedupe.group(table, vectors, config)
    keep = dedupe.representatives(table)
    return table.filter(keep).with_columns(pl.Series("vector", vectors[keep].tolist(), dtype=pl.List(pl.Float32)))


def all_pairs(table: pl.DataFrame, vectors: np.ndarray) -> pl.DataFrame:
    """Every unordered pair once (a before b in the sample) with its cosine similarity."""
    a, b = np.triu_indices(table.height, k=1)
    ids = table["claim_id"].to_numpy()
    return pl.DataFrame({
        "claim_a": ids[a], "claim_b": ids[b],
        "similarity": np.einsum("ij,ij->i", vectors[a], vectors[b]).astype(np.float64),
    })


def _predict(model, table: pl.DataFrame, a_ids, b_ids, batch_size: int) -> np.ndarray:
    content = dict(zip(table["claim_id"].to_list(), table["content"].fill_null("").to_list()))
    probs = model.predict([(content[a], content[b]) for a, b in zip(a_ids, b_ids)], batch_size=batch_size)
    return probs[:, model.index("contradiction")].astype(np.float64)


def build(n_claims: int, seed: int = 13) -> None:
    """Every pair a->b (a before b in the sample), then b->a for pairs with P(contradiction a->b) >= REVERSE_MIN.

    With the default mean combination a pair below REVERSE_MIN one way would need >= 0.9 the other way to reach
    the 0.5 threshold; the one-way pass halves the cost, so 700 claims (245k pairs) fit in about ten minutes
    on 2 cores. Chunks are saved as they finish, so a killed build resumes.
    """
    from engine.nli import load

    config = Config(show_progress=False)
    CACHE.mkdir(parents=True, exist_ok=True)
    PARTS.mkdir(exist_ok=True)
    if not SAMPLE.exists():
        t = time.time()
        build_sample(n_claims, seed, config).write_parquet(SAMPLE, compression="zstd")
        print(f"sample built in {time.time() - t:.0f}s", file=sys.stderr)
    table = pl.read_parquet(SAMPLE)
    vectors = np.asarray(table["vector"].to_list(), dtype=np.float32)
    pairs = all_pairs(table, vectors).select("claim_a", "claim_b", "similarity")
    model = load(config.nli_model, backend=config.nli_backend, max_length=config.nli_max_length)
    print(f"{table.height} claims, {pairs.height} pairs, {model!r}", file=sys.stderr)
    started = time.time()
    for k, start in enumerate(range(0, pairs.height, CHUNK)):
        part = PARTS / f"part-{k:05d}.parquet"
        if part.exists():  # resumable: a killed build keeps its finished chunks
            continue
        chunk = pairs.slice(start, CHUNK)
        ab = _predict(model, table, chunk["claim_a"], chunk["claim_b"], config.nli_batch_size)
        chunk.with_columns(pl.Series("contradiction_ab", ab)).write_parquet(part.with_suffix(".tmp"))
        part.with_suffix(".tmp").rename(part)
        done = min(start + CHUNK, pairs.height)
        print(f"{done}/{pairs.height} pairs a->b, {time.time() - started:.0f}s", file=sys.stderr)
    one_way = pl.concat([pl.read_parquet(p) for p in sorted(PARTS.glob("part-*.parquet"))])
    back = one_way.filter(pl.col("contradiction_ab") >= REVERSE_MIN)
    ba = _predict(model, table, back["claim_b"], back["claim_a"], config.nli_batch_size)
    back = back.select("claim_a", "claim_b", pl.Series("contradiction_ba", ba))
    scored = one_way.join(back, on=["claim_a", "claim_b"], how="left").with_columns(
        # the pipeline's combination (mean); pairs not scored back cannot reach the threshold (see above)
        ((pl.col("contradiction_ab") + pl.col("contradiction_ba")) / 2).alias("score")
    )
    scored.write_parquet(PAIRS, compression="zstd")
    meta = {"claims": table.height, "pairs": scored.height, "pairs_scored_back": back.height,
            "reverse_min": REVERSE_MIN, "seconds": round(time.time() - started, 1), "seed": seed,
            "target_claims": n_claims, "nli_model": repr(model)}
    (CACHE / "blocking_meta.json").write_text(json.dumps(meta, indent=1))
    for p in PARTS.glob("part-*.parquet"):
        p.unlink()
    PARTS.rmdir()


def measure(config: Config | None = None) -> dict:
    """Blocking figures on the cached sample (no NLI runs)."""
    from engine import candidates

    config = config or Config(show_progress=False)
    if not (SAMPLE.exists() and PAIRS.exists()):
        return {"note": "no exhaustive cache: run `python -m bench.blocking --build` (heavy)"}
    table = pl.read_parquet(SAMPLE)
    vectors = np.asarray(table["vector"].to_list(), dtype=np.float32)
    t = time.perf_counter()
    found = candidates.block(table.drop("vector"), vectors, config)
    seconds = time.perf_counter() - t
    n = table.height
    possible = n * (n - 1) // 2
    blocked = {tuple(sorted(p)) for p in found.select("claim_a", "claim_b").iter_rows()}
    exhaustive = pl.read_parquet(PAIRS).filter(pl.col("score").fill_null(0.0) >= config.nli_threshold)
    hits = [tuple(sorted(p)) for p in exhaustive.select("claim_a", "claim_b").iter_rows()]
    kept = sum(p in blocked for p in hits)
    # pairs the candidate rules exclude on purpose (one speaker in one article; the same text twice)
    side = table.select("claim_id", "doc_id", "actor", "content")
    rules = (
        exhaustive.join(side.rename(lambda c: "claim_a" if c == "claim_id" else c + "_a"), on="claim_a")
        .join(side.rename(lambda c: "claim_b" if c == "claim_id" else c + "_b"), on="claim_b")
        .filter(~((pl.col("doc_id_a") == pl.col("doc_id_b")) & (pl.col("actor_a") == pl.col("actor_b")).fill_null(False))
                & (pl.col("content_a").str.strip_chars().str.to_lowercase()
                   != pl.col("content_b").str.strip_chars().str.to_lowercase()))
    )
    eligible = [tuple(sorted(p)) for p in rules.select("claim_a", "claim_b").iter_rows()]
    kept_eligible = sum(p in blocked for p in eligible)
    return {
        "claims": n,
        "pairs_possible": possible,
        "pairs_scored": len(blocked),
        "pairs_scored_fraction": len(blocked) / possible,
        "exhaustive_contradictions": len(hits),
        "blocking_recall": kept / len(hits) if hits else None,
        "exhaustive_contradictions_eligible": len(eligible),
        "blocking_recall_eligible": kept_eligible / len(eligible) if eligible else None,
        "blocking_seconds": round(seconds, 3),
        "threshold": config.nli_threshold,
        "top_k": config.top_k,
    }


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", action="store_true", help="build the exhaustive cache (heavy)")
    p.add_argument("--claims", type=int, default=700, help="sample size in claims (default 700)")
    p.add_argument("--seed", type=int, default=13)
    args = p.parse_args(argv)
    if args.build:
        build(args.claims, args.seed)
    print(json.dumps(measure()))


if __name__ == "__main__":
    main()
