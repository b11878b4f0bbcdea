"""Contradiction selection, kinds, disagreement summary, filters and the graph built from them."""
from __future__ import annotations

import re

import networkx as nx
import polars as pl
import pytest

from engine import contradictions, graph
from engine.analysis import Analysis
from engine.config import Config
from engine.schema import ACTORS, CANDIDATES, CLAIMS, DOCUMENTS, SCORED, SKIPPED, conform, empty


#: the ranking without its evidence terms (similarity, shared words, one-sided negation): the tests of the
#: entity and reply bonuses and of the thresholds read the order as score + bonus
BONUSES_ONLY = {"rank_similarity_weight": 0.0, "rank_overlap_weight": 0.0, "rank_negation_bonus": 0.0}


def _tables():
    documents = conform(pl.DataFrame({
        "doc_id": ["d1", "d2", "d3"], "title": ["March story", "June story", "Wire"],
        "source": ["Outlet A", "Outlet B", "Outlet C"], "published": ["2016-03-01", "2016-06-01", "2016-06-02"],
        "text": ["...", "...", "..."],
    }), DOCUMENTS)
    claims = conform(pl.DataFrame({
        "claim_id": ["c1", "c2", "c3", "c4", "c5"],
        "doc_id": ["d1", "d2", "d2", "d3", "d3"],
        "speaker": ["the minister", "Minister Ivanov", "the rebels", "Outlet C", "Outlet C"],
        "actor": ["Ivanov", "Ivanov", "Rebels", "Outlet C", "Outlet C"],
        "content": ["the bridge is open", "the bridge was never open", "the army shelled the town",
                    "the vote was held on Sunday", "the vote was not held on Sunday"],
        "sentence": ["s1", "s2", "s3", "s4", "s5"],
        "attributed": [True, True, True, False, False],
        "published": ["2016-03-01", "2016-06-01", "2016-06-01", "2016-06-02", "2016-06-02"],
        "start": [0, 0, 10, 0, 10], "end": [5, 5, 20, 5, 20],
    }), CLAIMS)
    actors = conform(pl.DataFrame({
        "actor_id": ["Ivanov", "Russia", "Rebels", "Outlet C"], "name": ["Ivanov", "Russia", "Rebels", "Outlet C"],
        "kind": ["person", "country", "group", "outlet"], "parent": ["Russia", None, None, None],
        "aliases": [["the minister"], [], [], []], "claims": [2, 0, 1, 2],
    }), ACTORS)
    # listed b-first on purpose: the later claim on side a must be swapped so a reversal reads earlier -> later
    scored = conform(pl.DataFrame({
        "claim_a": ["c2", "c1", "c4", "c1"], "claim_b": ["c1", "c3", "c5", "c4"],
        "score": [0.91, 0.72, 0.66, 0.2],
        "contradiction_ab": [0.95, 0.7, 0.6, 0.1], "contradiction_ba": [0.87, 0.74, 0.72, 0.3],
        "similarity": [0.8, 0.5, 0.9, 0.1], "shared_entities": [["bridge"], [], [], []],
    }), SCORED)
    return documents, claims, actors, scored


def _analysis(threshold=0.5) -> Analysis:
    documents, claims, actors, scored = _tables()
    config = Config(**BONUSES_ONLY, nli_threshold=threshold)
    found = contradictions.select(scored, claims, config)
    return Analysis(documents=documents, skipped=empty(SKIPPED), claims=claims, actors=actors,
                    candidates=empty(CANDIDATES), scored=scored, contradictions=found, config=config)


def test_a_denial_and_an_accusation_are_shown_with_their_cue():
    assert contradictions.voiced("Russia", {"stance": "deny", "cue": "denied"}) == "Russia (denied)"
    assert contradictions.voiced("The West", {"stance": "assert", "cue": "has repeatedly accused"}) == \
        "The West (has repeatedly accused)"
    assert contradictions.voiced("Russia", {"stance": "assert", "cue": "said"}) == "Russia"
    assert contradictions.voiced(None, None) == "?"


