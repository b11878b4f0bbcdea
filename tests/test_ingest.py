"""Ingest: every format, every dirty input of issue 7, the seed's boilerplate, ids and accounting."""
from __future__ import annotations

import datetime
import hashlib
import json
import sys
from pathlib import Path

import polars as pl
import pytest

from engine import ingest, textio
from engine.config import DATA_DIR, Config
from engine.errors import InputError
from engine.schema import DOCUMENTS, SKIPPED

HERE = Path(__file__).resolve().parent
DIRTY = HERE / "data" / "dirty"
FORMATS = HERE / "data" / "formats"
SEED = DATA_DIR / "seed" / "mee-assad-shoigu-damascus.txt"
QUIET = Config(show_progress=False)
TEXT_NAMES = "text, body, articlebody, content, article, fulltext, maintext, story"


def load(sources, **options):
    return ingest.load_documents(sources, QUIET.replace(**options) if options else QUIET)


def origins_of(frame: pl.DataFrame, path: Path) -> list[str]:
    return [o for o in frame["origin"].to_list() if o == str(path) or o.startswith(f"{path}:")]


def skip_of(skipped: pl.DataFrame, path: Path) -> dict:
    rows = [r for r in skipped.iter_rows(named=True) if r["origin"] == str(path)]
    assert len(rows) == 1, f"{path.name}: {skipped}"
    return rows[0]


# ---------------------------------------------------------------------- dirty corpus (issue 7)
EXPECTED_SKIPS = {
    "empty.txt": "empty",
    "whitespace-only.txt": "empty",
    "image-named-as-text.txt": "binary",
    "pdf-named-as-text.txt": "binary",
    "report.pdf": "unsupported format",
    "undecodable.txt": "undecodable",
    "missing-text-column.csv": "unsupported format",
    "french-article.txt": "not English",
    "duplicate-2.txt": "duplicate",
}
EXPECTED_DOCUMENTS = {
    "latin1-article.txt", "utf16-article.txt", "scripts-and-styles.html", "duplicate-1.txt",
    "very-long-sentence.txt", "good-article.txt",
}


@pytest.fixture(scope="module")
def dirty():
    return load(DIRTY)


def test_dirty_folder_accounts_for_every_file(dirty):
    documents, skipped = dirty
    assert documents.columns[: len(DOCUMENTS)] == list(DOCUMENTS)
    assert skipped.columns == list(SKIPPED)
    files = sorted(p for p in DIRTY.iterdir() if p.is_file())
    assert len(files) == 17
    for path in files:
        found = origins_of(documents, path) + origins_of(skipped, path)
        assert found, f"{path.name} is neither a document nor a skip"
    for name, reason in EXPECTED_SKIPS.items():
        assert skip_of(skipped, DIRTY / name)["reason"] == reason, name
    for name in EXPECTED_DOCUMENTS:
        assert origins_of(documents, DIRTY / name) == [str(DIRTY / name)], name
    assert set(skipped["reason"].to_list()) <= set(ingest.REASONS)
    assert skipped.filter(pl.col("detail").is_null() | (pl.col("detail") == "")).height == 0
    # documents from text/html files and table rows, skips for the rest, and the line says so
    assert documents.height == 13 and skipped.height == 12
    assert ingest.summary_line(documents, skipped) == (
        "documents: 25 received = 13 analysed + 12 skipped (3 parse error, 2 binary, 2 empty, "
        "2 unsupported format, 1 duplicate, 1 not English, 1 undecodable)"
    )


def test_latin1_and_utf16_are_decoded(dirty):
    documents, _ = dirty
    text = {Path(o).name: t for o, t in zip(documents["origin"], documents["text"])}
    assert "the rumored Condé Nast rat infestation" in text["latin1-article.txt"]
    assert "Condé employees aren't allowed to eat at their desks" in text["latin1-article.txt"]
    utf16 = text["utf16-article.txt"]
    assert utf16.startswith("At least 25 suspected Boko Haram insurgents were killed")
    assert "“Our men gunned down 25 of the insurgents" in utf16  # curly quotes survive
    assert "\x00" not in utf16 and "\ufeff" not in utf16


def test_binary_and_undecodable_details(dirty):
    _, skipped = dirty
    assert skip_of(skipped, DIRTY / "image-named-as-text.txt")["detail"] == "PNG image"
    assert skip_of(skipped, DIRTY / "pdf-named-as-text.txt")["detail"] == "PDF document"
    assert "extension .pdf" in skip_of(skipped, DIRTY / "report.pdf")["detail"]
    assert skip_of(skipped, DIRTY / "missing-text-column.csv")["detail"].startswith("missing text field: found ")


