"""The notebook explorer without a browser: filters drive table and graph, selection fills the details pane,
document text is escaped, the loader and the export buttons work. Real analyses of real text throughout."""
from __future__ import annotations

import dataclasses
import html

import networkx as nx
import polars as pl
import pytest

import engine
from engine import contradictions
from engine.config import DATA_DIR
from engine.errors import EngineError, InputError
from engine.explorer import Explorer, graphview, render

HOSTILE = (
    "Army spokesman Ali Hassan said government jets bombed the <script>alert('owned')</script> market "
    "in Idlib on Monday. "
    "The rebel council said government jets did not bomb the market in Idlib on Monday and that the "
    "<img src=x onerror=alert(1)> story was invented."
)


@pytest.fixture(scope="module")
def seed():
    return engine.analyze(DATA_DIR / "seed", show_progress=False)


@pytest.fixture(scope="module")
def wide(seed):
    """The seed with every scored pair listed (threshold 0): many rows for the widget logic, whatever the
    model's verdicts; built with the engine's own selection step, not by hand."""
    config = seed.config.replace(nli_threshold=0.0)
    return dataclasses.replace(seed, config=config,
                               contradictions=contradictions.select(seed.scored, seed.claims, config))


@pytest.fixture()
def explorer(wide):
    return Explorer(wide)


def _row_with(ex, needle):
    return next(r for r in ex.table.iter_rows(named=True) if needle in r["content_a"] + r["content_b"])


def _contradicts_edges(g: nx.DiGraph) -> int:
    return sum(1 for *_, d in g.edges(data=True) if d["kind"] == "contradicts")


def test_explore_returns_the_app_with_every_contradiction(wide):
    ex = wide.explore()
    assert isinstance(ex, Explorer)
    assert ex.table.height == wide.contradictions.height > 10
    ranked = ex.table["rank_score"].to_list()
    assert ranked == sorted(ranked, reverse=True) and (ex.table["rank_score"] >= ex.table["score"]).all()
    assert _contradicts_edges(ex.graph) == wide.contradictions.height
    assert ex.sigma is not None and ex.sigma in ex.children
    assert ex.details.value == render.HINT
    # nodes: the claims of each pair and the actors asserting them, sized by degree, coloured by kind
    kinds = nx.get_node_attributes(ex.graph, "kind")
    assert set(kinds.values()) <= set(render.KIND_COLOURS)
    assert "claim" in kinds.values() and len(set(kinds.values())) > 1
    assert all(ex.graph.nodes[n]["size"] == ex.graph.degree(n) for n in ex.graph)


def test_seed_reference_pair_details_show_both_claims_in_context(wide):
    """The seed's reference pair (US officials: raids in Al-Tanaf / Russia: no strikes) in the details pane.
    Listed at threshold 0: the shipped NLI model scores it below the default threshold (known gap, issue 4)."""
    explorer = Explorer(wide)
    assert explorer.table.height > 0, "no scored pair in the seed article"
    top = next(r for r in explorer.table.iter_rows(named=True)
               if {r["speaker_a"], r["speaker_b"]} == {"US defence officials", "Russia"}
               and "Al-Tanaf" in r["content_a"] + r["content_b"])
    value = explorer.select_pair(top["row"])
    assert value == explorer.details.value
    assert "Al-Tanaf" in value
    for side in ("a", "b"):
        assert html.escape(top[f"speaker_{side}"]) in value
        assert html.escape(top[f"content_{side}"]) in value
    assert value.count('<mark class="contra-sentence"') == 2  # each sentence highlighted in its paragraph
    assert f"{top['contradiction_ab']:.3f}" in value and f"{top['contradiction_ba']:.3f}" in value
    for entity in top["shared_entities"]:
        assert html.escape(entity) in value
    title = wide.documents["title"][0]
    assert html.escape(title) in value
    claim = wide.claims.filter(pl.col("claim_id") == top["claim_a"]).row(0, named=True)
    assert html.escape(claim["cue"] or "—") in value and html.escape(claim["stance"]) in value
    # the selected pair is the one edge the new graph view has selected
    assert explorer.sigma.selected_edge == (graphview.claim_node(top["claim_a"]), graphview.claim_node(top["claim_b"]))


def test_clicking_a_table_row_selects_that_pair(explorer):
    row, button, cells = explorer._rows[0]
    button.click()
    assert explorer.selected == explorer.table["row"][0]
    assert button.button_style == "info"
    assert "Contradiction #1" in explorer.details.value