def test_a_shared_entity_lifts_a_pair_in_the_ranking_not_its_score():
    documents, claims, actors, scored = _tables()
    scored = scored.with_columns(shared_entities=pl.Series([["bridge"], [], ["vote"], []]))
    lifted = contradictions.select(scored, claims, Config(**BONUSES_ONLY))
    assert lifted["score"].to_list() == [0.91, 0.66, 0.72]  # 0.66 + 0.1 bonus (shares "vote") > 0.72
    assert lifted["rank_score"].to_list() == pytest.approx([1.01, 0.76, 0.72])
    plain = contradictions.select(scored, claims, Config(rank_entity_bonus=0.0, **BONUSES_ONLY))
    assert plain["score"].to_list() == [0.91, 0.72, 0.66] and plain["rank_score"].to_list() == [0.91, 0.72, 0.66]
    assert Config(nli_threshold=0.7).nli_threshold == 0.7 and contradictions.select(
        scored, claims, Config(**BONUSES_ONLY, nli_threshold=0.7))["score"].to_list() == [0.91, 0.72]  # the bonus never admits


def test_a_reply_right_after_the_claim_it_answers_is_ranked_higher():
    documents, claims, actors, scored = _tables()
    # c1 (d1) vs c3 (d2) scores 0.72; c2 vs c3 is a new pair in d2 where c3 answers c2 one sentence later
    claims = claims.with_columns(
        sentence_index=pl.Series([0, 4, 5, 0, 1]),
        sentence=pl.Series(["s1", "The minister said the bridge was never open.",
                            "The rebels, however, said the army shelled the town.", "s4", "s5"]))
    pair = conform(pl.DataFrame({"claim_a": ["c2"], "claim_b": ["c3"], "score": [0.65], "contradiction_ab": [0.6],
                                 "contradiction_ba": [0.7], "similarity": [0.4], "shared_entities": [[]]}), SCORED)
    scored = pl.concat([scored, pair])
    found = contradictions.select(scored, claims, Config(**BONUSES_ONLY))
    assert found["score"].to_list() == [0.91, 0.65, 0.72, 0.66]  # 0.65 + 0.1 reply bonus > 0.72
    far = claims.with_columns(sentence_index=pl.Series([0, 1, 5, 0, 1]))  # four sentences apart: not a reply
    assert contradictions.select(scored, far, Config(**BONUSES_ONLY))["score"].to_list() == [0.91, 0.72, 0.66, 0.65]
    plain = claims.with_columns(sentence=pl.Series(["s1", "s2", "The rebels said the army shelled the town.", "s4", "s5"]))
    assert contradictions.select(scored, plain, Config(**BONUSES_ONLY))["score"].to_list() == [0.91, 0.72, 0.66, 0.65]


def test_select_threshold_order_kind_and_direction():
    found = _analysis().contradictions
    assert found["score"].to_list() == [0.91, 0.72, 0.66]  # 0.2 is below threshold, strongest first
    reversal = found.row(0, named=True)
    assert reversal["kind"] == "reversal"
    # earlier claim (March) moved to side a, with the direction scores swapped along
    assert (reversal["claim_a"], reversal["claim_b"]) == ("c1", "c2")
    assert (reversal["contradiction_ab"], reversal["contradiction_ba"]) == (0.87, 0.95)
    assert reversal["content_a"] == "the bridge is open" and reversal["speaker_b"] == "Minister Ivanov"
    assert found.row(1, named=True)["kind"] == "dispute"
    assert found.row(2, named=True)["kind"] == "correction"  # the outlet's own narration
    assert _analysis(threshold=0.95).contradictions.height == 0
    assert (reversal["published_a"], reversal["published_b"]) == ("2016-03-01", "2016-06-01")