def test_csv_with_broken_quoting_keeps_parsable_rows(dirty):
    documents, skipped = dirty
    path = DIRTY / "broken-quoting.csv"
    kept = documents.filter(pl.col("origin").str.starts_with(f"{path}:"))
    assert kept["doc_id"].to_list() == ["101", "102", "104", "106"]
    assert kept["title"].to_list()[0] == "Meteorite crashes in Managua"
    assert kept["text"][3].startswith("ISIS terrorists have released a video")
    bad = skipped.filter(pl.col("origin").str.starts_with(f"{path}:")).sort("origin")
    assert bad["reason"].to_list() == ["parse error", "parse error"]
    assert bad["detail"][0].startswith("row 3 (line 11)")
    assert bad["detail"][1] == "row 5 (line 13): expected 3 fields, found 4"


def test_jsonl_bad_line_reported_with_its_number(dirty):
    documents, skipped = dirty
    path = DIRTY / "one-bad-line.jsonl"
    kept = documents.filter(pl.col("origin").str.starts_with(f"{path}:"))
    assert kept["origin"].to_list() == [f"{path}:1", f"{path}:2", f"{path}:4"]
    assert kept["doc_id"].to_list() == ["j1", "j2", "j4"]
    bad = skip_of(skipped, Path(f"{path}:3"))
    assert bad["reason"] == "parse error" and bad["detail"].startswith("line 3: invalid JSON")


def test_html_scripts_and_styles_do_not_leak(dirty):
    documents, _ = dirty
    row = documents.filter(pl.col("origin") == str(DIRTY / "scripts-and-styles.html")).row(0, named=True)
    text = row["text"]
    assert "A small meteorite crashed into a wooded area in Nicaragua's capital" in text
    for leak in ("trackingPixel", "function", "adSlot", "font-family", "{", "NewsArticle", "cookies",
                 "newsletter", "All rights reserved", "Log in"):
        assert leak not in text, leak
    assert row["title"] == "Meteorite crashes in Nicaragua's capital"
    assert row["source"] == "Example Wire"
    assert row["published"] == "2014-09-08"


def test_non_english_duplicates_and_long_sentence(dirty):
    documents, skipped = dirty
    french = skip_of(skipped, DIRTY / "french-article.txt")
    assert french["reason"] == "not English" and "fr" in french["detail"]
    assert skip_of(skipped, DIRTY / "duplicate-2.txt")["detail"] == f"same text as {DIRTY / 'duplicate-1.txt'}"
    long_text = documents.filter(pl.col("origin") == str(DIRTY / "very-long-sentence.txt"))["text"][0]
    assert long_text == (DIRTY / "very-long-sentence.txt").read_text().strip()  # kept whole, unchanged
    assert len(long_text) > 5000 and long_text.count(". ") == 0


# ---------------------------------------------------------------------- the seed's boilerplate
def test_seed_loses_boilerplate_but_keeps_its_body():
    documents, skipped = load(SEED)
    assert skipped.height == 0 and documents.height == 1
    doc = documents.row(0, named=True)
    text = doc["text"]
    for junk in ("Skip to main content", "Stay informed with MEE's newsletters", "Sign up to get the latest alerts",
                 "Middle East Eye delivers independent", "More about MEE can be found here", "file photo (AFP)"):
        assert junk not in text, junk
    assert doc["title"] == "Assad, Russian defence chief meet in Damascus amid US concerns"
    assert doc["source"] == "Middle East Eye"  # named by the footer that was dropped
    assert text.startswith(doc["title"] + "\n\n")
    assert ("US defence officials said Russian warplanes carried out raids in Al-Tanaf targeting a meeting of "
            "combatants supported by the US-led coalition") in text
    assert "Russia, however, said it had not carried out any strikes targeting opposition forces" in text
    assert text.endswith("in an effort to prop up the government.")
    # only whole lines were removed: every kept line is a line of the file, word for word
    raw_lines = set(SEED.read_text(encoding="utf-8").splitlines())
    kept = [line for line in text.split("\n") if line]
    assert all(line in raw_lines for line in kept)
    assert len(kept) == 18  # the file's 24 non-blank lines less 5 of boilerplate and a lone no-break space
    assert "\n\n\n" not in text


