"""The NLI stage with and without the reverse-direction screen (Config.nli_reverse_min), side by side in one
process on the same claims and candidate pairs: seconds, NLI passes, and whether any reportable pair changed.

    flock /tmp/contra-heavy.lock python -m bench.screen [CLAIMS]      # default ~1,000 claims
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def main(target: int = 1000) -> dict:
    import polars as pl

    from engine import actors, candidates, claims, datasets, dedupe, embed, ingest
    from engine.config import Config
    from engine.nli import score_pairs
    from engine.pipeline import model_text

    config = Config(show_progress=False)
    docs = datasets.load("corpus", sample=10**6, seed=13).head(max(1, round(target / 22)))
    documents, _ = ingest.load_documents(docs, config)
    table, _ = actors.resolve(claims.extract(documents, config), documents, config)
    texts = model_text(table)
    vectors = embed.encode(texts, config)
    table = dedupe.group(table, vectors, config)
    unique = dedupe.representatives(table)
    pairs = candidates.block(table.filter(unique), vectors[unique], config)
    table = table.with_columns(content=pl.Series(texts, dtype=pl.Utf8))
    score_pairs(table, pairs.head(64), config)  # load the model before timing
    out = {"claims": table.height, "pairs": pairs.height}
    results = {}
    for name, cfg in (("both_ways", config.replace(nli_reverse_min=0.0)), ("screened", config)):
        t = time.perf_counter()
        results[name] = score_pairs(table, pairs, cfg)
        out[f"{name}_seconds"] = round(time.perf_counter() - t, 1)
    full, screened = results["both_ways"], results["screened"]
    out["screen_speedup"] = round(out["both_ways_seconds"] / max(1e-9, out["screened_seconds"]), 2)
    out["reverse_scored_fraction"] = round(1 - screened["contradiction_ba"].null_count() / max(1, screened.height), 3)
    hit = lambda f: set(f.filter(pl.col("score") >= config.nli_threshold).select("claim_a", "claim_b").iter_rows())
    out["contradictions_both_ways"], out["contradictions_screened"] = len(hit(full)), len(hit(screened))
    out["contradictions_lost_by_screen"] = len(hit(full) - hit(screened))
    print(json.dumps({"nli_screen_speedup": out.pop("screen_speedup"), **out}))
    return out


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
