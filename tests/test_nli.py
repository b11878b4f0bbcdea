"""The NLI stage: the shipped model, label mapping of any HF model, score_pairs, errors."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from engine.config import Config
from engine.errors import ModelError
from engine.nli import data
from engine.schema import SCORED

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shipped():
    from engine import nli

    return nli.load()


def test_shipped_model_loads_with_nli_labels(shipped):
    assert sorted(shipped.labels) == ["contradiction", "entailment", "neutral"]
    assert shipped.backend in ("onnx", "torch")
    from engine import nli

    assert nli.load() is shipped  # loaded once per process


# real pairs with clear answers: SICK test (never trained on) and news sentences
CLEAR = [
    ("A man is playing a guitar", "A man is not playing a guitar", "contradiction"),
    ("A woman is slicing an onion", "Nobody is slicing an onion", "contradiction"),
    ("The army said its troops had withdrawn from the town on Friday.",
     "the troops had not withdrawn from the town", "contradiction"),
    ("A man is playing a guitar on stage", "A man is playing an instrument", "entailment"),
    ("Three boys are jumping in the leaves", "Children are jumping in the leaves", "entailment"),
    ("Apple said the new watch would go on sale in April.",
     "Heavy rain flooded several streets in the capital overnight.", "neutral"),
    ("A man is playing a guitar", "A man is singing a song at a wedding", "neutral"),
]


@pytest.mark.parametrize("premise,hypothesis,gold", CLEAR)
def test_clear_pairs(shipped, premise, hypothesis, gold):
    probs = shipped.predict([(premise, hypothesis)])
    assert probs.shape == (1, 3)
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-4)
    assert shipped.labels[int(probs[0].argmax())] == gold


def test_predict_deduplicates_and_keeps_order(shipped):
    pairs = [("A dog runs", "A cat sleeps"), ("A man is playing a guitar", "A man is not playing a guitar")]
    single = shipped.predict(pairs)
    many = shipped.predict([pairs[1], pairs[0], pairs[1]], batch_size=2)
    assert np.allclose(many[0], single[1], atol=1e-4) and np.allclose(many[2], single[1], atol=1e-4)
    assert np.allclose(many[1], single[0], atol=1e-4)
    assert shipped.predict([]).shape == (0, 3)


def test_pair_inputs_assembled_from_tokenized_texts_equal_the_tokenizer_call(shipped):
    # predict() tokenizes each distinct text once and assembles pairs; pairs over max_length (truncated, here
    # the paragraph-long ones) go through the tokenizer's pair call. Either way: the same inputs
    news = data.news_nli("dev")
    texts = news["premise"].to_list() + news["hypothesis"].to_list()
    long = [" ".join(texts[i:i + 6]) for i in range(0, 60, 6)]
    pairs = [(a, b) for a in texts[:20] + long[:3] for b in texts[20:40] + long[3:]]
    assert len(pairs) >= 256
    built = shipped._encode(pairs)
    called = shipped.tokenizer([a for a, _ in pairs], [b for _, b in pairs], truncation=True,
                               max_length=shipped.max_length)
    assert sum(len(ids) == shipped.max_length for ids in built["input_ids"]) > 20  # some were truncated
    assert set(built) == {k for k in ("input_ids", "attention_mask", "token_type_ids") if k in called}
    for key, rows in built.items():
        assert rows == called[key], key


def _tiny_model(path, id2label, winner):
    """A random tiny BERT classifier whose bias makes `winner` dominate, with shuffled id2label."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from engine.nli.model import SHIPPED_DIR

    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, num_labels=3, id2label=id2label,
                        label2id={v: k for k, v in id2label.items()})
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.classifier.weight.zero_()
        model.classifier.bias.copy_(torch.tensor([8.0 if id2label[i] == winner else 0.0 for i in range(3)]))
    model.save_pretrained(path)
    AutoTokenizer.from_pretrained(SHIPPED_DIR).save_pretrained(path)
    return path


