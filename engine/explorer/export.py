"""Export of the explorer's current (filtered) view."""
from __future__ import annotations

from pathlib import Path

import polars as pl

from engine.errors import ConfigError

FORMATS = ("graphml", "parquet", "csv")
#: tables of the view written as CSV (parquet writes every table through `Analysis.to_parquet`)
CSV_TABLES = ("contradictions", "claims", "actors", "documents", "disagreements")


def _flat(frame: pl.DataFrame) -> pl.DataFrame:
    """CSV has no lists: list columns become '; '-joined strings."""
    lists = [name for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)]
    return frame.with_columns(pl.col(name).cast(pl.List(pl.Utf8)).list.join("; ") for name in lists)


def export_view(view, folder, fmt: str) -> list[Path]:
    """Write `view` (an Analysis) into `folder` as `fmt` (graphml | parquet | csv); returns the files."""
    from engine.export import output_folder

    if fmt not in FORMATS:
        raise ConfigError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    folder = output_folder(folder)
    if fmt == "graphml":
        return [view.to_graphml(folder / "graph.graphml")]
    if fmt == "parquet":
        return list(view.to_parquet(folder).values())
    if fmt == "csv":
        written = []
        for name in CSV_TABLES:
            path = folder / f"{name}.csv"
            _flat(getattr(view, name)).write_csv(path)
            written.append(path)
    return written
