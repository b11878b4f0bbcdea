"""Hard neutrals: pairs of unrelated news claims that a model wrongly calls contradictions.

At scale the engine's errors are not the pairs a human would argue about but pairs of unrelated claims
("He declined to comment further" vs "They burned the flag") that the NLI model calls contradictory at a
rate of ~0.1-0.2% per pair: on thousands of claims that is most of what it reports, and it is what keeps the
blocking benchmark's recall low (BENCHMARKS.md). Random pairs in training are mostly easy; this module
finds the hard ones, as a training stage does with the previous stage's weights:

1. draw random pairs of claim contents from two different FNC-1 training articles of two different stories
   (articles sharing distinctive words are one story: FNC-1 has many articles per story, some of them
   disagreeing, so a same-story pair may be a real contradiction) whose contents are not similar either
   (embedding cosine < `max_similarity`, few shared words);
2. score them as the engine does (`engine.nli.score.pair_scores`: both directions, the core view of denials);
3. keep those the model scores >= `min_score` as neutral, both orders, with the core view's texts as well
   where that view was the one that contradicted.
"""
from __future__ import annotations

import logging
import random

import numpy as np
import polars as pl

from engine.nli import data

log = logging.getLogger("engine.nli.mine")

#: FNC-1 articles in the blocking benchmark's sample (bench/cache/blocking_claims.parquet): mining never
#: draws from them, so that benchmark does not measure pairs the model was taught to call neutral
BENCHMARK_ARTICLES = frozenset({"140", "280", "950", "1606", "2052", "2068", "2408"})


def _stories(pool: list[tuple[str, str]]) -> dict[str, int]:
    """A story number for each article of the pool: articles sharing distinctive words (as
    data.training_articles decides it) are joined into one story (connected components)."""
    ids = sorted({b for b, _ in pool})
    texts = dict(data.news_articles())
    words = data._distinctive_words([texts.get(b, "") for b in ids])
    from engine.dedupe import components

    joined = [(i, j) for i in range(len(ids)) for j in range(i + 1, len(ids))
              if (shared := len(words[i] & words[j])) >= 4 and shared >= 0.2 * max(1, min(len(words[i]), len(words[j])))]
    return dict(zip(ids, components(len(ids), joined)))


def _outside_benchmark(pool: list[tuple[str, str]], vectors: np.ndarray | None):
    """The pool without the benchmark's articles, and its normalised embeddings (computed when None)."""
    keep = [i for i, (b, _) in enumerate(pool) if b not in BENCHMARK_ARTICLES]
    if vectors is None:
        from engine import embed
        from engine.config import Config

        return [pool[i] for i in keep], embed.encode([pool[i][1] for i in keep], Config(show_progress=False))
    return [pool[i] for i in keep], np.asarray(vectors)[keep]


def candidate_pairs(pool: list[tuple[str, str]], n: int, seed: int = 13, max_similarity: float = 0.4,
                    vectors: np.ndarray | None = None) -> list[tuple[str, str]]:
    """`n` random pairs of contents from two articles of two different stories, not similar in wording or
    embedding. `vectors`: the pool's normalised embeddings (computed when None)."""
    pool, vectors = _outside_benchmark(pool, vectors)
    story = _stories(pool)
    rng = random.Random(seed)
    seen: set[tuple[int, int]] = set()
    out: list[tuple[str, str]] = []
    tries = 0
    while len(out) < n and tries < 50 * n:
        tries += 1
        i, j = rng.randrange(len(pool)), rng.randrange(len(pool))
        (bi, ti), (bj, tj) = pool[i], pool[j]
        if story[bi] == story[bj] or (i, j) in seen or data._overlap(ti, tj) > 0.3:
            continue
        if float(vectors[i] @ vectors[j]) >= max_similarity:
            continue
        seen.add((i, j))
        out.append((ti, tj))
    return out


