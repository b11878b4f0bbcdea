"""`analyze()`: the whole engine, top to bottom, one stage per line.

sources -> ingest -> claims -> actors -> embed -> candidates -> nli -> contradictions -> graph

Every stage is a plain function of polars frames (vectors are a numpy array) defined in its own module;
this file only wires them, so reading it tells you what the engine does.
"""
from __future__ import annotations

import logging
import os

import polars as pl

from engine import actors, candidates, claims, contradictions, dedupe, embed, ingest, nli
from engine.analysis import Analysis
from engine.config import Config
from engine.errors import StrictModeError

log = logging.getLogger("engine")


def make_config(config: Config | None = None, **options) -> Config:
    config = config or Config()
    return config.replace(**options) if options else config


def analyze(sources, config: Config | None = None, **options) -> Analysis:
    """Read `sources`, extract attributed claims, and find the pairs that contradict each other.

    sources: a path (file or folder), raw text, a dict / polars DataFrame with a `text` column,
    or a list of any of these. Options are `Config` fields, e.g. `analyze(path, nli_threshold=0.7)`.
    """
    config = make_config(config, **options)
    prepare(config)
    documents, skipped = ingest.load_documents(sources, config)
    check_skipped(skipped, config)

    log.info("ingest: %d documents, %d skipped", documents.height, skipped.height)
    claim_table = claims.extract(documents, config)
    return from_claims(documents, skipped, claim_table, config)


def prepare(config: Config) -> None:
    """Before any document is read (analyze() and Store.add()): thread settings, and the NLI model checked, so a
    wrong model name fails now, not after the claims stage of a whole corpus."""
    if config.threads:
        os.environ.setdefault("OMP_NUM_THREADS", str(config.threads))
    nli.check(config.nli_model)


def check_skipped(skipped: pl.DataFrame, config: Config) -> None:
    """Strict mode: any skipped document is an error (StrictModeError), named with the first one. Files left out
    on purpose (reason "ignored": a README, a hidden file, an earlier run's results in a folder) are not errors."""
    problems = skipped.filter(pl.col("reason") != "ignored") if skipped.height else skipped
    if config.strict and problems.height:
        first = problems.row(0, named=True)
        raise StrictModeError(
            f"{problems.height} document(s) skipped (strict mode); first: {first['origin']}: {first['reason']}"
        )


def from_claims(documents, skipped, raw_claims, config: Config, encode=None, score=None) -> Analysis:
    """Everything after claim extraction. The persistent store calls this too, passing `encode(texts, config)`
    and `score(claims, pairs, config)` that serve stored vectors and scores, so store and batch cannot drift."""
    encode = encode or embed.encode
    score = score or score_pairs
    claim_table, actor_table = actors.resolve(raw_claims, documents, config)
    log.info("claims: %d claims, %d actors", claim_table.height, actor_table.height)

    texts = model_text(claim_table)
    vectors = encode(texts, config)
    claim_table = dedupe.group(claim_table, vectors, config)  # wire copies: one claim, many sources
    unique = dedupe.representatives(claim_table)
    pairs = candidates.block(claim_table.filter(unique), vectors[unique], config)
    log.info("candidates: %d pairs of %d possible", pairs.height, candidates.pair_budget(int(unique.sum())))
    scored = score(claim_table.with_columns(content=pl.Series(texts, dtype=pl.Utf8)), pairs, config)
    found = contradictions.select(scored, claim_table, config)
    log.info("nli: %d pairs scored, %d contradictions", scored.height, found.height)

    return Analysis(
        documents=documents,
        skipped=skipped,
        claims=claim_table,
        actors=actor_table,
        candidates=pairs,
        scored=scored,
        contradictions=found,
        config=config,
    )


def model_text(claim_table) -> list[str]:
    """What the models see of a claim: its content, with a pronoun that stands for the speaker resolved
    ("it had not carried out any strikes" said by Russia -> "Russia had not carried out any strikes")."""
    if "content_resolved" in claim_table.columns:
        return claim_table.select(pl.coalesce("content_resolved", "content")).to_series().to_list()
    return claim_table["content"].to_list()


def score_pairs(claim_table, pairs, config: Config):
    """NLI on both orders of every candidate pair, locally or as Ray tasks."""
    if config.backend == "ray":
        from engine.backends import ray_backend

        return ray_backend.score_pairs(claim_table, pairs, config)
    return nli.score_pairs(claim_table, pairs, config)


def extract_claims(text_or_sources, config: Config | None = None, **options):
    """The claims stage alone (with actors resolved): returns the claims DataFrame."""
    config = make_config(config, **options)
    documents, _ = ingest.load_documents(text_or_sources, config)
    claim_table = claims.extract(documents, config)
    claim_table, _ = actors.resolve(claim_table, documents, config)
    return claim_table
