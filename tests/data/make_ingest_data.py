"""Rebuild tests/data/dirty/ and tests/data/formats/ (the ingest test corpora) from real news text.

Run from the repository root: `python tests/data/make_ingest_data.py`. The output is committed; this
script only documents how each file was made (see tests/data/README.md for provenance).
"""
from __future__ import annotations

import json
import random
import struct
import zlib
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DIRTY, FORMATS = HERE / "dirty", HERE / "formats"

# FNC-1 bodies from the shared data folder (../shared/data/news, see its README for provenance)
bodies = pl.read_csv(ROOT.parent / "shared" / "data" / "news" / "fnc1_train_bodies.csv")
BODY = dict(zip(bodies["Body ID"], bodies["articleBody"]))

# an original French news paragraph (written for this corpus): the "not English" case
FRENCH = (
    "Le ministre russe de la Défense s'est rendu samedi à Damas pour s'entretenir avec le président "
    "syrien, a annoncé l'agence de presse officielle. Selon Moscou, les discussions ont porté sur la "
    "coopération militaire entre les deux pays et sur la lutte contre les groupes terroristes présents "
    "sur le sol syrien.\n\n"
    "Washington a de son côté exprimé de vives inquiétudes après des frappes aériennes dans le sud du "
    "pays, où des combattants soutenus par la coalition internationale se trouvaient réunis. Le "
    "ministère russe a démenti avoir visé des forces d'opposition incluses dans le cessez-le-feu."
)


