"""Candidate blocking against exhaustive NLI: the fraction of pairs the default blocking sends to NLI, and
the share of the contradictions found by scoring ALL pairs that it keeps (recall).

Build the cache once (heavy: NLI on every pair, or on a weighted sample of them; run it under the shared lock):

    flock /tmp/contra-heavy.lock python -m bench.blocking --build --claims 300       # every pair (~45k)
    # the issue's size: every pair with similarity >= 0.3 plus a random 5% of the rest, weighted (Horvitz-Thompson)
    flock /tmp/contra-heavy.lock python -m bench.blocking --build --claims 2000 --rest-fraction 0.05

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
#: the exhaustive cache's flagged pairs (score >= 0.5 with the weights of session 7), each read and labelled
#: by two annotators: which of the "contradictions" exhaustive NLI finds are real (data/wild_pairs/README.md)
WILD = ROOT / "data" / "wild_pairs" / "pairs.jsonl"
#: recall is also reported for exhaustive contradictions between claims at least this similar
SIMILAR = 0.4


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


def stratified_pairs(pairs: pl.DataFrame, dense_similarity: float, rest_fraction: float, seed: int) -> pl.DataFrame:
    """Every pair with similarity >= dense_similarity (weight 1) plus a uniform random `rest_fraction` of the
    others (weight 1/rest_fraction): a Horvitz-Thompson sample of all pairs. rest_fraction 1 = exhaustive."""
    if rest_fraction >= 1:
        return pairs.with_columns(weight=pl.lit(1.0))
    rng = np.random.default_rng(seed)
    dense = (pairs["similarity"] >= dense_similarity).to_numpy()
    drawn = ~dense & (rng.random(pairs.height) < rest_fraction)
    return pairs.with_columns(weight=pl.Series(np.where(dense, 1.0, 1.0 / rest_fraction))).filter(
        pl.Series(dense | drawn))


def build(n_claims: int, seed: int = 13, dense_similarity: float = 0.3, rest_fraction: float = 1.0) -> None:
    """Score the sample's pairs exactly as the engine scores a candidate pair (`engine.nli.score.pair_scores`
    with the default Config: a->b, then both ways with the exact graph where a->b >= nli_reverse_min, and
    the core view of denials).

    `rest_fraction` < 1 scores every pair with similarity >= `dense_similarity` and a random share of the
    rest, each weighted by the inverse of its chance to be drawn: recall is then a Horvitz-Thompson estimate
    of the recall against all pairs, at a fraction of the cost (2,000 claims = 2 M pairs, hours of NLI on 2
    cores, against minutes for a 5% sample). Chunks are saved as they finish, so a killed build resumes.
    """
    from engine.nli.model import load_for
    from engine.nli.score import pair_scores

    config = Config(show_progress=False)
    CACHE.mkdir(parents=True, exist_ok=True)
    PARTS.mkdir(exist_ok=True)
    if not SAMPLE.exists():
        t = time.time()
        build_sample(n_claims, seed, config).write_parquet(SAMPLE, compression="zstd")
        print(f"sample built in {time.time() - t:.0f}s", file=sys.stderr)
    table = pl.read_parquet(SAMPLE)
    vectors = np.asarray(table["vector"].to_list(), dtype=np.float32)
    pairs = stratified_pairs(all_pairs(table, vectors), dense_similarity, rest_fraction, seed)
    model = load_for(config)
    content = dict(zip(table["claim_id"].to_list(), table["content"].fill_null("").to_list()))
    print(f"{table.height} claims, {pairs.height} pairs to score, {model!r}", file=sys.stderr)
    started = time.time()
    for k, start in enumerate(range(0, pairs.height, CHUNK)):
        part = PARTS / f"part-{k:05d}.parquet"
        if part.exists():  # resumable: a killed build keeps its finished chunks
            continue
        chunk = pairs.slice(start, CHUNK)
        ab, ba, score, view = pair_scores(model, [content[a] for a in chunk["claim_a"]],
                                          [content[b] for b in chunk["claim_b"]], config)
        c = model.index("contradiction")
        chunk.with_columns(pl.Series("contradiction_ab", ab[:, c].astype(np.float64)),
                           pl.Series("contradiction_ba", ba[:, c].astype(np.float64), nan_to_null=True),
                           pl.Series("score", score.astype(np.float64)),
                           pl.Series("view", view.tolist(), dtype=pl.Utf8)).write_parquet(part.with_suffix(".tmp"))
        part.with_suffix(".tmp").rename(part)
        done = min(start + CHUNK, pairs.height)
        print(f"{done}/{pairs.height} pairs, {time.time() - started:.0f}s", file=sys.stderr)
    scored = pl.concat([pl.read_parquet(p) for p in sorted(PARTS.glob("part-*.parquet"))])
    scored.write_parquet(PAIRS, compression="zstd")
    n = table.height
    meta = {"claims": n, "pairs_possible": n * (n - 1) // 2, "pairs_scored": scored.height,
            "dense_similarity": dense_similarity, "rest_fraction": rest_fraction,
            "pairs_scored_back": int(scored["contradiction_ba"].is_not_null().sum()),
            "scoring": "engine.nli.score.pair_scores, default Config (screen, exact re-scoring, core view)",
            "seconds": round(time.time() - started, 1), "seed": seed,
            "target_claims": n_claims, "nli_model": repr(model)}
    (CACHE / "blocking_meta.json").write_text(json.dumps(meta, indent=1))
    for p in PARTS.glob("part-*.parquet"):
        p.unlink()
    PARTS.rmdir()


def with_sides(pairs: pl.DataFrame, table: pl.DataFrame) -> pl.DataFrame:
    """`pairs` (claim_a, claim_b, ...) with each side's content (content_a / content_b) and the named entities
    the two claims share (shared_entities), which the engine's decision reads (engine.contradictions.reported)."""
    side = table.select("claim_id", pl.col("entities").fill_null([]), "content")
    return (pairs.join(side.rename({"claim_id": "claim_a", "entities": "ents_a", "content": "content_a"}), on="claim_a")
            .join(side.rename({"claim_id": "claim_b", "entities": "ents_b", "content": "content_b"}), on="claim_b")
            .with_columns(shared_entities=pl.col("ents_a").list.set_intersection("ents_b")))


