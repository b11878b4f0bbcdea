"""Readers for the NLI training / evaluation data copied into data/nli/ (see data/nli/README.md).

Every reader returns a polars frame with columns premise, hypothesis, label, source; label is one of
"contradiction", "entailment", "neutral", or "not_entailment" (FEVER's 2-way label).
"""
from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from pathlib import Path

import polars as pl

from engine.config import DATA_DIR

NLI_DIR = DATA_DIR / "nli"
NEWS_NLI_DIR = DATA_DIR / "news_nli"
PAIRS = {"premise": pl.Utf8, "hypothesis": pl.Utf8, "label": pl.Utf8, "source": pl.Utf8}

_SICK_DIRECTED = {"A_neutral_B": "neutral", "A_entails_B": "entailment", "A_contradicts_B": "contradiction"}
_SICK_REVERSED = {"B_neutral_A": "neutral", "B_entails_A": "entailment", "B_contradicts_A": "contradiction"}


def _frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=PAIRS) if rows else pl.DataFrame(schema=PAIRS)


def sick(sets=("TRAIN", "TRIAL"), both_orders: bool = False, path: Path | None = None) -> pl.DataFrame:
    """SICK pairs of the given SemEval sets, labelled with the official `entailment_label` (A -> B).

    both_orders adds (B, A) labelled with SICK's directional `entailment_BA`, only where the
    directional A -> B label agrees with the official one (the two annotations disagree on ~3%).
    """
    df = pl.read_csv(path or NLI_DIR / "SICK.txt", separator="\t", quote_char=None)
    df = df.filter(pl.col("SemEval_set").is_in(list(sets)))
    rows = [
        {"premise": r["sentence_A"], "hypothesis": r["sentence_B"], "label": r["entailment_label"].lower(),
         "source": "sick"}
        for r in df.iter_rows(named=True)
    ]
    if both_orders:
        for r in df.iter_rows(named=True):
            if _SICK_DIRECTED.get(r["entailment_AB"]) == r["entailment_label"].lower():
                rows.append({"premise": r["sentence_B"], "hypothesis": r["sentence_A"],
                             "label": _SICK_REVERSED[r["entailment_BA"]], "source": "sick_ba"})
    return _frame(rows)