def png_bytes() -> bytes:
    """A real 2x2 PNG image."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def html_page(title: str, paragraphs: list[str], date: str, site: str) -> str:
    body = "\n".join(f"    <p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{title} | {site}</title>
  <meta property="og:site_name" content="{site}">
  <meta property="article:published_time" content="{date}T08:30:00Z">
  <style>body {{ font-family: Georgia; color: #222; }} .cookie-banner {{ position: fixed; }}</style>
  <script>var trackingPixel = function () {{ document.write("<img src='/px.gif'>"); }}; trackingPixel();</script>
  <script type="application/ld+json">{{"@type": "NewsArticle", "headline": "{title}"}}</script>
</head>
<body>
  <div class="cookie-banner">We use cookies to improve your experience. Accept cookies</div>
  <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/login">Log in</a></nav>
  <article>
    <h1>{title}</h1>
{body}
    <script>window.adSlot = {{ id: "inline-ad", render: function () {{ return 42; }} }};</script>
  </article>
  <aside>Sign up to our newsletter for the latest headlines</aside>
  <footer>Copyright 2014 {site}. All rights reserved.</footer>
</body>
</html>
"""


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def main() -> None:
    DIRTY.mkdir(exist_ok=True)
    FORMATS.mkdir(exist_ok=True)
    # ------------------------------------------------------------------ dirty
    (DIRTY / "empty.txt").write_bytes(b"")
    (DIRTY / "whitespace-only.txt").write_text("   \n\t\n \u00a0\n\n   ")
    (DIRTY / "image-named-as-text.txt").write_bytes(png_bytes())
    (DIRTY / "pdf-named-as-text.txt").write_bytes(pdf_bytes())
    (DIRTY / "report.pdf").write_bytes(pdf_bytes())
    (DIRTY / "latin1-article.txt").write_bytes(BODY[834].encode("latin-1"))
    (DIRTY / "utf16-article.txt").write_bytes(BODY[7].encode("utf-16"))  # with BOM
    random.seed(1)
    (DIRTY / "undecodable.txt").write_bytes(bytes(random.randrange(0x80, 0x100) for _ in range(600)))
    rows = [
        'id,title,text',
        '101,Meteorite crashes in Managua,"' + BODY[0][:600].replace('"', '""') + '"',
        '102,Boko Haram clashes,"' + BODY[7][:500].replace('"', '""') + '"',
        '103,"Unclosed title,A row whose opening quote never closes, so it cannot be read.',
        '104,Ebola hazmat passenger,"' + BODY[4][:380].replace('"', '""') + '"',
        '105,Too many fields,this text has an unquoted comma, which adds a field',
        '106,Foley video,"' + BODY[928][:450].replace('"', '""') + '"',
    ]
    (DIRTY / "broken-quoting.csv").write_text("\n".join(rows) + "\n")
    (DIRTY / "missing-text-column.csv").write_text(
        "id,headline,author\n1,Meteorite crashes in Managua,AP\n2,Boko Haram clashes,Reuters\n")
    lines = [
        json.dumps({"id": "j1", "title": "Meteorite crashes in Managua", "text": BODY[0][:700]}),
        json.dumps({"id": "j2", "title": "Boko Haram clashes", "text": BODY[7][:700]}),
        '{"id": "j3", "title": "Truncated line", "text": "The ministry said the talks',
        json.dumps({"id": "j4", "title": "Burger", "text": BODY[5][:700]}),
    ]
    (DIRTY / "one-bad-line.jsonl").write_text("\n".join(lines) + "\n")
    (DIRTY / "scripts-and-styles.html").write_text(
        html_page("Meteorite crashes in Nicaragua's capital", paragraphs(BODY[0])[:4], "2014-09-08", "Example Wire"))
    (DIRTY / "french-article.txt").write_text(FRENCH + "\n")
    (DIRTY / "duplicate-1.txt").write_text(BODY[928] + "\n")
    (DIRTY / "duplicate-2.txt").write_text(BODY[928] + "\n")
    sentences = [s.strip().rstrip(".") for s in BODY[7].replace("\n", " ").split(". ") if s.strip()]
    long_sentence = "; ".join(s[0].lower() + s[1:] if i else s for i, s in enumerate(sentences * 3)) + "."
    (DIRTY / "very-long-sentence.txt").write_text(long_sentence + "\n")
    (DIRTY / "good-article.txt").write_text(BODY[982] + "\n")

    # ------------------------------------------------------------------ formats
    (FORMATS / "article.txt").write_text(BODY[0] + "\n")
    (FORMATS / "article.md").write_text("# Boko Haram clashes in Nigeria\n\n" + BODY[7] + "\n")
    (FORMATS / "article-no-extension").write_text(
        "Title: Oldest burger in the world\nSource: Newser\nDate: 2015-02-10\n\n" + BODY[5] + "\n")
    (FORMATS / "article.html").write_text(
        html_page("ISIS video shows killing of US journalist", paragraphs(BODY[928]), "2014-08-19", "Example Times"))
    table = pl.DataFrame({
        "id": ["c1", "c2", "c3"],
        "title": ["Vogue rat problem", "Singing polar bear", "Hazmat suit at Dulles"],
        "publisher": ["Daily News", "BBC", "The Daily Caller"],
        "url": ["https://example.org/a", "https://example.org/b", "https://example.org/c"],
        "date": ["2014-10-20", "20 December 2014", "2014-10-08T12:00:00Z"],
        "text": [BODY[834], BODY[982], BODY[4]],
    })
    table.write_csv(FORMATS / "articles.csv")
    table.write_csv(FORMATS / "articles.tsv", separator="\t")
    with open(FORMATS / "articles.jsonl", "w") as handle:
        for row in table.iter_rows(named=True):
            handle.write(json.dumps(row) + "\n")
    (FORMATS / "articles.json").write_text(json.dumps({"articles": table.rename({"text": "body"}).to_dicts()}, indent=1))
    table.with_columns(pl.col("id").str.replace("c", "p")).write_parquet(FORMATS / "articles.parquet")
    nested = FORMATS / "nested" / "deeper"
    nested.mkdir(parents=True, exist_ok=True)
    (nested / "article.txt").write_text(BODY[6] + "\n")
    (FORMATS / "nested" / ".hidden-note.txt").write_text("A hidden file, ignored in folder walks.\n")


if __name__ == "__main__":
    main()