def test_boilerplate_filter_spares_reporting():
    text = ("Skip to main content\n\nOfficials said voters can sign up until Friday.\n\nSign up to our newsletter\n"
            "Advertisement\n\nThe ministry denied the report.\n© 2016 Example News. All rights reserved.")
    assert textio.clean_text(text) == (
        "Officials said voters can sign up until Friday.\n\nThe ministry denied the report."
    )


@pytest.mark.parametrize("line, outlet", [
    ("© 2016 Example News. All rights reserved.", "Example News"),
    ("Copyright 2014 Example Wire", "Example Wire"),
    ("Stay informed with MEE's newsletters", "MEE"),
    ("Reuters is an independent news agency", "Reuters"),
    ("The agency delivers aid to refugees in the north.", None),  # reporting, not a footer
    ("Sign up to get the latest alerts", None),
])
def test_outlet_from_footer_lines(line, outlet):
    assert textio.find_outlet("Officials said the talks failed.\n\n" + line) == outlet


# ---------------------------------------------------------------------- ids, origins, errors
def test_stable_ids():
    text = "The ministry said on Monday that the talks had failed.\nOfficials denied it."
    first, _ = load(text)
    second, _ = load([text])
    assert first["doc_id"][0] == second["doc_id"][0] == hashlib.sha1(text.encode()).hexdigest()[:16]
    assert first["origin"][0] == "<text:0>"
    given, _ = load({"id": 42, "text": text})
    assert given["doc_id"][0] == "42" and given["origin"][0] == "<dict:0>"
    again, _ = load(FORMATS / "article.txt")
    assert again["doc_id"][0] == load(str(FORMATS / "article.txt"))[0]["doc_id"][0]


@pytest.mark.parametrize("source", ["no/such/file.txt", Path("no/such/folder"), "missing.csv", ["ok text here", "nope.jsonl"]])
def test_missing_path_is_an_input_error(source):
    name = source[-1] if isinstance(source, list) else str(source)
    with pytest.raises(InputError, match=f"^no such file or directory: {name}$"):
        load(source)


@pytest.mark.parametrize("source", ["~/My news/report on the war.txt", "C:\\Users\\me\\My Documents\\a b.txt",
                                    "~nobody-of-that-name/articles.csv"])
def test_missing_path_with_spaces_or_unknown_user_is_an_input_error(source):
    with pytest.raises(InputError, match="^no such file or directory: "):
        load(source)


@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_empty_string_is_an_empty_text_never_the_current_folder(tmp_path, monkeypatch, blank):
    # Path("") exists: it is the current folder, which would be walked (earlier results, scripts and all)
    (tmp_path / "article.txt").write_text("The ministry said the talks covered military cooperation.")
    monkeypatch.chdir(tmp_path)
    docs, skipped = load(blank)
    assert docs.height == 0 and skipped.rows() == [("<text:0>", "empty", "no text")]
    docs, skipped = load(["", "The ministry said the talks had failed."])
    assert docs["origin"].to_list() == ["<text:1>"] and skipped.rows() == [("<text:0>", "empty", "no text")]


PROSE = [
    "...and the minister said the army had withdrawn from Karam on Sunday.",
    "The spokesman said the full statement was posted on gov.md",
    "/ The minister said the army had withdrawn from Karam on Sunday.",
    "~50 people were killed in the attack, officials said",
    "\u2026the army said it had not attacked Karam.",
]


@pytest.mark.parametrize("text", PROSE)
def test_one_line_prose_is_text_not_a_missing_path(text):
    docs, skipped = load(text)
    assert skipped.height == 0 and docs["origin"].to_list() == ["<text:0>"]
    assert docs["text"][0] == text


def test_one_path_like_snippet_does_not_abort_a_list_of_texts():
    docs, _ = load(["...the army said it had not attacked Karam.", "Villagers said the army attacked Karam on Sunday."])
    assert docs["origin"].to_list() == ["<text:0>", "<text:1>"]


NAV_ONLY = ('<html><head><title>Nav</title><script>var a=1; console.log("The president said the war was over.");'
            '</script></head>\n<body><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a>'
            '</nav><script>window.x=2</script></body></html>')
MENU_ONLY = ('<!DOCTYPE html><html><body><ul class="menu"><li><a href="/">Home</a></li><li><a href="/w">World</a>'
             '</li></ul><div><a href="/login">Log in</a> | <a href="/more">More stories</a></div></body></html>')
ARTICLE_WITH_MENU = ('<!DOCTYPE html><html><body><nav><a href="/">Home</a></nav><p>The mayor said the bridge over '
                     'the river would reopen on Friday, <a href="/r">the council</a> confirmed.</p></body></html>')


