"""The graph the explorer draws: actors, the claims in the current contradictions, and the contradictions.

A plain `networkx.DiGraph` (one edge per claim pair, so a clicked edge maps back to one table row), laid out
in Python (deterministic, no layout running in the browser) and drawn by ipysigma.
"""
from __future__ import annotations

import networkx as nx
import polars as pl

from engine.explorer.render import EDGE_COLOURS, KIND_COLOURS, short


HIDE_INFO_PANEL = True
#: the graph draws at most this many pairs (the strongest; the view is in the engine's ranking), the table lists all
MAX_PAIRS = 400


def actor_node(actor_id: str) -> str:
    return f"actor:{actor_id}"


def claim_node(claim_id: str) -> str:
    return f"claim:{claim_id}"


def build(view, claims_by_id: dict[str, dict], actors_by_id: dict[str, dict],
          limit: int = MAX_PAIRS) -> nx.DiGraph:
    """Claims on either side of a contradiction in `view` (the strongest `limit`), their actors (asserts
    edges), and contradicts edges weighted by score. Node `size` is the degree; `kind` the actor's kind or
    "claim"."""
    g = nx.DiGraph()
    found = view.contradictions.head(limit)
    for i, row in enumerate(found.iter_rows(named=True)):
        for side in ("a", "b"):
            claim_id = row[f"claim_{side}"]
            node = claim_node(claim_id)
            if node not in g:
                claim = claims_by_id.get(claim_id, {})
                speaker = claim.get("speaker") or row.get(f"speaker_{side}") or ""
                g.add_node(node, kind="claim", claim_id=claim_id,
                           label=short(f"{speaker}: {claim.get('content') or row.get(f'content_{side}') or ''}", 60))
            actor_id = row.get(f"actor_{side}")
            if actor_id:
                anode = actor_node(actor_id)
                if anode not in g:
                    actor = actors_by_id.get(actor_id, {})
                    kind = actor.get("kind") if actor.get("kind") in KIND_COLOURS else "unknown"
                    g.add_node(anode, kind=kind, actor_id=actor_id, label=actor.get("name") or actor_id)
                if not g.has_edge(anode, node):
                    g.add_edge(anode, node, kind="asserts", weight=0.5, size=1.0)
        a, b = claim_node(row["claim_a"]), claim_node(row["claim_b"])
        if not g.has_edge(a, b):
            score = float(row["score"] or 0.0)
            g.add_edge(a, b, kind="contradicts", score=score, weight=score, size=1.0 + 5.0 * score,
                       row=i, label=f"{score:.2f}")
    for node, degree in g.degree():
        g.nodes[node]["size"] = float(degree)
    return g


def layout(g: nx.DiGraph, seed: int = 13) -> dict[str, dict[str, float]]:
    if g.number_of_nodes() == 0:
        return {}
    pos = nx.spring_layout(g.to_undirected(), seed=seed, weight=None, k=1.5 / max(1, g.number_of_nodes()) ** 0.5)
    return {n: {"x": float(x), "y": float(y)} for n, (x, y) in pos.items()}


def sigma(g: nx.DiGraph, positions: dict, height: int = 460, selected_edge=None):
    """An ipysigma widget for `g` (its JavaScript ships inside the ipysigma package: no CDN).

    ipysigma reads `selected_edge` only when the view is first drawn, so showing another selected pair
    means a new widget (same positions, so the picture stays put)."""
    from ipysigma import Sigma

    widget = Sigma(
        g,
        height=height,
        layout=positions,
        clickable_edges=True,
        node_color="kind",
        node_color_palette=KIND_COLOURS,
        node_size="size",
        node_size_range=(4, 14),
        edge_color="kind",
        edge_color_palette=EDGE_COLOURS,
        edge_size="size",
        edge_size_range=(1, 6),
        default_edge_type="arrow",
        label_density=2,
        hide_info_panel=HIDE_INFO_PANEL,
    )
    if selected_edge is not None:
        # set after construction: ipysigma 0.24's constructor check of `selected_edge` fails
        widget.selected_edge = tuple(selected_edge)
    return widget


def pair_index(g: nx.DiGraph, source: str, target: str) -> int | None:
    """The view row of a clicked contradicts edge (either direction)."""
    for u, v in ((source, target), (target, source)):
        if g.has_edge(u, v) and g.edges[u, v].get("kind") == "contradicts":
            return g.edges[u, v]["row"]
    return None


def first_row_with(found: pl.DataFrame, claim_id: str) -> int | None:
    """The strongest contradiction (first row: the view is in the engine's ranking) that involves `claim_id`."""
    for i, (a, b) in enumerate(zip(found["claim_a"].to_list(), found["claim_b"].to_list())):
        if claim_id in (a, b):
            return i
    return None
