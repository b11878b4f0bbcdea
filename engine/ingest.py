"""Ingest: whatever the user hands in -> the documents table, and an account of everything skipped.

`load_documents(sources, config) -> (documents, skipped)` (columns: `engine.schema.DOCUMENTS`, `SKIPPED`).
Every input ends up in exactly one of the two tables: documents received = analysed + skipped.

Sources (alone or in a list, mixed freely):
  - a path (str or Path) to a file or a folder (recursive, sorted). Inside a folder some entries are not
    read, and each is listed in `skipped` (reason "ignored") so nothing vanishes: hidden files and folders
    (a folder is one line), README/LICENSE/NOTICE-style files (IGNORED_IN_FOLDERS; read when named
    explicitly), links to folders, and the output folder of an earlier contra run (OUTPUT_MARKER or
    OUTPUT_TABLES in it), and special files (named pipes, sockets, devices: never opened, a pipe would block).
    A broken symbolic link, or a file or folder the system refuses to look at, list or read (permissions,
    I/O error), is "unreadable" and the rest of the folder is read; a folder with no files at all is "empty";
  - raw text: a str that is not a path (see `_is_path`: an existing path, or a one-line string that looks
    like a path and not like prose). "" and whitespace are texts, skipped as "empty", never the current folder;
  - bytes (read like a file's contents);
  - a dict with `text` and optional `id`, `title`, `source`/`publisher`, `url`, `published`/`date`;
  - a polars (or pandas) DataFrame with such columns (`text` may also be called body/content/articleBody).
Files by extension: .txt .md .text .rst and no extension (plain text; HTML is recognised by content),
.html .htm (trafilatura, metadata kept), .csv .tsv (delimiter sniffed from the header), .jsonl .ndjson,
.json (an object, a list, or one list inside an object), .parquet. Text fields holding HTML markup
(scraped tables) are extracted like pages. Other extensions are skipped as "unsupported format".

Cleaning (what claim offsets point into): one newline convention, control characters removed, web
boilerplate lines dropped (table: data/boilerplate/patterns.tsv), one blank line between paragraphs.
Sentences are never rewritten. A plain-text file may start with a `Key: value` block (Title:, Source:,
Date:, URL:, ID:) which becomes metadata.

Metadata: `doc_id` = given id, else the first 16 hex digits of sha1(cleaned text). `title` = given,
else HTML title, else the first line when it looks like a headline. `source` (outlet) = given, else the
HTML site name, else a `Source:` header line, else the outlet named by a boilerplate line (`outlet`
rules of the table: "X delivers independent coverage...", "© 2016 X", "X's newsletters"), else null
(the folder name is NOT used: folders are rarely named after outlets). `published` = ISO date from
metadata / HTML, else null; `published_raw` = the date as given whenever it was not read as one clear date
(see `read_date`): it could not be read (`published` null), it is an ambiguous day/month date such as
03/02/2024 (read day-first, as 3 February), or it was picked out of a longer text. `date_notes` words these
as one line per kind for the run's summary.
The text field must hold text: a table whose text column is numbers, dates or lists is skipped whole, a
record whose text is not a string is skipped, and a text without a single letter ("1", "--") is "empty".
An HTML page with no words outside scripts, menus and links (a navigation page) is "empty" too.
`origin` = file path; `path:LINE` for JSONL/CSV records and for parts of a large text file (LINE is
1-based, where the record/part starts); `path:N` (1-based) for parquet rows and items of a JSON list;
`<text:i>`, `<bytes:i>`,
`<dict:i>`, `<frame:i>:ROW` (0-based, as Python indexes) for objects in memory.

Large text: a text file is decoded in chunks (bounded memory) when bigger than STREAM_BYTES, and any
plain text (file or string) longer than PART_CHARS characters becomes several documents, cut at
paragraph breaks, with origins `path:LINE` / `<text:i>:LINE` (the line where each part starts). Texts
from tables, JSON and dicts are never split.
Files over `config.max_document_bytes` are skipped as "too large" without being read.

Skip reasons: empty | binary | undecodable | unsupported format | not English | too large | parse error
| duplicate (same id, or same text up to whitespace, as an earlier document; the first one is kept)
| ignored (in a folder, deliberately not read: see above) | unreadable (a broken symbolic link, a folder
that cannot be listed, a file that cannot be looked at, opened or read, a special file named explicitly).
No text field (JSONL/JSON records, CSV/parquet/DataFrame columns, dicts) is always "unsupported format"
with a detail starting "missing text field: found ...".
"not English": py3langid (offline, bundled model) is confident the text is in none of
`config.languages` (empty tuple = no check); texts under LANGUAGE_MIN_LETTERS letters are kept.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import polars as pl

from engine import textio
from engine.config import Config
from engine.errors import InputError
from engine.schema import DOCUMENTS, SKIPPED, conform

log = logging.getLogger("engine.ingest")

#: longest text (characters) kept as one document from a text file; longer files are split
PART_CHARS = 200_000
#: text files bigger than this (bytes) are decoded in chunks instead of read whole
STREAM_BYTES = 4_000_000
#: documents are moved from Python strings into a polars frame every this many characters
BATCH_CHARS = 4_000_000
#: show a progress bar over files when there are more than this many
PROGRESS_MIN_FILES = 20
#: language identification needs this many letters to be trusted; shorter texts are kept
LANGUAGE_MIN_LETTERS = 60

TEXT_EXT = {"", ".txt", ".text", ".md", ".markdown", ".rst"}
HTML_EXT = {".html", ".htm", ".xhtml", ".shtml"}
CSV_EXT = {".csv": ",", ".tsv": "\t"}
JSONL_EXT = {".jsonl", ".ndjson", ".jsonlines"}
JSON_EXT = {".json"}
PARQUET_EXT = {".parquet", ".pq"}
SUPPORTED = sorted(TEXT_EXT - {""} | HTML_EXT | set(CSV_EXT) | JSONL_EXT | JSON_EXT | PARQUET_EXT)
#: documentation files inside a corpus folder are not articles (still read when named explicitly)
IGNORED_IN_FOLDERS = re.compile(r"^(readme|licen[cs]e|notice|copying|changelog|authors|contributing)(\.\w+)?$", re.I)
#: a folder holding this file is the output of a contra run: walking the inputs skips it, so a rerun with
#: --out inside the input folder does not read its own results back
OUTPUT_MARKER = ".contra-output"
#: ... as is a folder holding all these tables (.parquet or .csv): outputs written before the marker existed
OUTPUT_TABLES = ("documents", "claims", "contradictions")
#: a one-line str that is not an existing path but has this many plain words is prose, not a mistyped path
PROSE_MIN_WORDS = 4

REASONS = ("empty", "binary", "undecodable", "unsupported format", "not English", "too large",
           "parse error", "duplicate", "ignored", "unreadable")

# column / key names accepted for each field (compared lower-case, letters and digits only)
FIELD_NAMES = {
    "text": ["text", "body", "articlebody", "content", "article", "fulltext", "maintext", "story"],
    "id": ["id", "docid", "documentid", "articleid", "bodyid", "uid", "guid"],
    "title": ["title", "headline", "heading"],
    "source": ["source", "publisher", "outlet", "sitename", "site", "publication", "media", "newspaper"],
    "url": ["url", "link", "href", "uri"],
    "published": ["published", "date", "publishedat", "publishdate", "pubdate", "datepublished",
                  "publicationdate", "publishedon", "datetime", "timestamp", "time"],
}


@dataclass
class Record:
    """One document-to-be: cleaned text plus metadata."""

    origin: str
    text: str
    id: str | None = None
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    published_raw: str | None = None  # the date as given, when it was not read as one clear date (read_date)
    had_text: bool = False  # the input had words before cleaning (so an empty text means all boilerplate)


@dataclass
class Skip:
    origin: str
    reason: str
    detail: str = ""


@dataclass
class _Seen:
    ids: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)


# ====================================================================== entry point
def load_documents(sources, config: Config | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read `sources` into (documents, skipped). Raises InputError for a missing path or an object
    that is not a source at all; every other problem becomes a row of `skipped`."""
    config = config or Config()
    leaves = list(_leaves(sources))
    files = sum(isinstance(leaf, Path) for _, leaf in leaves)
    progress = None
    if config.show_progress and files > PROGRESS_MIN_FILES:
        from tqdm.auto import tqdm

        progress = tqdm(total=files, desc="reading", unit="file")

    batches: list[pl.DataFrame] = []
    docs: list[dict] = []
    held = 0
    skipped: list[dict] = []
    seen = _Seen()
    try:
        for label, leaf in leaves:
            for item in _read_leaf(label, leaf, config):
                if isinstance(item, Record):
                    item = _accept(item, config, seen)
                if isinstance(item, Skip):
                    skipped.append({"origin": item.origin, "reason": item.reason, "detail": item.detail})
                    continue
                docs.append(item)
                held += len(item["text"])
                if held > BATCH_CHARS:  # Python strings take up to 4 bytes a character: move them to Arrow
                    batches.append(pl.DataFrame(docs, schema=DOCUMENTS))
                    docs, held = [], 0
            if progress is not None and isinstance(leaf, Path):
                progress.update(1)
    finally:
        if progress is not None:
            progress.close()
    if docs:
        batches.append(pl.DataFrame(docs, schema=DOCUMENTS))

    documents = conform(pl.concat(batches, rechunk=False) if batches else None, DOCUMENTS)
    skipped_frame = conform(pl.DataFrame(skipped, schema=SKIPPED) if skipped else None, SKIPPED)
    if skipped:
        log.info(summary_line(documents, skipped_frame))
    for note in date_notes(documents):
        log.info(note)
    return documents, skipped_frame


