"""How well the engine's ranking (engine.contradictions.rank_score) puts real contradictions first, against the
NLI score alone, among the pairs it reports. Quality, not speed: one JSON line per labelled set.

The sets are the project's labelled pairs, each pair read as the engine reads it (denials as their negation,
engine.nli.views.readings) and scored as the engine scores it (engine.nli.score.pair_scores, both directions,
the core and affirmed views); a pair counts as reported when its score reaches 0.5:
- `wild`: every pair exhaustive NLI flagged in 2,015 corpus claims (data/wild_pairs/; real: either annotator);
- `related`: similar claim pairs of training articles two earlier models flagged (data/nli/flagged/);
- `denial`: FNC-1 denials and debunks against other claims (data/denial_pairs/; real: both annotators; pairs
  they split on are left out);
- `news_dev`, `news_test`: the news contradiction set (data/news_nli/), balanced and on one topic per cluster.

The ranking reads what select() reads: score, the claims' cosine similarity (all-MiniLM-L6-v2; the engine's own
for `wild`), their shared content words, one-sided negation (a denial cue, or a negative word in the content),
shared named entities (known for `wild` only: the engine's own); replies are not known and add nothing. Figures per set: ROC AUC and average
precision of each order over the reported pairs, and how many real contradictions sit in the top 10% / 25%.

    flock /tmp/contra-heavy.lock python -m bench.ranking        # ~2 min on 2 cores (the NLI passes)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.blocking import SAMPLE, WILD  # noqa: E402
from bench.noise import DENIALS, RELATED  # noqa: E402

NEWS = ROOT / "data" / "news_nli"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def labelled_sets() -> dict[str, list[dict]]:
    """Each set as rows of a, b (contents), cue_a/b, stance_a/b, similarity (None: compute), real (bool)."""
    claims = pl.read_parquet(SAMPLE).drop("vector")
    by_id = {r["claim_id"]: r for r in claims.iter_rows(named=True)}
    wild = []
    for r in _rows(WILD):
        a, b = by_id[r["claim_a"]], by_id[r["claim_b"]]
        wild.append({"a": a["content"], "b": b["content"], "cue_a": a["cue"], "cue_b": b["cue"],
                     "stance_a": a["stance"], "stance_b": b["stance"], "similarity": r["similarity"],
                     "shared_entities": sorted(set(a["entities"] or ()) & set(b["entities"] or ())),
                     "real": "contradiction" in (r["label_1"], r["label_2"])})
    related = [{"a": r["a"], "b": r["b"], "similarity": r["similarity"], "real": r["label"] == "contradiction"}
               for r in _rows(RELATED)]
    denial = [{"a": r["a_content"], "b": r["b_content"], "cue_a": r["a_cue"], "cue_b": r["b_cue"],
               "stance_a": r["a_stance"], "stance_b": r["b_stance"], "real": r["label_1"] == "contradiction"}
              for r in _rows(DENIALS) if r["label_1"] == r["label_2"] or "contradiction" not in (r["label_1"], r["label_2"])]
    out = {"wild": wild, "related": related, "denial": denial}
    for split in ("dev", "test"):
        out[f"news_{split}"] = [{"a": r["premise"], "b": r["hypothesis"], "real": r["label"] == "contradiction"}
                                for r in _rows(NEWS / f"{split}.jsonl")]
    return out


def ranked(rows: list[dict], model, config) -> pl.DataFrame:
    """The reported pairs of `rows` with the engine's score, its rank_score and `real`."""
    from engine import contradictions, embed
    from engine.nli.score import pair_scores
    from engine.nli.views import is_negative, readings

    def side(s):
        return ([r[s] for r in rows], [r.get(f"cue_{s}") for r in rows], [r.get(f"stance_{s}") for r in rows])

    (a, cue_a, st_a), (b, cue_b, st_b) = side("a"), side("b")
    read_a, read_b = readings(a, cue_a, st_a, config.spacy_model), readings(b, cue_b, st_b, config.spacy_model)
    score = pair_scores(model, read_a, read_b, config)[2]
    missing = [i for i, r in enumerate(rows) if r.get("similarity") is None]
    similarity = [r.get("similarity") for r in rows]
    if missing:
        va, vb = embed.encode([a[i] for i in missing], config), embed.encode([b[i] for i in missing], config)
        for i, s in zip(missing, (va * vb).sum(axis=1)):
            similarity[i] = float(s)
    frame = pl.DataFrame({
        "score": np.asarray(score, dtype=np.float64), "similarity": similarity, "content_a": a, "content_b": b,
        "shared_entities": [r.get("shared_entities", []) for r in rows], "_reply": [False] * len(rows),
        "_one_negative": [is_negative(x) != is_negative(y) for x, y in zip(read_a, read_b)],
        "real": [r["real"] for r in rows],
    }, schema_overrides={"similarity": pl.Float64, "shared_entities": pl.List(pl.Utf8)})
    return frame.filter(pl.col("score") >= config.nli_threshold).with_columns(contradictions.rank_score(config))


def figures(frame: pl.DataFrame) -> dict:
    from sklearn.metrics import average_precision_score, roc_auc_score

    real = frame["real"].to_numpy()
    out = {"reported": frame.height, "real": int(real.sum())}
    for key, name in (("score", "score"), ("rank_score", "ranking")):
        order = frame[key].to_numpy()
        top = np.argsort(-order, kind="stable")
        out[f"auc_{name}"] = round(float(roc_auc_score(real, order)), 3) if 0 < real.sum() < len(real) else None
        out[f"ap_{name}"] = round(float(average_precision_score(real, order)), 3) if real.sum() else None
        for share in (10, 25):
            out[f"top{share}_{name}"] = int(real[top[: round(len(real) * share / 100)]].sum())
    return out


def main(argv=None) -> None:
    """`python -m bench.ranking [OPTION=VALUE ...]`: the figures with the default Config, or with rank_* options
    changed (e.g. rank_entity_bonus=0.3) to compare weights."""
    from engine import nli
    from engine.config import Config

    changes = dict(arg.split("=", 1) for arg in (argv if argv is not None else sys.argv[1:]))
    config = Config(show_progress=False, **{k: float(v) for k, v in changes.items()})
    model = nli.load()
    for name, rows in labelled_sets().items():
        print(json.dumps({"ranking_set": name, **changes, **figures(ranked(rows, model, config))}), flush=True)


if __name__ == "__main__":
    main()
