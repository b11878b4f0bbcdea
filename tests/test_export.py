"""GraphML export survives hostile attribute values and reads back with networkx and with lxml."""
from __future__ import annotations

import math

import networkx as nx
import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from engine.export import clean_text, sanitize, to_graphml

GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"

HOSTILE = {
    "control": "bell\x07 null\x00 escape\x1b vertical\x0b",
    "markup": '<script>alert("x")</script> & \'quotes\' "double" ]]>',
    "emoji": "Moscow 🇷🇺 says 💥 nothing",
    "none": None,
    "nested": [["a", 1], {"b": [None, 2.5]}],
    "numpy_int": np.int64(7),
    "numpy_float": np.float32(0.25),
    "nan": float("nan"),
    "big": 2**70,
    "flag": np.bool_(True),
    "surrogate": "broken \ud800 half",
}


def _hostile_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_node("claim:<1>&\x01", kind="claim", **HOSTILE)
    g.add_node("actor:Россия", kind="actor", score=1)
    g.add_node("actor:2", kind="actor", score="high")  # same key, another type
    g.add_edge("claim:<1>&\x01", "actor:Россия", key="contradicts", kind="contradicts", shared=["a", "b"],
               score=np.float64(0.93), missing=None)
    g.add_edge("claim:<1>&\x01", "actor:Россия", key="asserts", kind="asserts")
    return g


def _read_with_lxml(path):
    tree = etree.parse(str(path))  # raises on any malformed XML
    root = tree.getroot()
    return root.findall(f".//{GRAPHML_NS}node"), root.findall(f".//{GRAPHML_NS}edge")


def test_hostile_values_round_trip(tmp_path):
    path = to_graphml(_hostile_graph(), tmp_path / "g.graphml")
    back = nx.read_graphml(path, force_multigraph=True)
    nodes, edges = _read_with_lxml(path)
    assert len(nodes) == 3 and len(edges) == 2
    assert back.number_of_nodes() == 3 and back.number_of_edges() == 2
    node = back.nodes["claim:<1>&"]
    assert node["markup"] == HOSTILE["markup"]
    assert node["emoji"] == HOSTILE["emoji"]
    assert node["control"] == "bell null escape vertical"
    assert "none" not in node and "nan" not in node
    assert node["numpy_int"] == 7 and math.isclose(node["numpy_float"], 0.25)
    assert node["nested"] == '[["a", 1], {"b": [null, 2.5]}]'
    assert node["big"] == str(2**70)
    assert node["surrogate"] == "broken  half"
    # a key with mixed types is written as text for every node
    assert back.nodes["actor:Россия"]["score"] == "1" and back.nodes["actor:2"]["score"] == "high"
    scores = [d.get("score") for _, _, d in back.edges(data=True)]
    assert 0.93 in [round(s, 2) for s in scores if s is not None]


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.text(min_size=1, max_size=10),
        st.one_of(st.none(), st.text(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                  st.booleans(), st.lists(st.one_of(st.text(), st.integers(), st.none()), max_size=4)),
        max_size=6,
    ),
    st.text(min_size=1, max_size=20),
)
def test_any_attributes_write_and_parse(tmp_path_factory, attrs, node_id):
    g = nx.MultiDiGraph()
    g.add_node(node_id, **attrs)
    g.add_node("other")
    g.add_edge(node_id, "other", key="k", **attrs)
    path = to_graphml(g, tmp_path_factory.mktemp("h") / "g.graphml")
    nodes, edges = _read_with_lxml(path)
    back = nx.read_graphml(path, force_multigraph=True)
    assert len(nodes) == back.number_of_nodes() == len(set([clean_text(node_id), "other"]))
    assert len(edges) == 1
    for key, value in attrs.items():
        clean_key = clean_text(key)
        if isinstance(value, str) and clean_key in back.nodes[clean_text(node_id)]:
            assert back.nodes[clean_text(node_id)][clean_key] in (clean_text(value), value)


def test_sanitize_keeps_structure():
    g = _hostile_graph()
    s = sanitize(g)
    assert s.number_of_nodes() == g.number_of_nodes()
    assert s.number_of_edges() == g.number_of_edges()
    assert isinstance(s, nx.MultiDiGraph)


@pytest.mark.parametrize("fmt", ["graphml", "parquet", "csv"])
def test_every_export_marks_its_folder_so_a_rerun_does_not_read_it(tmp_path, fmt):
    """Results written inside an input folder (`contra analyze . --out results`, the explorer's export) carry the
    .contra-output marker, and walking the folder again lists them as ignored instead of reading them."""
    from engine import ingest
    from engine.config import Config
    from engine.explorer.app import _empty_analysis
    from engine.explorer.export import export_view

    (tmp_path / "a.txt").write_text("The ministry said the talks covered military cooperation with the neighbours.")
    export_view(_empty_analysis(), tmp_path / "view", fmt)
    assert (tmp_path / "view" / ingest.OUTPUT_MARKER).exists()
    docs, skipped = ingest.load_documents(tmp_path, Config(show_progress=False))
    assert docs["origin"].to_list() == [str(tmp_path / "a.txt")]
    assert skipped.select("origin", "reason").rows() == [(str(tmp_path / "view"), "ignored")]