def test_label_order_follows_id2label(tmp_path):
    from engine import nli

    path = _tiny_model(tmp_path / "tiny", {0: "NEUTRAL", 1: "Contradiction", 2: "entailment"}, "Contradiction")
    model = nli.load(path, backend="torch")
    assert model.labels == ["neutral", "contradiction", "entailment"]
    probs = model.predict([("a b c", "d e f"), ("A man sings", "A man does not sing")])
    assert (probs.argmax(axis=1) == 1).all() and probs[0, 1] > 0.99


def test_score_pairs_uses_label_order_of_any_model(tmp_path):
    from engine import nli

    path = _tiny_model(tmp_path / "tiny2", {0: "entailment", 1: "neutral", 2: "contradiction"}, "contradiction")
    claims = pl.DataFrame({"claim_id": ["a", "b"], "content": ["the army left", "the army stayed"]})
    cands = pl.DataFrame({"claim_a": ["a"], "claim_b": ["b"], "similarity": [0.7], "shared_entities": [["army"]],
                          "via": ["knn"]})
    out = nli.score_pairs(claims, cands, Config(nli_model=str(path), nli_backend="torch", show_progress=False))
    assert out["contradiction_ab"][0] > 0.99 and out["entailment_ab"][0] < 0.01


def test_tiny_model_onnx_export_matches_torch(tmp_path):
    from engine import nli
    from engine.nli import export_onnx

    path = _tiny_model(tmp_path / "tiny3", {0: "contradiction", 1: "entailment", 2: "neutral"}, "neutral")
    assert export_onnx.main(["--model", str(path)]) == 0
    pairs = [("A man sings", "A man does not sing"), ("x", "y z")]
    a = nli.load(path, backend="torch").predict(pairs)
    b = nli.load(path, backend="onnx").predict(pairs)
    assert nli.load(path).backend == "onnx"  # auto picks the exported file
    assert np.abs(a - b).max() < 0.02


def test_score_pairs_on_a_tiny_frame(shipped):
    from engine import nli

    claims = pl.DataFrame({
        "claim_id": ["d1:0", "d2:0", "d3:0"],
        "content": ["the army withdrew its troops from the town on Friday",
                    "the army had not withdrawn any troops from the town",
                    "the central bank raised interest rates by half a point"],
    })
    cands = pl.DataFrame({"claim_a": ["d1:0", "d1:0"], "claim_b": ["d2:0", "d3:0"], "similarity": [0.8, 0.1],
                          "shared_entities": [["army"], []], "via": ["knn", "knn"]})
    out = nli.score_pairs(claims, cands, Config(show_progress=False))
    assert out.columns == list(SCORED) and out.schema == pl.Schema(SCORED)
    assert out["similarity"].to_list() == [0.8, 0.1]
    row = out.row(0, named=True)
    assert row["score"] == pytest.approx((row["contradiction_ab"] + row["contradiction_ba"]) / 2)
    assert max(row["contradiction_ab"], row["contradiction_ba"]) > 0.8 and out["score"][1] < 0.2
    both = np.array([[r["contradiction_ab"], r["entailment_ab"], r["neutral_ab"]] for r in out.iter_rows(named=True)])
    assert np.allclose(both.sum(axis=1), 1, atol=1e-4)
    hi = nli.score_pairs(claims, cands, Config(show_progress=False, nli_combine="max"))
    assert hi["score"][0] == pytest.approx(max(row["contradiction_ab"], row["contradiction_ba"]))
    empty = nli.score_pairs(claims, cands.head(0), Config(show_progress=False))
    assert empty.height == 0 and empty.columns == list(SCORED)


def test_unknown_model_is_a_model_error(tmp_path, monkeypatch):
    import huggingface_hub.constants

    from engine import nli

    # this machine has no hub: offline mode makes the same failure immediate instead of 30 s of retries
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    with pytest.raises(ModelError) as err:
        nli.load("no-such-org/no-such-nli-model-xyz")
    assert "\n" not in str(err.value)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError):
        nli.load(tmp_path / "empty")


