"""Rebuild the bundled corpus from ../shared/data (run from the repository root: python data/corpus/build.py).

Texts are copied verbatim; parquet with zstd keeps the repository small (~2.5 MB for ~2,600 articles).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "data"


def fnc1() -> pl.DataFrame:
    bodies = pl.read_csv(SHARED / "news" / "fnc1_train_bodies.csv", infer_schema=False)
    return bodies.select(pl.col("Body ID").alias("id"), pl.col("articleBody").alias("text"))


def polnear() -> pl.DataFrame:
    meta = pl.read_csv(SHARED / "polnear" / "metadata.tsv", separator="\t", infer_schema=False)
    rows = []
    for split in ("train", "dev"):
        folder = SHARED / "polnear" / split / "text"
        for name in sorted(os.listdir(folder)):
            rows.append({"id": name[:-4], "split": split, "text": (folder / name).read_text(encoding="utf-8")})
    texts = pl.DataFrame(rows).join(
        meta.select("filename", "publisher", "publication_date", "author", "title"),
        left_on="id", right_on="filename", how="left",
    )
    return texts.select(
        "id", "title", pl.col("publisher").alias("source"), pl.col("publication_date").alias("published"),
        "author", "split", "text",
    )


if __name__ == "__main__":
    for name, frame in (("fnc1", fnc1()), ("polnear", polnear())):
        frame.write_parquet(HERE / f"{name}.parquet", compression="zstd", compression_level=19)
        print(name, frame.height, "articles")
