"""Same claim, many sources: near-duplicate claims become one group, so a wire story copied by ten outlets is
one claim with ten sources, scored once.

Two claims are copies when their contents are near-identical (cosine >= `duplicate_similarity`), neither or both
deny it (engine.nli.views.is_denial), and they come from
the same actor — or both are an outlet's own unattributed narration (the wire copy case, where each outlet is a
different "speaker" of the same text). Groups are connected components; the representative is the earliest
claim (by date, then by order), so results do not depend on input order within a date.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from engine.candidates import nearest_neighbours
from engine.config import Config
from engine.nli.views import denials


def components(n: int, edges) -> list[int]:
    """For nodes 0..n-1 joined by `edges` (pairs of node numbers), each node's connected component, named by
    its smallest member."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    label = list(range(n))
    for members in nx.connected_components(graph):
        first = min(members)
        for i in members:
            label[i] = first
    return label


def group(claims: pl.DataFrame, vectors: np.ndarray, config: Config) -> pl.DataFrame:
    """Adds `group_id` (claim_id of the group's representative) and `copies` (group size) to `claims`."""
    n = claims.height
    if n == 0:
        return claims.with_columns(pl.lit(None, dtype=pl.Utf8).alias("group_id"), pl.lit(0).alias("copies"))
    copies = []  # pairs of claims that are copies of each other
    if n > 1 and config.duplicate_similarity < 1.0:
        actors = claims["actor"].to_list()
        attributed = claims["attributed"].fill_null(True).to_list()
        denial = denials(claims)  # "X said Y" and "X denied Y" embed alike but are opposites, never copies
        sims, neighbours = nearest_neighbours(np.asarray(vectors, dtype=np.float32), min(5, n - 1))
        for a in range(n):
            for sim, b in zip(sims[a], neighbours[a]):
                b = int(b)
                if b < 0 or b == a or sim < config.duplicate_similarity:
                    continue
                same_voice = actors[a] == actors[b] or (not attributed[a] and not attributed[b])
                if same_voice and denial[a] == denial[b]:
                    copies.append((a, b))
    roots = components(n, copies)
    # earliest-dated member represents the group (undated members sort last; ties keep input order)
    dates = claims["published"].fill_null("9999").to_list() if "published" in claims.columns else ["9999"] * n
    best: dict[int, int] = {}
    for i, r in enumerate(roots):
        if r not in best or dates[i] < dates[best[r]]:
            best[r] = i
    ids = claims["claim_id"].to_list()
    group_ids = [ids[best[r]] for r in roots]
    sizes: dict[str, int] = {}
    for g in group_ids:
        sizes[g] = sizes.get(g, 0) + 1
    return claims.with_columns(
        pl.Series("group_id", group_ids, dtype=pl.Utf8),
        pl.Series("copies", [sizes[g] for g in group_ids], dtype=pl.Int64),
    )


def representatives(claims: pl.DataFrame) -> np.ndarray:
    """Boolean mask of the claims that stand for their group."""
    return (claims["claim_id"] == claims["group_id"]).to_numpy()