def summary_line(documents: pl.DataFrame, skipped: pl.DataFrame) -> str:
    """'documents: N received = A analysed + S skipped (2 empty, 1 binary)'."""
    analysed, dropped = documents.height, skipped.height
    line = f"documents: {analysed + dropped} received = {analysed} analysed + {dropped} skipped"
    if dropped:
        counts = Counter(skipped["reason"].to_list())
        order = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
        line += " (" + ", ".join(f"{n} {reason}" for reason, n in order) + ")"
    return line


# ====================================================================== sources -> leaves
def _leaves(sources, prefix: str = "") -> Iterator[tuple[str, object]]:
    """Flatten sources into (label, leaf): leaf is a Path, str (text), bytes, dict, DataFrame, or the Skip of a
    folder entry that is not read."""
    if isinstance(sources, (str, Path, bytes, bytearray, dict)) or _is_frame(sources):
        sources = [sources]
    elif isinstance(sources, pl.Series):
        sources = sources.to_list()
    elif not isinstance(sources, Iterable):
        raise InputError(f"unsupported source: {type(sources).__name__} (give paths, text, dicts or DataFrames)")
    for i, source in enumerate(sources):
        label = f"{prefix}{i}"
        if isinstance(source, Path) or (isinstance(source, str) and _is_path(source)):
            path = _expand(source)
            try:
                exists, is_dir = path.exists(), path.is_dir()
            except OSError as err:  # a folder on the way that we may not enter: a path, but not one we can read
                yield label, Skip(str(path), "unreadable", f"cannot access: {_why(err)}")
                continue
            if not exists:
                raise InputError(f"no such file or directory: {source}")
            if is_dir:
                yield from ((label, p) for p in _walk(path))
            else:
                yield label, path
        elif isinstance(source, (str, bytes, bytearray, dict)) or _is_frame(source):
            yield label, source
        elif isinstance(source, pl.Series):
            yield from _leaves(source.to_list(), prefix=f"{label}.")
        elif isinstance(source, Iterable):
            yield from _leaves(list(source), prefix=f"{label}.")
        else:
            raise InputError(
                f"unsupported source #{label}: {type(source).__name__} (give paths, text, dicts or DataFrames)"
            )


