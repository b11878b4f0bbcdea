"""The contradiction graph: a plain `networkx.MultiDiGraph` built from the tables.

Nodes (attribute `kind`):
  actor:<actor_id>   kind="actor"     name, actor_kind, parent, aliases, claims
  claim:<claim_id>   kind="claim"     content, sentence, speaker, actor, cue, stance, doc_id, published, attributed,
                                      copies, sources (near-duplicate claims share their representative's node)
  doc:<doc_id>       kind="document"  title, source, url, published, origin
Edges (attribute `kind`, key = kind):
  actor -> claim     asserts          cue, stance, speaker
  actor -> actor     part_of          (child speaks for / belongs to parent)
  claim -> document  appears_in       start, end (sentence offsets in the document text)
  claim -> claim     contradicts      score, rank_score, rank (1 = listed first), contradiction_ab, contradiction_ba,
                                      view, similarity, shared_entities, contradiction_kind (dispute / reversal /
                                      correction)
  actor -> actor     disagrees_with   count, max_score, top_rank_score, first, last, strongest_claim_a/b
                                      (the pair ranked first; both directions are added)
"""
from __future__ import annotations

import networkx as nx
import polars as pl


def actor_node(actor_id: str) -> str:
    return f"actor:{actor_id}"


def claim_node(claim_id: str) -> str:
    return f"claim:{claim_id}"


def doc_node(doc_id: str) -> str:
    return f"doc:{doc_id}"


def build(documents: pl.DataFrame, claims: pl.DataFrame, actors: pl.DataFrame,
          contradictions: pl.DataFrame) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph(name="contradictions")
    for d in documents.iter_rows(named=True):
        g.add_node(doc_node(d["doc_id"]), kind="document", label=d["title"] or d["doc_id"],
                   **{k: d[k] for k in ("title", "source", "url", "published", "origin")})
    for a in actors.iter_rows(named=True):
        g.add_node(actor_node(a["actor_id"]), kind="actor", label=a["name"] or a["actor_id"], name=a["name"],
                   actor_kind=a["kind"], parent=a["parent"], aliases=a["aliases"], claims=a["claims"])
    for a in actors.iter_rows(named=True):
        if a["parent"]:
            if not g.has_node(actor_node(a["parent"])):
                g.add_node(actor_node(a["parent"]), kind="actor", label=a["parent"], name=a["parent"])
            g.add_edge(actor_node(a["actor_id"]), actor_node(a["parent"]), key="part_of", kind="part_of")
    sources: dict[str, list[str]] = {}
    for c in claims.iter_rows(named=True):
        sources.setdefault(c.get("group_id") or c["claim_id"], []).append(c["doc_id"])
    # near-duplicate claims (wire copies) share one node: the representative's, linked to every source
    for c in claims.iter_rows(named=True):
        node = claim_node(c.get("group_id") or c["claim_id"])
        if not g.has_node(node):
            group = sources[c.get("group_id") or c["claim_id"]]
            g.add_node(node, kind="claim", label=c["content"][:80], copies=len(group), sources=sorted(set(group)),
                       **{k: c.get(k) for k in ("content", "sentence", "speaker", "actor", "cue", "stance", "doc_id",
                                                "published", "attributed")})
        if c["actor"]:
            if not g.has_node(actor_node(c["actor"])):
                g.add_node(actor_node(c["actor"]), kind="actor", label=c["actor"], name=c["actor"])
            if not g.has_edge(actor_node(c["actor"]), node, key="asserts"):
                g.add_edge(actor_node(c["actor"]), node, key="asserts", kind="asserts", cue=c["cue"],
                           stance=c["stance"], speaker=c["speaker"])
        if g.has_node(doc_node(c["doc_id"])) and not g.has_edge(node, doc_node(c["doc_id"]), key="appears_in"):
            g.add_edge(node, doc_node(c["doc_id"]), key="appears_in", kind="appears_in", start=c["start"],
                       end=c["end"], claim_id=c["claim_id"])
    for rank, r in enumerate(contradictions.iter_rows(named=True), start=1):  # the table is in ranking order
        g.add_edge(claim_node(r["claim_a"]), claim_node(r["claim_b"]), key="contradicts", kind="contradicts",
                   score=r["score"], rank_score=r["rank_score"], rank=rank, contradiction_ab=r["contradiction_ab"], contradiction_ba=r["contradiction_ba"],
                   similarity=r["similarity"], shared_entities=list(r["shared_entities"] or []),
                   contradiction_kind=r["kind"], published_a=r["published_a"], published_b=r["published_b"],
                   view=r["view"])
    _add_disagreements(g, contradictions, claims)
    return g


def _add_disagreements(g: nx.MultiDiGraph, contradictions: pl.DataFrame, claims: pl.DataFrame) -> None:
    from engine.contradictions import disagreements

    for r in disagreements(contradictions, claims).iter_rows(named=True):
        attrs = dict(kind="disagrees_with", count=int(r["count"]), max_score=r["max_score"],
                     top_rank_score=r["top_rank_score"], first=r["first"],
                     last=r["last"], strongest_claim_a=r["strongest_claim_a"], strongest_claim_b=r["strongest_claim_b"])
        # disagreement has no direction; both edges make either actor's neighbourhood complete
        g.add_edge(actor_node(r["actor_a"]), actor_node(r["actor_b"]), key="disagrees_with", **attrs)
        g.add_edge(actor_node(r["actor_b"]), actor_node(r["actor_a"]), key="disagrees_with", **attrs)


def subgraph(g: nx.MultiDiGraph, kinds=("actor",), edge_kinds=("disagrees_with", "part_of")) -> nx.MultiDiGraph:
    """A layer of the graph, e.g. the actor-level disagreement network."""
    h = nx.MultiDiGraph(name=f"{g.graph.get('name', 'graph')}:{'+'.join(edge_kinds)}")
    h.add_nodes_from((n, d) for n, d in g.nodes(data=True) if d.get("kind") in kinds)
    h.add_edges_from((u, v, k, d) for u, v, k, d in g.edges(keys=True, data=True)
                     if d.get("kind") in edge_kinds and u in h and v in h)
    return h