def test_html_page_of_menus_and_scripts_is_empty(tmp_path):
    (tmp_path / "nav.html").write_text(NAV_ONLY)
    (tmp_path / "menu.htm").write_text(MENU_ONLY)
    (tmp_path / "story.html").write_text(ARTICLE_WITH_MENU)
    docs, skipped = load([tmp_path, MENU_ONLY, {"text": NAV_ONLY}])
    no_article = "no article text in the HTML (only scripts, menus or links)"
    assert skipped.rows() == [
        (str(tmp_path / "menu.htm"), "empty", no_article),
        (str(tmp_path / "nav.html"), "empty", no_article),
        ("<text:1>", "empty", no_article),
        ("<dict:2>", "empty", no_article),
    ]
    assert docs["origin"].to_list() == [str(tmp_path / "story.html")]
    assert "the bridge over the river would reopen on Friday" in docs["text"][0]


def test_missing_text_field_has_one_reason_and_wording_everywhere(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"headline": "Talks fail", "id": 1}\n')
    (tmp_path / "b.json").write_text('[{"headline": "Talks fail"}]')
    (tmp_path / "c.csv").write_text("headline,id\nTalks fail,1\n")
    pl.DataFrame({"headline": ["Talks fail"]}).write_parquet(tmp_path / "d.parquet")
    _, skipped = load([tmp_path, {"headline": "Talks fail"}, pl.DataFrame({"headline": ["Talks fail"]})])
    assert skipped["origin"].to_list() == [
        f"{tmp_path / 'a.jsonl'}:1", f"{tmp_path / 'b.json'}:1", str(tmp_path / "c.csv"), str(tmp_path / "d.parquet"),
        "<dict:1>", "<frame:2>"]
    assert set(skipped["reason"]) == {"unsupported format"}
    with_id = f"missing text field: found headline, id; expected one of {TEXT_NAMES}"
    without = f"missing text field: found headline; expected one of {TEXT_NAMES}"
    assert skipped["detail"].to_list() == [
        f"line 1: {with_id}", f"item 1: {without}", with_id, without, without, without]


def test_text_field_of_numbers_is_not_a_document(tmp_path):
    pl.DataFrame({"id": ["a", "b"], "text": [1, 2]}).write_parquet(tmp_path / "ints.parquet")
    (tmp_path / "numbers.csv").write_text("id,text\nc,1\nd,2.5\n")
    (tmp_path / "records.jsonl").write_text('{"text": 3}\n{"text": ["a", "list"]}\n')
    frame = pl.DataFrame({"text": [datetime.date(2024, 1, 2)]})
    docs, skipped = load([tmp_path, {"text": 7}, {"text": float("nan")}, frame])
    assert docs.height == 0
    assert skipped.rows() == [
        (str(tmp_path / "ints.parquet"), "unsupported format",
         "text field 'text' holds Int64 values, not text: 2 row(s)"),
        (f"{tmp_path / 'numbers.csv'}:2", "empty", "no words, only digits or symbols: '1'"),
        (f"{tmp_path / 'numbers.csv'}:3", "empty", "no words, only digits or symbols: '2.5'"),
        (f"{tmp_path / 'records.jsonl'}:1", "unsupported format", "text field holds int '3', not text"),
        (f"{tmp_path / 'records.jsonl'}:2", "unsupported format", "text field holds list \"['a', 'list']\", not text"),
        ("<dict:1>", "unsupported format", "text field holds int '7', not text"),
        ("<dict:2>", "empty", "text is missing (null)"),
        ("<frame:3>", "unsupported format", "text field 'text' holds Date values, not text: 1 row(s)"),
    ]


@pytest.mark.parametrize("source", [42, None, [1.5], object()])
def test_unsupported_objects_are_input_errors(source):
    with pytest.raises(InputError, match="unsupported source"):
        load(source)