def test_a_model_that_cannot_load_fails_before_the_claims_stage(tmp_path, caplog, monkeypatch):
    """analyze() and Store.add() check the NLI model first: a wrong name costs seconds, not a corpus's claims."""
    import logging

    import huggingface_hub.constants

    import engine

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # no hub here: fail without retries
    seed = Path(__file__).resolve().parents[1] / "data" / "seed"
    (tmp_path / "empty").mkdir()
    caplog.set_level(logging.INFO, logger="engine")
    for model in (str(tmp_path / "empty"), "no-such-org/no-such-nli-model-xyz"):
        with pytest.raises(ModelError, match="no config.json|cannot load NLI model"):
            engine.analyze(str(seed), nli_model=model, show_progress=False)
        with pytest.raises(ModelError, match="no config.json|cannot load NLI model"):
            engine.Store(tmp_path / "store").add(str(seed), nli_model=model, show_progress=False)
    started = [r.getMessage() for r in caplog.records if r.getMessage().startswith(("ingest:", "claims:"))]
    assert not started, started


def _candidates(claim_a: list[str], claim_b: list[str]) -> pl.DataFrame:
    """A candidate frame as candidates.block writes it, for the given pairs of claim ids."""
    return pl.DataFrame({"claim_a": claim_a, "claim_b": claim_b}).with_columns(
        similarity=pl.lit(0.5), shared_entities=pl.lit([], dtype=pl.List(pl.Utf8)), via=pl.lit("knn"))


def _seed_claims_all_pairs(n: int):
    """The seed article's first n claims plus Russia's denial (content as the models see it; the reference pair
    must be among them, wherever the claims stage puts the denial) and every pair of them as candidates."""
    from engine.pipeline import extract_claims, model_text

    seed = extract_claims(str(Path(__file__).resolve().parents[1] / "data" / "seed"), show_progress=False)
    keep = (pl.int_range(pl.len()) < n) | pl.col("content").str.contains("not carried out any strikes")
    picked = seed.filter(keep)
    assert picked.height >= min(n, seed.height) and picked["content"].str.contains("not carried out any strikes").any()
    claims = picked.with_columns(content=pl.Series(model_text(picked)))
    ids = claims["claim_id"].to_list()
    return claims, _candidates([a for i, a in enumerate(ids) for b in ids[i + 1:]],
                               [b for i, a in enumerate(ids) for b in ids[i + 1:]])


def test_reverse_direction_screen_loses_no_reportable_pair():
    """b->a is skipped only below Config.nli_reverse_min, and no pair it skips would have been reported: every
    pair keeps the scores of full two-way scoring (batch size 1 and no exact re-scoring: this checks the screen
    alone). The two runs may differ slightly (the bf16 pass on AMX CPUs: CI saw one), so a pair right at the
    screen level may fall either side of it; what must hold is the rule and the bound on what it drops."""
    from engine import nli

    # real claim pairs: the news set's first 40 dev pairs (with the shipped weights, no pair of the seed alone
    # passes the a->b screen in the full view)
    news = data.news_nli("dev").head(40)
    texts = news["premise"].to_list() + news["hypothesis"].to_list()
    claims = pl.DataFrame({"claim_id": [f"c{i}" for i in range(len(texts))], "content": texts})
    cands = _candidates([f"c{i}" for i in range(news.height)], [f"c{news.height + i}" for i in range(news.height)])
    # the core and affirmed views and exact re-scoring have their own tests (the affirmed view replaces the a->b
    # score of a pair of two negative claims by a lower one, after the screen)
    base = Config(show_progress=False, nli_batch_size=1, nli_core_view=False, nli_affirmed_view=False, nli_exact=False)
    full = nli.score_pairs(claims, cands, base.replace(nli_reverse_min=0.0))
    screened = nli.score_pairs(claims, cands, base)
    assert full["contradiction_ba"].null_count() == 0
    kept = screened["contradiction_ba"].is_not_null()
    assert 0 < kept.sum() < full.height  # the screen did something on real claims
    # the rule, on the screen's own a->b scores
    assert (screened.filter(kept)["contradiction_ab"] >= base.nli_reverse_min).all()
    dropped = screened.filter(~kept)
    assert (dropped["score"] == dropped["contradiction_ab"]).all() and dropped["score"].max() < base.nli_reverse_min
    # the same scores as full scoring, both ways where both were scored
    for column in ("contradiction_ab", "entailment_ab", "neutral_ab"):
        assert np.allclose(screened[column].to_numpy(), full[column].to_numpy(), atol=0.01)
    for column in ("contradiction_ba", "score"):
        assert np.allclose(screened.filter(kept)[column].to_numpy(), full.filter(kept)[column].to_numpy(), atol=0.01)
    # nothing dropped would have been reported: under the mean of both ways, a->b below the screen bounds the
    # score at (0.02 + 1) / 2, and on real pairs b->a is nowhere near 1 when a->b is that low
    assert full.filter(~kept)["score"].max() < base.nli_threshold
    # below the screen the threshold turns it off: a threshold-0 exploration still gets both directions
    low = nli.score_pairs(claims, cands, base.replace(nli_threshold=0.0))
    assert low["contradiction_ba"].null_count() == 0


