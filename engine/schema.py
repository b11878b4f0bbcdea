"""The columns each stage passes on: the contract between stages (see README "Tables").

Stages return polars DataFrames with exactly these columns (extra columns are allowed at the end);
`conform(frame, SCHEMA)` orders and casts them, and builds an empty frame when there is nothing.
"""
from __future__ import annotations

import polars as pl

DOCUMENTS = {
    "doc_id": pl.Utf8,  # given id, else sha1 of the text (first 16 hex digits)
    "title": pl.Utf8,
    "source": pl.Utf8,  # outlet / publisher; speaker of unattributed sentences
    "url": pl.Utf8,
    "published": pl.Utf8,  # ISO date (YYYY-MM-DD) or null
    # the date as given when it was not read as one clear date (unreadable; day/month ambiguous, read day-first;
    # taken from a longer text), else null: kept only then, so a non-null value is exactly "check this date"
    # (engine.ingest.read_date, date_notes); a clear date is fully in `published`, and times are dropped by design
    "published_raw": pl.Utf8,
    "origin": pl.Utf8,  # where it came from: file path (+ row/line) or "<text:0>"
    "text": pl.Utf8,  # cleaned text; all claim offsets point into this
}

SKIPPED = {
    "origin": pl.Utf8,  # file path (+ line/row) or "<text:i>"
    "reason": pl.Utf8,  # empty | binary | undecodable | unsupported format | not English | too large | parse error | duplicate | ignored | unreadable
    "detail": pl.Utf8,
}

CLAIMS = {
    "claim_id": pl.Utf8,  # f"{doc_id}:{start}"
    "doc_id": pl.Utf8,
    "sentence_index": pl.Int64,
    "speaker": pl.Utf8,  # the speaker as written ("US defence officials"), resolved for pronouns
    "actor": pl.Utf8,  # canonical actor id (filled by engine.actors)
    "cue": pl.Utf8,  # "said", "according to", "denied", ... ; null for unattributed sentences
    "stance": pl.Utf8,  # assert | deny | accuse | concern | report | topic ("discussed X": engine.claims.TOPIC_CUES)
    "content": pl.Utf8,  # the proposition without the attribution frame (what NLI sees)
    "sentence": pl.Utf8,
    "start": pl.Int64,  # sentence span in documents.text
    "end": pl.Int64,
    "speaker_start": pl.Int64,  # null when the speaker is not in this sentence
    "speaker_end": pl.Int64,
    "content_start": pl.Int64,
    "content_end": pl.Int64,
    "attributed": pl.Boolean,  # False: no speaker found, attributed to the outlet
    "entities": pl.List(pl.Utf8),  # named entities in the content (normalised text)
    "published": pl.Utf8,
    "truncated": pl.Boolean,
    "group_id": pl.Utf8,  # claim_id of the near-duplicate group's representative (engine.dedupe)
    "copies": pl.Int64,  # how many claims (sources) the group has
}

ACTORS = {
    "actor_id": pl.Utf8,  # canonical name, e.g. "Russia", "Pentagon", "Peter Cook"
    "name": pl.Utf8,
    "kind": pl.Utf8,  # person | organisation | country | outlet | group | unknown
    "parent": pl.Utf8,  # actor_id of the body it speaks for / is part of, or null
    "aliases": pl.List(pl.Utf8),
    "claims": pl.Int64,
}

CANDIDATES = {
    "claim_a": pl.Utf8,
    "claim_b": pl.Utf8,
    "similarity": pl.Float64,
    "shared_entities": pl.List(pl.Utf8),
    "via": pl.Utf8,  # knn | negative | entity | knn+entity | negative+entity
}

SCORED = {
    "claim_a": pl.Utf8,
    "claim_b": pl.Utf8,
    "score": pl.Float64,  # combined contradiction probability
    "contradiction_ab": pl.Float64,  # premise a, hypothesis b
    "contradiction_ba": pl.Float64,
    "entailment_ab": pl.Float64,
    "entailment_ba": pl.Float64,
    "neutral_ab": pl.Float64,
    "neutral_ba": pl.Float64,
    "similarity": pl.Float64,
    "shared_entities": pl.List(pl.Utf8),
    # "full": the two contents; "core": a denial without its qualifiers; "affirmed": both sides without their
    # negation (engine.nli.views)
    "view": pl.Utf8,
}

CONTRADICTIONS = {
    "claim_a": pl.Utf8,
    "claim_b": pl.Utf8,
    "score": pl.Float64,
    # the sort key (engine.contradictions.rank_score): score + similarity + share of content words in common
    # + bonuses (one side negated, a shared named entity, a reply right after the claim it answers), each
    # weighted by a Config.rank_* option; equals score when they are all 0
    "rank_score": pl.Float64,
    "kind": pl.Utf8,  # dispute | reversal | correction
    "speaker_a": pl.Utf8,
    "actor_a": pl.Utf8,
    "content_a": pl.Utf8,
    "sentence_a": pl.Utf8,
    "doc_a": pl.Utf8,
    "speaker_b": pl.Utf8,
    "actor_b": pl.Utf8,
    "content_b": pl.Utf8,
    "sentence_b": pl.Utf8,
    "doc_b": pl.Utf8,
    "contradiction_ab": pl.Float64,
    "contradiction_ba": pl.Float64,
    "similarity": pl.Float64,
    "shared_entities": pl.List(pl.Utf8),
    "published_a": pl.Utf8,  # claim dates (ISO) when the documents carry one; a is the earlier
    "published_b": pl.Utf8,
    "view": pl.Utf8,  # which NLI view gave the score: "full", "core" or "affirmed" (engine.nli.views)
}


def empty(schema: dict) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def conform(frame: pl.DataFrame | None, schema: dict) -> pl.DataFrame:
    """Order and cast `frame` to `schema`; missing columns become nulls; extra columns go last."""
    if frame is None or frame.height == 0 and not frame.columns:
        return empty(schema)
    columns = []
    for name, dtype in schema.items():
        if name in frame.columns:
            columns.append(pl.col(name).cast(dtype))
        else:
            columns.append(pl.lit(None, dtype=dtype).alias(name))
    extra = [c for c in frame.columns if c not in schema]
    return frame.select(columns + extra)
