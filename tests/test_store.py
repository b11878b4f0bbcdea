"""The persistent store: incremental adds, idempotence, A then B == A+B, kill-and-resume, clear errors.

Real models, real text: the seed article plus a few bundled corpus articles on the same story.
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

import engine
from engine import datasets
from engine.config import ROOT_DIR, Config
from engine.errors import ConfigError, StoreError
from engine.store import Store

pytestmark = pytest.mark.slow

# The shipped NLI runs int8 ONNX with dynamic quantization: activation scales are computed per batch, so a
# pair's probabilities shift (by up to ~0.2) with its batch-mates. Batch size 1 makes NLI a pure function of
# the pair, which is what "A then B == A+B" can promise; with larger batches only the candidate pairs and
# claims are exactly equal.
CONFIG = Config(show_progress=False, nli_batch_size=1)


def _write_jsonl(path: Path, frame: pl.DataFrame) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for row in frame.select("id", "text", "source", "published").iter_rows(named=True):
            fh.write(json.dumps(row) + "\n")
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """A = the seed + 2 corpus articles on Syria; B = 3 more."""
    root = tmp_path_factory.mktemp("docs")
    syria = (
        datasets.load("corpus")
        .filter(pl.col("text").str.contains("Syria"))
        .filter(pl.col("text").str.len_chars().is_between(600, 2000))
        .sort("id")
    )
    assert syria.height >= 5
    a = [str(datasets.path("seed")), str(_write_jsonl(root / "a.jsonl", syria.slice(0, 2)))]
    b = [str(_write_jsonl(root / "b.jsonl", syria.slice(2, 3)))]
    return a, b


def pair_keys(frame: pl.DataFrame) -> set:
    return {tuple(sorted(p)) for p in frame.select("claim_a", "claim_b").iter_rows()}


def scores_by_pair(frame: pl.DataFrame) -> dict:
    return {tuple(sorted((r["claim_a"], r["claim_b"]))): r["score"] for r in frame.iter_rows(named=True)}


def assert_same_result(got, want, tol=1e-6):
    cols = ["claim_id", "doc_id", "actor", "content", "start", "end"]
    assert got.claims.select(cols).sort("claim_id").equals(want.claims.select(cols).sort("claim_id"))
    assert pair_keys(got.candidates) == pair_keys(want.candidates)
    assert pair_keys(got.contradictions) == pair_keys(want.contradictions)
    g, w = scores_by_pair(got.scored), scores_by_pair(want.scored)
    assert g.keys() == w.keys()
    assert max((abs(g[k] - w[k]) for k in g), default=0.0) <= tol
    # the same reported pairs also at a threshold low enough to report some (whatever the model's calibration)
    from engine import contradictions

    floor = float(want.scored["score"].top_k(5).min())
    low = CONFIG.replace(nli_threshold=floor, nli_unrelated_threshold=floor, nli_hedged_threshold=floor)
    found = contradictions.select(got.scored, got.claims, low)
    assert found.height >= 5
    assert pair_keys(found) == pair_keys(contradictions.select(want.scored, want.claims, low))


@pytest.fixture(scope="module")
def batch(sources):
    a, b = sources
    result = engine.analyze(a + b, CONFIG)
    assert result.claims.height > 20 and result.candidates.height > 0
    return result


@pytest.fixture(scope="module")
def stepwise(sources, tmp_path_factory):
    """Store: add A, then A again (idempotence), then B. Returns (store, results, counts)."""
    a, b = sources
    store = Store(tmp_path_factory.mktemp("store") / "s")
    first = store.add(a, CONFIG)
    counts_a = dict(store.last_run)
    tables_a = store.stats()
    again = store.add(a, CONFIG)
    counts_again = dict(store.last_run)
    tables_again = store.stats()
    second = store.add(b, CONFIG)
    counts_b = dict(store.last_run)
    return store, (first, again, second), (counts_a, counts_again, counts_b), (tables_a, tables_again)


def test_incremental_add_processes_only_new_documents_and_pairs(stepwise, sources):
    store, (first, _, second), (counts_a, _, counts_b), _ = stepwise
    new_docs_b = second.documents.height - first.documents.height
    assert counts_a["new_documents"] == first.documents.height > 0
    assert counts_b["new_documents"] == new_docs_b > 0
    # only B's claims were extracted and embedded
    assert counts_b["new_claims"] == second.claims.height - first.claims.height
    assert 0 < counts_b["embedded"] <= counts_b["new_claims"]  # embeddings are cached per distinct text
    # NLI ran exactly on the candidate pairs that were not scored after A
    assert counts_b["pairs_scored"] == len(pair_keys(second.candidates) - pair_keys(first.candidates))
    assert 0 < counts_b["pairs_scored"] < second.candidates.height
    assert store.stats()["scores"] == len(pair_keys(second.candidates) | pair_keys(first.candidates))


def test_adding_the_same_documents_again_changes_nothing(stepwise):
    _, (first, again, _), (_, counts_again, _), (tables_a, tables_again) = stepwise
    received = first.documents.height + first.skipped.height
    assert counts_again == {"received": received, "new_documents": 0, "already_stored": first.documents.height,
                            "skipped": first.skipped.height, "new_claims": 0, "embedded": 0, "pairs_scored": 0,
                            "candidates": first.candidates.height}
    assert tables_again == tables_a
    assert_same_result(again, first, tol=0.0)


def test_a_store_run_reports_its_own_inputs_apart_from_the_store(stepwise, tmp_path):
    """`contra analyze --store` prints this run's count (new / already stored / skipped) and only this run's skips,
    then the store's totals: adding one new empty file to a store of several documents says so."""
    store = stepwise[0]
    copy = tmp_path / "s"
    import shutil

    shutil.copytree(store.path, copy)
    (tmp_path / "empty.txt").write_text("   \n")
    out = subprocess.run([sys.executable, "-m", "engine.cli", "analyze", "--store", str(copy), str(tmp_path / "empty.txt"),
                          "--no-progress"], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "this run: 1 received = 0 new + 0 already in the store + 1 skipped; 0 new claims" in lines
    assert any(line.startswith("store: documents: ") for line in lines)
    assert [line for line in lines if line.strip().startswith("skipped ")] == [
        next(line for line in lines if "empty.txt" in line and "skipped" in line)]


def test_a_then_b_equals_a_plus_b(stepwise, batch, sources, tmp_path):
    _, (_, _, second), _, _ = stepwise
    assert_same_result(second, batch)
    a, b = sources
    at_once = Store(tmp_path / "once").add(a + b, CONFIG)
    assert_same_result(at_once, batch)
    assert_same_result(Store(stepwise[0].path).analysis(), batch)


def test_claims_of_an_older_extractor_are_extracted_again(sources, batch, tmp_path):
    """A store whose claims an earlier extractor made (claims.VERSION differs, or a store from before the key)
    extracts them again before it adds: the result equals one run over all documents, and only pairs whose
    texts changed are scored again."""
    import duckdb

    a, b = sources
    store = Store(tmp_path / "old")
    store.add(a, CONFIG)
    scored_before = store.stats()["scores"]
    # what an older extractor might have left: a claim with other content, and another version number
    con = duckdb.connect(str(store.db_path))
    con.execute("UPDATE claims SET content = content || ' (old)' WHERE seq = 0")
    con.execute("DELETE FROM meta WHERE key = 'claims_version'")
    con.close()
    result = store.add(b, CONFIG)
    assert_same_result(result, batch)
    assert not result.claims["content"].str.ends_with(" (old)").any()
    assert store.stats()["scores"] - scored_before == store.last_run["pairs_scored"] < batch.candidates.height


KILL_SCRIPT = """
import sys, engine.store as store
from engine.config import Config
store.SCORE_CHUNK = 16  # many small commits, so the kill lands between two of them
store.EMBED_CHUNK = 8
store.Store(sys.argv[1]).add(sys.argv[2:], Config(show_progress=False, nli_batch_size=1))
print("finished")
"""


@pytest.mark.parametrize("stage,occurrence", [("embeddings", 2), ("scores", 3)])
def test_killed_run_resumes_to_the_same_result(sources, batch, tmp_path, stage, occurrence):
    a, b = sources
    trace = tmp_path / "trace.txt"
    env = dict(os.environ, CONTRA_STORE_TRACE=str(trace), PYTHONPATH=str(ROOT_DIR))
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(tmp_path / "s"), *a, *b], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if trace.exists() and trace.read_text().split().count(stage) >= occurrence:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read().decode()[-500:]}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    # committed work survived the kill, and the interrupted stage is not finished
    partial = Store(tmp_path / "s").stats()
    assert partial["documents"] > 0
    if stage == "scores":
        assert 0 < partial["scores"] < batch.candidates.height
    resumed = Store(tmp_path / "s")
    result = resumed.add(a + b, CONFIG)
    assert resumed.last_run["new_documents"] == 0  # the documents were committed before the kill
    assert_same_result(result, batch)
    assert resumed.stats()["scores"] == batch.candidates.height  # nothing duplicated