# a root ("/x" but not "/ x", "~/", "~user/", "./", "../", "\\", "C:\\") or a supported extension at the end
_PATH_START = re.compile(r"^(/(?!\s)|~[\w.-]*(/|\\|$)|\.{1,2}[/\\]|\\|[A-Za-z]:[/\\])")
_PATH_END = re.compile(r"\.(" + "|".join(e[1:] for e in SUPPORTED) + r")$", re.I)
# a word of prose: letters (apostrophes and hyphens inside), with quotes, brackets, ellipses and
# punctuation around it; "gov.md" or "news/a" are not plain words
_PLAIN_WORD = re.compile(r"^[\"'“‘(\[.…]*[^\W\d_]+(?:['’-][^\W\d_]+)*[\"'”’)\].,;:!?…]*$")


def _is_path(text: str) -> bool:
    """Whether a str names a file or folder (True) or is a text (False).

    A str that exists on disk is a path. One that does not exist is still taken for a (mistyped) path, so
    the user gets a one-line "no such file or directory" instead of a tiny document, when it is one line
    that looks like a path and does not read like prose:
      - looks like a path: no whitespace at all ("data", "notes.csv", "no/such/dir"), or it starts at a
        root (/x, ~/, ./, ../, C:\\) or ends in a supported extension (.txt, .csv, ...);
      - reads like prose: PROSE_MIN_WORDS or more plain words (see _PLAIN_WORD), as in
        "...and the minister said the army had withdrawn." or "The statement was posted on gov.md".
    An empty or whitespace-only str is a text (skipped as "empty"): Path("") would be the current folder.
    """
    if "\n" in text or len(text) > 4096 or not text.strip():
        return False
    try:
        if _expand(text).exists():
            return True
    except PermissionError:  # under a folder we may not enter: a path all the same (skipped as "unreadable")
        return True
    except (OSError, ValueError):  # a NUL byte, a name too long: no file can have it
        return False
    stripped = text.strip()
    if not any(ch.isspace() for ch in stripped):
        return True
    looks_like_path = bool(_PATH_START.match(stripped) or _PATH_END.search(stripped))
    return looks_like_path and not _reads_like_prose(stripped)


def _expand(path) -> Path:
    """`path` with ~ expanded; as given when ~user names nobody ("~50 people were killed" must not crash)."""
    try:
        return Path(path).expanduser()
    except RuntimeError:
        return Path(path)


def _reads_like_prose(text: str) -> bool:
    return sum(bool(_PLAIN_WORD.match(word)) for word in text.split()) >= PROSE_MIN_WORDS


# ---------------------------------------------------------------------- folders
def _walk(folder: Path) -> list[Path | Skip]:
    """The files under `folder` (recursive, sorted by name at each level) and a Skip for every entry that
    is not read, so a folder never loses a file silently; a folder with nothing in it is one "empty" Skip."""
    entries = list(_walk_entries(folder))
    return entries or [Skip(str(folder), "empty", "no files in the folder")]


def _walk_entries(folder: Path) -> Iterator[Path | Skip]:
    try:
        children = sorted(folder.iterdir(), key=lambda child: child.name)
    except OSError as err:
        yield Skip(str(folder), "unreadable", f"cannot list the folder: {err.strerror or err}")
        return
    for path in children:
        try:
            not_read = _not_read_because(path)
            is_dir = not not_read and path.is_dir()
        except OSError as err:  # listed, but the system will not tell what it is (a folder without x permission)
            yield Skip(str(path), "unreadable", f"cannot access: {_why(err)}")
            continue
        if not_read:
            yield Skip(str(path), *not_read)
        elif is_dir:
            yield from _walk_entries(path)
        else:
            yield path


def _not_read_because(path: Path) -> tuple[str, str] | None:
    """(reason, detail) when a folder entry is not read, else None."""
    if path.is_symlink() and not path.exists():
        return "unreadable", f"broken symbolic link to {os.readlink(path)}"
    if path.name.startswith("."):  # .git, .DS_Store, editor files: one line for a whole hidden folder
        return "ignored", "hidden folder" if path.is_dir() else "hidden file"
    if path.is_dir():
        if path.is_symlink():  # not followed: a link can loop back or leave the corpus
            return "ignored", "symbolic link to a folder, not followed: give the folder itself to read it"
        if _is_contra_output(path):
            files = sum(1 for inner in path.rglob("*") if inner.is_file())
            return "ignored", f"contra output folder: results of an earlier run, {files} files"
        return None
    if not path.is_file():  # a named pipe would block the run if opened; a device may never end
        return "ignored", f"not a regular file ({_file_kind(path.stat().st_mode)}): not opened"
    if IGNORED_IN_FOLDERS.match(path.name):  # notice.txt may be an article: the skip line says how to read it
        return "ignored", "documentation file (readme, licence, notice, changelog...): give the file itself to read it"
    return None


def _is_contra_output(folder: Path) -> bool:
    try:
        if (folder / OUTPUT_MARKER).exists():
            return True
        return any(all((folder / f"{table}{ext}").is_file() for table in OUTPUT_TABLES) for ext in (".parquet", ".csv"))
    except OSError:  # cannot look inside: walking it reports each entry that cannot be read
        return False


def _file_kind(mode: int) -> str:
    for test, kind in ((stat.S_ISFIFO, "named pipe"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "folder")):
        if test(mode):
            return kind
    return "special file"


def _why(err: OSError) -> str:
    """'Permission denied': the system's one-line reason (polars words it "Permission denied (os error 13): path")."""
    if err.strerror:
        return err.strerror
    text = (str(err).splitlines() or [""])[0]
    found = re.match(r"(.+?) \(os error (\d+)\)", text)
    return (os.strerror(int(found.group(2))) if found else text[:200]) or type(err).__name__


def _is_frame(obj) -> bool:
    if isinstance(obj, (pl.DataFrame, pl.LazyFrame)):
        return True
    module = type(obj).__module__ or ""
    return module.startswith("pandas") and type(obj).__name__ == "DataFrame"


