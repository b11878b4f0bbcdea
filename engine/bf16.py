"""bf16 inference on CPUs with AMX tiles, with results that do not depend on batch-mates.

On AMX CPUs, oneDNN runs bf16 matmuls ~2-3x faster than fp32. A row's result then depends on the shape of its
batch (row count x padded length), though not on what the other rows hold: the same text embedded in a batch of
17 and in a batch of 64 differs by ~1e-3, in two batches of 64 not at all. So every bf16 batch here has a
fixed row count (short batches are filled with copies of their first row) and a padded length set by its own
items' length bucket (see `width`): an item's result depends only on the item itself and the model (not even on
the thread count, as measured). Few distinct shapes also keep oneDNN's primitive cache warm (engine/__init__.py
sizes it).
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np

#: (up to this length, pad to a multiple of this): fine steps where padding is a large share of a short text,
#: coarse ones where it is not; ~9% more tokens than padding each batch to its longest item on news claim pairs
WIDTH_STEPS = ((64, 8), (128, 16), (256, 32))


@lru_cache(maxsize=1)
def cpu_has_amx_bf16() -> bool:
    """True when the CPU advertises AMX bf16 tiles (Linux /proc/cpuinfo): oneDNN then runs bf16 matmuls on
    them; without AMX, bf16 is emulated and slower than fp32."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return "amx_bf16" in line.split()
    except OSError:
        pass
    return False


def width(length: int) -> int:
    """The padded length of an item of `length` tokens: the next multiple of its range's step."""
    step = next((s for upto, s in WIDTH_STEPS if length <= upto), 64)
    return -(-max(int(length), 1) // step) * step


def batches(lengths: Sequence[int], batch_size: int, limit: int | None = None) -> Iterator[tuple[np.ndarray, int]]:
    """(item indices, padded width) per batch: at most `batch_size` items of one length bucket, shortest
    buckets first. `limit` caps the width (the tokenizer's max length; no item is longer)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    widths = np.array([width(n) for n in lengths], dtype=np.int64)
    if limit is not None:
        widths = np.minimum(widths, max(int(limit), int(lengths.max(initial=1))))
    order = np.argsort(lengths, kind="stable")
    for padded in np.unique(widths):
        members = order[widths[order] == padded]
        for start in range(0, len(members), batch_size):
            yield members[start:start + batch_size], int(padded)


def pad(sequences: dict[str, list[list[int]]], idx: np.ndarray, columns: int, rows: int,
        fill: dict[str, int]) -> dict[str, np.ndarray]:
    """Right-padded int64 arrays of shape (rows, columns) for the items `idx`; rows past len(idx) repeat the
    first item (their outputs are thrown away)."""
    picked = list(idx) + [idx[0]] * (rows - len(idx))
    out = {}
    for key, seqs in sequences.items():
        arr = np.full((rows, columns), fill.get(key, 0), dtype=np.int64)
        for row, i in enumerate(picked):
            seq = seqs[i]
            arr[row, : len(seq)] = seq
        out[key] = arr
    return out
