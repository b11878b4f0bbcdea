"""How the shipped NLI model's ONNX export runs, side by side in one process on real candidate pairs.

Exports the shipped weights twice into a temporary folder (~1 minute): with eager attention (what
`contra export-nli` writes since session 12) and with PyTorch's SDPA attention (the export before). Then, on the
a->b texts of the candidate pairs of ~CLAIMS corpus claims (what the NLI stage scores), median of 3 interleaved
passes after a warm-up pass each, 2 threads:

- `fp32_eager_speedup_vs_sdpa`: the fused fp32 graph (the exact pass), batches of 32 on one 2-thread session;
- `int8_engine_speedup_vs_batched_sdpa`: the int8 pass as the engine runs it now (eager export, one pair per
  call on two single-thread sessions side by side) vs as it ran before (SDPA export, batches of 32 on one
  2-thread session), with the largest contradiction-probability difference of each from fp32 and how much a
  pair's batched int8 score moves when its batch-mates change.

    flock /tmp/contra-heavy.lock python -m bench.export [CLAIMS]      # default ~400 claims; ~4 minutes
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

THREADS = 2
BATCH = 32
ROUNDS = 3


def _texts(target: int) -> list[tuple[str, str]]:
    from bench.screen import _claims_and_pairs
    from engine.nli.views import claim_readings

    table, pairs, config = _claims_and_pairs(target)
    reading = dict(zip(table["claim_id"].to_list(), claim_readings(table, config)))
    return list(dict.fromkeys((reading[a], reading[b]) for a, b in pairs.select("claim_a", "claim_b").iter_rows()))


def _session(path: Path, threads: int):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads, opts.inter_op_num_threads = threads, 1
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _feeds(model, pairs, batch: int, order=None) -> list[tuple[np.ndarray, dict]]:
    """Padded model inputs per batch, shortest first (or in `order`), as NLIModel.predict builds them."""
    from engine import bf16
    from engine.nli.model import MODEL_INPUTS

    enc = model._encode(pairs)
    keys = [k for k in MODEL_INPUTS if k in enc]
    lengths = np.array([len(x) for x in enc["input_ids"]])
    order = np.argsort(lengths, kind="stable") if order is None else order
    fill = {"input_ids": model.tokenizer.pad_token_id or 0, "token_type_ids": 0}
    out = []
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        padded = bf16.pad({k: enc[k] for k in keys}, idx, int(lengths[idx].max()), len(idx), fill)
        out.append((idx, {k: v.astype(np.int64) for k, v in padded.items()}))
    return out


def _run(sessions, feeds, n: int) -> np.ndarray:
    """Contradiction-index softmax inputs (logits) for every pair; several sessions run batches side by side."""
    logits = np.zeros((n, 3), dtype=np.float32)

    def one(k):
        for idx, feed in feeds[k::len(sessions)]:
            logits[idx] = sessions[k].run(None, feed)[0]

    if len(sessions) == 1:
        one(0)
    else:
        with ThreadPoolExecutor(len(sessions)) as pool:
            list(pool.map(one, range(len(sessions))))
    return logits


def _probs(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def run(target: int = 400) -> dict:
    from engine.nli import load
    from engine.nli.export_onnx import export
    from engine.nli.model import SHIPPED_DIR

    model = load(None)
    pairs = _texts(target)
    c = model.index("contradiction")
    with tempfile.TemporaryDirectory() as tmp:
        graphs = {}
        for attention in ("eager", "sdpa"):
            folder = Path(tmp) / attention
            export(SHIPPED_DIR, folder, keep_fp32=True, attention=attention)
            graphs[attention] = folder
        by_call = _feeds(model, pairs, 1)
        batched = _feeds(model, pairs, BATCH)
        shuffled = _feeds(model, pairs, BATCH, order=np.random.default_rng(7).permutation(len(pairs)))
        runs = {
            "fp32_eager": ([_session(graphs["eager"] / "model.onnx", THREADS)], batched),
            "fp32_sdpa": ([_session(graphs["sdpa"] / "model.onnx", THREADS)], batched),
            "int8_engine": ([_session(graphs["eager"] / "model.int8.onnx", 1) for _ in range(THREADS)], by_call),
            "int8_batched_sdpa": ([_session(graphs["sdpa"] / "model.int8.onnx", THREADS)], batched),
        }
        seconds = {name: [] for name in runs}
        probs = {}
        for name, (sessions, feeds) in runs.items():  # warm-up pass
            probs[name] = _probs(_run(sessions, feeds, len(pairs)))[:, c]
        for _ in range(ROUNDS):
            for name, (sessions, feeds) in runs.items():
                t = time.perf_counter()
                _run(sessions, feeds, len(pairs))
                seconds[name].append(time.perf_counter() - t)
        moved = np.abs(_probs(_run(runs["int8_batched_sdpa"][0], shuffled, len(pairs)))[:, c]
                       - probs["int8_batched_sdpa"])
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