# ====================================================================== leaves -> records
def _read_leaf(label: str, leaf, config: Config) -> Iterator[Record | Skip]:
    if isinstance(leaf, Skip):  # a folder entry that is not read
        yield leaf
        return
    try:
        if isinstance(leaf, Path):
            yield from _read_file(leaf, config)
        elif isinstance(leaf, str):
            size = len(leaf.encode("utf-8", "surrogatepass"))
            if size > config.max_document_bytes:
                yield Skip(f"<text:{label}>", "too large", f"{size:,} bytes > max_document_bytes={config.max_document_bytes:,}")
            elif _looks_like_html(leaf):
                yield _html_record(f"<text:{label}>", leaf)
            else:
                yield from _text_records(f"<text:{label}>", [leaf], header=True)
        elif isinstance(leaf, (bytes, bytearray)):
            yield from _read_bytes(f"<bytes:{label}>", bytes(leaf), config)
        elif isinstance(leaf, dict):
            yield _dict_record(f"<dict:{label}>", leaf)
        else:
            yield from _frame_records(_to_polars(leaf), lambda row: f"<frame:{label}>:{row}", f"<frame:{label}>")
    except (MemoryError, RecursionError, InputError):
        raise
    except Exception as err:  # a reader bug must not lose the input: account for it and go on
        if isinstance(err, OSError) and isinstance(leaf, Path):
            # opening or reading the file failed (permissions, an I/O error, it went away): not a bug, one line
            yield Skip(str(leaf), "unreadable", f"cannot read the file: {_why(err)}")
            return
        log.warning("could not read %s: %s", leaf if isinstance(leaf, Path) else f"#{label}", err, exc_info=True)
        origin = str(leaf) if isinstance(leaf, Path) else f"<{type(leaf).__name__}:{label}>"
        yield Skip(origin, "parse error", f"{type(err).__name__}: {err}")


def _read_file(path: Path, config: Config) -> Iterator[Record | Skip]:
    origin = str(path)
    try:
        info = path.stat()
    except OSError as err:  # it went away since the folder was listed, or a folder on the way is closed to us
        yield Skip(origin, "unreadable", f"cannot access: {_why(err)}")
        return
    if not stat.S_ISREG(info.st_mode):  # named explicitly (a folder's are "ignored"): a pipe would block the run
        yield Skip(origin, "unreadable", f"not a regular file ({_file_kind(info.st_mode)}): not opened; "
                                         "save its contents to a file")
        return
    size = info.st_size
    if size > config.max_document_bytes:
        yield Skip(origin, "too large", f"{size:,} bytes > max_document_bytes={config.max_document_bytes:,}")
        return
    if size == 0:
        yield Skip(origin, "empty", "0 bytes")
        return
    ext = path.suffix.lower()
    known = ext in TEXT_EXT or ext in HTML_EXT or ext in CSV_EXT or ext in JSONL_EXT or ext in JSON_EXT
    if not known and ext not in PARQUET_EXT:
        yield Skip(origin, "unsupported format", f"extension {ext} (supported: {', '.join(SUPPORTED)})")
        return
    if ext in PARQUET_EXT:
        yield from _read_parquet(path)
        return
    if ext in TEXT_EXT and size > STREAM_BYTES:
        yield from _read_large_text(path, config)
        return
    try:
        data = path.read_bytes()
    except OSError as err:  # permissions, an I/O error: this file is lost to the run, the others are not
        yield Skip(origin, "unreadable", f"cannot read the file: {_why(err)}")
        return
    yield from _read_bytes(origin, data, config, ext=ext)


def _read_bytes(origin: str, data: bytes, config: Config, ext: str = "") -> Iterator[Record | Skip]:
    if len(data) > config.max_document_bytes:
        yield Skip(origin, "too large", f"{len(data):,} bytes > max_document_bytes={config.max_document_bytes:,}")
        return
    if not data.strip():
        yield Skip(origin, "empty", "no text" if data else "0 bytes")
        return
    try:
        text, _encoding = textio.decode(data)
    except textio.Binary as err:
        yield Skip(origin, "binary", str(err))
        return
    except textio.Undecodable as err:
        yield Skip(origin, "undecodable", str(err))
        return
    if ext in CSV_EXT:
        yield from _read_csv(origin, text, CSV_EXT[ext])
    elif ext in JSONL_EXT:
        yield from _read_jsonl(origin, text)
    elif ext in JSON_EXT:
        yield from _read_json(origin, text)
    elif ext in HTML_EXT or _looks_like_html(text):
        yield _html_record(origin, text)
    else:
        yield from _text_records(origin, [text], header=True)


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:1000].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<html" in head and "<body" in text[:20000].lower())


# ---------------------------------------------------------------------- plain text
def _text_records(origin: str, pieces: Iterable[str], header: bool, meta: dict | None = None) -> Iterator[Record]:
    """Plain text (given as pieces, e.g. decoded chunks) -> one Record, or several for long text."""
    parts = _split_parts(pieces)
    first = next(parts, None)
    if first is None:
        return
    second = next(parts, None)
    meta = dict(meta or {})
    line, raw = first
    text = textio.normalise_chars(raw)
    if header:
        fields, text = textio.split_header(text)
        for key, value in fields.items():
            meta.setdefault(key, value)
    if not meta.get("source"):
        meta["source"] = textio.find_outlet(text)  # a footer such as "© 2016 Example News"
    text = textio.drop_boilerplate(text)
    meta.setdefault("title", textio.headline(text))
    if second is None:
        yield _record(origin, text, meta, raw=raw)
        return
    yield _record(f"{origin}:{line}", text, meta, part=True, raw=raw)
    for line, raw in _chain([second], parts):
        yield _record(f"{origin}:{line}", textio.clean_text(raw), meta, part=True, raw=raw)


def _record(origin: str, text: str, meta: dict, part: bool = False, raw: str = "") -> Record:
    published, published_raw = read_date(meta.get("published"))
    return Record(
        had_text=bool(raw.strip()),
        origin=origin,
        text=text,
        id=None if part else _id_or_none(meta.get("id")),  # a given id names the whole file, not a part
        title=_str_or_none(meta.get("title")),
        source=_str_or_none(meta.get("source")),
        url=_str_or_none(meta.get("url")),
        published=published,
        published_raw=published_raw,
    )


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


