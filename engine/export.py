"""Exports that open in other tools: GraphML (Gephi, Cytoscape, yEd, networkx) and parquet tables.

GraphML only knows scalar attributes of one type per key and XML 1.0 characters, while our graph carries lists,
None, numpy numbers and whatever text the news had. `sanitize` turns any graph into one that writes and reads
back: lists/dicts become JSON text, None is left out, XML-illegal characters are removed, and a key whose values
mix types is written as text.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import networkx as nx
import numpy as np
import polars as pl

# characters XML 1.0 forbids, plus lone surrogates (which cannot even be encoded as UTF-8)
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: str) -> str:
    return _XML_ILLEGAL.sub("", value)


def _scalar(value):
    """A GraphML-writable scalar for any value, or None to leave the attribute out."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if -(2**63) <= value < 2**63 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, (list, tuple, set, dict, np.ndarray, pl.Series)):
        if isinstance(value, (np.ndarray, pl.Series)):
            value = value.tolist()
        if isinstance(value, set):
            value = sorted(value, key=str)
        return clean_text(json.dumps(value, ensure_ascii=False, default=str))
    return clean_text(str(value))


def _clean_attrs(attrs: dict) -> dict:
    out = {}
    for k, v in attrs.items():
        v = _scalar(v)
        if v is not None:
            out[clean_text(str(k))] = v
    return out


def _unify_types(items: list[dict]) -> None:
    """GraphML declares one type per key: where a key mixes types across items, write it as text."""
    types: dict[str, set] = {}
    for attrs in items:
        for k, v in attrs.items():
            types.setdefault(k, set()).add(type(v))
    mixed = {k for k, t in types.items() if len(t) > 1}
    for attrs in items:
        for k in mixed & attrs.keys():
            attrs[k] = str(attrs[k])


def sanitize(graph: nx.Graph) -> nx.Graph:
    out = graph.__class__()
    out.graph.update(_clean_attrs(graph.graph))
    node_ids = {n: clean_text(str(n)) for n in graph.nodes}
    node_attrs = [_clean_attrs(d) for _, d in graph.nodes(data=True)]
    if graph.is_multigraph():
        edges = [(node_ids[u], node_ids[v], clean_text(str(k)), _clean_attrs(d))
                 for u, v, k, d in graph.edges(keys=True, data=True)]
    else:
        edges = [(node_ids[u], node_ids[v], None, _clean_attrs(d)) for u, v, d in graph.edges(data=True)]
    _unify_types(node_attrs)
    _unify_types([e[3] for e in edges])
    for n, attrs in zip(graph.nodes, node_attrs):
        out.add_node(node_ids[n], **attrs)
    for u, v, k, attrs in edges:
        if graph.is_multigraph():
            out.add_edge(u, v, key=k, **attrs)
        else:
            out.add_edge(u, v, **attrs)
    return out


def to_graphml(graph: nx.Graph, path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(sanitize(graph), path, encoding="utf-8", prettyprint=True)
    return path


TABLES = ("documents", "claims", "actors", "contradictions", "skipped", "scored", "candidates")


def output_folder(directory) -> Path:
    """`directory`, created, with ingest's OUTPUT_MARKER in it: a later run over a folder holding this one does not
    read our results back as articles."""
    from engine.ingest import OUTPUT_MARKER

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    (directory / OUTPUT_MARKER).touch()
    return directory


def to_parquet(analysis, directory) -> dict[str, Path]:
    """One parquet file per table (plus disagreements) in `directory`; returns {table: path}."""
    directory = output_folder(directory)
    written = {}
    for name in TABLES + ("disagreements",):
        frame: pl.DataFrame = getattr(analysis, name)
        path = directory / f"{name}.parquet"
        frame.write_parquet(path)
        written[name] = path
    return written


def write_all(analysis, directory) -> dict[str, Path]:
    """Everything the CLI writes: parquet tables, graph.graphml and the actor disagreement layer."""
    from engine.graph import subgraph

    directory = Path(directory)
    written = to_parquet(analysis, directory)
    written["graph"] = to_graphml(analysis.graph, directory / "graph.graphml")
    written["disagreements_graph"] = to_graphml(subgraph(analysis.graph), directory / "disagreements.graphml")
    return written