def hard_neutrals(model, pool: list[tuple[str, str]], n_candidates: int, seed: int = 13, min_score: float = 0.3,
                  show_progress: bool = False) -> pl.DataFrame:
    """Neutral training pairs (premise, hypothesis, label, source="hard_random") among `n_candidates` random
    unrelated pairs: those `model` scores >= `min_score` contradiction with the engine's decision."""
    from engine.config import Config
    from engine.nli import views
    from engine.nli.score import pair_scores

    pairs = candidate_pairs(pool, n_candidates, seed=seed)
    config = Config(show_progress=show_progress)
    a, b = [p for p, _ in pairs], [h for _, h in pairs]
    _, _, score, view = pair_scores(model, a, b, config)
    hard = np.flatnonzero(score >= min_score)
    core = views.cores([a[i] for i in hard] + [b[i] for i in hard], config.spacy_model) if hard.size else {}
    rows: list[dict] = []
    for i in hard:
        texts = [(a[i], b[i])]
        if view[i] == "core":
            texts.append((core.get(a[i], a[i]), core.get(b[i], b[i])))
        for p, h in texts:
            rows += [{"premise": p, "hypothesis": h, "label": "neutral", "source": "hard_random"},
                     {"premise": h, "hypothesis": p, "label": "neutral", "source": "hard_random"}]
    log.info("hard neutrals: %d of %d unrelated pairs scored >= %.2f (%.2f%% >= 0.5); %d training rows",
             hard.size, len(pairs), min_score, 100 * float((score >= 0.5).mean()) if len(pairs) else 0.0, len(rows))
    return data._frame(rows).unique(maintain_order=True)


def _similar(pool: list[tuple[str, str]], vectors: np.ndarray, min_similarity: float, seed: int,
             same_story: bool = False) -> list[tuple[int, int]]:
    """Index pairs (i < j) of contents from two different articles, at least `min_similarity` similar, not
    the same text (and, with `same_story`, from one story), shuffled with `seed`."""
    story = _stories(pool) if same_story else None
    sims = vectors @ vectors.T
    close = [(i, j) for i, j in zip(*np.nonzero(np.triu(sims >= min_similarity, 1)))
             if pool[i][0] != pool[j][0] and pool[i][1].lower() != pool[j][1].lower()
             and (story is None or story[pool[i][0]] == story[pool[j][0]])]
    random.Random(seed).shuffle(close)
    return [(int(i), int(j)) for i, j in close]


def topical_neutrals(pool: list[tuple[str, str]], n: int, seed: int = 13, min_similarity: float = 0.4,
                     vectors: np.ndarray | None = None) -> pl.DataFrame:
    """`n` pairs of similar contents (cosine >= `min_similarity`) from two different articles of one story,
    labelled neutral, both orders (source "topical"): what blocking pairs up in a user's corpus, where two
    annotators found ~1% of the model's flags real (data/wild_pairs/). Some such pairs do conflict (FNC-1
    stories have disagreeing articles): a small share of wrong labels, traded for the main error at scale."""
    pool, vectors = _outside_benchmark(pool, vectors)
    close = _similar(pool, vectors, min_similarity, seed, same_story=True)
    rows: list[dict] = []
    for i, j in close[:n]:
        a, b = pool[i][1], pool[j][1]
        rows += [{"premise": a, "hypothesis": b, "label": "neutral", "source": "topical"},
                 {"premise": b, "hypothesis": a, "label": "neutral", "source": "topical"}]
    log.info("topical neutrals: %d of %d similar same-story pairs", min(n, len(close)), len(close))
    return data._frame(rows)


def flagged_candidates(pool: list[tuple[str, str]], models: dict[str, str], n: int, seed: int = 13,
                       min_similarity: float = 0.4, vectors: np.ndarray | None = None,
                       show_progress: bool = False) -> pl.DataFrame:
    """`n` random pairs of similar contents (cosine >= `min_similarity`) from two different articles (any
    story), each scored as the engine scores a pair by every model of `models` (name -> path; a column per
    name): the pool from which data/nli/flagged/ draws the pairs its annotators label (its build.py)."""
    from engine.config import Config
    from engine.nli import load
    from engine.nli.score import pair_scores

    pool, vectors = _outside_benchmark(pool, vectors)
    close = _similar(pool, vectors, min_similarity, seed)[:n]
    log.info("flagged candidates: %d similar pairs from %d contents", len(close), len(pool))
    a, b = [pool[i][1] for i, _ in close], [pool[j][1] for _, j in close]
    sims = [float(vectors[i] @ vectors[j]) for i, j in close]
    out = pl.DataFrame({"article_a": [pool[i][0] for i, _ in close], "article_b": [pool[j][0] for _, j in close],
                        "a": a, "b": b, "similarity": sims})
    config = Config(show_progress=show_progress)
    for name, path in models.items():
        _, _, score, _ = pair_scores(load(path), a, b, config)
        out = out.with_columns(pl.Series(name, score.astype(np.float64)))
    return out
