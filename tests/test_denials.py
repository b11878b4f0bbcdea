"""A denial is read as what its speaker asserts ("X denied that Y" -> not Y): engine.nli.views.readings, and
the pipeline on a real story from the bundled corpus (the Ebola-in-Mosul reports and the Iraqi health
ministry's denials, FNC-1)."""
from __future__ import annotations

import polars as pl
import pytest

import engine
from engine import datasets
from engine.contradictions import explain
from engine.nli import views

#: three articles with the ministry's denials and one that reports the cases (data/corpus/fnc1.parquet)
EBOLA_ARTICLES = ["fnc1-846", "fnc1-1122", "fnc1-2060", "fnc1-265"]
DENIAL = "anyone in Mosul had contracted the Ebola virus"  # the content: the clause the ministry denied
OUTLETS = "Ebola showed up at a hospital in Mosul"
DEBUNK = 'the reports that Ebola has infected anyone in Mosul are "incorrect"'


def test_a_denied_clause_is_read_negated_and_a_refusal_is_not():
    texts = ["claims that it has agreed to a ceasefire with the government", "the ISIS leader was dead",
             "to comment on the report", "the change being sought", "anyone in Mosul had not contracted the virus"]
    got = views.readings(texts, ["denied", "denied", "refused", "denied", "denies"], ["deny"] * 5)
    assert got == ["it has not agreed to a ceasefire with the government", "the ISIS leader was not dead",
                   "to comment on the report",  # an act refused, not a fact denied
                   "the change being sought",  # no tensed clause to negate: kept as it is
                   # a denied negation is more often a misread frame than a double negation: kept as it is
                   "anyone in Mosul had not contracted the virus"]
    # a debunk reads as its negated clause whoever says it; a plain assertion stays as it is
    assert views.readings([DEBUNK, "Ebola has reached Mosul"], ["said", "said"], ["assert", "assert"]) == [
        "Ebola has not infected anyone in Mosul", "Ebola has reached Mosul"]


@pytest.fixture(scope="module")
def ebola():
    docs = datasets.load("fnc1").filter(pl.col("id").is_in(EBOLA_ARTICLES))
    assert docs.height == len(EBOLA_ARTICLES)
    return {reading: engine.analyze(docs, engine.Config(show_progress=False, nli_denial_reading=reading))
            for reading in (True, False)}


def _pair(analysis, content_1: str, content_2: str) -> pl.DataFrame:
    c = analysis.contradictions
    return c.filter(((pl.col("content_a") == content_1) & pl.col("content_b").str.contains(content_2, literal=True))
                    | ((pl.col("content_b") == content_1) & pl.col("content_a").str.contains(content_2, literal=True)))


def test_the_ministry_denial_contradicts_the_reports_it_denies(ebola):
    read, literal = ebola[True], ebola[False]
    denial = read.claims.filter(pl.col("content") == DENIAL)
    assert denial.height >= 1 and set(denial["stance"]) == {"deny"}
    assert set(denial["speaker"]) == {"Iraq's Ministry of Health"}
    # read as "anyone in Mosul had not contracted ...": it contradicts the outlets' report ...
    hit = _pair(read, DENIAL, OUTLETS)
    assert hit.height >= 1 and hit["score"].min() > 0.9
    # ... which the literal reading of the content missed: "had contracted" agrees with the report
    assert _pair(literal, DENIAL, OUTLETS).height == 0
    pairs = list(zip(read.contradictions["claim_a"], read.contradictions["claim_b"]))
    i = pairs.index((hit["claim_a"][0], hit["claim_b"][0]))
    why = explain(read, i)["why"]
    assert 'NLI read it as "anyone in Mosul had not contracted the Ebola virus"' in why


def test_the_ministry_denial_agrees_with_the_spokesman_who_calls_the_reports_incorrect(ebola):
    # literally, "had contracted" vs "the reports ... are incorrect" looks like a conflict: a false one
    assert _pair(ebola[False], DENIAL, "are \"incorrect\"").height >= 1
    assert _pair(ebola[True], DENIAL, "are \"incorrect\"").height == 0


def test_the_labelled_denial_pairs_are_still_read_as_labelled():
    """data/denial_pairs/: the claims whose reading two annotators' labels were measured with (FNC-1 denials
    and debunks) are still read the same way, and the claims read literally stay literal."""
    import json
    from pathlib import Path

    rows = [json.loads(line) for line in
            (Path(__file__).resolve().parents[1] / "data" / "denial_pairs" / "pairs.jsonl").read_text().splitlines()]
    sides = {r[f"claim_{s}"]: (r[f"{s}_content"], r[f"{s}_cue"], r[f"{s}_stance"], r[f"{s}_read_as"])
             for r in rows for s in "ab"}
    contents, cues, stances, expected = (list(x) for x in zip(*sides.values()))
    assert views.readings(contents, cues, stances) == expected
    assert 30 <= sum(c != e for c, e in zip(contents, expected)) < 0.2 * len(sides)