def measure(config: Config | None = None) -> dict:
    """Blocking figures on the cached sample (no NLI runs)."""
    from engine import candidates
    from engine.contradictions import hedging, reported
    from engine.nli.views import denials

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
    exhaustive = pl.read_parquet(PAIRS)
    if "weight" not in exhaustive.columns:  # an exhaustive cache: every pair counts once
        exhaustive = exhaustive.with_columns(weight=pl.lit(1.0))
    # the engine's decision as if every pair were scored (engine.contradictions.reported: unrelated-looking
    # pairs need nli_unrelated_threshold, hedged claims nli_hedged_threshold), and the score alone as before
    # session 8, for comparison
    exhaustive = with_sides(exhaustive, table).with_columns(score=pl.col("score").fill_null(0.0))
    def recall(frame: pl.DataFrame) -> tuple[float | None, float]:
        """Weighted share of the frame's pairs that blocking kept, and their weighted count."""
        pairs = [tuple(sorted(p)) for p in frame.select("claim_a", "claim_b").iter_rows()]
        weights = frame["weight"].to_list()
        total = float(sum(weights))
        return (sum(w for p, w in zip(pairs, weights) if p in blocked) / total if pairs else None), total

    recall_score_only, total_score_only = recall(exhaustive.filter(pl.col("score") >= config.nli_threshold))
    exhaustive = exhaustive.filter(reported(config, hedging()))
    recall_decided, total = recall(exhaustive)
    hits = [tuple(sorted(p)) for p in exhaustive.select("claim_a", "claim_b").iter_rows()]
    similar = [p for p, sim in zip(hits, exhaustive["similarity"].to_list()) if sim >= SIMILAR]
    # pairs the candidate rules exclude on purpose (one speaker in one article; the same text twice)
    side = table.select("claim_id", "doc_id", "actor").with_columns(
        denial=pl.Series(denials(table)),
        words=pl.Series([" ".join(candidates.content_words(t)) for t in table["content"].to_list()], dtype=pl.Utf8))
    rules = (
        exhaustive.join(side.rename(lambda c: "claim_a" if c == "claim_id" else c + "_a"), on="claim_a")
        .join(side.rename(lambda c: "claim_b" if c == "claim_id" else c + "_b"), on="claim_b")
        .filter(~((pl.col("doc_id_a") == pl.col("doc_id_b")) & (pl.col("actor_a") == pl.col("actor_b")).fill_null(False))
                & ((pl.col("words_a") != pl.col("words_b")) | (pl.col("denial_a") != pl.col("denial_b"))))
    )
    recall_eligible, total_eligible = recall(rules)
    return {
        **confirmed(blocked, set(table["claim_id"].to_list()), set(hits)),
        "claims": n,
        "pairs_possible": possible,
        "pairs_scored": len(blocked),
        "pairs_scored_fraction": len(blocked) / possible,
        # weighted: an estimate of the count over all pairs when the cache is a stratified sample
        "exhaustive_contradictions": round(total, 1),
        "exhaustive_contradictions_scored": len(hits),
        "exhaustive_score_only": round(total_score_only, 1),
        "blocking_recall_score_only": recall_score_only,
        "blocking_recall": recall_decided,
        "exhaustive_contradictions_eligible": round(total_eligible, 1),
        "blocking_recall_eligible": recall_eligible,
        # below this similarity the exhaustive "contradictions" are mostly model noise (see BENCHMARKS.md)
        "exhaustive_contradictions_similar": len(similar),
        "blocking_recall_similar": sum(p in blocked for p in similar) / len(similar) if similar else None,
        "similar_min": SIMILAR,
        "blocking_seconds": round(seconds, 3),
        "threshold": config.nli_threshold,
        "unrelated_threshold": config.nli_unrelated_threshold,
        "hedged_threshold": config.nli_hedged_threshold,
        "top_k": config.top_k,
    }