def test_mixed_sources_in_one_list():
    frame = pl.DataFrame({"id": ["f1", "f2"], "body": ["Rebels said the town had fallen.", None]})
    sources = [
        "Putin said on Friday that a new government is key to ending the conflict.",
        {"text": "The Pentagon voiced strong concerns, a spokesman said.", "publisher": "Wire", "date": "2016-06-18"},
        frame,
        FORMATS / "article.txt",
        str(FORMATS / "nested"),
        "  \n ",
        b"Officials said the strikes had not targeted opposition forces.",
        {"title": "no text here"},
    ]
    documents, skipped = load(sources)
    assert documents["origin"].to_list() == [
        "<text:0>", "<dict:1>", "<frame:2>:0", str(FORMATS / "article.txt"),
        str(FORMATS / "nested" / "deeper" / "article.txt"), "<bytes:6>",
    ]
    assert documents["source"][1] == "Wire" and documents["published"][1] == "2016-06-18"
    assert documents["doc_id"][2] == "f1"
    assert skipped.rows() == [
        ("<frame:2>:1", "empty", "text is missing (null)"),
        (str(FORMATS / "nested" / ".hidden-note.txt"), "ignored", "hidden file"),
        ("<text:5>", "empty", "no text"),
        ("<dict:7>", "unsupported format", f"missing text field: found title; expected one of {TEXT_NAMES}"),
    ]


# ---------------------------------------------------------------------- formats
def test_plain_text_markdown_and_header_block():
    docs, _ = load([FORMATS / "article.txt", FORMATS / "article.md", FORMATS / "article-no-extension"])
    txt, md, bare = docs.iter_rows(named=True)
    assert txt["text"].startswith("A small meteorite crashed into a wooded area")
    assert txt["title"] is None  # the first line is a paragraph, not a headline
    assert md["title"] == "Boko Haram clashes in Nigeria"
    assert (bare["title"], bare["source"], bare["published"]) == ("Oldest burger in the world", "Newser", "2015-02-10")
    assert bare["text"].startswith("(NEWSER) – Wonder how long")  # the header block is metadata, not text


def test_html_file_metadata():
    docs, skipped = load(FORMATS / "article.html")
    doc = docs.row(0, named=True)
    assert skipped.height == 0
    assert (doc["title"], doc["source"], doc["published"]) == (
        "ISIS video shows killing of US journalist", "Example Times", "2014-08-19")
    assert "Foley, a 40-year-old New Hampshire native, was kidnapped" in doc["text"]
    assert "\n\n" in doc["text"]  # paragraphs kept apart


@pytest.mark.parametrize("name", ["articles.csv", "articles.tsv", "articles.jsonl", "articles.json", "articles.parquet"])
def test_tables(name):
    docs, skipped = load(FORMATS / name)
    assert skipped.height == 0 and docs.height == 3
    assert docs["title"].to_list() == ["Vogue rat problem", "Singing polar bear", "Hazmat suit at Dulles"]
    assert docs["source"].to_list() == ["Daily News", "BBC", "The Daily Caller"]
    assert docs["published"].to_list() == ["2014-10-20", "2014-12-20", "2014-10-08"]
    assert docs["url"][0] == "https://example.org/a"
    assert docs["doc_id"].to_list() == (["p1", "p2", "p3"] if name.endswith("parquet") else ["c1", "c2", "c3"])
    assert docs["text"][0].startswith("Vanity Fair editor Graydon Carter confirms")
    assert all(o.startswith(f"{FORMATS / name}:") for o in docs["origin"])


DOCUMENTATION = "documentation file (readme, licence, notice, changelog...): give the file itself to read it"


def test_folder_walk_is_recursive_sorted_and_records_what_it_does_not_read(tmp_path):
    # hidden files, .git, README-like names and broken links are not read, but each is a line of `skipped`
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("Officials said the convoy was hit near the border crossing.")
    (tmp_path / "a.txt").write_text("The ministry said the talks covered military cooperation.")
    (tmp_path / ".secret.txt").write_text("A hidden note that must not be read as news at all.")
    (tmp_path / ".git").mkdir()
    for name in ("HEAD.txt", "config.txt"):  # a hidden folder is one line, not one per file
        (tmp_path / ".git" / name).write_text("ref: refs/heads/main and more words")
    (tmp_path / "README.md").write_text("How this corpus was collected, written by the analyst.")
    (tmp_path / "b" / "notice.txt").write_text("The council said the notice period for tenants would double.")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "deleted-long-ago.txt")
    (tmp_path / "elsewhere").symlink_to(tmp_path / "b", target_is_directory=True)
    docs, skipped = load(tmp_path)
    assert docs["origin"].to_list() == [str(tmp_path / "a.txt"), str(tmp_path / "b" / "z.txt")]
    assert skipped.rows() == [
        (str(tmp_path / ".git"), "ignored", "hidden folder"),
        (str(tmp_path / ".secret.txt"), "ignored", "hidden file"),
        (str(tmp_path / "README.md"), "ignored", DOCUMENTATION),
        (str(tmp_path / "b" / "notice.txt"), "ignored", DOCUMENTATION),
        (str(tmp_path / "elsewhere"), "ignored",
         "symbolic link to a folder, not followed: give the folder itself to read it"),
        (str(tmp_path / "gone.txt"), "unreadable", f"broken symbolic link to {tmp_path / 'deleted-long-ago.txt'}"),
    ]
    assert ingest.summary_line(docs, skipped) == (
        "documents: 8 received = 2 analysed + 6 skipped (5 ignored, 1 unreadable)")
    named, _ = load([tmp_path / "README.md", tmp_path / "b" / "notice.txt"])  # named explicitly, they are read
    assert named.height == 2


