"""Bundled news corpora, ready for `engine.analyze` or `engine.Store.add`.

    from engine import datasets
    datasets.list_datasets()                  # {'seed': '...', 'fnc1': '...', 'polnear': '...', 'corpus': '...'}
    docs = datasets.load("fnc1", limit=200)   # polars DataFrame: id, text, title, source, published
    result = engine.analyze(docs)

Datasets (files under data/, provenance and licences in data/corpus/README.md and data/seed/README.md):

- ``seed``: the reference article (data/seed/), one document, as saved (boilerplate included).
- ``fnc1``: 1,683 news article bodies of the FNC-1 train set (no outlet, title or date is known for them).
- ``polnear``: 924 US political news articles of PolNeAR (train + dev) with outlet, title and date.
- ``corpus``: fnc1 followed by polnear (2,607 articles).

Every frame has the columns ``id`` (unique across datasets: ``fnc1-<Body ID>``, ``polnear-<file name>``, the
seed's file name), ``text``, ``title``, ``source``, ``published`` (YYYY-MM-DD or null) and ``origin``.
``limit`` keeps the first n rows (the order is fixed, so ``limit`` picks the same documents every time);
``sample=n`` instead draws n rows at random with ``seed``.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl

from engine.config import DATA_DIR
from engine.errors import InputError

CORPUS_DIR = DATA_DIR / "corpus"
SEED_DIR = DATA_DIR / "seed"

COLUMNS = {"id": pl.Utf8, "text": pl.Utf8, "title": pl.Utf8, "source": pl.Utf8, "published": pl.Utf8,
           "origin": pl.Utf8}

DESCRIPTIONS = {
    "seed": "the reference article (1 document, data/seed/)",
    "fnc1": "FNC-1 train article bodies (1,683 news articles; no outlet/date)",
    "polnear": "PolNeAR political news (924 articles with outlet, title and date)",
    "corpus": "fnc1 + polnear (2,607 articles)",
}


def list_datasets() -> dict[str, str]:
    """Name -> one-line description of every bundled dataset."""
    return dict(DESCRIPTIONS)


def _frame(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select([
        (pl.col(name).cast(dtype) if name in frame.columns else pl.lit(None, dtype=dtype)).alias(name)
        for name, dtype in COLUMNS.items()
    ])


def _read(name: str) -> pl.DataFrame:
    path = CORPUS_DIR / f"{name}.parquet"
    if not path.exists():
        raise InputError(f"bundled dataset file missing: {path} (run `python data/corpus/build.py`)")
    return pl.read_parquet(path)


def _seed() -> pl.DataFrame:
    files = sorted(p for p in SEED_DIR.glob("*.txt"))
    if not files:
        raise InputError(f"seed article missing in {SEED_DIR}")
    return _frame(pl.DataFrame({
        "id": [p.stem for p in files],
        "text": [p.read_text(encoding="utf-8") for p in files],
        "origin": [str(p) for p in files],
    }))


def _fnc1() -> pl.DataFrame:
    raw = _read("fnc1")
    return _frame(raw.with_columns(
        ("fnc1-" + pl.col("id")).alias("id"),
        ("data/corpus/fnc1.parquet:" + pl.col("id")).alias("origin"),
    ))


def _polnear() -> pl.DataFrame:
    raw = _read("polnear")
    return _frame(raw.with_columns(
        ("polnear-" + pl.col("id")).alias("id"),
        ("data/corpus/polnear.parquet:" + pl.col("id")).alias("origin"),
    ))


def load(name: str = "corpus", limit: int | None = None, sample: int | None = None, seed: int = 13) -> pl.DataFrame:
    """The named dataset as a DataFrame (id, text, title, source, published, origin)."""
    loaders = {"seed": _seed, "fnc1": _fnc1, "polnear": _polnear,
               "corpus": lambda: pl.concat([_fnc1(), _polnear()])}
    if name not in loaders:
        raise InputError(f"unknown dataset {name!r}; bundled: {', '.join(loaders)}")
    frame = loaders[name]()
    if sample is not None:
        frame = frame.sample(n=min(sample, frame.height), seed=seed, shuffle=True)
    if limit is not None:
        frame = frame.head(limit)
    return frame


def path(name: str) -> Path:
    """Where a dataset lives on disk (a folder for the seed, a parquet file otherwise)."""
    return SEED_DIR if name == "seed" else CORPUS_DIR / f"{name}.parquet"
