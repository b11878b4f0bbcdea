"""Candidate pairs for NLI: nearest neighbours (more of them for a claim that denies or negates) plus claims that
share a named entity — never all n² pairs.

Blocking is a pure function of the whole claim set (no order dependence), so an incremental store can re-run
it over all claims and score only the pairs it has not scored before.
"""
from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import polars as pl

from engine.config import Config
from engine.nli.views import denials, is_negative
from engine.schema import CANDIDATES, conform, empty

#: above this many claims exact search gives way to an HNSW index (faiss)
EXACT_SEARCH_LIMIT = 50_000


def nearest_neighbours(vectors: np.ndarray, k: int, deep: tuple[np.ndarray, int] | None = None):
    """(similarities, indices) of each row's k nearest other rows by inner product (= cosine here).

    deep = (rows, k_deep): also search those rows for their k_deep nearest, with the same index; the result is
    then ((similarities, indices), (deep similarities, deep indices))."""
    import faiss

    n, dim = vectors.shape
    k = min(k + 1, n)  # +1: a vector is its own nearest neighbour
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    exact = n <= EXACT_SEARCH_LIMIT
    if exact:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = max(64, 2 * k)
    index.add(vectors)
    found = index.search(vectors, k)
    if deep is None:
        return found
    rows, k_deep = np.asarray(deep[0], dtype=np.int64), min(deep[1] + 1, n)
    if not len(rows) or deep[1] <= 0:
        return found, (np.zeros((0, 1), dtype=np.float32), np.zeros((0, 1), dtype=np.int64))
    if not exact:  # the wider search only for the rows that need it
        index.hnsw.efSearch = max(64, 2 * k_deep)
    return found, index.search(np.ascontiguousarray(vectors[rows]), k_deep)


def _entity_pairs(entities: list[list[str]], vectors: np.ndarray, config: Config) -> dict[tuple[int, int], set]:
    """Pairs of claims sharing an entity; for common entities each claim keeps only its closest partners."""
    members: dict[str, list[int]] = defaultdict(list)
    for i, ents in enumerate(entities):
        for e in set(ents or ()):
            members[e].append(i)
    pairs: dict[tuple[int, int], set] = defaultdict(set)
    for entity, idx in members.items():
        m = len(idx)
        if m < 2:
            continue
        if m * (m - 1) // 2 <= config.max_pairs_per_entity:
            for a_pos, a in enumerate(idx):
                for b in idx[a_pos + 1:]:
                    pairs[(a, b)].add(entity)
            continue
        per_claim = max(1, config.max_pairs_per_entity // m)
        group = vectors[idx]
        for start in range(0, m, 1024):  # chunked so a very common entity never builds an m×m matrix
            sims = group[start:start + 1024] @ group.T
            for row, a_pos in enumerate(range(start, min(start + 1024, m))):
                sims[row, a_pos] = -np.inf
            top = np.argpartition(-sims, per_claim - 1, axis=1)[:, :per_claim] if per_claim < m - 1 else None
            for row in range(sims.shape[0]):
                a = idx[start + row]
                partners = top[row] if top is not None else [p for p in range(m) if p != start + row]
                for p in partners:
                    b = idx[p]
                    pairs[(min(a, b), max(a, b))].add(entity)
    return pairs


def content_words(text: str | None) -> tuple[str, ...]:
    """A content's words, without punctuation or case: two claims with the same words are the same claim
    ("Government wants to negotiate, but ..." quoted by two outlets, one without the comma, which the model
    calls a contradiction at 0.99), and blocking never pairs them unless one denies the other."""
    return tuple(re.findall(r"\w+", (text or "").lower()))


def block(claims: pl.DataFrame, vectors: np.ndarray, config: Config) -> pl.DataFrame:
    """Candidate pairs (claim_a, claim_b, similarity, shared_entities, via), claim_a before claim_b in `claims`."""
    n = claims.height
    if n < 2:
        return empty(CANDIDATES)
    vectors = np.asarray(vectors, dtype=np.float32)
    found: dict[tuple[int, int], str] = {}

    denial = denials(claims)
    contents = claims["content"].to_list()
    # a claim that denies or negates ("X did not ...", "there was no ...") is where most disputes are: in a story
    # told by many similar claims, what it answers can sit far below its top_k (Config.negative_neighbours)
    negative = [i for i in range(n) if denial[i] or is_negative(contents[i])] if config.negative_neighbours > 0 else []
    (sims, neighbours), (deep_sims, deep) = nearest_neighbours(
        vectors, max(config.top_k, config.max_neighbours), deep=(negative, config.negative_neighbours))
    for a in range(n):
        for rank, (sim, b) in enumerate(zip(sims[a], neighbours[a])):
            if b < 0 or b == a or sim < config.min_similarity:
                continue
            # rank 0 is (usually) the claim itself: the top_k are ranks 0..top_k, the rest must be very similar
            if rank > config.top_k and sim < config.neighbour_similarity:
                continue
            found[(min(a, int(b)), max(a, int(b)))] = "knn"
    for row, a in enumerate(negative):
        for sim, b in zip(deep_sims[row], deep[row]):
            if b < 0 or b == a or sim < config.related_similarity:
                continue
            found.setdefault((min(a, int(b)), max(a, int(b))), "negative")

    entity_lists = claims["entities"].to_list() if "entities" in claims.columns else [[] for _ in range(n)]
    shared = _entity_pairs(entity_lists, vectors, config) if config.entity_blocking else {}
    for pair in shared:
        found[pair] = f"{found[pair]}+entity" if pair in found else "entity"

    ids = claims["claim_id"].to_list()
    docs = claims["doc_id"].to_list()
    actors = claims["actor"].to_list() if "actor" in claims.columns else [None] * n
    words = [content_words(text) for text in contents]
    topic = (claims["stance"] == "topic").fill_null(False).to_list() if "stance" in claims.columns else [False] * n
    rows = []
    for (a, b), via in sorted(found.items()):
        if topic[a] or topic[b]:
            continue  # "X discussed Y" states no fact about Y (engine.claims.TOPIC_CUES)
        # one speaker elaborating within one article is not a dispute worth scoring
        if config.skip_same_document_same_actor and docs[a] == docs[b] and actors[a] == actors[b]:
            continue
        if words[a] == words[b] and denial[a] == denial[b]:
            continue  # the same claim repeated (e.g. a wire copy) cannot contradict itself; its denial can
        # shared entities always reported, also for pairs found by kNN alone
        ents = sorted(set(entity_lists[a] or ()) & set(entity_lists[b] or ()))
        rows.append((ids[a], ids[b], float(vectors[a] @ vectors[b]), ents, via))
    if not rows:
        return empty(CANDIDATES)
    frame = pl.DataFrame(rows, schema=list(CANDIDATES), orient="row")
    return conform(frame, CANDIDATES)


def pair_budget(n_claims: int) -> int:
    """n(n−1)/2: how many pairs exhaustive NLI would score."""
    return n_claims * (n_claims - 1) // 2