def test_reported_scores_do_not_depend_on_batch_mates(shipped):
    """Config.nli_exact: pairs the fast pass finds close to the threshold or above are re-scored with the fp32
    graph, so a reportable pair scores the same alone as among 120 others."""
    from engine import nli

    assert shipped.has_exact and shipped.exact_path.name == "model.onnx"
    claims, cands = _seed_claims_all_pairs(15)
    config = Config(show_progress=False)
    together = nli.score_pairs(claims, cands, config)
    # every pair that could be reported (a bf16 fast pass re-scores only those within nli_exact_margin)
    rescored = (together["score"] >= config.nli_threshold - config.nli_exact_margin).to_numpy()
    assert 0 < rescored.sum() < together.height
    for i in np.flatnonzero(rescored)[:6]:
        alone = nli.score_pairs(claims, cands.slice(int(i), 1), config)
        for col in ("score", "contradiction_ab", "contradiction_ba", "entailment_ab", "neutral_ba"):
            assert alone[col][0] == pytest.approx(together[col][int(i)], abs=1e-5), col


@pytest.mark.parametrize("fast", ["bf16", "int8"])
def test_fast_pass_only_screens_reported_scores_are_fp32(shipped, fast):
    """Config.nli_fast picks the first pass over every candidate (bf16 on AMX CPUs, else int8); it only
    decides which pairs are scored again: those get exactly the fp32 scores, and no pair that fp32 scoring
    reports goes missing."""
    from engine import nli

    claims, cands = _seed_claims_all_pairs(15)
    exact = nli.score_pairs(claims, cands, Config(show_progress=False, nli_fast="fp32"))
    screened = nli.score_pairs(claims, cands, Config(show_progress=False, nli_fast=fast))
    assert nli.load(fast=fast).fast == fast and nli.load(fast="fp32").has_exact is False
    # rows that could be reported, in both runs (bf16 re-scores only those within nli_exact_margin)
    floor = Config().nli_threshold - Config().nli_exact_margin
    again = ((screened["score"] >= floor) & (exact["score"] >= floor)).to_numpy()
    assert 0 < again.sum() < screened.height
    for col in ("score", "contradiction_ab", "contradiction_ba", "neutral_ab"):
        assert np.allclose(screened[col].to_numpy()[again], exact[col].to_numpy()[again], atol=1e-5), col
    reported = exact.filter(pl.col("score") >= 0.5).select("claim_a", "claim_b")
    assert reported.height > 0
    assert reported.join(screened.filter(pl.col("score") >= 0.5), on=["claim_a", "claim_b"]).height == reported.height


@pytest.mark.parametrize("runtime", ["openvino", "torch"])
def test_bf16_fast_pass_does_not_depend_on_batch_mates(shipped, runtime):
    """engine.bf16: fixed batch shapes make a pair's bf16 scores the same alone, in a short batch or among
    others, on either runtime, so the fast pass is reproducible too (and within ~0.05 of fp32)."""
    from engine import nli

    claims, cands = _seed_claims_all_pairs(15)
    contents = dict(zip(claims["claim_id"], claims["content"]))
    pairs = [(contents[a], contents[b]) for a, b in cands.select("claim_a", "claim_b").iter_rows()]
    model = nli.load(fast="bf16", bf16_runtime=runtime)
    assert model.bf16_runtime == runtime and f"on {runtime}" in repr(model)
    together = model.predict(pairs)
    assert np.array_equal(model.predict(pairs[::-1])[::-1], together)
    for i in (0, 7, len(pairs) - 1):
        assert np.array_equal(model.predict([pairs[i]])[0], together[i])
    assert np.abs(together - model.predict(pairs, exact=True)).max() < 0.05


