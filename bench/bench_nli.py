"""NLI throughput: the engine's fast pass vs sentence_transformers.CrossEncoder.predict (fp32).

The fast pass is what `engine.nli.load()` picks on this machine (`fast_pass`: bf16 on CPUs with AMX-BF16,
run by OpenVINO when installed (`bf16_runtime`), else the int8 ONNX graph); the int8 graph, the bf16 pass on
torch and the exact fp32 graph are timed too. Same weights (the shipped
models/nli-minilm), same pairs (1,024 SNLI pairs; 256 with --quick), 2 threads, batch 32, side by side in
one run: median of 3 interleaved passes after a warm-up pass each. accuracy_delta = fast-pass accuracy
minus CrossEncoder accuracy on SICK TEST in points (on the benchmark pairs themselves with --quick).

    flock /tmp/contra-heavy.lock python bench/bench_nli.py [--quick]

Prints one JSON line: nli_pairs_per_s, crossencoder_pairs_per_s, nli_speedup_vs_crossencoder, accuracy_delta.
"""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

THREADS = 2
BATCH = 32

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _pairs(n: int):
    from engine.nli import data

    rows = data.snli().head(n)
    return list(zip(rows["premise"], rows["hypothesis"])), rows["label"].to_list()


ROUNDS = 3


def _timed(fns: dict, pairs) -> tuple[dict, dict]:
    """Outputs and median seconds per function: one full warm-up pass each (torch caches kernels per input
    shape, so its first pass over new lengths is up to 2x slower), then ROUNDS interleaved timed passes
    (load from other processes then hits both sides alike)."""
    import statistics

    outs = {name: fn(pairs) for name, fn in fns.items()}
    seconds: dict = {name: [] for name in fns}
    for _ in range(ROUNDS):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn(pairs)
            seconds[name].append(time.perf_counter() - t0)
    return outs, {name: statistics.median(s) for name, s in seconds.items()}


def run(quick: bool = False) -> dict:
    os.environ.setdefault("OMP_NUM_THREADS", str(THREADS))
    import numpy as np
    import torch
    from sentence_transformers import CrossEncoder

    from engine.bf16 import cpu_has_amx_bf16
    from engine.nli import data
    from engine.nli.model import SHIPPED_DIR, load
    from engine.quiet import model_io

    torch.set_num_threads(THREADS)
    pairs, gold = _pairs(256 if quick else 1024)

    ours = load(None, backend="onnx", threads=THREADS)  # fast pass "auto": bf16 on AMX CPUs, else int8
    int8 = load(None, backend="onnx", threads=THREADS, fast="int8") if ours.fast != "int8" else None
    # the bf16 pass on torch too, where OpenVINO runs it by default: what a machine without OpenVINO gets
    torch_bf16 = (load(None, backend="onnx", threads=THREADS, fast="bf16", bf16_runtime="torch")
                  if ours.bf16_runtime == "openvino" else None)
    with model_io():  # no loading bar in the JSON lines
        # the shipped weights are fp16 on disk: the baseline runs fp32
        ce = CrossEncoder(str(SHIPPED_DIR), device="cpu", max_length=128, model_kwargs={"dtype": torch.float32})
    assert next(ce.model.parameters()).dtype == torch.float32
    ce_labels = [ce.model.config.id2label[i].lower() for i in range(3)]

    def ce_predict(p):
        return np.asarray(ce.predict(p, batch_size=BATCH, show_progress_bar=False))

    def our_predict(p):
        return ours.predict(p, batch_size=BATCH)

    def exact_predict(p):  # the fp32 graph that re-scores reportable pairs (Config.nli_exact)
        return ours.predict(p, batch_size=BATCH, exact=True)

    fns = {"ce": ce_predict, "ours": our_predict}
    if not quick:  # the fp32 graph is a full-run figure (keeps --quick under a minute on slow CPUs)
        fns["exact"] = exact_predict
    if int8 is not None:  # the pass machines without AMX get, measured here too
        fns["int8"] = lambda p: int8.predict(p, batch_size=BATCH)
    if torch_bf16 is not None:
        fns["torch_bf16"] = lambda p: torch_bf16.predict(p, batch_size=BATCH)
    outs, secs = _timed(fns, pairs)
    (ce_out, ce_s), (our_out, our_s) = (outs["ce"], secs["ce"]), (outs["ours"], secs["ours"])

    if quick:
        acc_pairs, acc_gold, ce_acc_out, our_acc_out = pairs, gold, ce_out, our_out
        acc_set = f"snli ({len(pairs)} bench pairs)"
    else:
        sick = data.sick(("TEST",))
        acc_pairs, acc_gold = list(zip(sick["premise"], sick["hypothesis"])), sick["label"].to_list()
        ce_acc_out, our_acc_out = ce_predict(acc_pairs), our_predict(acc_pairs)
        acc_set = f"sick_test ({len(acc_pairs)})"
    ce_acc = float(np.mean(np.array(ce_labels)[ce_acc_out.argmax(1)] == np.array(acc_gold)))
    our_acc = float(np.mean(np.array(ours.labels)[our_acc_out.argmax(1)] == np.array(acc_gold)))
    return {
        "bench": "nli",
        "pairs": len(pairs),
        "threads": THREADS,
        "batch_size": BATCH,
        "fast_pass": ours.fast,
        "bf16_runtime": ours.bf16_runtime,
        "amx_bf16": cpu_has_amx_bf16(),
        "rounds": ROUNDS,
        "nli_pairs_per_s": round(len(pairs) / our_s, 1),
        "crossencoder_pairs_per_s": round(len(pairs) / ce_s, 1),
        "nli_speedup_vs_crossencoder": round(ce_s / our_s, 2),
        **({"exact_fp32_speedup_vs_crossencoder": round(ce_s / secs["exact"], 2)} if "exact" in secs else {}),
        **({"int8_speedup_vs_crossencoder": round(ce_s / secs["int8"], 2)} if "int8" in secs else {}),
        **({"torch_bf16_speedup_vs_crossencoder": round(ce_s / secs["torch_bf16"], 2)}
           if "torch_bf16" in secs else {}),
        "accuracy_set": acc_set,
        "nli_accuracy": round(our_acc, 4),
        "crossencoder_accuracy": round(ce_acc, 4),
        "accuracy_delta": round(100 * (our_acc - ce_acc), 2),
    }


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:])))