def test_unrelated_looking_pairs_need_the_higher_bar():
    documents, claims, actors, scored = _tables()
    # c1-c3 (0.72) is neither similar (0.3 < related_similarity) nor shares an entity: below the 0.8 bar
    scored = scored.with_columns(similarity=pl.Series([0.8, 0.3, 0.9, 0.1]))
    assert contradictions.select(scored, claims, Config(**BONUSES_ONLY))["score"].to_list() == [0.91, 0.66]
    # a shared entity makes it related; a lower bar, or a lower related_similarity, admits it too
    shared = scored.with_columns(shared_entities=pl.Series([["bridge"], ["army"], [], []]))
    assert contradictions.select(shared, claims, Config(**BONUSES_ONLY, rank_entity_bonus=0.0))["score"].to_list() == [0.91, 0.72, 0.66]
    for config in (Config(**BONUSES_ONLY, nli_unrelated_threshold=0.7), Config(**BONUSES_ONLY, related_similarity=0.3)):
        assert contradictions.select(scored, claims, config)["score"].to_list() == [0.91, 0.72, 0.66]
    explained = contradictions.explain(Analysis(
        documents=documents, skipped=empty(SKIPPED), claims=claims, actors=actors, candidates=empty(CANDIDATES),
        scored=scored, contradictions=contradictions.select(scored, claims, Config(**BONUSES_ONLY, nli_unrelated_threshold=0.7)),
        config=Config(**BONUSES_ONLY, nli_unrelated_threshold=0.7)), 1)
    assert explained["threshold"] == 0.7 and "unrelated-looking" in explained["why"]


