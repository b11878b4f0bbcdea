"""Ingest: dates are never lost silently. A date that cannot be read, an ambiguous day/month date (read
day-first) and a date picked out of a longer text keep the value as given in `published_raw`, and
`ingest.date_notes` says so in one line per kind."""
from __future__ import annotations

import csv
import datetime as dt
import json

import polars as pl
import pytest

from engine import ingest
from engine.config import Config
from engine.schema import DOCUMENTS

QUIET = Config(show_progress=False, languages=())
TEXT = "The ministry said the talks on the border crossing had failed, officials said on Monday. Case {}."


def load(sources):
    return ingest.load_documents(sources, QUIET)


@pytest.mark.parametrize("value, published, raw", [
    # read unambiguously: nothing kept beside the ISO date
    ("2016-06-18", "2016-06-18", None),
    ("2016-06-18T10:00:00Z", "2016-06-18", None),
    ("2016-06-18 10:00:00 UTC", "2016-06-18", None),  # an ISO date first, then the time: the date is the value
    ("18 June 2016", "2016-06-18", None),
    ("June 18, 2016", "2016-06-18", None),
    ("25/12/2023", "2023-12-25", None),  # only day-first is a date
    ("12/25/2023", "2023-12-25", None),  # only month-first is a date (was dropped before)
    ("03/03/2024", "2024-03-03", None),  # both readings are the same day
    ("25.12.2023", "2023-12-25", None),
    ("2023/12/25", "2023-12-25", None),
    (dt.datetime(2016, 6, 18, 9), "2016-06-18", None),
    (dt.date(2016, 6, 18), "2016-06-18", None),
    # nothing given
    (None, None, None),
    ("", None, None),
    ("   ", None, None),
    (float("nan"), None, None),
    # not read: kept as given
    ("next Tuesday", None, "next Tuesday"),
    ("32/13/2024", None, "32/13/2024"),
    ("31/02/2024", None, "31/02/2024"),  # neither reading is a day of the calendar
    ("03/02/24", None, "03/02/24"),  # two-digit year: not guessed
    ("1466", None, "1466"),  # a number that is no Unix time
    # a Unix time (seconds or milliseconds, as a number or a string): its UTC day, read clearly
    (1466244000, "2016-06-18", None),
    ("1466244000000", "2016-06-18", None),
    (1466244000.5, "2016-06-18", None),
    # ambiguous: read day-first, as before, and kept
    ("03/02/2024", "2024-02-03", "03/02/2024"),
    ("3/2/2024", "2024-02-03", "3/2/2024"),
    ("03.02.2024", "2024-02-03", "03.02.2024"),
    ("03-02-2024", "2024-02-03", "03-02-2024"),
    ("25-12-2023", "2023-12-25", None),  # one valid reading
    # a date inside a longer text: read, and the whole text kept
    ("Updated 2016-06-20, first published 2016-06-18", "2016-06-20", "Updated 2016-06-20, first published 2016-06-18"),
])
def test_read_date(value, published, raw):
    assert ingest.read_date(value) == (published, raw)
    assert ingest.iso_date(value) == published


def test_pandas_not_a_time_is_no_date():
    pd = pytest.importorskip("pandas")
    assert ingest.read_date(pd.NaT) == (None, None)  # was the string "NaT"
    assert ingest.read_date(pd.Timestamp("2016-06-18 09:00")) == ("2016-06-18", None)


def _write_csv(path, dates):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "date"])
        for i, date in enumerate(dates):
            writer.writerow([TEXT.format(i), date])


def test_unreadable_and_ambiguous_dates_are_kept_and_noted(tmp_path):
    path = tmp_path / "x.csv"
    _write_csv(path, ["2024-03-02", "next Tuesday", "32/13/2024", "03/02/2024", "25/12/2023", "", "12/25/2023"])
    documents, skipped = load(path)
    assert skipped.height == 0
    assert documents.columns[: len(DOCUMENTS)] == list(DOCUMENTS)
    assert documents.schema["published_raw"] == pl.Utf8
    rows = documents.select("origin", "published", "published_raw").rows()
    assert rows == [
        (f"{path}:2", "2024-03-02", None),
        (f"{path}:3", None, "next Tuesday"),
        (f"{path}:4", None, "32/13/2024"),
        (f"{path}:5", "2024-02-03", "03/02/2024"),
        (f"{path}:6", "2023-12-25", None),
        (f"{path}:7", None, None),
        (f"{path}:8", "2023-12-25", None),
    ]
    assert ingest.date_notes(documents) == [
        f"2 documents have a date that could not be read (kept in published_raw): {path}:3 ('next Tuesday'), "
        f"{path}:4 ('32/13/2024')",
        f"1 document has an ambiguous day/month date, read day-first (kept in published_raw): {path}:5 "
        "('03/02/2024' read as 2024-02-03)",
    ]


def test_date_notes_name_a_few_and_count_the_rest(tmp_path):
    path = tmp_path / "many.jsonl"
    dates = ["soon"] * 5 + ["Posted 2016-06-18 by staff"]
    path.write_text("\n".join(json.dumps({"text": TEXT.format(i), "published": d}) for i, d in enumerate(dates)))
    documents, _ = load(path)
    notes = ingest.date_notes(documents)
    assert notes == [
        f"5 documents have a date that could not be read (kept in published_raw): {path}:1 ('soon'), "
        f"{path}:2 ('soon'), {path}:3 ('soon') and 2 more",
        f"1 document has a date taken from a longer text (kept in published_raw): {path}:6 "
        "('Posted 2016-06-18 by staff' read as 2016-06-18)",
    ]
    assert all("\n" not in note for note in notes)


def test_a_text_header_date_and_a_dict_date_are_kept(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Title: Talks fail\nDate: the day after the summit\n\n" + TEXT.format(1))
    documents, _ = load([path, {"text": TEXT.format(2), "date": "05/06/2016"}])
    assert documents.select("published", "published_raw").rows() == [
        (None, "the day after the summit"), ("2016-06-05", "05/06/2016")]
    assert len(ingest.date_notes(documents)) == 2


def test_date_notes_without_dates_or_without_the_column():
    documents, _ = load(["The ministry said the talks had failed on Monday.",
                         {"text": TEXT.format(3), "date": "2016-06-18"}])
    assert documents["published_raw"].to_list() == [None, None]
    assert ingest.date_notes(documents) == []
    # a documents table written before the column existed (an old parquet export, an old store)
    assert ingest.date_notes(documents.drop("published_raw")) == []