def test_folder_without_documents_says_so(tmp_path):
    (tmp_path / "nothing").mkdir()
    (tmp_path / "nothing" / "sub").mkdir()  # empty folders inside count as nothing
    (tmp_path / "only-hidden").mkdir()
    (tmp_path / "only-hidden" / ".draft.txt").write_text("The minister said the bridge would reopen on Monday.")
    docs, skipped = load(tmp_path / "nothing")
    assert docs.height == 0
    assert skipped.rows() == [(str(tmp_path / "nothing"), "empty", "no files in the folder")]
    assert ingest.summary_line(docs, skipped) == "documents: 1 received = 0 analysed + 1 skipped (1 empty)"
    docs, skipped = load(tmp_path / "only-hidden")
    assert docs.height == 0
    assert skipped.rows() == [(str(tmp_path / "only-hidden" / ".draft.txt"), "ignored", "hidden file")]


def test_earlier_results_in_the_input_folder_are_not_read_again(tmp_path):
    article = "The ministry said the talks covered military cooperation with the neighbours."
    (tmp_path / "a.txt").write_text(article)
    results = tmp_path / "results"  # what `contra analyze . --out results` wrote on the first run
    results.mkdir()
    pl.DataFrame({"doc_id": ["d1"], "text": [article]}).write_parquet(results / "documents.parquet")
    pl.DataFrame({"claim_id": ["d1:0"], "content": ["talks"]}).write_parquet(results / "claims.parquet")
    pl.DataFrame({"claim_a": ["d1:0"], "claim_b": ["d1:9"]}).write_parquet(results / "contradictions.parquet")
    (results / "graph.graphml").write_text("<graphml/>")
    marked = tmp_path / "view"  # an export that leaves the marker file
    marked.mkdir()
    (marked / ingest.OUTPUT_MARKER).write_text("")
    (marked / "documents.csv").write_text(f"doc_id,text\nd1,{article}\n")
    docs, skipped = load(tmp_path)
    assert docs["origin"].to_list() == [str(tmp_path / "a.txt")]
    assert skipped.rows() == [
        (str(results), "ignored", "contra output folder: results of an earlier run, 4 files"),
        (str(marked), "ignored", "contra output folder: results of an earlier run, 2 files"),
    ]
    again, _ = load(results)  # named explicitly, the folder is read (to re-analyse earlier documents)
    assert f"{results / 'documents.parquet'}:1" in again["origin"].to_list()


def test_whole_formats_folder_counts_duplicates():
    docs, skipped = load(FORMATS)
    assert docs.height == 8
    assert skipped["reason"].to_list() == ["duplicate"] * 12 + ["ignored"]
    assert skipped.row(-1) == (str(FORMATS / "nested" / ".hidden-note.txt"), "ignored", "hidden file")
    assert ".hidden-note" not in " ".join(docs["origin"].to_list())


def test_pandas_frame():
    pd = pytest.importorskip("pandas")
    docs, _ = load(pd.DataFrame({"text": ["Rebels said the town had fallen on Sunday."], "id": [7]}))
    assert docs["doc_id"].to_list() == ["7"]


# ---------------------------------------------------------------------- limits and other skips
def test_too_large_is_skipped_without_reading(tmp_path):
    docs, skipped = load([FORMATS / "article.txt", "A short raw text that is far too long for the limit."],
                         max_document_bytes=40)
    assert docs.height == 0
    assert skipped["reason"].to_list() == ["too large", "too large"]
    assert skipped["detail"][0].startswith("1,903 bytes > max_document_bytes=40")


