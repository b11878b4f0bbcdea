"""Near-duplicate claims across articles merge into one claim with all its sources."""
from __future__ import annotations

import polars as pl

from engine import dedupe, embed, graph
from engine.config import Config
from engine.schema import ACTORS, CLAIMS, CONTRADICTIONS, DOCUMENTS, conform, empty

WIRE = "Russian warplanes carried out raids in Al-Tanaf targeting a meeting of combatants supported by the coalition"


def _claims():
    return conform(pl.DataFrame({
        "claim_id": ["a:1", "b:1", "c:1", "d:1", "e:1"],
        "doc_id": ["a", "b", "c", "d", "e"],
        "actor": ["Outlet A", "Outlet B", "United States", "Russia", "Outlet E"],
        "attributed": [False, False, True, True, False],
        "published": ["2016-06-19", "2016-06-18", "2016-06-18", "2016-06-18", "2016-06-18"],
        "content": [WIRE, WIRE + ".", WIRE, WIRE, "The ceasefire began on 27 February and reduced hostilities"],
        "start": [0] * 5, "end": [10] * 5,
    }), CLAIMS)


def test_wire_copies_merge_but_different_speakers_do_not():
    claims = _claims()
    vectors = embed.encode(claims["content"].to_list(), Config(show_progress=False))
    grouped = dedupe.group(claims, vectors, Config())
    groups = dict(zip(grouped["claim_id"], grouped["group_id"]))
    # two outlets narrating the same wire text: one claim, represented by the earlier one (b, a day before a)
    assert groups["a:1"] == groups["b:1"] == "b:1"
    # the same words from the US and from Russia stay two claims: who said it matters
    assert groups["c:1"] == "c:1" and groups["d:1"] == "d:1" and groups["e:1"] == "e:1"
    assert grouped.filter(pl.col("claim_id") == "a:1")["copies"].item() == 2
    assert dedupe.representatives(grouped).tolist() == [False, True, True, True, True]
    assert dedupe.group(claims, vectors, Config(duplicate_similarity=1.0))["copies"].to_list() == [1] * 5

    documents = conform(pl.DataFrame({"doc_id": list("abcde"), "text": ["x"] * 5}), DOCUMENTS)
    g = graph.build(documents, grouped, empty(ACTORS), empty(CONTRADICTIONS))
    node = g.nodes["claim:b:1"]
    assert node["copies"] == 2 and node["sources"] == ["a", "b"] and "claim:a:1" not in g
    assert g.has_edge("claim:b:1", "doc:a", key="appears_in") and g.has_edge("claim:b:1", "doc:b", key="appears_in")


def test_a_speaker_denying_what_it_said_is_not_a_copy():
    # the same words from the same ministry, once said and once denied (a reversal): two claims, not one
    text = "Two cases of Ebola were diagnosed among militants in Mosul"
    claims = conform(pl.DataFrame({
        "claim_id": ["a:1", "b:1", "c:1"], "doc_id": ["a", "b", "c"],
        "actor": ["Iraq's Ministry of Health"] * 3, "attributed": [True] * 3,
        "cue": ["said", "denied", "reported"], "stance": ["assert", "deny", "assert"],
        "content": [text] * 3, "start": [0] * 3, "end": [10] * 3,
    }), CLAIMS)
    vectors = embed.encode(claims["content"].to_list(), Config(show_progress=False))
    groups = dedupe.group(claims, vectors, Config())["group_id"].to_list()
    assert groups == ["a:1", "b:1", "a:1"]
