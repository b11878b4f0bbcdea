"""Bytes -> text for ingest: binary sniffing, encoding detection (BOMs, UTF-8, charset-normalizer),
character clean-up, and the line-level web-boilerplate filter.

Everything here works on plain `bytes` / `str`; `engine.ingest` decides what becomes a document.
"""
from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from engine.config import DATA_DIR

BOILERPLATE_TABLE = DATA_DIR / "boilerplate" / "patterns.tsv"

# Magic numbers of common non-text files (the name may say .txt; the bytes don't lie).
MAGIC = [
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"%PDF-", "PDF document"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive (or docx/xlsx/odt)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7z archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", None),  # checked below: only binary when NULs follow
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE document (doc/xls)"),
    (b"RIFF", "RIFF media (wav/avi/webp)"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x01\x00", "icon image"),
    (b"PAR1", "parquet file"),
    (b"SQLite format 3\x00", "SQLite database"),
]

_WEAK_MAGIC = {b"MZ", b"ID3", b"BZh", b"RIFF", b"OggS", b"PAR1"}

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# C0 controls except tab/newline, DEL, lone surrogates, BOMs and XML non-characters: never useful in
# news text and they break XML/GraphML exports downstream.
_BAD_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f\ufeff\ufffe\uffff\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


class Binary(Exception):
    """The bytes are not text (detail says what they look like)."""


class Undecodable(Exception):
    """The bytes look like text but no encoding decodes them sensibly."""


def sniff_binary(head: bytes) -> str | None:
    """What kind of binary file `head` (the first bytes) starts, or None when it may be text."""
    for magic, what in MAGIC:
        if head.startswith(magic):
            if magic in _WEAK_MAGIC:  # also how some words start ("MZ", "ID3", "RIFF"): need binary bytes too
                if any(b < 9 for b in head[len(magic) : 256]):
                    return what or "Windows executable"
                continue
            if magic == b"\x00\x00\x01\x00" and _utf16_guess(head):
                continue
            return what
    if not head:
        return None
    if any(head.startswith(bom) for bom, _ in BOMS) or _utf16_guess(head):
        return None
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    if controls / len(head) > 0.05:
        return "binary data (control bytes)"
    return None


def _utf16_guess(head: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII-range text has a NUL in every other byte."""
    sample = head[: 4096 - (len(head[:4096]) % 2)]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def detect_encoding(sample: bytes, complete: bool = True) -> str:
    """The encoding of `sample` (the whole file when `complete`, else its first bytes).

    Order: BOM, UTF-16 pattern, strict UTF-8, then charset-normalizer. Raises Undecodable.
    """
    for bom, name in BOMS:
        if sample.startswith(bom):
            return name + ("-sig" if name == "utf-8" else "")
    guess = _utf16_guess(sample)
    if guess:
        return guess
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        # a truncated sample may cut a multi-byte character at its very end
        if not complete and err.start >= len(sample) - 3:
            return "utf-8"
    # UTF-8 with a few broken bytes is still UTF-8 (they become U+FFFD), not Latin-1 mojibake
    loose = sample.decode("utf-8", errors="replace")
    broken = loose.count("\ufffd")
    if sum(ord(ch) > 127 for ch in loose) - broken >= 4 * broken:
        return "utf-8"
    # the engine reads English news: a legacy 8-bit file with a few accented letters is almost
    # always Windows-1252 / Latin-1, which statistical detectors confuse with Baltic/Cyrillic pages
    try:
        western = sample.decode("cp1252")
        if sum(ord(ch) > 127 for ch in western) <= 0.3 * sum(ch.isalpha() for ch in western):
            return "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    if best is None or best.encoding is None:
        raise Undecodable("no text encoding fits (tried UTF-8/16/32 and charset-normalizer)")
    return best.encoding


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) for a whole file's bytes. Raises Binary or Undecodable."""
    what = sniff_binary(data[:8192])
    if what:
        raise Binary(what)
    encoding = detect_encoding(data)
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError as err:
        raise Undecodable(f"not valid {encoding}: {err}") from None
    if encoding.endswith("-sig") or text.startswith("\ufeff"):
        text = text.lstrip("\ufeff")
    if _garbled(text):
        raise Undecodable(f"decoded as {encoding} but the result is mostly unreadable")
    return text, encoding


def _garbled(text: str) -> bool:
    """Mostly replacement characters, private-use or unassigned code points: not real text."""
    sample = text[:20000]
    if not sample.strip():
        return False
    bad = sum(1 for ch in sample if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cn", "Cs"))
    return bad > 0.2 * len(sample)


def iter_decoded(path: Path, chunk_bytes: int = 1 << 20, on_bytes=None):
    """Decode a (large) file in chunks with bounded memory: yields str pieces.

    The encoding is detected from the first 64 KiB; later bytes that don't fit are replaced (U+FFFD)
    rather than failing a 20 MB file over one bad byte. Raises Binary / Undecodable for the head.
    """
    with open(path, "rb") as handle:
        head = handle.read(65536)
        what = sniff_binary(head[:8192])
        if what:
            raise Binary(what)
        encoding = detect_encoding(head, complete=False)
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        data = head
        first = True
        while data:
            if on_bytes:
                on_bytes(len(data))
            piece = decoder.decode(data)
            if first:
                piece = piece.lstrip("\ufeff")
                if _garbled(piece):
                    raise Undecodable(f"decoded as {encoding} but the result is mostly unreadable")
                first = False
            if piece:
                yield piece
            data = handle.read(chunk_bytes)
        tail = decoder.decode(b"", final=True)
        if tail:
            yield tail


def normalise_chars(text: str) -> str:
    """One newline convention, no control/surrogate/non-characters. Nothing else changes."""
    text = _LINE_BREAKS.sub("\n", text)
    return _BAD_CHARS.sub("", text)


# ------------------------------------------------------------------ boilerplate lines
@lru_cache(maxsize=4)
def boilerplate_rules(path: str | None = None) -> tuple[tuple, tuple, tuple]:
    """(keep, drop, outlet) rules from the table: each rule is (max_words, compiled regex)."""
    rules: dict[str, list] = {"keep": [], "drop": [], "outlet": []}
    table = Path(path) if path else BOILERPLATE_TABLE
    for number, line in enumerate(table.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or parts[0] not in rules:
            raise ValueError(f"{table}:{number}: expected keep|drop|outlet<TAB>MAX_WORDS<TAB>REGEX")
        rules[parts[0]].append((int(parts[1]), re.compile(parts[2], re.IGNORECASE)))
    # an outlet rule is also a drop rule
    return tuple(rules["keep"]), tuple(rules["outlet"] + rules["drop"]), tuple(rules["outlet"])


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    if not stripped:
        return False
    return _is_boilerplate(stripped)


@lru_cache(maxsize=1 << 16)  # boilerplate lines repeat across the pages of one site
def _is_boilerplate(stripped: str) -> bool:
    keep, drop, _ = boilerplate_rules()
    words = len(stripped.split())
    if not any(words <= most and rx.search(stripped) for most, rx in drop):
        return False
    return not any(words <= most and rx.search(stripped) for most, rx in keep)


def drop_boilerplate(text: str) -> str:
    """Remove boilerplate lines and whitespace-only lines' spaces; one blank line between paragraphs.

    Works on whole lines only, so the sentences that remain are exactly as written.
    """
    out: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if not line.strip() or is_boilerplate(line):
            line = ""
        if not line and (not out or not out[-1]):
            continue  # no leading blank lines, no runs of blank lines
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def find_outlet(text: str) -> str | None:
    """The publication named by a boilerplate line (footer, copyright, newsletter), or None."""
    _, _, outlet_rules = boilerplate_rules()
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for most, rx in outlet_rules:
        for line in lines:
            match = rx.search(line) if len(line.split()) <= most else None
            if match and match.group("outlet") and is_boilerplate(line):
                return match.group("outlet").strip()
    return None


def clean_text(raw: str) -> str:
    """The cleaned text every claim offset points into (idempotent)."""
    return drop_boilerplate(normalise_chars(raw))


# ------------------------------------------------------------------ title and header block
_HEADER = re.compile(
    r"^\s*(title|headline|source|publisher|outlet|url|link|published|date|id)\s*:\s*(\S.*?)\s*$", re.IGNORECASE
)
_HEADER_FIELD = {"headline": "title", "publisher": "source", "outlet": "source", "link": "url", "date": "published"}


def split_header(text: str) -> tuple[dict, str]:
    """A leading `Key: value` block (title, source, url, published/date, id) is metadata, not content.

    Returns (fields, rest of the text). Only lines at the very top count; the block ends at the first
    line that is not `Key: value`.
    """
    lines = text.split("\n")
    fields: dict = {}
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    start = i
    while i < len(lines):
        match = _HEADER.match(lines[i])
        if not match:
            break
        key = match.group(1).lower()
        fields.setdefault(_HEADER_FIELD.get(key, key), match.group(2))
        i += 1
    if i == start:
        return {}, text
    return fields, "\n".join(lines[i:])


def headline(text: str) -> str | None:
    """The first line when it looks like a headline: short, no closing full stop, more text follows."""
    first, _, rest = text.partition("\n")
    first = first.strip().lstrip("#").strip()  # a Markdown heading's marker is not part of the title
    words = first.split()
    if not rest.strip() or not 3 <= len(words) <= 25 or len(first) > 200:
        return None
    if first[-1] in ".,;:!?…" or first.islower():
        return None
    return first