def test_int8_fast_pass_does_not_depend_on_batch_mates(shipped):
    """The int8 pass scores one pair per call (activations are quantised per call), so a pair scores the same
    alone, in another order or among others, and the screen is reproducible."""
    from engine import nli

    claims, cands = _seed_claims_all_pairs(15)
    contents = dict(zip(claims["claim_id"], claims["content"]))
    pairs = [(contents[a], contents[b]) for a, b in cands.select("claim_a", "claim_b").iter_rows()]
    model = nli.load(fast="int8")
    assert len(model._int8_workers()) >= 1
    together = model.predict(pairs, batch_size=32)
    assert np.array_equal(model.predict(pairs[::-1], batch_size=7)[::-1], together)
    for i in (0, 7, len(pairs) - 1):
        assert np.array_equal(model.predict([pairs[i]])[0], together[i])
    assert np.abs(together - model.predict(pairs, exact=True)).max() < 0.5


def test_shipped_export_fuses_attention_and_is_redone_for_an_older_exporter(shipped, tmp_path, caplog,
                                                                             monkeypatch):
    """The fp32 graph carries ONNX Runtime's fused Attention op (eager-attention export); a file stamped by an
    older exporter (or other weights) is not used: a warning says to re-export, except for the shipped model,
    which load() re-exports by itself."""
    import onnx

    from engine.nli import model as nli_model
    from engine.nli.model import EXPORT_VERSION, SHIPPED_DIR, export_stamp, onnx_file, weights_digest

    graph = onnx.load(str(SHIPPED_DIR / "model.onnx"), load_external_data=False).graph
    assert sum(node.op_type == "Attention" for node in graph.node) == 6  # one per layer
    assert (SHIPPED_DIR / "model.int8.onnx.source").read_text().strip() == export_stamp(SHIPPED_DIR)
    assert export_stamp(SHIPPED_DIR) == f"{weights_digest(SHIPPED_DIR)} export-{EXPORT_VERSION}"
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights")
    (folder / "model.onnx").write_bytes(b"graph")
    (folder / "model.onnx.source").write_text(weights_digest(folder) + "\n")  # how version 1 stamped it
    assert onnx_file(folder) is None and "older exporter" in caplog.text
    caplog.clear()
    monkeypatch.setattr(nli_model, "SHIPPED_DIR", folder)  # the same stale file, as the shipped model's
    assert onnx_file(folder) is None and "older exporter" not in caplog.text
    (folder / "model.onnx.source").write_text(export_stamp(folder) + "\n")
    assert onnx_file(folder) == folder / "model.onnx"


def test_openvino_pass_is_converted_from_torch_and_cached_for_the_shipped_model(shipped, tmp_path):
    """The OpenVINO bf16 pass is converted from the torch weights; the shipped model keeps the conversion beside
    its weights (stamped with their digest), and a copy of the folder converted afresh scores the same."""
    import shutil

    from engine import nli
    from engine.nli.model import OV_FILE, SHIPPED_DIR, weights_digest

    nli.load(fast="bf16", bf16_runtime="openvino")
    assert (SHIPPED_DIR / OV_FILE).exists() and (SHIPPED_DIR / OV_FILE).with_suffix(".bin").exists()
    assert (SHIPPED_DIR / (OV_FILE + ".source")).read_text() == weights_digest(SHIPPED_DIR)
    folder = tmp_path / "copy"
    folder.mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(SHIPPED_DIR / name, folder / name)
    model = nli.load(folder, backend="torch", fast="bf16", bf16_runtime="openvino")
    pairs = [(premise, hypothesis) for premise, hypothesis, _ in CLEAR]
    converted, cached = model.predict(pairs), nli.load(fast="bf16", bf16_runtime="openvino").predict(pairs)
    assert np.abs(converted - cached).max() < 1e-5
    assert not (folder / OV_FILE).exists()  # only the shipped folder gets a cached conversion
    assert np.abs(converted - model.predict(pairs, exact=True)).max() < 0.05
    assert converted.argmax(axis=1).tolist() == [model.index(gold) for _, _, gold in CLEAR]