def test_bad_json_parquet_and_extensions(tmp_path):
    (tmp_path / "a.json").write_text('{"text": "The ministry said the talks failed."')
    (tmp_path / "b.parquet").write_bytes(b"PAR1 not really a parquet file")
    (tmp_path / "c.docx").write_bytes(b"PK\x03\x04 zipped word file")
    (tmp_path / "d.json").write_text('[{"text": "One said this."}, 3, {"title": "x"}]')
    (tmp_path / "page.txt").write_text("<!DOCTYPE html><html><body><p>Officials said the bridge had been destroyed "
                                       "overnight.</p><script>var leak = 1;</script></body></html>")
    docs, skipped = load(tmp_path)
    assert skipped.rows() == [
        (str(tmp_path / "a.json"), "parse error", "line 1: invalid JSON (Expecting ',' delimiter at column 47)"),
        (str(tmp_path / "b.parquet"), "parse error", skipped["detail"][1]),
        (str(tmp_path / "c.docx"), "unsupported format", skipped["detail"][2]),
        (f"{tmp_path / 'd.json'}:2", "parse error", "item 2: expected an object with a text field, got int"),
        (f"{tmp_path / 'd.json'}:3", "unsupported format",
         f"item 3: missing text field: found title; expected one of {TEXT_NAMES}"),
    ]
    assert skipped["detail"][1].startswith("not a readable parquet file")
    assert docs["origin"].to_list() == [f"{tmp_path / 'd.json'}:1", str(tmp_path / "page.txt")]
    assert docs["text"][1] == "Officials said the bridge had been destroyed overnight."


def test_semicolon_csv_and_only_boilerplate(tmp_path):
    (tmp_path / "a.csv").write_text("id;title;text\n1;Talks;The ministry said the talks, in Geneva, failed.\n")
    (tmp_path / "b.txt").write_text("Skip to main content\n\nSign up to our newsletter\nAdvertisement\n")
    docs, skipped = load(tmp_path)
    assert docs.select("doc_id", "title", "text").rows() == [
        ("1", "Talks", "The ministry said the talks, in Geneva, failed.")]
    assert skipped.rows() == [(str(tmp_path / "b.txt"), "empty", "only web boilerplate, no article text")]


def test_language_check_can_be_switched_off():
    french = (DIRTY / "french-article.txt").read_text()
    assert load(french)[1]["reason"].to_list() == ["not English"]
    assert load(french, languages=())[0].height == 1
    short, skipped = load("Le ministre a parlé.")  # too short to judge: kept
    assert short.height == 1 and skipped.height == 0


def test_progress_bar_over_many_files(tmp_path, capsys):
    for i in range(25):
        (tmp_path / f"{i:02d}.txt").write_text(f"Report {i}: officials said convoy {i} reached the city.")
    docs, _ = ingest.load_documents(tmp_path, Config(show_progress=True))
    assert docs.height == 25
    err = capsys.readouterr().err
    assert "reading" in err and "25/25" in err
    ingest.load_documents(tmp_path, Config(show_progress=False))
    assert "reading" not in capsys.readouterr().err


_MEASURE = """
import json, resource, sys
from engine import ingest
from engine.config import Config
docs, skipped = ingest.load_documents(sys.argv[1], Config(show_progress=False))
docs.write_parquet(sys.argv[2])
print(json.dumps({"rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "skipped": skipped.height}))
"""