def test_the_unrelated_bar_keeps_every_confirmed_contradiction_of_the_wild_pairs():
    """On the labelled pairs exhaustive NLI flagged in the blocking benchmark's sample (data/wild_pairs/), with
    the shipped weights' scores: the engine's decision drops most of the noise and none of the pairs an
    annotator confirmed."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    rows = [json.loads(line) for line in (root / "data" / "wild_pairs" / "pairs.jsonl").read_text().splitlines()]
    # what scoring every pair flagged with the stage-5 weights (the rows added for stage 6's flags have no such score)
    rows = [r for r in rows if r["score_s8"] is not None and r["score_s8"] >= 0.5]
    claims = pl.read_parquet(root / "bench" / "cache" / "blocking_claims.parquet", columns=["claim_id", "entities"])
    entities = dict(zip(claims["claim_id"].to_list(), claims["entities"].to_list()))
    flagged = conform(pl.DataFrame({
        "claim_a": [r["claim_a"] for r in rows], "claim_b": [r["claim_b"] for r in rows],
        "score": [r["score_s8"] for r in rows], "similarity": [r["similarity"] for r in rows],
        "shared_entities": [sorted(set(entities[r["claim_a"]] or []) & set(entities[r["claim_b"]] or [])) for r in rows],
    }), SCORED)
    kept = flagged.with_columns(weight=pl.Series([r["sample_weight"] for r in rows]),
                                real=pl.Series(["contradiction" in (r["label_1"], r["label_2"]) for r in rows]))
    kept = kept.with_columns(content_a=pl.Series([r["a_content"] for r in rows]),
                             content_b=pl.Series([r["b_content"] for r in rows]))
    unrelated_bar = kept.filter(contradictions.reported(Config()))
    assert unrelated_bar["real"].sum() == sum("contradiction" in (r["label_1"], r["label_2"]) for r in rows) == 11
    assert unrelated_bar["weight"].sum() < 0.5 * sum(r["sample_weight"] for r in rows)
    # and the bar for hedged claims ("may", "could", "if ..."): none of the hedged flags is real, most go
    hedged = kept.filter(contradictions.hedged())
    assert hedged.height == 100 and hedged["real"].sum() == 0
    both_bars = kept.filter(contradictions.reported(Config(), contradictions.hedged()))
    assert both_bars["real"].sum() == 11
    assert both_bars.filter(contradictions.hedged()).height < 0.3 * hedged.height


def test_hedged_claims_need_the_higher_bar():
    documents, claims, actors, scored = _tables()
    # c2 "the bridge was never open" vs c1 at 0.91: reported; hedged ("may never have been open"), it needs 0.9
    hedging = claims.with_columns(content=pl.when(pl.col("claim_id") == "c2").then(pl.lit("the bridge may never have been open"))
                                  .otherwise(pl.col("content")))
    assert contradictions.select(scored, claims, Config(**BONUSES_ONLY))["score"].to_list() == [0.91, 0.72, 0.66]
    assert contradictions.select(scored, hedging, Config(**BONUSES_ONLY))["score"].to_list() == [0.91, 0.72, 0.66]
    assert contradictions.select(scored, hedging, Config(**BONUSES_ONLY, nli_hedged_threshold=0.95))["score"].to_list() == [0.72, 0.66]
    # "May" the month is not a hedge
    dated = claims.with_columns(content=pl.when(pl.col("claim_id") == "c2").then(pl.lit("in May the bridge was never open"))
                                .otherwise(pl.col("content")))
    assert contradictions.select(scored, dated, Config(**BONUSES_ONLY, nli_hedged_threshold=0.95))["score"].to_list() == [0.91, 0.72, 0.66]
    config = Config(**BONUSES_ONLY, nli_hedged_threshold=0.9)
    found = contradictions.select(scored, hedging, config)
    explained = contradictions.explain(Analysis(
        documents=documents, skipped=empty(SKIPPED), claims=hedging, actors=actors, candidates=empty(CANDIDATES),
        scored=scored, contradictions=found, config=config), 0)
    assert explained["threshold"] == 0.9 and "hedges" in explained["why"]


def test_two_hedged_claims_are_not_reported():
    """'the bridge may be open' / 'the bridge may never have been open': two possibilities assert no fact to
    contradict (none of the 49 such pairs annotators labelled in data/wild_pairs/ and data/nli/flagged/ is real),
    so the pair is not reported at any score unless nli_report_both_hedged; one hedging side still only needs
    nli_hedged_threshold."""
    documents, claims, actors, scored = _tables()
    both = claims.with_columns(content=pl.when(pl.col("claim_id") == "c2").then(pl.lit("the bridge may never have been open"))
                               .when(pl.col("claim_id") == "c1").then(pl.lit("it is unclear whether the bridge is open"))
                               .otherwise(pl.col("content")))
    assert contradictions.select(scored, both, Config(**BONUSES_ONLY, nli_hedged_threshold=0.5))["score"].to_list() == [0.72, 0.66]
    kept = contradictions.select(scored, both, Config(**BONUSES_ONLY, nli_hedged_threshold=0.5, nli_report_both_hedged=True))
    assert kept["score"].to_list() == [0.91, 0.72, 0.66]
    frame = pl.DataFrame({"content_a": ["X may go", "X may go", "X went"], "content_b": ["X could stay", "X stayed", "X stayed"]})
    assert frame.select(contradictions.hedging())[:, 0].to_list() == [2, 1, 0]


def test_timeline_orders_by_date():
    line = _analysis().timeline()
    assert line["date"].to_list() == ["2016-06-01", "2016-06-01", "2016-06-02"]
    assert line["kind"].to_list() == ["reversal", "dispute", "correction"]


def test_disagreements_and_explain():
    a = _analysis()
    table = a.disagreements
    assert table.height == 1  # only different actors disagree
    row = table.row(0, named=True)
    assert {row["actor_a"], row["actor_b"]} == {"Ivanov", "Rebels"} and row["count"] == 1
    assert row["first"] == "2016-03-01" and row["last"] == "2016-06-01"
    why = a.explain(0)
    assert why["a"]["content"] == "the bridge is open" and why["b"]["document"]["title"] == "June story"
    assert why["shared_entities"] == ["bridge"] and "0.91" in why["why"]


def test_filters():
    a = _analysis()
    # Russia includes those who speak for it (Ivanov is part of Russia)
    assert a.filter(actors=["Russia"]).contradictions.height == 2
    assert a.filter(min_score=0.7).contradictions.height == 2
    assert a.filter(since="2016-06-01").contradictions["kind"].to_list() == ["correction"]
    assert a.filter(until="2016-06-01").contradictions.height == 2
    assert a.filter(text="SHELLED").contradictions["claim_b"].to_list() == ["c3"]
    assert a.filter(doc_ids=["d3"]).contradictions.height == 1


def test_filters_check_their_arguments_and_say_they_are_a_view():
    import datetime as dt

    from engine.errors import EngineError

    a = _analysis()
    # one actor given as a string is that actor, not its letters; a date object is a date
    assert a.filter(actors="Russia").contradictions.height == a.filter(actors=["Russia"]).contradictions.height == 2
    assert a.filter(since=dt.date(2016, 6, 1)).contradictions["kind"].to_list() == ["correction"]
    for bad, message in ((dict(actors=["Narnia"]), "unknown actor(s): Narnia"),
                         (dict(doc_ids="d9"), "unknown document(s): d9"),
                         (dict(since="yesterday"), "since: 'yesterday' is not a date"),
                         (dict(until="2024-13-45"), "until: '2024-13-45' is not a date")):
        with pytest.raises(EngineError, match=re.escape(message)):
            a.filter(**bad)
    view = a.filter(actors=["Russia"])
    # the scored pairs follow the claims kept, so a view never scores more pairs than it has
    assert view.pairs_scored <= view.pairs_possible
    assert set(view.scored["claim_a"]) | set(view.scored["claim_b"]) <= set(view.claims["claim_id"])
    assert view.summary().startswith("view filtered (actors=['Russia']) from ")
    assert "received" not in view.summary() and "received" in a.summary()
    with pytest.raises(EngineError, match="no contradiction #'a'"):
        a.explain("a")


def test_graph_schema():
    g = _analysis().graph
    assert isinstance(g, nx.MultiDiGraph)
    kinds = nx.get_node_attributes(g, "kind")
    assert kinds["actor:Ivanov"] == "actor" and kinds["claim:c1"] == "claim" and kinds["doc:d1"] == "document"
    assert g.has_edge("actor:Ivanov", "claim:c1", key="asserts")
    assert g.has_edge("actor:Ivanov", "actor:Russia", key="part_of")
    assert g.has_edge("claim:c1", "doc:d1", key="appears_in")
    edge = g.get_edge_data("claim:c1", "claim:c2", key="contradicts")
    assert edge["score"] == 0.91 and edge["contradiction_kind"] == "reversal"
    # the ranking travels with the edges: rank 1..n in the table's order, for Gephi users to sort on
    ranked = sorted((d["rank"], d["rank_score"]) for *_, d in g.edges(data=True) if d["kind"] == "contradicts")
    assert [r for r, _ in ranked] == [1, 2, 3] and ranked[0] == (edge["rank"], edge["rank_score"])
    assert edge["rank_score"] == pytest.approx(1.01)  # 0.91 + the shared-entity bonus ("bridge")
    dis = g.get_edge_data("actor:Ivanov", "actor:Rebels", key="disagrees_with")
    assert dis["count"] == 1 and g.has_edge("actor:Rebels", "actor:Ivanov", key="disagrees_with")
    layer = graph.subgraph(g)
    assert {d["kind"] for _, d in layer.nodes(data=True)} == {"actor"}


def test_parquet_and_graphml_export(tmp_path):
    from engine.export import write_all

    written = write_all(_analysis(), tmp_path)
    assert pl.read_parquet(written["contradictions"]).height == 3
    back = nx.read_graphml(written["graph"], force_multigraph=True)
    assert back.number_of_nodes() == _analysis().graph.number_of_nodes()
    assert set(written) >= {"documents", "claims", "actors", "contradictions", "skipped", "disagreements", "graph"}


def test_explain_says_when_both_claims_were_read_without_their_negation():
    documents, claims, actors, scored = _tables()
    claims = claims.with_columns(content=pl.Series(["the bridge is open", "the bridge was never open",
                                                    "the army shelled the town", "no vote was held on Sunday",
                                                    "the vote was not held on Monday"]))
    scored = scored.with_columns(view=pl.Series(["full", "full", "affirmed", "full"]))
    found = contradictions.select(scored, claims, Config(**BONUSES_ONLY))
    analysis = Analysis(documents=documents, skipped=empty(SKIPPED), claims=claims, actors=actors,
                        candidates=empty(CANDIDATES), scored=scored, contradictions=found, config=Config(**BONUSES_ONLY))
    why = contradictions.explain(analysis, 2)["why"]
    assert ('both claims are negative: scored with the negation taken out of both ("some vote was held on Sunday" / '
            '"the vote was held on Monday")') in why
    assert "negation taken out" not in contradictions.explain(analysis, 0)["why"]
    # and the printed table says which view scored the pair
    from engine.cli import format_contradictions

    lines = format_contradictions(analysis).splitlines()
    noted = [line for line in lines if "both read without their negation" in line]
    assert len(noted) == 1 and noted[0].startswith(" 3. score 0.66")


def test_bench_noise_decides_wild_pairs_as_the_engine_does():
    """bench/noise.py (how a retrained model is judged on related corpus claims): each pair gets both
    contents and the named entities both claims share, is scored by the shipped model as the engine scores a
    candidate, and is flagged by the engine's decision: the 16 real wild contradictions are flagged, and not
    every false one is."""
    import json
    from pathlib import Path

    from bench.blocking import PAIRS, SAMPLE
    from bench.noise import decided

    root = Path(__file__).resolve().parents[1]
    rows = [json.loads(line) for line in (root / "data" / "wild_pairs" / "pairs.jsonl").read_text().splitlines()]
    real = [r for r in rows if "contradiction" in (r["label_1"], r["label_2"])]
    assert len(real) == 16
    false = [r for r in rows if r["label_1"] == r["label_2"] == "not"][:40]
    claims = pl.read_parquet(SAMPLE).drop("vector")
    pairs = pl.DataFrame({"claim_a": [r["claim_a"] for r in real + false],
                          "claim_b": [r["claim_b"] for r in real + false]})
    pairs = pairs.join(pl.read_parquet(PAIRS).select("claim_a", "claim_b", "similarity"), on=["claim_a", "claim_b"])
    assert pairs.height == len(real) + len(false)
    out = decided(claims, pairs, Config(show_progress=False))
    entities = dict(zip(claims["claim_id"].to_list(), claims["entities"].to_list()))
    for r in out.iter_rows(named=True):
        assert set(r["shared_entities"] or []) == set(entities[r["claim_a"]] or []) & set(entities[r["claim_b"]] or [])
    flags = dict(zip(zip(out["claim_a"], out["claim_b"]), out["flag"]))
    assert all(flags[(r["claim_a"], r["claim_b"])] for r in real)
    assert sum(flags[(r["claim_a"], r["claim_b"])] for r in false) < len(false)  # 34 of 40 with the shipped weights


def test_word_overlap_compares_content_word_stems():
    assert contradictions.word_overlap("there's no problem", "The general election is like a football team") == 0.0
    # "strikes" / "strike" share their first letters ("carried" / "carry" do not); stop words do not count
    assert contradictions.word_overlap("Russia carried out strikes", "Russia did not carry out any strike") == 0.5
    assert contradictions.word_overlap("", None) == 0.0


def _labelled_reported(path, score, real, similarity=lambda r: r.get("similarity")):
    """Reported pairs of a labelled file (data/...) as select() ranks them: stored score and similarity, the
    contents, one-sided negation from cue / stance / content (no shared entities, no replies: not stored)."""
    import json
    from pathlib import Path

    from engine.nli.views import is_denial, is_negative

    def negative(r, side):
        return is_denial(r.get(f"{side}_cue"), r.get(f"{side}_stance")) or is_negative(r[f"{side}_content"])

    rows = [json.loads(line) for line in (Path(__file__).parents[1] / path).read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if score(r) is not None and score(r) >= 0.5 and real(r) is not None]
    frame = pl.DataFrame({
        "score": [float(score(r)) for r in rows], "similarity": [similarity(r) for r in rows],
        "shared_entities": [[] for _ in rows], "content_a": [r["a_content"] for r in rows],
        "content_b": [r["b_content"] for r in rows], "_reply": [False] * len(rows),
        "_one_negative": [negative(r, "a") != negative(r, "b") for r in rows], "real": [real(r) for r in rows],
    }, schema_overrides={"similarity": pl.Float64, "shared_entities": pl.List(pl.Utf8)})
    return frame.with_columns(contradictions.rank_score(Config()))


def test_the_ranking_lifts_real_contradictions_above_the_score_alone():
    """Among reported pairs the NLI score hardly separates real contradictions from false ones; the ranking's
    evidence terms (similarity, shared words, one-sided negation) do. On the annotators' labels, the top quarter
    of the reported pairs holds clearly more real ones in the ranking than by score."""
    def top_quarter(frame, key):
        return int(frame.sort(key, descending=True).head(frame.height // 4)["real"].sum())

    # exhaustive flags in 2,015 corpus claims, stage-6 scores (real: either annotator)
    wild = _labelled_reported("data/wild_pairs/pairs.jsonl", lambda r: r["score_s15"],
                              lambda r: "contradiction" in (r["label_1"], r["label_2"]))
    assert (wild.height, int(wild["real"].sum())) == (1063, 16)
    assert (top_quarter(wild, "score"), top_quarter(wild, "rank_score")) == (5, 9)
    # FNC-1 denials against other claims (real: both annotators; pairs they split on are left out), no similarity
    denial = _labelled_reported(
        "data/denial_pairs/pairs.jsonl", lambda r: r["score_with_reading"],
        lambda r: (r["label_1"] == "contradiction") if r["label_1"] == r["label_2"] or "contradiction" not in
        (r["label_1"], r["label_2"]) else None, similarity=lambda r: None)
    assert (denial.height, int(denial["real"].sum())) == (373, 124)
    assert (top_quarter(denial, "score"), top_quarter(denial, "rank_score")) == (44, 53)


def test_explain_breaks_the_rank_down_into_its_terms():
    documents, claims, actors, scored = _tables()
    config = Config()
    found = contradictions.select(scored, claims, config)
    analysis = Analysis(documents=documents, skipped=empty(SKIPPED), claims=claims, actors=actors,
                        candidates=empty(CANDIDATES), scored=scored, contradictions=found, config=config)
    for i in range(found.height):
        explained = contradictions.explain(analysis, i)
        assert sum(explained["ranking"].values()) == pytest.approx(found["rank_score"][i], abs=1e-3)
    # "the bridge is open" / "the bridge was never open": one side negated, both name the bridge (0.91 + 0.8 + ...)
    first = contradictions.explain(analysis, 0)
    assert first["ranking"]["one side negated"] == 0.2 and first["ranking"]["shared entity"] == 0.1
    assert first["ranking"]["shared words"] == 1.0  # "bridg", "open" on both sides ("never" is a stop word)
    assert "; ranked by " in first["why"] and "one side negated 0.20" in first["why"]


def test_a_disagreement_is_shown_by_its_pair_ranked_first_not_its_highest_score():
    """Two actors, two disputes: the 0.95 pair ranks below the 0.80 one (less evidence that it is about the same
    thing), so the disagreement's example pair and its place in the table follow the ranking; max_score stays."""
    _, claims, _, _ = _tables()
    found = pl.DataFrame({"claim_a": ["c1", "c2"], "claim_b": ["c3", "c3"], "actor_a": ["Ivanov", "Ivanov"],
                          "actor_b": ["Rebels", "Rebels"], "score": [0.95, 0.80], "rank_score": [1.3, 2.1]})
    row = contradictions.disagreements(found, claims).row(0, named=True)
    assert (row["strongest_claim_a"], row["top_rank_score"], row["max_score"], row["count"]) == ("c2", 2.1, 0.95, 2)
