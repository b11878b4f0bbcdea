"""What an NLI model calls contradictions among related claims of a user's corpus: the check every training
recipe must pass besides the news set (which is balanced and on one topic, so it rewards a model that says
"contradiction" readily; see the model card, "Tried in session 10").

On the blocking benchmark's cached sample (bench/cache/, no NLI model needed to read it):
- `similar_flagged`: of 8,000 random pairs at least 0.4 similar (seeded), how many the engine would report
  with MODEL (its full decision: views, thresholds);
- `wild_real_kept` / `wild_not_flagged`: of the exhaustive flags two annotators labelled (data/wild_pairs/),
  the real contradictions it still reports and the false ones it reports;
- `self_contradicted`: of the sample's distinct claim contents, how many MODEL scores >= 0.5 contradiction
  against themselves (a negation or a contrast inside a claim read as conflict; model card, Limitations).

On the labelled related pairs of training articles (data/nli/flagged/: similar claim pairs that stage 5 or the
`written` weights flagged, each labelled by annotators; 76 real contradictions among 2,645):
- `related_real_reported` / `related_false_reported`: the real ones and the others the engine reports with MODEL
  (biased towards those two models' flags, so a measure to compare models near them, not an absolute rate).

On the labelled denial pairs (data/denial_pairs/: FNC-1 denials and debunks against other claims):
- `denial_real_reported` / `denial_false_reported`: of the pairs both annotators call real, and of those
  neither calls real, how many the engine reports with MODEL (similarity unknown, so the related bar).

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

DENIALS = ROOT / "data" / "denial_pairs" / "pairs.jsonl"
RELATED = ROOT / "data" / "nli" / "flagged" / "pairs.jsonl"


def decided(claims: pl.DataFrame, pairs: pl.DataFrame, config) -> pl.DataFrame:
    """`pairs` (claim_a, claim_b, similarity) scored by the engine, with `flag`: the engine would report it."""
    from engine.contradictions import hedging, reported
    from engine.nli.score import score_pairs

    pairs = with_sides(pairs, claims)
    scored = score_pairs(claims, pairs.select("claim_a", "claim_b", "similarity", "shared_entities"), config)
    scored = scored.join(pairs.select("claim_a", "claim_b", "content_a", "content_b"), on=["claim_a", "claim_b"])
    return scored.with_columns(flag=reported(config, hedging()))


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
    out["self_contradicted"] = self_contradicted(claims, model)
    out.update(denials(config))
    out.update(related(config))
    return out


def related(config) -> dict:
    from engine import nli
    from engine.nli import evaluate as ev

    rows = [json.loads(line) for line in RELATED.read_text(encoding="utf-8").splitlines() if line.strip()]
    a, b = [r["a"] for r in rows], [r["b"] for r in rows]
    model = nli.load(config.nli_model)
    full = ev.both_ways(model, a, b, config.nli_batch_size)
    flags = ev.engine_decision(ev.engine_scores(model, a, b, config.nli_batch_size, full)[2], a, b)
    real = [r["label"] == "contradiction" for r in rows]
    return {"related_real": sum(real), "related_real_reported": int(sum(f and r for f, r in zip(flags, real))),
            "related_false_reported": int(sum(f and not r for f, r in zip(flags, real)))}


def self_contradicted(claims: pl.DataFrame, model: str | None = None, threshold: float = 0.5) -> int:
    from engine import nli

    contents = sorted(set(claims["content"].drop_nulls().to_list()))
    nli_model = nli.load(model)
    probs = nli_model.predict([(c, c) for c in contents])
    return int((probs[:, nli_model.labels.index("contradiction")] >= threshold).sum())


def denials(config) -> dict:
    rows = [json.loads(line) for line in DENIALS.read_text(encoding="utf-8").splitlines() if line.strip()]
    sides = {r[f"claim_{s}"]: (r[f"{s}_content"], r[f"{s}_cue"], r[f"{s}_stance"]) for r in rows for s in "ab"}
    claims = pl.DataFrame({"claim_id": list(sides), "content": [v[0] for v in sides.values()],
                           "cue": [v[1] for v in sides.values()], "stance": [v[2] for v in sides.values()],
                           "entities": [[] for _ in sides]}, schema_overrides={"entities": pl.List(pl.Utf8)})
    votes = [(r["label_1"] == "contradiction") + (r["label_2"] == "contradiction") for r in rows]
    pairs = pl.DataFrame({"claim_a": [r["claim_a"] for r in rows], "claim_b": [r["claim_b"] for r in rows],
                          "similarity": [None] * len(rows), "votes": votes}, schema_overrides={"similarity": pl.Float64})
    flags = decided(claims, pairs.select("claim_a", "claim_b", "similarity"), config).join(
        pairs.select("claim_a", "claim_b", "votes"), on=["claim_a", "claim_b"])
    return {"denial_real": int((flags["votes"] == 2).sum()),
            "denial_real_reported": int(flags.filter(pl.col("votes") == 2)["flag"].sum()),
            "denial_false": int((flags["votes"] == 0).sum()),
            "denial_false_reported": int(flags.filter(pl.col("votes") == 0)["flag"].sum())}


def main(argv=None) -> None:
    for model in (argv if argv is not None else sys.argv[1:]) or [None]:
        print(json.dumps(measure(model)), flush=True)


if __name__ == "__main__":
    main()