def _split_parts(pieces: Iterable[str]) -> Iterator[tuple[int, str]]:
    """Cut a stream of text into parts of at most PART_CHARS characters, at paragraph breaks when
    possible (else a line break, else a sentence end, else anywhere). Yields (first line number, text)."""
    pending = ""
    line = 1
    for piece in pieces:
        pending += piece
        while len(pending) > PART_CHARS:
            cut = _cut_point(pending)
            part, pending = pending[:cut], pending[cut:]
            yield line, part
            line += part.count("\n")
    if pending or line == 1:
        yield line, pending


def _cut_point(text: str) -> int:
    low = PART_CHARS // 2
    for separator in ("\n\n", "\n", ". "):
        at = text.rfind(separator, low, PART_CHARS)
        if at >= 0:
            return at + len(separator)
    return PART_CHARS


def _read_large_text(path: Path, config: Config) -> Iterator[Record | Skip]:
    origin = str(path)
    progress = None
    if config.show_progress:
        from tqdm.auto import tqdm

        progress = tqdm(total=path.stat().st_size, desc=path.name[:30], unit="B", unit_scale=True, leave=False)
    try:
        pieces = textio.iter_decoded(path, on_bytes=progress.update if progress else None)
        # HTML is never streamed (trafilatura needs the whole tree): sniff the first piece
        first = next(pieces, "")
        if _looks_like_html(first):
            yield Skip(origin, "too large", f"HTML over {STREAM_BYTES:,} bytes is not supported")
            return
        yield from _text_records(origin, _chain([first], pieces), header=True)
    except textio.Binary as err:
        yield Skip(origin, "binary", str(err))
    except textio.Undecodable as err:
        yield Skip(origin, "undecodable", str(err))
    finally:
        if progress is not None:
            progress.close()


# ---------------------------------------------------------------------- HTML
def _html_record(origin: str, html: str, given: dict | None = None) -> Record | Skip:
    """An HTML page -> Record; `given` metadata (from a table or dict) wins over the page's own."""
    if not _has_words_outside_links(html):  # extractors return the menu ("Home News Sport") of such a page
        return Skip(origin, "empty", "no article text in the HTML (only scripts, menus or links)")
    text, found = _html_text(html)
    meta = {k: v for k, v in (given or {}).items() if v not in (None, "")}
    for key, value in found.items():
        if value and not meta.get(key):
            meta[key] = value
    if not meta.get("source"):
        meta["source"] = textio.find_outlet(text)
    text = textio.clean_text(text)
    if not meta.get("title"):
        meta["title"] = textio.headline(text)
    if not text:
        return Skip(origin, "empty", "no article text found in the HTML")
    return _record(origin, text, meta, raw=html)


def _html_text(html: str) -> tuple[str, dict]:
    """(article text with a blank line between paragraphs, metadata found in the page)."""
    meta: dict = {}
    text = ""
    try:
        import trafilatura

        result = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=True, include_images=False
        )
        if result is not None:
            found = result.as_dict() if hasattr(result, "as_dict") else dict(result)
            text = found.get("text") or ""
            meta = {"title": found.get("title"), "source": found.get("sitename"), "url": found.get("url"),
                    "published": found.get("date")}
    except Exception as err:  # noqa: BLE001 - trafilatura gives up on odd markup: fall back to a tree walk
        log.debug("trafilatura failed: %s", err)
    if not text.strip():
        text, title = _html_fallback(html)
        meta["title"] = meta.get("title") or title
    # trafilatura puts one paragraph a line; a blank line between paragraphs, as in text files
    return "\n\n".join(text.split("\n")), meta


_HTML_TAG = re.compile(r"</?(p|br|div|span|a|b|i|em|strong|h[1-6]|li|ul|ol|blockquote|script|style|figure|img)\b[^>]*>", re.I)


def _is_html_fragment(text: str) -> bool:
    """Scraped tables often hold the article body as HTML markup ("<p>...</p>")."""
    return len(_HTML_TAG.findall(text[:20000])) >= 2


_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "nav", "header", "footer", "aside", "form")
# what is never article text, whatever the page layout (not header/footer/form: some sites wrap the whole
# page, article included, in one of those)
_NOT_PROSE_TAGS = ("head", "script", "style", "noscript", "template", "svg", "iframe", "nav", "a")


