"""How the shipped NLI model's ONNX export runs, side by side in one process on real candidate pairs.

Exports the shipped weights twice into a temporary folder (~1 minute): with eager attention (what
`contra export-nli` writes since session 12) and with PyTorch's SDPA attention (the export before). Then, on the
a->b texts of the candidate pairs of ~CLAIMS corpus claims (what the NLI stage scores), median of 3 interleaved
passes after a warm-up pass each, 2 threads:

- `fp32_eager_speedup_vs_sdpa`: the fused fp32 graph (the exact pass), batches of 32 on one 2-thread session;
- `int8_engine_speedup_vs_batched_sdpa`: the int8 pass as the engine runs it now (`NLIModel.predict` on the eager
  export: one pair per call on two single-thread sessions side by side) vs as it ran before (the SDPA export,
  length-sorted batches of 32 on one 2-thread session), with the largest contradiction-probability difference of
  each from fp32, and how far a pair's batched int8 score moves when its batch-mates change (all the pairs
  against a random half of them scored by themselves).

Both copies of the model are loaded through `engine.nli.load` and run through its own batching, so the timings
are of the engine's code; tokenizing is inside every timing.

    flock /tmp/contra-heavy.lock python -m bench.export [CLAIMS]      # default ~400 claims; ~4 minutes
"""
from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.nli.model import MODEL_INPUTS  # noqa: E402

THREADS = 2
BATCH = 32
ROUNDS = 3


def _texts(target: int) -> list[tuple[str, str]]:
    from bench.screen import _claims_and_pairs
    from engine.nli.views import claim_readings

    table, pairs, config = _claims_and_pairs(target)
    reading = dict(zip(table["claim_id"].to_list(), claim_readings(table, config)))
    return list(dict.fromkeys((reading[a], reading[b]) for a, b in pairs.select("claim_a", "claim_b").iter_rows()))


def _exported(folder: Path, attention: str):
    """A copy of the shipped model in `folder`, exported with `attention`, loaded as the engine loads a model."""
    from engine.nli import load
    from engine.nli.export_onnx import export
    from engine.nli.model import SHIPPED_DIR

    folder.mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(SHIPPED_DIR / name, folder / name)
    export(folder, keep_fp32=True, attention=attention)
    return load(folder, backend="onnx", threads=THREADS, fast="int8")


def _batched_int8(model, pairs) -> np.ndarray:
    """The int8 pass as it ran before session 12: NLIModel's length-sorted batches of BATCH, one 2-thread session."""
    probs = np.zeros((len(pairs), len(model.labels)), dtype=np.float32)
    enc = model._encode(pairs)
    keys = [k for k in MODEL_INPUTS if k in enc]
    for idx, feats in model._batches(enc, keys, BATCH, exact=True, show_progress=False):  # plain batches
        logits = model._logits(feats, exact=False)  # the int8 graph's own session
        e = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs[idx] = e / e.sum(axis=1, keepdims=True)
    return probs


def run(target: int = 400) -> dict:
    pairs = _texts(target)
    with tempfile.TemporaryDirectory() as tmp:
        eager, sdpa = _exported(Path(tmp) / "eager", "eager"), _exported(Path(tmp) / "sdpa", "sdpa")
        c = eager.index("contradiction")
        runs = {
            "fp32_eager": lambda: eager.predict(pairs, batch_size=BATCH, exact=True),
            "fp32_sdpa": lambda: sdpa.predict(pairs, batch_size=BATCH, exact=True),
            "int8_engine": lambda: eager.predict(pairs),
            "int8_batched_sdpa": lambda: _batched_int8(sdpa, pairs),
        }
        probs = {name: fn()[:, c] for name, fn in runs.items()}  # warm-up pass
        seconds: dict = {name: [] for name in runs}
        for _ in range(ROUNDS):
            for name, fn in runs.items():
                t = time.perf_counter()
                fn()
                seconds[name].append(time.perf_counter() - t)
        half = np.sort(np.random.default_rng(7).choice(len(pairs), len(pairs) // 2, replace=False))
        moved = np.abs(_batched_int8(sdpa, [pairs[i] for i in half])[:, c] - probs["int8_batched_sdpa"][half])
    median = {name: statistics.median(s) for name, s in seconds.items()}
    exact = probs["fp32_eager"]
    return {
        "fp32_eager_speedup_vs_sdpa": round(median["fp32_sdpa"] / median["fp32_eager"], 2),
        "int8_engine_speedup_vs_batched_sdpa": round(median["int8_batched_sdpa"] / median["int8_engine"], 2),
        "pairs": len(pairs),
        **{f"{name}_pairs_per_s": round(len(pairs) / s, 1) for name, s in median.items()},
        "fp32_eager_vs_sdpa_max_diff": float(np.abs(exact - probs["fp32_sdpa"]).max()),
        "int8_engine_max_diff_from_fp32": round(float(np.abs(probs["int8_engine"] - exact).max()), 3),
        "int8_batched_max_diff_from_fp32": round(float(np.abs(probs["int8_batched_sdpa"] - exact).max()), 3),
        "int8_batched_max_move_with_batch_mates": round(float(moved.max()), 3),
    }


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 400)))