def test_fixed_shape_batches_cover_every_item_once():
    from engine import bf16

    lengths = [3, 17, 16, 40, 118, 1, 33, 90, 17, 70]
    plan = list(bf16.batches(lengths, batch_size=2, limit=120))
    seen = sorted(int(i) for idx, _ in plan for i in idx)
    assert seen == list(range(len(lengths)))
    assert [bf16.width(n) for n in (1, 8, 9, 64, 65, 129, 300)] == [8, 8, 16, 64, 80, 160, 320]
    for idx, width in plan:
        assert 1 <= len(idx) <= 2
        # the width is the item's own bucket (at most the limit), never a batch-mate's
        assert all(lengths[i] <= width == min(bf16.width(lengths[i]), 120) for i in idx)
    padded = bf16.pad({"input_ids": [[1, 2], [3]]}, np.array([1]), 16, 4, {"input_ids": 0})
    assert padded["input_ids"].shape == (4, 16) and padded["input_ids"][:, 0].tolist() == [3, 3, 3, 3]


def test_auto_fast_pass_follows_the_cpu(shipped):
    """bf16 only where the CPU has AMX-BF16 tiles (emulated bf16 elsewhere is slower than fp32); else the
    shipped model's int8 graph."""
    from engine.bf16 import cpu_has_amx_bf16

    flags = next((l.split() for l in Path("/proc/cpuinfo").read_text().splitlines() if l.startswith("flags")), [])
    assert cpu_has_amx_bf16() == ("amx_bf16" in flags)
    assert shipped.fast == ("bf16" if cpu_has_amx_bf16() else "int8")
    # OpenVINO (a dependency) runs the bf16 pass unless the user asks for torch
    assert shipped.bf16_runtime == ("openvino" if cpu_has_amx_bf16() else None)


def test_unknown_fast_pass_is_a_config_error():
    from engine import nli
    from engine.errors import ConfigError

    with pytest.raises(ConfigError, match="nli_fast"):
        nli.load(fast="fp8")
    with pytest.raises(ConfigError, match="nli_bf16_runtime"):
        nli.load(fast="bf16", bf16_runtime="tensorrt")


def test_core_view_finds_a_denial_that_brings_its_own_qualifiers(shipped):
    from engine import nli
    from engine.nli import views

    claim = ("Russian warplanes carried out raids in Al-Tanaf targeting a meeting of combatants supported by "
             "the US-led coalition")
    denial = "Russia had not carried out any strikes targeting opposition forces included in the ceasefire"
    assert views.cores([claim, denial, "Moscow denied nothing"]) == {denial: "Russia had not carried out any strikes"}
    assert views.cores(["the talks focused on military cooperation"]) == {}  # not a denial: no core
    claims = pl.DataFrame({"claim_id": ["us", "ru"], "content": [claim, denial]})
    cands = pl.DataFrame({"claim_a": ["us"], "claim_b": ["ru"], "similarity": [0.5],
                          "shared_entities": [["al-tanaf"]], "via": ["knn"]})
    config = Config(show_progress=False, nli_batch_size=1)
    with_core = nli.score_pairs(claims, cands, config).row(0, named=True)
    without = nli.score_pairs(claims, cands, config.replace(nli_core_view=False)).row(0, named=True)
    assert without["view"] == "full" and with_core["view"] == "core"
    assert with_core["score"] >= 0.8 > 0.5 > without["score"]