def test_corrupt_store_is_a_one_line_store_error(tmp_path):
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "store.duckdb").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="corrupt") as info:
        Store(tmp_path / "bad").analysis()
    assert "\n" not in str(info.value)


def test_locked_store_is_a_store_error(tmp_path):
    store = Store(tmp_path / "locked")
    store._connect().close()  # an empty store
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); "
                               "time.sleep(60)", str(store.db_path)],
        stdout=subprocess.PIPE,
    )
    try:
        assert holder.stdout.readline().strip() == b"ok"
        with pytest.raises(StoreError, match="in use by another process"):
            Store(store.path).stats()
    finally:
        holder.kill()
        holder.wait()


def test_missing_store_and_bad_paths(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        Store(tmp_path / "nothing").analysis()
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Store(tmp_path / "file")


def test_extraction_options_are_fixed_per_store(stepwise, sources):
    with pytest.raises(ConfigError, match="min_claim_words"):
        Store(stepwise[0].path).add(sources[1], CONFIG, min_claim_words=9)


def test_export_writes_the_whole_store(stepwise, tmp_path):
    paths = Store(stepwise[0].path).export(tmp_path / "out")
    # the same files as `contra export`: tables, the claim graph and the actor disagreement layer
    assert Path(paths["graph"]).name == "graph.graphml"
    assert Path(paths["disagreements_graph"]).name == "disagreements.graphml"
    assert all(Path(p).exists() for p in paths.values())


def test_a_denial_in_the_words_of_the_claim_it_denies_is_scored_as_a_denial(tmp_path):
    # the denial's content is the assertion's very words: blocking must still pair them (the same text is
    # not a repeat when one side denies it), and the store must key its scores on what NLI reads
    # ("... were not diagnosed ..."), or it would reuse the assertion's scores for the denial
    texts = {"ministry": "The health ministry said two cases of Ebola were diagnosed in Mosul.",
             "who": "The World Health Organization denied that two cases of Ebola were diagnosed in Mosul.",
             "doctors": "Doctors in Mosul said two Ebola patients were treated at the city hospital."}
    for name, text in texts.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    paths = [str(tmp_path / f"{name}.txt") for name in texts]
    want = engine.analyze(paths, CONFIG)
    denial = want.claims.filter(pl.col("stance") == "deny")
    said = want.claims.filter(pl.col("content") == denial["content"].item()).filter(pl.col("stance") == "assert")
    assert denial.height == 1 and said.height == 1
    # the assertion and its denial contradict each other ...
    assert {denial["claim_id"].item(), said["claim_id"].item()} in [set(p) for p in pair_keys(want.contradictions)]
    # ... in the store as in the batch run, with the same scores
    got = Store(tmp_path / "store").add(paths, CONFIG)
    stored, batch = scores_by_pair(got.scored), scores_by_pair(want.scored)
    assert stored.keys() == batch.keys()
    assert max(abs(stored[k] - batch[k]) for k in batch) <= 1e-6
    assert pair_keys(got.contradictions) == pair_keys(want.contradictions)


def test_stored_scores_belong_to_the_weights_that_made_them(tmp_path, monkeypatch):
    """The shipped model is retrained under the same name: scores are keyed on the weights file too, so a store
    built with older weights re-scores instead of mixing two models' scores."""
    import shutil

    from engine.nli.model import SHIPPED_DIR
    from engine.store import _nli_key

    folder = tmp_path / "model"
    shutil.copytree(SHIPPED_DIR, folder, ignore=shutil.ignore_patterns("*.onnx*", "*.openvino*"))
    config = Config(nli_model=str(folder))
    before = _nli_key(config)
    assert before == _nli_key(config) and before != _nli_key(Config())
    weights = folder / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1  # other weights, same size, same name
    weights.write_bytes(bytes(data))
    os.utime(weights, (1, 1))
    assert _nli_key(config) != before
    # a hub name has no local weights to read: the options alone
    assert _nli_key(Config(nli_model="cross-encoder/nli-deberta-v3-base")).count("-") == 0
    # what the views read changed (a new engine): stored scores no longer count either
    from engine.nli import views

    now = _nli_key(config)
    monkeypatch.setattr(views, "VERSION", views.VERSION + 1)
    assert _nli_key(config) != now