def _has_words_outside_links(html: str) -> bool:
    """Whether the page has any word outside scripts, the <head>, <nav> and links: a page of menus and
    scripts has no article, so it is skipped rather than analysed as its link texts."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except Exception:  # noqa: BLE001 - markup lxml cannot parse: leave the verdict to the extractors
        return True
    for element in tree.xpath("|".join(f"//{tag}" for tag in _NOT_PROSE_TAGS)):
        element.drop_tree()  # keeps the text after the element ("<a>x</a> said y" keeps " said y")
    return any(ch.isalpha() for ch in tree.text_content())


def _html_fallback(html: str) -> tuple[str, str | None]:
    """Block-level text of an HTML page without scripts, styles and page furniture."""
    import lxml.html

    try:
        tree = lxml.html.document_fromstring(html)
    except Exception:  # noqa: BLE001 - unparsable markup has no text to offer
        return "", None
    for bad in tree.xpath("|".join(f"//{tag}" for tag in _DROP_TAGS)):
        bad.drop_tree()
    title = (tree.findtext(".//title") or "").strip() or None
    blocks = []
    for element in tree.iter("p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre", "td", "div"):
        if element.tag == "div" and element.find(".//p") is not None:
            continue  # its paragraphs are taken one by one
        words = " ".join(element.text_content().split())
        if words and (not blocks or blocks[-1] != words):
            blocks.append(words)
    if not blocks:
        body = tree.find(".//body")
        blocks = [" ".join((body if body is not None else tree).text_content().split())]
    return "\n".join(blocks), title


# ---------------------------------------------------------------------- tables and records
def _field_map(columns: list[str]) -> dict[str, str]:
    """field -> column name, from whatever the columns are called."""
    norm = {re.sub(r"[^a-z0-9]", "", str(c).lower()): c for c in reversed(columns)}
    found = {}
    for field_name, names in FIELD_NAMES.items():
        for name in names:
            if name in norm:
                found[field_name] = norm[name]
                break
    return found


def _missing_text(found) -> str:
    """The one wording of a record or table without a text field (JSONL, JSON, CSV, parquet, dicts, frames)."""
    names = ", ".join(map(str, list(found)[:20])) or "none"
    return f"missing text field: found {names}; expected one of {', '.join(FIELD_NAMES['text'])}"


def _from_mapping(origin: str, row: dict, mapping: dict[str, str]) -> Record | Skip:
    meta = {f: row.get(c) for f, c in mapping.items() if f != "text"}
    raw = row.get(mapping["text"])
    if raw is None or (isinstance(raw, float) and raw != raw):  # NaN: a gap in a pandas column
        return Skip(origin, "empty", "text is missing (null)")
    if isinstance(raw, (bytes, bytearray)):
        try:
            raw, _ = textio.decode(bytes(raw))
        except (textio.Binary, textio.Undecodable) as err:
            return Skip(origin, "binary" if isinstance(err, textio.Binary) else "undecodable", str(err))
    elif not isinstance(raw, str):  # a number or a list is not an article ("1" used to become one)
        return Skip(origin, "unsupported format", f"text field holds {type(raw).__name__} {str(raw)[:40]!r}, not text")
    if _looks_like_html(raw) or _is_html_fragment(raw):
        return _html_record(origin, raw, meta)
    text = textio.clean_text(raw)
    if not meta.get("title"):
        meta["title"] = textio.headline(text)
    return _record(origin, text, meta, raw=raw)


def _dict_record(origin: str, item: dict) -> Record | Skip:
    mapping = _field_map(list(item.keys()))
    if "text" not in mapping:
        return Skip(origin, "unsupported format", _missing_text(item.keys()))
    return _from_mapping(origin, item, mapping)


def _to_polars(frame) -> pl.DataFrame:
    if isinstance(frame, pl.LazyFrame):
        return frame.collect()
    if isinstance(frame, pl.DataFrame):
        return frame
    return pl.from_pandas(frame)


# column types that can hold article text (Object: pandas columns of mixed values, checked row by row)
_TEXT_DTYPES = (pl.String, pl.Categorical, pl.Enum, pl.Binary, pl.Null, pl.Object)


def _frame_records(frame: pl.DataFrame, origin_of, frame_origin: str) -> Iterator[Record | Skip]:
    mapping = _field_map(frame.columns)
    if "text" not in mapping:
        yield Skip(frame_origin, "unsupported format", _missing_text(frame.columns))
        return
    dtype = frame.schema[mapping["text"]]
    if dtype.base_type() not in _TEXT_DTYPES:  # a column of numbers, dates or lists: no row is an article
        yield Skip(frame_origin, "unsupported format",
                   f"text field {mapping['text']!r} holds {dtype} values, not text: {frame.height:,} row(s)")
        return
    frame = frame.select(list(dict.fromkeys(mapping.values())))
    for row_number, row in enumerate(frame.iter_rows(named=True)):
        yield _from_mapping(origin_of(row_number), row, mapping)


def _read_parquet(path: Path) -> Iterator[Record | Skip]:
    try:
        frame = pl.read_parquet(path)
    except OSError as err:
        yield Skip(str(path), "unreadable", f"cannot read the file: {_why(err)}")
        return
    except Exception as err:  # noqa: BLE001 - polars raises many kinds for a corrupt file
        yield Skip(str(path), "parse error", f"not a readable parquet file: {str(err).splitlines()[0][:200]}")
        return
    if frame.height == 0:
        yield Skip(str(path), "empty", "no rows")
        return
    yield from _frame_records(frame, lambda row: f"{path}:{row + 1}", str(path))


def _read_jsonl(origin: str, text: str) -> Iterator[Record | Skip]:
    mapping_cache: dict = {}
    any_line = False
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        any_line = True
        where = f"{origin}:{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as err:
            yield Skip(where, "parse error", f"line {number}: invalid JSON ({err.msg} at column {err.colno})")
            continue
        yield _json_item(where, item, f"line {number}", mapping_cache)
    if not any_line:
        yield Skip(origin, "empty", "no lines")


def _json_item(where: str, item, what: str, mapping_cache: dict) -> Record | Skip:
    if isinstance(item, str):
        return _from_mapping(where, {"text": item}, {"text": "text"})
    if not isinstance(item, dict):
        return Skip(where, "parse error", f"{what}: expected an object with a text field, got {type(item).__name__}")
    keys = tuple(item.keys())
    mapping = mapping_cache.get(keys) or mapping_cache.setdefault(keys, _field_map(list(keys)))
    if "text" not in mapping:
        return Skip(where, "unsupported format", f"{what}: {_missing_text(keys)}")
    return _from_mapping(where, item, mapping)


def _read_json(origin: str, text: str) -> Iterator[Record | Skip]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        if err.msg == "Extra data":  # one object a line saved as .json
            yield from _read_jsonl(origin, text)
        else:
            yield Skip(origin, "parse error", f"line {err.lineno}: invalid JSON ({err.msg} at column {err.colno})")
        return
    if isinstance(data, dict) and "text" not in _field_map(list(data)):
        lists = [v for v in data.values() if isinstance(v, list)]
        if len(lists) == 1:  # {"articles": [...]} and the like
            data = lists[0]
    if isinstance(data, dict):
        yield _json_item(origin, data, "document", {})
        return
    if not isinstance(data, list):
        yield Skip(origin, "parse error", f"expected an object or a list of objects, got {type(data).__name__}")
        return
    if not data:
        yield Skip(origin, "empty", "empty list")
        return
    cache: dict = {}
    for index, item in enumerate(data):
        yield _json_item(f"{origin}:{index + 1}", item, f"item {index + 1}", cache)


# ---------------------------------------------------------------------- CSV (tolerant)
MAX_RECORD_LINES = 5000


def _read_csv(origin: str, text: str, delimiter: str) -> Iterator[Record | Skip]:
    """CSV with broken rows: every record that parses is kept; each broken one is reported with its
    row and line number. (Python's csv module reads one record at a time; quote parity tells where a
    record ends, so one stray quote costs one row, not the rest of the file.)"""
    text = textio.normalise_chars(text)
    lines = text.split("\n")
    delimiter = _sniff_delimiter(next((line for line in lines if line.strip()), ""), delimiter)
    records = _csv_records(lines, delimiter)
    header = next(records, None)
    if header is None:
        yield Skip(origin, "empty", "no rows")
        return
    _, _, columns, error = header
    if error or not columns:
        yield Skip(origin, "parse error", f"line 1: unreadable header ({error})")
        return
    mapping = _field_map(columns)
    if "text" not in mapping:
        yield Skip(origin, "unsupported format", _missing_text(columns))
        return
    width = len(columns)
    rows = 0
    for row, (line, _end, fields, error) in enumerate(records, 1):
        rows += 1
        where = f"{origin}:{line}"
        if error is None and len(fields) > width and any(f.strip() for f in fields[width:]):
            error = f"expected {width} fields, found {len(fields)}"
        if error is None and len(fields) <= columns.index(mapping["text"]):
            error = f"expected {width} fields, found {len(fields)} (no text field)"
        if error:
            yield Skip(where, "parse error", f"row {row} (line {line}): {error}")
            continue
        yield _from_mapping(where, dict(zip(columns, fields)), mapping)
    if rows == 0:
        yield Skip(origin, "empty", "header only, no rows")


def _sniff_delimiter(header: str, default: str) -> str:
    """A .csv from a spreadsheet in many locales uses ';' (or tabs): the header line tells."""
    if default in header:
        return default
    counts = {d: header.count(d) for d in (";", "\t", "|", ",")}
    best = max(counts, key=counts.get)
    return best if counts[best] else default


def _csv_records(lines: list[str], delimiter: str) -> Iterator[tuple[int, int, list[str] | None, str | None]]:
    """(first line, last line, fields, error) for each record; blank lines between records are skipped."""
    i, n = 0, len(lines)
    while i < n:
        if not lines[i].strip():
            i += 1
            continue
        start = i
        quotes = lines[i].count('"')
        i += 1
        while quotes % 2 and i < n and i - start < MAX_RECORD_LINES:
            quotes += lines[i].count('"')
            i += 1
        if quotes % 2:
            yield start + 1, i, None, "unbalanced quote (the field never closes)"
            i = start + 1  # resume on the next line: only this row is lost
            continue
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines[start:i])), delimiter=delimiter, strict=True))
        except csv.Error as err:
            yield start + 1, i, None, f"bad quoting ({err})"
            i = start + 1
            continue
        if len(rows) != 1:
            yield start + 1, i, None, "bad quoting (a quote in the middle of a field)"
            i = start + 1
            continue
        yield start + 1, i, rows[0], None


# ====================================================================== per-document checks
def _accept(record: Record, config: Config, seen: _Seen) -> dict | Skip:
    text = record.text
    if not text.strip():
        detail = "only web boilerplate, no article text" if record.had_text else "no text"
        return Skip(record.origin, "empty", detail)
    if not any(ch.isalpha() for ch in text):  # "1", "2" from a CSV column of numbers: no claim can be in it
        return Skip(record.origin, "empty", f"no words, only digits or symbols: {text[:40]!r}")
    size = len(text.encode("utf-8"))
    if size > config.max_document_bytes:
        return Skip(record.origin, "too large", f"{size:,} bytes > max_document_bytes={config.max_document_bytes:,}")
    doc_id = record.id if record.id else hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]
    if doc_id in seen.ids and record.id:
        return Skip(record.origin, "duplicate", f"same id {doc_id} as {seen.ids[doc_id]}")
    key = hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()
    if key in seen.texts:
        return Skip(record.origin, "duplicate", f"same text as {seen.texts[key]}")
    language = _foreign_language(text, config)
    if language:
        return Skip(record.origin, "not English" if "en" in config.languages else "not in languages", language)
    seen.ids[doc_id] = record.origin
    seen.texts[key] = record.origin
    return {
        "doc_id": doc_id,
        "title": record.title,
        "source": record.source,
        "url": record.url,
        "published": record.published,
        "published_raw": record.published_raw,
        "origin": record.origin,
        "text": text,
    }


_IDENTIFIER = None


def _language_identifier():
    global _IDENTIFIER
    if _IDENTIFIER is None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _IDENTIFIER = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _IDENTIFIER


def _foreign_language(text: str, config: Config) -> str | None:
    """A detail like 'detected fr (p=0.99)' when the text is confidently in no accepted language."""
    if not config.languages:
        return None
    # judge up to three windows (start, middle, end): text in an accepted language anywhere keeps it
    body = text[:200_000]
    windows = [body[i : i + 2000] for i in range(0, len(body), max(2000, len(body) // 3))][:3]
    letters = sum(ch.isalpha() for ch in windows[0])
    if letters < LANGUAGE_MIN_LETTERS:
        return None
    identifier = _language_identifier()
    accepted = set(config.languages)
    votes = []
    for window in windows:
        if sum(ch.isalpha() for ch in window) < LANGUAGE_MIN_LETTERS:
            continue
        ranking = dict(identifier.rank(window))
        top, p_top = max(ranking.items(), key=lambda kv: kv[1])
        p_ok = sum(ranking.get(lang, 0.0) for lang in accepted)
        votes.append((top, p_top, p_ok))
    if not votes or any(p_ok > 0.1 or top in accepted for top, _, p_ok in votes):
        return None
    top, p_top, _ = max(votes, key=lambda v: v[1])
    if p_top < 0.9:
        return None
    return f"detected language {top} (p={p_top:.2f}); accepted: {', '.join(sorted(accepted))}"


# ====================================================================== small helpers
def _str_or_none(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN from pandas
            return None
        if value.is_integer():
            value = int(value)
    text = " ".join(textio.normalise_chars(str(value)).split())
    return text or None


def _id_or_none(value) -> str | None:
    """A given id, as a string, exactly (outer spaces aside); blank means none given."""
    if isinstance(value, float) and value == value and value.is_integer():
        value = int(value)  # 3.0 from a pandas column with gaps is id 3
    text = None if value is None or value != value else str(value).strip()
    return text or None


_DATE_IN_TEXT = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# day, month and year in digits ("03/02/2024", "3.2.2024"): read by _numeric_date, never by strptime, so that a
# date with two readings is noticed
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$")
#: a Unix time in seconds (10 digits) or milliseconds (13), as scrapers and APIs write a `timestamp` field
_UNIX_TIME = re.compile(r"^\d{10}(?:\d{3})?(?:\.\d+)?$")
_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%Y/%m/%d", "%Y%m%d",
                 "%a, %d %b %Y %H:%M:%S %z", "%a, %d %b %Y %H:%M:%S %Z")
#: what `date_notes` says of each kind of date kept in `published_raw`
DATE_NOTES = {
    "unreadable": "a date that could not be read",
    "ambiguous": "an ambiguous day/month date, read day-first",
    "embedded": "a date taken from a longer text",
}
#: documents named in each note (the rest are counted)
NOTE_EXAMPLES = 3


def read_date(value) -> tuple[str | None, str | None]:
    """(published, published_raw) for a date as given: a str, date/datetime (pandas Timestamp too), or number.

    published: YYYY-MM-DD, or None when nothing was given or it is not a date.
    published_raw: the value as given (str, outer spaces stripped) whenever it was not read as one clear date,
    else None:
      - it could not be read ("next Tuesday", "32/13/2024", "03/02/24": a two-digit year is not guessed);
        published is None;
      - day and month could be swapped ("03/02/2024", "3.2.2024", "03-02-2024": both numbers 12 or less, and
        different):
        read day-first (3 February 2024), the reading most of the world uses;
        a numeric date with one valid reading is read that way ("25/12/2023", "12/25/2023"), and not kept;
      - the date was taken from inside a longer text ("Updated 2016-06-20, first published 2016-06-18");
        a value that starts with an ISO date ("2016-06-18 10:00 UTC") is that date.
    A Unix time (10 digits, or 13 for milliseconds) is read as its UTC day. Times and time zones are dropped:
    `published` is a day.
    """
    if _missing(value):
        return None, None
    if isinstance(value, dt.datetime):
        return value.date().isoformat(), None
    if isinstance(value, dt.date):
        return value.isoformat(), None
    text = str(value).strip()
    if not text:
        return None, None
    published, kept_because = _read_date_text(text)
    return published, (text if kept_because else None)


def iso_date(value) -> str | None:
    """YYYY-MM-DD for a date/datetime/timestamp-ish value, else None (`read_date` says what was not read)."""
    return read_date(value)[0]


def _missing(value) -> bool:
    """None, NaN, pandas NaT: no date given."""
    if value is None:
        return True
    try:
        return bool(value != value)
    except Exception:  # noqa: BLE001 - an array or an odd object: not a missing value
        return False


def _read_date_text(text: str) -> tuple[str | None, str | None]:
    """(ISO date or None, why the text is kept: None | "unreadable" | "ambiguous" | "embedded")."""
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat(), None
    except ValueError:
        pass
    if _UNIX_TIME.match(text):  # the UTC day of that instant (2001-09-09 .. 2286 for 10 digits)
        seconds = float(text) / (1000 if len(text.split(".")[0]) == 13 else 1)
        return dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc).date().isoformat(), None
    numeric = _NUMERIC_DATE.match(text)
    if numeric:
        return _numeric_date(int(numeric.group(1)), int(numeric.group(3)), int(numeric.group(4)))
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat(), None
        except ValueError:
            continue
    match = _DATE_IN_TEXT.search(text)
    if match:
        found = _valid_date(*map(int, match.groups()))
        if found:
            return found, (None if match.start() == 0 else "embedded")
    return None, "unreadable"


def _numeric_date(first: int, second: int, year: int) -> tuple[str | None, str | None]:
    day_first, month_first = _valid_date(year, second, first), _valid_date(year, first, second)
    if day_first and month_first and day_first != month_first:
        return day_first, "ambiguous"
    found = day_first or month_first
    return (found, None) if found else (None, "unreadable")


def _valid_date(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def date_notes(documents: pl.DataFrame) -> list[str]:
    """One line per kind of date kept in `published_raw` (see `read_date`), for the run's summary, e.g.
    "2 documents have a date that could not be read (kept in published_raw): x.csv:3 ('next Tuesday'), ...".
    [] when every date was read clearly, or the table has no published_raw column (written before it existed)."""
    if "published_raw" not in documents.columns or documents.height == 0:
        return []
    kept = documents.filter(pl.col("published_raw").is_not_null())
    found: dict[str, list[str]] = {kind: [] for kind in DATE_NOTES}
    for origin, published, raw in kept.select("origin", "published", "published_raw").iter_rows():
        shown = raw if len(raw) <= 60 else raw[:59] + "…"
        if published is None:
            found["unreadable"].append(f"{origin} ({shown!r})")
            continue
        kind = "ambiguous" if _NUMERIC_DATE.match(raw.strip()) else "embedded"
        found[kind].append(f"{origin} ({shown!r} read as {published})")
    notes = []
    for kind, examples in found.items():
        if not examples:
            continue
        n = len(examples)
        listed = ", ".join(examples[:NOTE_EXAMPLES]) + (f" and {n - NOTE_EXAMPLES} more" if n > NOTE_EXAMPLES else "")
        subject = "1 document has" if n == 1 else f"{n} documents have"
        notes.append(f"{subject} {DATE_NOTES[kind]} (kept in published_raw): {listed}")
    return notes