def test_affirmed_view_keeps_two_denials_of_the_same_thing_apart(shipped):
    """Both sides negative: the model may read a mismatch of negation words as conflict; scored again with the
    negation taken out of both, agreeing denials agree, and complementary ones ("not alive" / "not dead") are
    left to the full view. (Stage 5 called the first pair 0.93 and needed the affirmed view for it; stage 6 reads
    it right alone, 0.41, and scores the complementary pair 0.45, below the threshold: a miss of the model's.)"""
    from engine.nli import views
    from engine.nli.score import pair_scores

    a = ["no one in Mosul had contracted the Ebola virus", "Rosenberg was never in Kobani", "the pilot is not alive"]
    b = ["Ebola has not infected anyone in Mosul", "Rosenberg was not near Kobani", "the pilot is not dead"]
    assert views.affirm(a[:2] + ["the talks went well", "the pilot is not alive, officials said. He died."]) == {
        a[0]: "someone in Mosul had contracted the Ebola virus", a[1]: "Rosenberg was in Kobani"}
    config = Config(show_progress=False)
    _, _, score, view = pair_scores(shipped, a, b, config)
    _, _, plain, plain_view = pair_scores(shipped, a, b, config.replace(nli_affirmed_view=False))
    assert view[1] == "affirmed" and view[2] == "full" and list(plain_view) == ["full"] * 3
    assert max(score[:2]) < 0.5 <= plain[1]
    assert score[2] == plain[2]


def test_affirmed_view_reads_contractions_and_nowhere(shipped):
    """Negative words without a word boundary before "not" ("didn't", "isn’t", "cannot") and "nowhere" count
    for the affirmed view: "nowhere near Kobani" and "never in Kobani" agree (a news dev pair the model called
    a contradiction). The core view still opens only on a negation written out in full (views._NEGATION)."""
    from engine.nli import views
    from engine.nli.score import pair_scores

    for text in ["he didn't go", "it isn’t true", "we cannot confirm it", "Rosenberg was nowhere near Kobani"]:
        assert views.is_negative(text), text
    assert not views.is_negative("the canon of Donny's songs") and not views.is_negated("he didn't go")
    assert views.affirm(["Rosenberg was nowhere near Kobani", "she hasn’t left the city",
                         "nowhere did he say no"]) == {"Rosenberg was nowhere near Kobani": "Rosenberg was somewhere near Kobani",
                                                       "she hasn’t left the city": "she has left the city"}
    a, b = ["Rosenberg was nowhere near Kobani"], ["Rosenberg was never in Kobani"]
    config = Config(show_progress=False)
    _, _, score, view = pair_scores(shipped, a, b, config)
    _, _, plain, _ = pair_scores(shipped, a, b, config.replace(nli_affirmed_view=False))
    assert view[0] == "affirmed" and score[0] < 0.5 <= plain[0]


def test_importing_engine_caps_onednn_kernel_cache_unless_the_user_set_it():
    """oneDNN reads ONEDNN_PRIMITIVE_CACHE_CAPACITY once; engine/__init__.py sets it before torch runs."""
    import os
    import subprocess
    import sys

    code = "import os, engine; print(os.environ['ONEDNN_PRIMITIVE_CACHE_CAPACITY'])"
    env = {k: v for k, v in os.environ.items() if k != "ONEDNN_PRIMITIVE_CACHE_CAPACITY"}
    root = str(Path(__file__).resolve().parents[1])
    ours = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True)
    theirs = subprocess.run([sys.executable, "-c", code], env={**env, "ONEDNN_PRIMITIVE_CACHE_CAPACITY": "512"},
                            cwd=root, capture_output=True, text=True)
    assert (ours.stdout.strip(), theirs.stdout.strip()) == ("256", "512")


def test_bench_screen_compares_the_fast_pass_with_fp32(shipped, capsys):
    """bench/screen.py fast: the NLI stage with the machine's fast pass against every pass in fp32, on a few
    corpus documents; the fast pass only screens, so the reported pairs agree here."""
    from bench.screen import fast_pass

    out = fast_pass(60)
    assert out["fast_pass"] == shipped.fast and out["pairs"] > 0
    assert out["contradictions_fp32"] > 0 and out["lost_by_fast_screen"] == out["added_by_fast_screen"] == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["nli_stage_fast_speedup_vs_fp32"] > 0