def test_graph_clicks_reach_python(explorer):
    found = explorer.view.contradictions
    last = found.height - 1
    a, b = graphview.claim_node(found["claim_a"][last]), graphview.claim_node(found["claim_b"][last])
    # what the browser sends when an edge is clicked: the widget's selected_edge trait changes
    explorer.sigma.selected_edge = (a, b)
    assert explorer.selected == last
    assert f"Contradiction #{last + 1}" in explorer.details.value

    explorer.sigma.selected_node = graphview.claim_node(found["claim_b"][0])
    assert explorer.selected == 0

    actor = found["actor_a"][0]
    explorer.sigma.selected_node = graphview.actor_node(actor)
    assert explorer.selected is None
    assert 'class="contra-actor"' in explorer.details.value
    assert html.escape(actor) in explorer.details.value


def test_filters_drive_table_and_graph(explorer, wide):
    full_rows, full_nodes = explorer.table.height, explorer.graph.number_of_nodes()
    top = _row_with(explorer, "Al-Tanaf")

    explorer.set_filters(text="Al-Tanaf")
    assert 0 < explorer.table.height < full_rows
    for r in explorer.table.iter_rows(named=True):
        assert "al-tanaf" in (r["content_a"] + r["content_b"] + r["speaker_a"] + r["speaker_b"]).lower()
    assert _contradicts_edges(explorer.graph) == explorer.table.height

    explorer.set_filters(actors=[top["actor_b"]])
    wanted = wide.filter(actors=[top["actor_b"]]).contradictions
    assert 0 < explorer.table.height == wanted.height < full_rows
    assert set(explorer.table["claim_a"]) == set(wanted["claim_a"])

    # the slider, as a user moves it (observer path, not set_filters)
    explorer.set_filters()
    median = sorted(wide.contradictions["score"].to_list())[full_rows // 2]
    explorer.score_filter.value = median
    assert explorer.table.height == wide.contradictions.filter(pl.col("score") >= median).height
    assert 0 < explorer.table.height < full_rows
    assert _contradicts_edges(explorer.graph) == explorer.table.height
    explorer.score_filter.value = 1.0
    assert explorer.table.height == 0
    assert explorer.sigma is None and explorer.no_graph in explorer.children
    assert "no contradictions match" in explorer.page_label.value

    explorer.reset_button.click()
    assert explorer.table.height == full_rows and explorer.graph.number_of_nodes() == full_nodes
    assert explorer.criteria() == {}

    explorer.set_filters(doc_ids=[wide.documents["doc_id"][0]], min_score=median)
    assert explorer.table.height == wide.contradictions.filter(pl.col("score") >= median).height

    with pytest.raises(EngineError, match="unknown actor"):
        explorer.set_filters(actors=["nobody at all"])


def test_date_range_appears_for_dated_documents(explorer, wide):
    assert explorer.dates_box.layout.display == "none"  # the seed file carries no date
    day = "2016-06-18"
    dated = dataclasses.replace(wide, documents=wide.documents.with_columns(published=pl.lit(day)),
                                claims=wide.claims.with_columns(published=pl.lit(day)))
    ex = Explorer(dated)
    assert ex.dates_box.layout.display is None
    ex.set_filters(since=day, until=day)
    assert ex.criteria() == {"since": day, "until": day}
    assert ex.table.height == wide.contradictions.height
    ex.set_filters(since="2016-06-19")
    assert ex.table.height == 0
    with pytest.raises(EngineError, match="not a date"):
        ex.set_filters(until="June 2016")
    assert "published_raw" not in explorer.summary.value  # nothing to note on the seed
    # a date read day-first is noted under the summary (the same line as the CLI's, Analysis.notes)
    unclear = dataclasses.replace(wide, documents=wide.documents.with_columns(
        published=pl.lit("2024-02-03"), published_raw=pl.lit("03/02/2024")))
    assert unclear.notes and render.esc(unclear.notes[0]) in Explorer(unclear).summary.value
    assert "ambiguous day/month date, read day-first" in unclear.notes[0]


def test_selection_survives_a_filter_that_keeps_it(explorer):
    top = _row_with(explorer, "Al-Tanaf")
    explorer.select_pair(top["row"])
    explorer.set_filters(text="Al-Tanaf")
    assert explorer.selected is not None
    assert explorer.view.contradictions.row(explorer.selected, named=True)["claim_a"] == top["claim_a"]
    explorer.set_filters(min_score=1.01)
    assert explorer.selected is None and explorer.details.value == render.HINT


def test_sort_and_pages(explorer):
    scores = explorer.table["score"].to_list()
    # the engine's ranking (rank_score: score plus evidence bonuses), strongest first
    ranked = explorer.table["rank_score"].to_list()
    assert ranked == sorted(ranked, reverse=True)
    explorer.sort_button.click()
    assert explorer.table["score"].to_list() == scores[::-1]
    assert explorer.sort_button.description == "rank ▲"
    explorer.sort_button.click()
    assert explorer.table["score"].to_list() == scores
    shown = [r for r, *_ in explorer._rows if r.layout.display != "none"]
    assert len(shown) == min(len(scores), len(explorer._rows))
    with pytest.raises(EngineError, match="no contradiction #"):
        explorer.select_pair(len(scores))


def test_hostile_text_is_shown_as_text():
    ex = Explorer()
    assert ex.table.height == 0 and ex.sigma is None
    # threshold 0: every scored pair is listed, so the hostile claim is certainly in the table
    ex.load(HOSTILE, show_progress=False, nli_threshold=0.0)
    assert ex.progress.value == 100 and ex.progress.bar_style == "success"
    assert any("<script>" in c for c in ex.analysis.claims["content"].to_list())
    rows = [i for i, r in enumerate(ex.view.contradictions.iter_rows(named=True))
            if "<script>" in r["content_a"] + r["content_b"]]
    assert rows
    value = ex.select_pair(rows[0])
    assert "&lt;script&gt;alert(" in value
    assert "<script" not in value and "<img" not in value
    table_html = "".join(c.value for _, _, cells in ex._rows for c in cells)
    assert "&lt;script&gt;" in table_html and "<script" not in table_html
    for node, data in ex.graph.nodes(data=True):
        if data["kind"] != "claim":
            ex.select_node(node)
            assert "<script" not in ex.details.value and "<img" not in ex.details.value


def test_render_escapes_and_links_only_http():
    text = 'Intro line.\nHe said <b onmouseover="x()">bold</b> things & more. Next.\nOther paragraph.'
    start = text.index("He said")
    end = text.index(" Next.")
    out = render.highlight(text, start, end, (start, start + 2), (start + 8, end - 1))
    assert "<b onmouseover" not in out and "&lt;b onmouseover=&quot;x()&quot;&gt;" in out
    assert "Intro line" not in out and "Other paragraph" not in out  # only the sentence's paragraph
    assert out.count('<mark class="contra-sentence"') == 1
    assert render.link("javascript:alert(1)", "t") == "t"
    assert render.link('https://example.org/a?b="c"', "<t>") == (
        '<a href="https://example.org/a?b=&quot;c&quot;" target="_blank" rel="noopener noreferrer">&lt;t&gt;</a>'
    )


def test_export_writes_the_filtered_view(explorer, tmp_path):
    top = _row_with(explorer, "Al-Tanaf")
    explorer.set_filters(text="Al-Tanaf")
    written = explorer.export(tmp_path, formats=("graphml", "csv", "parquet"))
    names = {p.name for p in written}
    assert {"graph.graphml", "contradictions.csv", "claims.csv", "contradictions.parquet"} <= names
    csv = pl.read_csv(tmp_path / "contradictions.csv")
    assert csv.height == explorer.table.height
    assert top["claim_a"] in csv["claim_a"].to_list()
    assert pl.read_parquet(tmp_path / "contradictions.parquet").height == explorer.table.height
    g = nx.read_graphml(tmp_path / "graph.graphml")
    contradicts = [d for *_, d in g.edges(data=True) if d.get("kind") == "contradicts"]
    assert len(contradicts) == explorer.table.height

    explorer.export_dir.value = str(tmp_path / "clicked")
    explorer.export_buttons[0].click()
    assert (tmp_path / "clicked" / "graph.graphml").exists()
    assert "wrote" in explorer.export_status.value


def test_loader_reports_user_errors_in_one_line(tmp_path):
    ex = Explorer()
    ex.load_button.click()
    assert "paste some text or give a path" in ex.load_status.value
    ex.path_input.value = str(tmp_path / "missing-folder")
    ex.load_button.click()
    assert ex.progress.bar_style == "danger"
    assert "missing-folder" in ex.load_status.value and "Traceback" not in ex.load_status.value
    with pytest.raises(InputError):
        ex.load(tmp_path / "missing-folder")
    # the text box holds text: even one word that could be a file name is never read as a path
    ex.path_input.value = ""
    ex.text_input.value = "Breaking"
    ex.load_button.click()
    assert "no such file" not in ex.load_status.value and ex.progress.bar_style != "danger", ex.load_status.value


def test_the_table_names_the_cue_of_a_denial():
    import engine

    found = engine.analyze({"text": "Rumours spread on Monday that the militant leader Abu Bakr al-Baghdadi had been "
                                    "killed in a US air strike near Mosul. But a Pentagon official denied that the "
                                    "militant leader had been killed in a US air strike near Mosul."},
                           show_progress=False)
    assert found.contradictions.height == 1
    _, _, cells = found.explore()._rows[0]
    shown = " ".join(cell.value for cell in cells)
    assert "a Pentagon official (denied)" in shown and "Rumours" in shown