def _load_in_child(path: Path, out: Path) -> dict:
    """Load in a fresh interpreter so its peak memory (ru_maxrss, Arrow included) is this load's alone."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", _MEASURE, str(path), str(out)], capture_output=True, text=True,
                          cwd=HERE.parent, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_twenty_megabyte_text_file_in_bounded_memory(tmp_path):
    """Issue 7: a 20 MB dump is streamed (chunks of 1 MiB) and cut into parts at paragraph breaks."""
    paragraphs = []
    for path in (FORMATS / "article.txt", FORMATS / "article.md", FORMATS / "nested" / "deeper" / "article.txt"):
        paragraphs += [p.strip() for p in path.read_text().split("\n") if len(p) > 80]
    big = tmp_path / "dump.txt"
    written = chars = 0
    with open(big, "w", encoding="utf-8") as handle:
        handle.write("Skip to main content\n\n")
        n = 0
        while written < 20_000_000:
            para = f"Dispatch {n}. {paragraphs[n % len(paragraphs)]}\n\n"  # numbered: no two parts alike
            handle.write(para)
            written += len(para.encode("utf-8"))
            chars += len(para)
            n += 1
    size = big.stat().st_size
    assert size > ingest.STREAM_BYTES
    small = tmp_path / "small.txt"
    small.write_text(paragraphs[0])

    baseline = _load_in_child(small, tmp_path / "small.parquet")
    measured = _load_in_child(big, tmp_path / "big.parquet")
    docs = pl.read_parquet(tmp_path / "big.parquet")

    assert measured["skipped"] == 0
    assert docs.height == pytest.approx(size / ingest.PART_CHARS, rel=0.1)
    lengths = docs["text"].str.len_chars()
    assert lengths.max() <= ingest.PART_CHARS
    assert not docs["text"][0].startswith("Skip to main content")
    assert docs["doc_id"].n_unique() == docs.height
    # each part says which line of the file it starts on
    lines = big.read_text(encoding="utf-8").split("\n")
    for origin, text in zip(docs["origin"][1:4], docs["text"][1:4]):
        line = int(origin.rsplit(":", 1)[1])
        assert text.startswith(lines[line - 1] or lines[line])
    # the text kept is all the text (less the boilerplate line and the blank lines where parts were cut)
    assert chars - 22 - 4 * docs.height <= lengths.sum() <= chars - 22
    # memory: the documents themselves (~size, in Arrow) plus a bounded working set, not copies of the file
    extra = measured["rss"] - baseline["rss"]
    assert extra < size + 45_000_000, f"peak grew by {extra / 1e6:.0f} MB for a {size / 1e6:.0f} MB file"


def test_iter_decoded_streams_in_chunks(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(("Officials said the talks had stalled. ").encode("utf-16") * 1)
    pieces = list(textio.iter_decoded(path, chunk_bytes=16))
    assert "".join(pieces) == "Officials said the talks had stalled. "
    path.write_bytes("é".encode("utf-8") * 100_000)
    pieces = list(textio.iter_decoded(path, chunk_bytes=1001))  # cuts inside a 2-byte character
    assert "".join(pieces) == "é" * 100_000 and max(len(p) for p in pieces) <= 65536


def test_summary_line_without_skips():
    docs, skipped = load("The ministry said the talks had failed on Monday.")
    assert ingest.summary_line(docs, skipped) == "documents: 1 received = 1 analysed + 0 skipped"


def test_iso_dates():
    import datetime as dt

    assert ingest.iso_date("2016-06-18T10:00:00Z") == "2016-06-18"
    assert ingest.iso_date("18 June 2016") == "2016-06-18"
    assert ingest.iso_date("June 18, 2016") == "2016-06-18"
    assert ingest.iso_date(dt.datetime(2016, 6, 18, 9)) == "2016-06-18"
    assert ingest.iso_date("sometime last week") is None
    assert ingest.iso_date(json.loads("null")) is None


@pytest.mark.parametrize("data, what", [
    (b"ID3 tags are metadata, the developer said.", None),
    (b"MZ Group said profits rose in the third quarter.", None),
    (b"RIFF raff gathered outside, police said.", None),
    (b"ID3\x03\x00\x00\x00\x00\x21", "MP3 audio"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
    ("Officials said the talks failed.".encode("utf-16-le"), None),  # UTF-16 without BOM is text
    (b"plain words\x00\x01\x02 and NULs", "binary data (NUL bytes)"),
])
def test_binary_sniffing(data, what):
    assert textio.sniff_binary(data) == what


def test_html_fallback_drops_scripts_styles_and_furniture():
    html = ("<html><head><title>Bridge</title><style>p{color:red}</style></head><body><nav>Home</nav><div>"
            "<p>Officials said the bridge fell.</p><script>var a = 1;</script><p>Rebels denied it.</p></div>"
            "<footer>All rights reserved</footer></body></html>")
    assert ingest._html_fallback(html) == ("Officials said the bridge fell.\nRebels denied it.", "Bridge")
    docs, _ = load("<!DOCTYPE html>\n" + html)  # an HTML page handed in as a string is read as HTML
    assert "Officials said the bridge fell." in docs["text"][0] and "<" not in docs["text"][0]


def test_html_markup_in_a_table_text_field():
    frame = pl.DataFrame({
        "id": ["h1"],
        "title": ["Bridge destroyed"],
        "content": ["<p>Officials said the bridge fell on Monday.</p><script>var leak = 1;</script>"
                    "<p>Rebels denied it, saying the <b>army</b> blew it up.</p>"],
    })
    docs, _ = load(frame)
    assert docs.select("doc_id", "title", "text").rows() == [
        ("h1", "Bridge destroyed", "Officials said the bridge fell on Monday.\n\nRebels denied it, saying the army blew it up.")
    ]
