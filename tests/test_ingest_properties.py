"""Property tests for ingest (issue 7): random inputs never crash and are always accounted for."""
from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engine import ingest, textio
from engine.config import Config
from engine.errors import InputError
from engine.schema import SKIPPED

QUIET = Config(show_progress=False)
ANY_LANGUAGE = QUIET.replace(languages=())
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# words of real reporting, so generated texts look like news (and never like boilerplate)
WORDS = ("the ministry said on Monday that talks with rebel forces had failed after air strikes near "
         "the border officials denied any attack Russia United States ceasefire 27 February convoy "
         "according to spokesman Peter Cook \"strong concerns\" (AFP) al-Assad 1,200 5.5% café naïve").split()
sentence = st.lists(st.sampled_from(WORDS), min_size=2, max_size=25).map(lambda ws: " ".join(ws) + ".")
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
# a text without a single letter ("27 1,200.") is skipped as "empty": news has words
news_text = st.lists(paragraph, min_size=1, max_size=5).map("\n\n".join).filter(lambda t: any(c.isalpha() for c in t))
PLAIN_WORDS = [word for word in WORDS if word.strip("\"()").isalpha()]


def accounted(documents: pl.DataFrame, skipped: pl.DataFrame, expected: int) -> None:
    assert documents.height + skipped.height == expected
    assert set(skipped["reason"].to_list()) <= set(ingest.REASONS) | {"not in languages"}
    assert skipped.columns == list(SKIPPED)
    for text in documents["text"].to_list():
        assert text.strip() and text == textio.clean_text(text)


@FAST
@given(st.lists(st.text(max_size=300), min_size=1, max_size=6))
def test_random_dict_texts_never_crash_and_are_accounted_for(texts):
    documents, skipped = ingest.load_documents([{"text": t} for t in texts], QUIET)
    accounted(documents, skipped, len(texts))


@FAST
@given(st.lists(st.text(max_size=300).map(lambda t: t + "\n"), min_size=1, max_size=6))
def test_random_raw_strings_never_crash(texts):
    # a string with a newline is always text, never a path
    documents, skipped = ingest.load_documents(texts, QUIET)
    accounted(documents, skipped, len(texts))


def _exists(text: str) -> bool:
    try:
        return ingest._expand(text).exists()
    except (OSError, ValueError):
        return False


@FAST
@given(st.text(max_size=120).filter(lambda t: "\n" not in t))
def test_random_one_line_strings_are_a_text_or_a_one_line_path_error(text):
    assume(not _exists(text))  # "/" or "~" would walk a whole folder
    try:
        documents, skipped = ingest.load_documents(text, QUIET)
    except InputError as err:
        assert str(err) == f"no such file or directory: {text}"
        return
    accounted(documents, skipped, 1)


@FAST
@given(st.sampled_from(["", "...", "\u2026", "/ ", "~", '"', "' "]),
       # one word more than the rule needs: the prefix may glue to the first word ("~the" is no plain word)
       st.lists(st.sampled_from(PLAIN_WORDS), min_size=ingest.PROSE_MIN_WORDS + 1, max_size=15),
       st.sampled_from(["", ".", " gov.md", " in notes.txt", "..."]))
def test_one_line_prose_is_never_taken_for_a_path(prefix, words, suffix):
    text = prefix + " ".join(words) + suffix
    documents, skipped = ingest.load_documents(text, ANY_LANGUAGE)
    assert (documents["origin"].to_list() + skipped["origin"].to_list()) == ["<text:0>"]


@FAST
@given(st.lists(st.binary(max_size=2000), min_size=1, max_size=5))
def test_random_bytes_never_crash(blobs):
    documents, skipped = ingest.load_documents(blobs, QUIET)
    accounted(documents, skipped, len(blobs))


@FAST
@given(
    st.lists(
        st.tuples(
            st.sampled_from([".txt", ".md", "", ".html", ".csv", ".tsv", ".jsonl", ".json", ".parquet", ".bin"]),
            st.one_of(st.binary(max_size=1500), news_text.map(str.encode), st.text(max_size=500).map(str.encode)),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_random_files_are_each_accounted_for(files):
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, (ext, data) in enumerate(files):
            path = Path(folder) / f"input{i}{ext}"
            path.write_bytes(data)
            paths.append(path)
        documents, skipped = ingest.load_documents(folder, QUIET)
        origins = documents["origin"].to_list() + skipped["origin"].to_list()
        for path in paths:  # each file shows up (a table file may show up once per row)
            assert any(o == str(path) or o.startswith(f"{path}:") for o in origins), path
        assert all(any(o == str(p) or o.startswith(f"{p}:") for p in paths) for o in origins)


@FAST
@given(st.lists(st.tuples(st.one_of(st.integers(), st.text(min_size=1, max_size=20).filter(str.strip)), news_text),
                min_size=1, max_size=6, unique_by=lambda pair: str(pair[0]).strip()))
def test_dicts_round_trip_text_and_id(items):
    documents, skipped = ingest.load_documents([{"id": i, "text": t} for i, t in items], ANY_LANGUAGE)
    texts = {}
    for i, t in items:  # later items with a text seen before are duplicates
        texts.setdefault(" ".join(t.split()), (i, t))
    assert skipped["reason"].to_list() == ["duplicate"] * (len(items) - len(texts))
    expected = [(str(i).strip(), t) for i, t in texts.values()]
    assert list(zip(documents["doc_id"], documents["text"])) == expected


@FAST
@given(news_text)
def test_ids_are_stable_content_hashes(text):
    first, _ = ingest.load_documents(text, ANY_LANGUAGE)
    second, _ = ingest.load_documents({"text": text}, ANY_LANGUAGE)
    assert first["doc_id"].to_list() == second["doc_id"].to_list()
    assert first["text"].to_list() == [text]


@FAST
@given(st.text(max_size=600))
def test_cleaning_is_idempotent_and_only_removes_whole_lines(raw):
    cleaned = textio.clean_text(raw)
    assert textio.clean_text(cleaned) == cleaned
    source_lines = {line.rstrip() for line in textio.normalise_chars(raw).split("\n")}
    assert all(line in source_lines for line in cleaned.split("\n") if line)