def snli(path: Path | None = None, reverse_contradictions: bool = False) -> pl.DataFrame:
    """The bundled part of the SNLI 1.0 dev set (pairs without a gold label are dropped)."""
    rows = []
    with open(path or NLI_DIR / "snli_1.0_dev_partial.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["gold_label"] in ("contradiction", "entailment", "neutral"):
                rows.append({"premise": r["sentence1"], "hypothesis": r["sentence2"], "label": r["gold_label"],
                             "source": "snli"})
                # contradiction is symmetric; entailment and neutral are not
                if reverse_contradictions and r["gold_label"] == "contradiction":
                    rows.append({"premise": r["sentence2"], "hypothesis": r["sentence1"],
                                 "label": "contradiction", "source": "snli_rev"})
    return _frame(rows)


def _fever_heldout(claim: str) -> bool:
    # split by claim text, so every evidence pair of one claim falls on the same side (20% held out)
    return int(hashlib.sha1(claim.strip().lower().encode()).hexdigest(), 16) % 5 == 0


def fever(split: str = "train", directory: Path | None = None) -> pl.DataFrame:
    """FEVER claim/evidence pairs (premise = evidence, hypothesis = claim), 2-way labels.

    split "train" (80% of the claims) or "heldout" (the other 20%), split by a hash of the claim.
    """
    d = directory or NLI_DIR / "fever_rte"
    evidence = (d / "dev.raw.input0").read_text(encoding="utf-8").splitlines()
    claims = (d / "dev.raw.input1").read_text(encoding="utf-8").splitlines()
    labels = (d / "dev.label").read_text(encoding="utf-8").splitlines()
    want_heldout = split == "heldout"
    rows = [
        {"premise": e, "hypothesis": c, "label": l, "source": "fever"}
        for e, c, l in zip(evidence, claims, labels)
        if _fever_heldout(c) == want_heldout
    ]
    return _frame(rows)


_SENT_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+(?=[\"“‘']?[A-Z])")


def split_sentences(text: str) -> list[str]:
    """A cheap regex sentence splitter (good enough for picking sentences, not for the engine)."""
    out = []
    for para in re.split(r"\n\s*\n|\n", text):
        out.extend(s.strip() for s in _SENT_SPLIT.split(para.strip()) if s.strip())
    return out


def _usable(sentence: str, min_words: int = 6, max_words: int = 45) -> bool:
    words = sentence.split()
    if not (min_words <= len(words) <= max_words):
        return False
    if "http" in sentence or "@" in sentence or sentence.isupper():
        return False
    return sentence[-1] in ".!?\"”'’" and sentence[0].isupper()


def news_articles(path: Path | None = None) -> list[tuple[str, str]]:
    """FNC-1 news bodies as (body_id, text)."""
    csv.field_size_limit(10**8)
    with open(path or NLI_DIR / "fnc1_train_bodies.csv", encoding="utf-8") as f:
        return [(r["Body ID"], r["articleBody"]) for r in csv.DictReader(f)]


def news_sentences(path: Path | None = None) -> list[tuple[str, str]]:
    """Usable sentences of the FNC-1 bodies as (body_id, sentence), de-duplicated, in file order."""
    seen, out = set(), []
    for body_id, text in news_articles(path):
        for s in split_sentences(text):
            if _usable(s) and s not in seen:
                seen.add(s)
                out.append((body_id, s))
    return out


def article_split(body_id: str) -> str:
    """Which FNC-1 articles the training may use ("train") and which are kept for evaluation ("eval")."""
    return "eval" if int(hashlib.sha1(body_id.encode()).hexdigest(), 16) % 5 == 0 else "train"


def _distinctive_words(texts: list[str]) -> list[set[str]]:
    sets = [{w.lower() for w in re.findall(r"[A-Za-z]{5,}", t)} for t in texts]
    df: dict[str, int] = {}
    for ws in sets:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    common = {w for w, n in df.items() if n > 0.03 * len(sets)}
    return [ws - common for ws in sets]


def training_articles() -> set[str]:
    """Body ids usable for training: the "train" split minus every article that shares its story with an
    "eval" article (FNC-1 has several articles per story; the split is by article, this makes it by story)."""
    arts = news_articles()
    words = _distinctive_words([t for _, t in arts])
    ev = [w for (b, _), w in zip(arts, words) if article_split(b) == "eval"]
    keep = set()
    for (b, _), w in zip(arts, words):
        if article_split(b) != "train":
            continue
        if not any(len(w & e) >= 0.2 * max(1, min(len(w), len(e))) and len(w & e) >= 4 for e in ev):
            keep.add(b)
    return keep


def random_news_pairs(n: int, split: str = "train", seed: int = 13) -> pl.DataFrame:
    """`n` pairs of sentences from two different FNC-1 articles, labelled neutral.

    Random articles of FNC-1 are about unrelated stories, so such a pair is neutral (and the rare
    accidental near-duplicate is removed by requiring few shared words).
    """
    return random_pairs_from([(b, s) for b, s in news_sentences() if article_split(b) == split], n, seed)


def random_pairs_from(sents: list[tuple[str, str]], n: int, seed: int = 13) -> pl.DataFrame:
    """`n` neutral pairs of texts from two different documents, given (doc_id, text) items."""
    rng = random.Random(seed)
    rows = []
    if len({b for b, _ in sents}) < 2:
        return _frame(rows)
    while len(rows) < n:
        (b1, s1), (b2, s2) = rng.sample(sents, 2)
        if b1 == b2 or _overlap(s1, s2) > 0.3:
            continue
        rows.append({"premise": s1, "hypothesis": s2, "label": "neutral", "source": "news_random"})
    return _frame(rows)


def _overlap(a: str, b: str) -> float:
    wa = {w.lower() for w in re.findall(r"\w{4,}", a)}
    wb = {w.lower() for w in re.findall(r"\w{4,}", b)}
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


def news_nli(split: str) -> pl.DataFrame:
    """The project's hand-labelled news contradiction set (data/news_nli/{split}.jsonl)."""
    rows = []
    with open(NEWS_NLI_DIR / f"{split}.jsonl", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                rows.append({"premise": r["premise"], "hypothesis": r["hypothesis"], "label": r["label"],
                             "source": f"news_{split}"})
    return _frame(rows)


def written(both_orders: bool = True, path: Path | None = None) -> pl.DataFrame:
    """Hypotheses written for real FNC-1 training claim contents (data/nli/written/, GUIDE.md there): denials
    and incompatible facts worded as news words them (contradiction), consequences (entailment), topical
    sentences that do not conflict (neutral). `both_orders` adds the reversed pair for the symmetric labels."""
    path = path or NLI_DIR / "written" / "pairs.jsonl"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        rows.append({"premise": r["premise"], "hypothesis": r["hypothesis"], "label": r["label"],
                     "source": f"written_{r['kind']}"})
        if both_orders and r["label"] != "entailment":
            rows.append({"premise": r["hypothesis"], "hypothesis": r["premise"], "label": r["label"],
                         "source": f"written_{r['kind']}_reversed"})
    return _frame(rows)


def flagged(path: Path | None = None) -> pl.DataFrame:
    """Similar claim pairs of FNC-1 training articles that an NLI model called contradictions, labelled by
    annotators (data/nli/flagged/, GUIDE.md there), both orders: "contradiction" and "neutral" as such,
    "same" (each implies the other) as entailment; "unclear" left out."""
    path = path or NLI_DIR / "flagged" / "pairs.jsonl"
    as_label = {"contradiction": "contradiction", "neutral": "neutral", "same": "entailment"}
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["label"] in as_label:
            for p, h in ((r["a"], r["b"]), (r["b"], r["a"])):
                rows.append({"premise": p, "hypothesis": h, "label": as_label[r["label"]],
                             "source": f"flagged_{r['label']}"})
    return _frame(rows)


def news_contents(split: str = "train", max_articles: int | None = None,
                  show_progress: bool = False) -> list[tuple[str, str]]:
    """Claim contents of FNC-1 articles as the engine extracts them (engine.claims: attribution frames
    stripped exactly as at inference), de-duplicated, in file order."""
    from engine import claims
    from engine.config import Config
    from engine.schema import DOCUMENTS, conform

    if split == "train":  # by story, not only by article: see training_articles()
        usable = training_articles()
        arts = [(b, t) for b, t in news_articles() if b in usable][:max_articles]
    else:
        arts = [(b, t) for b, t in news_articles() if article_split(b) == split][:max_articles]
    docs = conform(pl.DataFrame({"doc_id": [f"fnc1-{b}" for b, _ in arts], "text": [t for _, t in arts],
                                 "source": ["fnc1"] * len(arts), "origin": [f"fnc1:{b}" for b, _ in arts]}),
                   DOCUMENTS)
    table = claims.extract(docs, Config(show_progress=show_progress))
    seen, out = set(), []
    for doc, c in zip(table["doc_id"].to_list(), table["content"].to_list()):
        c = (c or "").strip()
        if c and c not in seen and 5 <= len(c.split()) <= 45 and "http" not in c:
            seen.add(c)
            out.append((doc.removeprefix("fnc1-"), c))
    return out