def confirmed(blocked: set[tuple[str, str]], claim_ids: set[str], decided: set[tuple[str, str]]) -> dict:
    """Recall of the human-confirmed contradictions among the exhaustive cache's flagged pairs, and the share
    of pairs the engine's decision (`decided`) reports that are real (weighted like the cache): both
    annotators ("agreed") or either one. Labelled: every pair the exhaustive score alone flagged (>= 0.5)."""
    if not WILD.exists():
        return {}
    rows = [json.loads(line) for line in WILD.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not all(r["claim_a"] in claim_ids and r["claim_b"] in claim_ids for r in rows):
        return {"confirmed_note": "labels belong to another sample (rebuilt cache): not used"}
    labelled = {tuple(sorted((r["claim_a"], r["claim_b"]))) for r in rows}
    # other NLI weights flag other pairs: precision covers only the labelled ones, so say how many that is
    out = {"flagged_labelled": len(rows),
           "reported_labelled_share": len(decided & labelled) / len(decided) if decided else None}
    rows = [r for r in rows if tuple(sorted((r["claim_a"], r["claim_b"]))) in decided]
    total = sum(r["sample_weight"] for r in rows)
    for name, real in (("agreed", lambda r: r["label_1"] == r["label_2"] == "contradiction"),
                       ("either", lambda r: "contradiction" in (r["label_1"], r["label_2"]))):
        hits = [r for r in rows if real(r)]
        kept = [r for r in hits if tuple(sorted((r["claim_a"], r["claim_b"]))) in blocked]
        out[f"confirmed_{name}"] = len(hits)
        out[f"reported_precision_{name}"] = sum(r["sample_weight"] for r in hits) / total if total else None
        out[f"blocking_recall_confirmed_{name}"] = len(kept) / len(hits) if hits else None
    return out


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", action="store_true", help="build the exhaustive cache (heavy)")
    p.add_argument("--claims", type=int, default=700, help="sample size in claims (default 700)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--rest-fraction", type=float, default=1.0,
                   help="score all pairs with similarity >= --dense-similarity and this random share of the rest "
                        "(weighted estimate; default 1 = every pair)")
    p.add_argument("--dense-similarity", type=float, default=0.3)
    args = p.parse_args(argv)
    if args.build:
        build(args.claims, args.seed, args.dense_similarity, args.rest_fraction)
    print(json.dumps(measure()))


if __name__ == "__main__":
    main()
