"""What an NLI model calls contradictions among related claims of a user's corpus: the check every training
recipe must pass besides the news set (which is balanced and on one topic, so it rewards a model that says
"contradiction" readily; see the model card, "Tried in session 10").

On the blocking benchmark's cached sample (bench/cache/, no NLI model needed to read it):
- `similar_flagged`: of 8,000 random pairs at least 0.4 similar (seeded), how many the engine would report
  with MODEL (its full decision: views, thresholds);
- `wild_real_kept` / `wild_not_flagged`: of the exhaustive flags two annotators labelled (data/wild_pairs/),
  the real contradictions it still reports and the false ones it reports.

    flock /tmp/contra-heavy.lock python -m bench.noise [MODEL ...]     # default: the shipped model; ~2 min each
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.blocking import PAIRS, SAMPLE, SIMILAR, WILD, with_sides  # noqa: E402


def decided(claims: pl.DataFrame, pairs: pl.DataFrame, config) -> pl.DataFrame:
    """`pairs` (claim_a, claim_b, similarity) scored by the engine, with `flag`: the engine would report it."""
    from engine.contradictions import hedged, reported
    from engine.nli.score import score_pairs

    pairs = with_sides(pairs, claims)
    scored = score_pairs(claims, pairs.select("claim_a", "claim_b", "similarity", "shared_entities"), config)
    scored = scored.join(pairs.select("claim_a", "claim_b", "content_a", "content_b"), on=["claim_a", "claim_b"])
    return scored.with_columns(flag=reported(config, hedged()))


def measure(model: str | None = None, n: int = 8000, seed: int = 13) -> dict:
    from engine.config import Config

    if not (SAMPLE.exists() and PAIRS.exists()):
        return {"note": "no exhaustive cache: run `python -m bench.blocking --build` (heavy)"}
    config = Config(show_progress=False, nli_model=model)
    claims = pl.read_parquet(SAMPLE).drop("vector")
    exhaustive = pl.read_parquet(PAIRS)
    similar = exhaustive.filter(pl.col("similarity") >= SIMILAR)
    similar = similar.sample(n=min(n, similar.height), seed=seed).select("claim_a", "claim_b", "similarity")
    out = {"model": model or "shipped", "similar_pairs": similar.height,
           "similar_flagged": int(decided(claims, similar, config)["flag"].sum())}
    rows = [json.loads(line) for line in WILD.read_text(encoding="utf-8").splitlines() if line.strip()]
    ids = set(claims["claim_id"].to_list())
    if rows and all(r["claim_a"] in ids and r["claim_b"] in ids for r in rows):
        wild = pl.DataFrame({"claim_a": [r["claim_a"] for r in rows], "claim_b": [r["claim_b"] for r in rows],
                             "real": ["contradiction" in (r["label_1"], r["label_2"]) for r in rows]})
        wild = wild.join(exhaustive.select("claim_a", "claim_b", "similarity"), on=["claim_a", "claim_b"], how="left")
        flags = decided(claims, wild.select("claim_a", "claim_b", "similarity"), config).join(
            wild.select("claim_a", "claim_b", "real"), on=["claim_a", "claim_b"])
        out.update(wild_real=int(flags["real"].sum()), wild_real_kept=int(flags.filter("real")["flag"].sum()),
                   wild_not=int((~flags["real"]).sum()), wild_not_flagged=int(flags.filter(~pl.col("real"))["flag"].sum()))
    return out


def main(argv=None) -> None:
    for model in (argv if argv is not None else sys.argv[1:]) or [None]:
        print(json.dumps(measure(model)), flush=True)


if __name__ == "__main__":
    main()
