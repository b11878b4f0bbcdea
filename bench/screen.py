"""The NLI stage side by side in one process on the same claims and candidate pairs:

- with and without the reverse-direction screen (Config.nli_reverse_min): seconds, NLI passes, and whether any
  reportable pair changed;
- `runtime`: the bf16 fast pass on OpenVINO vs on torch (Config.nli_bf16_runtime), interleaved, twice each:
  stage seconds and whether the reported pairs differ;
- `fast`: the machine's fast pass (bf16 or int8) vs every pass in fp32 (Config.nli_fast): stage seconds, and the
  reported pairs the fast screen loses or adds.

    flock /tmp/contra-heavy.lock python -m bench.screen [CLAIMS]           # default ~1,000 claims
    flock /tmp/contra-heavy.lock python -m bench.screen runtime [CLAIMS]
    flock /tmp/contra-heavy.lock python -m bench.screen fast [CLAIMS]
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _claims_and_pairs(target: int):
    """The pipeline up to the NLI stage on ~`target` claims of the bundled corpus: (claims, pairs, config)."""
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
    return table.with_columns(content=pl.Series(texts, dtype=pl.Utf8)), pairs, config


def _reported(frame, config) -> set:
    from engine.contradictions import reported

    return set(frame.filter(reported(config)).select("claim_a", "claim_b").iter_rows())


def main(target: int = 1000) -> dict:
    from engine.nli import score_pairs

    table, pairs, config = _claims_and_pairs(target)
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
    full, screened = _reported(full, config), _reported(screened, config)
    out["contradictions_both_ways"], out["contradictions_screened"] = len(full), len(screened)
    out["contradictions_lost_by_screen"] = len(full - screened)
    print(json.dumps({"nli_screen_speedup": out.pop("screen_speedup"), **out}))
    return out


def _side_by_side(table, pairs, configs: dict, rounds: int) -> tuple[dict, dict]:
    """Seconds per round (interleaved) and the last scored frame of each config, models loaded beforehand."""
    from engine.nli import score_pairs

    for cfg in configs.values():
        score_pairs(table, pairs.head(64), cfg)  # load every model before timing
    seconds: dict = {name: [] for name in configs}
    results = {}
    for _ in range(rounds):
        for name, cfg in configs.items():
            t = time.perf_counter()
            results[name] = score_pairs(table, pairs, cfg)
            seconds[name].append(time.perf_counter() - t)
    return seconds, results


def runtimes(target: int = 1000, rounds: int = 2) -> dict:
    """NLI stage seconds with the bf16 pass on OpenVINO vs torch (best of `rounds`, interleaved)."""
    table, pairs, config = _claims_and_pairs(target)
    configs = {name: config.replace(nli_fast="bf16", nli_bf16_runtime=name) for name in ("openvino", "torch")}
    seconds, results = _side_by_side(table, pairs, configs, rounds)
    best = {name: min(s) for name, s in seconds.items()}
    ov, tc = _reported(results["openvino"], config), _reported(results["torch"], config)
    out = {"nli_stage_openvino_speedup_vs_torch_bf16": round(best["torch"] / best["openvino"], 2),
           "claims": table.height, "pairs": pairs.height,
           **{f"{name}_seconds": [round(x, 1) for x in s] for name, s in seconds.items()},
           "contradictions_openvino": len(ov), "contradictions_torch": len(tc),
           "contradictions_only_one_runtime": len(ov ^ tc)}
    print(json.dumps(out))
    return out


def fast_pass(target: int = 1000, rounds: int = 1) -> dict:
    """The NLI stage with this machine's fast pass (bf16 or int8, only a screen) vs every pass in fp32: stage
    seconds, and the reported pairs the fast screen loses or adds."""
    from engine.nli.model import load_for

    table, pairs, config = _claims_and_pairs(target)
    configs = {"fast": config, "fp32": config.replace(nli_fast="fp32")}
    seconds, results = _side_by_side(table, pairs, configs, rounds)
    best = {name: min(s) for name, s in seconds.items()}
    fast, exact = _reported(results["fast"], config), _reported(results["fp32"], config)
    out = {"nli_stage_fast_speedup_vs_fp32": round(best["fp32"] / best["fast"], 2),
           "fast_pass": load_for(config).fast, "claims": table.height, "pairs": pairs.height,
           **{f"{name}_seconds": [round(x, 1) for x in s] for name, s in seconds.items()},
           "contradictions_fp32": len(exact), "lost_by_fast_screen": len(exact - fast),
           "added_by_fast_screen": len(fast - exact)}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] in ("runtime", "fast"):
        {"runtime": runtimes, "fast": fast_pass}[args[0]](int(args[1]) if len(args) > 1 else 1000)
    else:
        main(int(args[0]) if args else 1000)
