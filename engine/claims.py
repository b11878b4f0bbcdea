"""Claims with attribution: who said what, with character offsets into the document text.

For every sentence the extractor looks for attribution cues (data/lexicon/cues.csv: "said", "denied",
"according to", "expressed concerns", ...) on the spaCy dependency parse and splits the sentence into
speaker span, cue and content span (the proposition without the frame, which is what NLI sees).
Patterns: "X said (that) Y", "Y, X said", "according to X, Y", quotes ("“Y,” X said"), quotes that run over
several sentences, nested frames ("X said Y, the AP reported": speaker X, `reported_by` the AP), "X sees Y as Z",
"in the latest CNN/ORC poll, Y" (the poll speaks), and with the frame filter a possessor's claim noun ("Sanders's
claim that Y", "her decision to Y"); pronoun and short-reference speakers ("he said", "it said", "his ministry
said", "Trump, who said") resolved to the latest fitting speaker / named entity earlier in the document (a
relative "that" speaker is written as the noun it stands for: "businesses that warn ..."). Sentences without a speaker are attributed to
the document's source (outlet) when `config.include_unattributed`.

Two learned components trained on PolNeAR (engine.attribution_eval) help the rules: a cue detector that
accepts verbs missing from cues.csv and rejects table verbs not used as attributions, and a frame filter
that scores each candidate frame (cue, speaker, content) and drops the unlikely ones.

Extra columns after the schema's: `speaker_mention` (the speaker as written in the sentence, e.g. "he"),
`speaker_full` (the fullest mention of that speaker in the document, e.g. "Pentagon spokesman Peter Cook",
used by engine.actors), `speaker_kind` (person | thing | unknown), `reported_by` (outer reporter of a nested
frame), `content_resolved` (content with a leading pronoun that refers to the speaker replaced by it:
"it had not carried out ..." -> "Russia had not carried out ...").

Offsets: `text[content_start:content_end] == content` and `text[speaker_start:speaker_end] ==
speaker_mention` exactly; `speaker` differs from the mention only when it was resolved.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import polars as pl

from engine.config import DATA_DIR, Config
from engine.errors import ConfigError, ModelError
from engine.schema import CLAIMS, conform

#: what this extractor makes of a text, as a number: bump it with any change that alters extracted claims
#: (tests/test_claims.py checks a snapshot against it). A store built by another version re-extracts its
#: documents before it adds new ones (engine.store), so old and new claims never mix.
VERSION = "17.1"

LEXICON_DIR = DATA_DIR / "lexicon"


def norm(text: str) -> str:
    """Lookup key: lowercase, curly quotes/apostrophes straightened, no leading 'the', single spaces."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"\s+", " ", text.strip().strip(".,;:'\"()[]")).lower()
    text = re.sub(r"^the ", "", text)
    return text


def read_csv(path: Path, required: tuple[str, ...]) -> list[dict]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise ConfigError(f"lexicon table not found: {path}") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise ConfigError(f"cannot read lexicon table {path}: {error}") from None
    if rows and not set(required) <= set(rows[0]):
        raise ConfigError(f"{path}: needs columns {', '.join(required)}")
    return [{k: (v or "").strip() for k, v in row.items() if k} for row in rows]


@dataclass(frozen=True)
class Cue:
    cue: str
    kind: str  # verb | phrase | noun
    stance: str
    role: str  # speech | report | belief | intention | weak | finding | expression


@dataclass
class Lexicon:
    verbs: dict[str, Cue] = field(default_factory=dict)  # by lemma
    phrases: dict[str, Cue] = field(default_factory=dict)
    nouns: dict[str, Cue] = field(default_factory=dict)
    #: normalised country name / alias / demonym -> canonical country
    country_names: dict[str, str] = field(default_factory=dict)
    #: normalised capital or seat of government -> country (speaker metonymy only)
    capitals: dict[str, str] = field(default_factory=dict)
    demonym: dict[str, str] = field(default_factory=dict)  # country -> adjective
    #: (keyword tuple) -> generic body, longest keywords first
    bodies: list[tuple[str, str]] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def load() -> Lexicon:
    lex = Lexicon()
    for row in read_csv(LEXICON_DIR / "cues.csv", ("cue", "kind", "stance", "role")):
        cue = Cue(row["cue"].lower(), row["kind"], row["stance"], row["role"])
        {"verb": lex.verbs, "phrase": lex.phrases, "noun": lex.nouns}.get(cue.kind, lex.verbs)[cue.cue] = cue
    for row in read_csv(LEXICON_DIR / "countries.csv", ("country", "demonym", "aliases", "capitals")):
        country = row["country"]
        lex.demonym[country] = row["demonym"] or country
        for name in [country, row["demonym"], *row["aliases"].split("|")]:
            if name:
                lex.country_names[norm(name)] = country
        for name in row["capitals"].split("|"):
            if name:
                lex.capitals[norm(name)] = country
    pairs = []
    for row in read_csv(LEXICON_DIR / "bodies.csv", ("body", "keywords")):
        pairs += [(norm(k), row["body"]) for k in row["keywords"].split("|") if k]
    lex.bodies = sorted(pairs, key=lambda p: -len(p[0]))
    for row in read_csv(LEXICON_DIR / "titles.csv", ("title", "kind")):
        lex.titles[row["title"].lower()] = row["kind"]
    return lex


def country_of_name(name: str, lex: Lexicon | None = None, capitals: bool = False) -> str | None:
    """Canonical country for a country name or demonym ("U.S.", "Russian"); capitals only when asked."""
    lex = lex or load()
    key = norm(name)
    key = re.sub(r"'s$", "", key)
    found = lex.country_names.get(key)
    if found is None and capitals:
        found = lex.capitals.get(key)
    return found


def read_aliases(extra: str | Path | None = None) -> list[dict]:
    """Bundled alias rows, then the user's (later rows win)."""
    rows = read_csv(LEXICON_DIR / "aliases.csv", ("alias", "actor", "parent", "kind"))
    if extra:
        path = Path(extra)
        if not path.exists():
            raise ConfigError(f"aliases_path not found: {path}")
        rows += read_csv(path, ("alias", "actor", "parent", "kind"))
    return rows


# ------------------------------------------------------------------ spaCy
@lru_cache(maxsize=2)
def load_nlp(name: str):
    """The spaCy pipeline, loaded once per process."""
    try:
        import spacy

        nlp = spacy.load(name)
        _register_title_component()
    except (OSError, ImportError) as error:
        raise ModelError(f"spaCy model {name!r} cannot be loaded ({str(error).splitlines()[0][:120]})") from None
    # spaCy's English tokenizer knows "Mr." and "Gen." but splits "Sgt." / "Capt." / "Lt." into a word and a full
    # stop, where its parser then ends the sentence: "... with police spokesman Sgt. | Michael Woody saying ..."
    for title in _abbreviated_titles():
        for form in (title.capitalize(), title.upper()):
            if len(nlp.tokenizer(form)) > 1:
                nlp.tokenizer.add_special_case(form, [{"ORTH": form}])
    if "parser" in nlp.pipe_names and TITLE_COMPONENT not in nlp.pipe_names:
        nlp.add_pipe(TITLE_COMPONENT, before="parser")
    return nlp


TITLE_COMPONENT = "contra_title_keeps_name"


def _title_keeps_name(doc):
    """A name after a title abbreviation is not a new sentence ("... 12 fighters. Capt. | Jeff Davis said ...":
    the parser splits there even when "Capt." is one token); spaCy's parser keeps boundaries set before it."""
    titles = _abbreviated_titles()
    for tok in doc[:-1]:
        if tok.lower_ in titles and doc[tok.i + 1].is_title:
            doc[tok.i + 1].is_sent_start = False
    return doc


@lru_cache(maxsize=1)
def _abbreviated_titles() -> frozenset[str]:
    """Titles written with a full stop ("sgt.", "mr."), from data/lexicon/titles.csv."""
    return frozenset(t for t in load().titles if t.endswith(".") and len(t) > 2)


def _register_title_component() -> None:
    from spacy.language import Language

    if not Language.has_factory(TITLE_COMPONENT):
        Language.component(TITLE_COMPONENT, func=_title_keeps_name)


# ------------------------------------------------------------------ blocks of text
_TERMINAL = tuple('.!?"\u201d\u2019\')')
_CHUNK = 50_000  # a block longer than this is cut at sentence-like boundaries before parsing


def _ends_sentence(line: str) -> bool:
    line = line.rstrip()
    if line.endswith(")"):  # "(AFP)" after a caption is not an end of sentence; '(... "for life.")' is
        inner = line[:-1].rstrip("\"\u201d\u2019'")
        return len(inner) > 0 and inner[-1] in ".!?"
    return line.endswith(_TERMINAL)


def text_blocks(text: str) -> list[tuple[int, int]]:
    """Paragraph-like blocks (char spans): one per line, a line continuing in lowercase joined to the next."""
    spans: list[tuple[int, int]] = []
    for match in re.finditer(r"[^\n]+", text):
        segment = match.group()
        if not segment.strip():
            continue
        start = match.start() + len(segment) - len(segment.lstrip())
        end = match.start() + len(segment.rstrip())
        if (spans and start - spans[-1][1] <= 2 and text[start].islower()
                and not _ends_sentence(text[spans[-1][0]:spans[-1][1]])):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    out = []
    for start, end in spans:  # cut huge blocks so spaCy's max_length never bites
        while end - start > _CHUNK:
            cut = text.rfind(". ", start, start + _CHUNK)
            cut = cut + 2 if cut > start else start + _CHUNK
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out


def headline_like(line: str) -> bool:
    """Headlines, sub-headlines, captions and menu lines: no sentence end, or short and Title Cased."""
    words = line.split()
    if not _ends_sentence(line):
        return True
    capital = [w for w in words if w[:1].isalpha() and len(w) > 3]
    titled = sum(w[0].isupper() for w in capital)
    return len(words) <= 25 and len(capital) >= 4 and titled / len(capital) >= 0.75


# ------------------------------------------------------------------ learned cue detector
#: where a participle is an adjunct of another clause
_ADJUNCT_DEPS = ("advcl", "acl", "xcomp", "conj", "relcl")
CUE_MODEL = LEXICON_DIR / "cue_model.json"
#: use the learned detector when its file exists (tests of the pure rules switch it off)
USE_MODEL = True
#: a verb from cues.csv is ignored when the model gives it less than threshold * DROP_FACTOR
DROP_FACTOR = 0.3


def cue_features(tok, lex: "Lexicon") -> list[str]:
    """Sparse features of a candidate cue verb (names of the active indicator features)."""
    lemma = tok.lemma_.lower()
    deps = sorted({c.dep_ for c in tok.children})
    subject = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")), None)
    cue = lex.verbs.get(lemma)
    feats = [
        "bias", f"lemma={lemma}", f"tag={tok.tag_}", f"dep={tok.dep_}", f"lemma_dep={lemma}|{tok.dep_}",
        f"head_pos={tok.head.pos_}", f"head_dep={tok.dep_}|{tok.head.dep_}",
        f"table={cue.role if cue else 'none'}", f"table_dep={cue.role if cue else 'none'}|{tok.dep_}",
        f"prev={tok.nbor(-1).lower_ if tok.i > tok.sent.start else '<s>'}",
        f"next={tok.nbor(1).lower_ if tok.i + 1 < tok.sent.end else '</s>'}",
    ]
    feats += [f"child={d}" for d in deps] + [f"lemma_child={lemma}|{d}" for d in deps if d in (
        "ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "agent", "prep", "advcl", "dative")]
    # "warned of", "complained about", "sees X as Y": the preposition that introduces the content
    feats += [f"lemma_prep={lemma}|{c.lower_}" for c in tok.children if c.dep_ == "prep" and c.i > tok.i]
    if subject is not None:
        feats += [f"subj_pos={subject.pos_}", f"subj_ent={subject.ent_type_ or 'none'}",
                  f"subj_lower={subject.lower_ if subject.pos_ == 'PRON' else subject.tag_}"]
    else:
        feats.append("subj=none")
    if any(t.text in _QUOTES for t in tok.sent):
        feats.append("sent_has_quote")
    return feats


@dataclass
class CueModel:
    weights: dict[str, float]
    bias: float
    threshold: float
    cue_threshold: float | None = None  # frame model: the cue detector's threshold while collecting frames

    def probability(self, features: list[str]) -> float:
        import math

        score = self.bias + sum(self.weights.get(f, 0.0) for f in features)
        return 1.0 / (1.0 + math.exp(-max(min(score, 30.0), -30.0)))


def _read_model(path: Path) -> CueModel | None:
    """A learned logistic model shipped as JSON in data/lexicon/ (None when the file is absent)."""
    import json

    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return CueModel(data["weights"], data["bias"], data["threshold"], data.get("cue_threshold"))


@lru_cache(maxsize=1)
def cue_model() -> CueModel | None:
    """The learned cue detector shipped in data/lexicon/cue_model.json (None when absent)."""
    return _read_model(CUE_MODEL)


FRAME_MODEL = LEXICON_DIR / "frame_model.json"
#: when the frame model is used, frames are collected with this lower cue threshold and the frame model
#: decides (it sees the speaker and the content, not only the verb)
#: engine.attribution_eval sets this to a cue threshold to collect training frames (frame filter off)
COLLECT_FEATURES: float | None = None


@lru_cache(maxsize=1)
def frame_model() -> CueModel | None:
    """The learned frame filter shipped in data/lexicon/frame_model.json (None when absent).

    It scores a whole frame (cue verb, speaker, content and how the content was found) with the probability
    that PolNeAR annotates it as an attribution with this source and content; frames below its threshold
    are dropped. Train it with `python -m engine.attribution_eval DIR --train-frame-model`."""
    return _read_model(FRAME_MODEL)


END_MODEL = LEXICON_DIR / "end_model.json"
#: engine.attribution_eval sets this to collect the content-end candidates of every frame (`Frame.ends`) instead
#: of letting the end model choose among them
COLLECT_ENDS = False


@lru_cache(maxsize=1)
def end_model() -> CueModel | None:
    """The learned content-end chooser shipped in data/lexicon/end_model.json (None when absent).

    The rules find a content span; the end chooser scores that span's end against the ends that would drop a
    trailing constituent ("endorsed Sanders | in February", "the plan | - a modest boost for Obama") or take in
    what follows it in the sentence (", and that ...", a quotation closed later) and keeps the best-scored one.
    Train it with `python -m engine.attribution_eval DIR --train-end-model`."""
    return _read_model(END_MODEL)


#: a table cue whose content is its clause or its quotation is kept whatever the frame filter says
KEEP_PATHS = {"path=ccomp", "path=quote"}


def _kept_by_rule(cue: Cue, features: list[str]) -> bool:
    # a table noun cue ("expressed concerns about", "raised fears that") is specific enough on its own
    # ... but a frame inside somebody's quotation ("Director Comey said my answers were truthful," Clinton said)
    # is left to the frame filter: PolNeAR rarely annotates it
    return cue.role not in ("learned", "weak", "noun") and (cue.kind == "light" or any(f in KEEP_PATHS for f in features[:3])
                                                    and "cue_in_quote=True" not in features)


def _bucket(n: int, edges=(1, 2, 3, 4, 6, 9, 14, 22, 35)) -> str:
    return str(next((e for e in edges if n <= e), "more"))


#: the name a phrase cue goes by in the learned models' features
_PHRASE_LEMMA = {"according to": "according_to", "in": "in_poll"}


def frame_features(doc, tok, cue, subject, span, sent, cue_feats: list[str] | None, probability: float | None,
                   quotes) -> list[str]:
    """Indicator features of one candidate frame (for the frame model)."""
    lemma = _PHRASE_LEMMA.get(cue.cue, cue.cue) if cue.kind == "phrase" else tok.lemma_.lower()
    first, last = doc[span[0]], doc[span[1] - 1]
    if cue.kind == "phrase":
        path = "according"
    elif span[0] <= tok.i < span[1]:
        path = "around"
    elif any(c.dep_ == "ccomp" and span[0] <= c.i < span[1] for c in tok.children):
        path = "ccomp"
    elif any(c.dep_ == "xcomp" and span[0] <= c.i < span[1] for c in tok.children):
        path = "xcomp"
    elif any(c.dep_ in ("dobj", "attr") and c.left_edge.i == span[0] for c in tok.children):
        path = "dobj"
    elif span[0] > 0 and doc[span[0] - 1].dep_ == "prep":
        path = "prep"
    elif span[0] <= tok.head.i < span[1] and tok.head.i != tok.i:
        path = "head"
    elif any(qs <= span[0] and span[1] <= qe + 1 for qs, qe in quotes):
        path = "quote"
    else:
        path = "other"
    n = span[1] - span[0]
    verbs = sum(t.pos_ in ("VERB", "AUX") for t in doc[span[0]:span[1]])
    feats = ["bias", f"path={path}", f"lemma_path={lemma}|{path}", f"role={cue.role}", f"role_path={cue.role}|{path}",
             f"len={_bucket(n)}", f"path_len={path}|{_bucket(n)}", f"verbs={min(verbs, 3)}",
             f"path_verbs={path}|{min(verbs, 3)}", f"side={'before' if span[1] <= tok.i else 'after'}",
             f"first={first.lower_ if first.pos_ in ('PART', 'SCONJ', 'ADP', 'PRON', 'DET') else first.pos_}",
             f"last={last.pos_}", f"quoted={any(qs <= span[0] and span[1] <= qe + 1 for qs, qe in quotes)}"]
    # the content's own head: a full clause (with a subject) is a proposition, a bare noun phrase less often
    root = next((t for t in doc[span[0]:span[1]] if not span[0] <= t.head.i < span[1] or t.head.i == t.i), first)
    has_subject = any(c.dep_ in _SUBJECT_DEPS for c in root.children)
    in_quote = any(qs <= tok.i < qe for qs, qe in quotes)
    feats += [f"croot={root.pos_}|{root.dep_}", f"clause={has_subject}", f"lemma_clause={lemma}|{has_subject}",
              f"role_len={cue.role}|{_bucket(n)}", f"cue_in_quote={in_quote}",
              f"lemma_side={lemma}|{'before' if span[1] <= tok.i else 'after'}",
              f"lemma_len={lemma}|{_bucket(n)}", f"first_word={first.lower_}",
              f"quote_inside={any(doc[k].text in _QUOTES for k in range(span[0], span[1]))}"]
    if probability is not None:
        feats += [f"cue_p={int(probability * 10)}", f"table_p={cue.role != 'learned'}|{int(probability * 5)}"]
    if subject is None:
        feats.append("speaker=none")
    else:
        kind = ("pron:" + subject.lower_ if subject.pos_ == "PRON" else
                f"{subject.pos_}:{subject.ent_type_ or ('person' if _person_like(subject) else 'none')}")
        feats += [f"speaker={kind}", f"speaker_path={kind}|{path}", f"lemma_speaker={lemma}|{kind}",
                  f"speaker_dep={subject.dep_}",
                  f"speaker_side={'before' if subject.i < tok.i else 'after'}"]
        if subject.pos_ != "PRON":
            feats.append(f"speaker_lemma={subject.lemma_.lower()}")
    if cue_feats:
        feats += [f for f in cue_feats if f != "bias"]
    return feats


# ------------------------------------------------------------------ frames in one sentence
_QUOTES = set('"\u201c\u201d\u2018\u2019\'`') | {"``", "''"}
_TRIM_LEFT = {"that", "and", "but", "or", "so", "as", ":", ";", ",", "-", "--", "\u2014", "\u2013"}
_SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
_SPEAKER_CUT = {"appos", "relcl", "acl", "punct", "advcl", "parataxis", "npadvmod"}
_NO_OBJECT_CONTENT = {"say", "tell", "ask", "add", "write", "continue", "post", "know", "think", "feel", "see"}
_CONTENT_PREPS = {"of", "about", "over", "on", "for", "that", "against", "to"}
#: a prepositional phrase right after the object that places the act in time, place or medium, not its content
#: ("defended Cruz | in a recent interview", "blamed local officials | at a rally")
_ADJUNCT_PREPS = {"in", "at", "during", "before", "after", "since", "on"}
_PRONOUNS_PERSON = {"he", "she", "him", "his", "her", "hers"}
_PRONOUNS_THING = {"it", "its"}
_PRONOUNS_PLURAL = {"they", "them", "their"}
_RELATIVE = {"who", "which", "that", "whom"}
_FIRST_SECOND = {"i", "we", "you", "me", "us"}
_PERSON_NOUNS = {
    "spokesman", "spokeswoman", "spokesperson", "minister", "president", "secretary", "official", "senator",
    "governor", "candidate", "nominee", "leader", "chief", "director", "adviser", "advisor", "aide", "ambassador",
    "envoy", "commander", "general", "manager", "chairman", "chairwoman", "source", "analyst", "expert",
    "lawyer", "attorney", "mayor", "judge", "man", "woman", "father", "mother", "wife", "husband", "son",
    "daughter", "voter", "supporter", "critic", "member", "rep.", "sen.", "gov.", "mr.", "mrs.", "ms.", "dr.",
}


@dataclass
class Frame:
    cue: str
    cue_i: int  # doc token index of the cue head
    stance: str
    role: str
    speaker: tuple[int, int] | None  # token span of the speaker mention
    head: int | None  # speaker head token
    content: tuple[int, int]  # token span of the content (after trimming)
    antecedent: int | None = None  # relative-pronoun speaker: the token it refers to
    reported_by: str | None = None
    nested_in: int | None = None  # index of the frame whose content contains this one
    gap: tuple[int, int] | None = None  # token span of the frame inside its content ("A," X said, "B.")
    features: list[str] | None = None  # indicator features the frame model scores (engine.attribution_eval)
    ends: list | None = None  # [(token end, features)] content-end candidates (COLLECT_ENDS)


#: "dismissed as false X": the verdict a denial gives what it denies
_FALSITY = {"false", "untrue", "baseless", "fake", "inaccurate", "wrong", "nonsense", "rubbish", "fabricated",
            "groundless", "unfounded", "incorrect", "misleading", "ridiculous", "absurd", "speculation", "lies",
            "fiction", "bogus", "erroneous"}


def _verdict_at(doc, i: int, j: int) -> bool:
    """Whether the span [i, j) opens with a denial's verdict, "as false" / "as baseless", and goes on after it."""
    return i + 2 < j and doc[i].lower_ == "as" and doc[i + 1].lower_ in _FALSITY


#: "so" before these is an adverb ("so far", "so many"), not the conjunction _trim drops
_SO_DEGREE = {"far", "much", "many", "long", "few", "little", "often", "too", "badly", "quickly", "soon"}


def _trim(doc, i: int, j: int) -> tuple[int, int]:
    """Drop punctuation, quotes, conjunctions and 'that' at the ends of a token span."""
    while i < j and (doc[i].is_punct or doc[i].is_space or doc[i].lower_ in _TRIM_LEFT or doc[i].text in _QUOTES):
        if doc[i].lower_ == "that" and doc[i].dep_ != "mark":
            break  # "that could be achieved ...": the pronoun is the proposition's subject
        if doc[i].lower_ == "so" and i + 1 < j and doc[i + 1].lower_ in _SO_DEGREE:
            break  # "So far, police have not confirmed it": an adverb of the proposition, not a conjunction
        if doc[i].lower_ == "as":
            if _verdict_at(doc, i, j):
                i += 2  # "rejected as false a posting that said X": the verdict is the cue's, the posting the content
                continue
            if doc[i].dep_ not in ("mark", "cc"):
                break  # "As of now, ...", "As far as we know, ...": part of the proposition, not a conjunction
            aside = next((k for k in range(i + 2, min(i + 5, j)) if doc[k].text == ","), None)
            if aside is not None and all(t.tag_ in ("VBN", "JJ", "RB", "RBR", "RBS") for t in doc[i + 1:aside]):
                i = aside  # "that, as expected, the talks ...": the aside is not the proposition
        i += 1
    while j > i and (doc[j - 1].is_punct or doc[j - 1].is_space or doc[j - 1].text in _QUOTES
                     or doc[j - 1].lower_ in {"and", "but", "that"}):
        if doc[j - 1].text in ("?", "!", ")") and j - 1 > i:
            break  # keep a question mark (questions are filtered later) and closing brackets
        j -= 1
    return i, j


def _span(tokens) -> tuple[int, int]:
    idx = [t.i for t in tokens]
    return min(idx), max(idx) + 1


def _subtree_span(tok) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i + 1


def _speaker_span(head) -> tuple[int, int]:
    """The subject noun phrase without appositions, relative clauses and trailing clauses."""
    cut = set()
    for child in head.children:
        if child.dep_ == "appos" and child.left_edge.i == head.i + 1:
            continue  # "the news agency SANA": a name right after its description
        if child.dep_ == "punct" and child.text == "-" and not child.whitespace_ and child.i > 0 \
                and not head.doc[child.i - 1].whitespace_:
            continue  # the hyphen inside a name: "Kim Jong-un", not "un"
        if child.dep_ == "prep" and child.i > head.i and child.text[:1].isupper():
            continue  # a capitalised preposition inside a name: "Doctors Without Borders", "Reporters Without ..."
        if child.dep_ == "prep" and child.i > head.i and child.lower_ not in ("of", "for", "at", "from", "with"):
            cut.update(t.i for t in child.subtree)
        if child.dep_ in _SPEAKER_CUT or (child.dep_ == "prep" and child.i > head.i
                                          and child.right_edge.i - child.i > 6):
            cut.update(t.i for t in child.subtree)
    keep = {t.i for t in head.subtree if t.i not in cut}
    i, j = head.i, head.i + 1  # the contiguous run of kept tokens around the head
    while i - 1 in keep:
        i -= 1
    while j in keep:
        j += 1
    doc = head.doc
    while i < j - 1 and (doc[i].is_punct or doc[i].text in _QUOTES):
        i += 1
    if _verdict_at(doc, i, j):
        i += 2  # "rejected as false a posting that said X": the verdict is the rejecting cue's, not the speaker's
    while j > i + 1 and (doc[j - 1].is_punct or doc[j - 1].text in _QUOTES) and doc[j - 1].text != ".":
        j -= 1
    if doc[j - 1].text == "." and not (j - 1 > i and len(doc[j - 2].text) <= 3):
        j -= 1  # keep the period of "Mr." / "U.S." only
    return i, j


def _subject(verb, depth: int = 0):
    """(speaker head, passive?) of a cue verb: its subject, the agent of a passive, or the governing verb's."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            return child
    for child in verb.children:
        if child.dep_ == "agent":  # "was reported by X", "as reported by X"
            objs = [g for g in child.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children):
        return None
    if (verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN")
            and verb.head.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL")):
        return verb.head  # "a statement saying that ...", "a petition calling on him to ..."
    if depth < 3 and verb.dep_ in ("xcomp", "advcl", "conj", "pcomp") and verb.head is not verb:
        head = verb.head
        if verb.dep_ == "pcomp" and head.pos_ == "ADP" and head.dep_ in ("prep", "advcl") and head.head.i != head.i:
            head = head.head  # "X began by urging ...", "In describing Y, X said ...": the verb the prep hangs on
            if head.pos_ not in ("VERB", "AUX"):
                return None
        if verb.dep_ in ("advcl", "conj"):
            # "Carson said he plans X, insisting that ...": a cue hanging off a reported clause speaks for
            # the one who reports it, not for that clause's subject
            while head.head is not head:
                if head.dep_ == "ccomp":
                    head = head.head
                elif (head.dep_ == "acl" and head.head.dep_ == "dobj" and head.head.head.pos_ == "VERB"
                      and head.head.head is not head.head):
                    head = head.head.head  # "X denied the notion that Y is coming, explaining ...": X explains
                else:
                    break
        if verb.dep_ == "conj":  # "X were angered by Y and predicted ...": the shared surface subject
            shared = [c for c in head.children if c.dep_ == "nsubjpass"]
            if shared and shared[0].i < verb.i:
                return shared[0]
        inherited = _subject(head, depth + 1)
        # "it would be unrealistic to expect": an expletive 'it' is nobody's speaker
        return None if inherited is not None and inherited.lower_ == "it" else inherited
    return None


_QUOTE_SPANS_CACHE: list = [None, None, ()]  # (doc, (start, end), spans) of the latest sentence asked about


def _quote_spans(sent) -> list[tuple[int, int]]:
    """Token spans strictly inside quotation marks within the sentence (remembered for the latest sentence:
    every candidate frame of a sentence asks)."""
    cache = _QUOTE_SPANS_CACHE
    if cache[0] is sent.doc and cache[1] == (sent.start, sent.end):
        return cache[2]
    spans = []
    open_at = sent.start if _open_quote_at_end(sent.doc.text[:sent.start_char]) else None
    for tok in sent:
        text = tok.text
        if text in ("\u201c", "``") or (text in ('"', "''") and open_at is None):
            open_at = tok.i + 1
        elif text == "\u201d" or (text in ('"', "''") and open_at is not None):
            if open_at is not None and tok.i > open_at:
                spans.append((open_at, tok.i))
            open_at = None
    if open_at is not None and open_at < sent.end:
        spans.append((open_at, sent.end))
    cache[:] = [sent.doc, (sent.start, sent.end), spans]
    return spans


def _content_of_verb(verb, cue, sent) -> tuple[int, int] | None:
    lemma = verb.lemma_.lower()
    comps = [c for c in verb.children if c.dep_ == "ccomp"]
    quoted_before = [c for c in comps if c.i < verb.i and _quotation_then_frame(verb, c)]
    if len(comps) > 1 and quoted_before:
        # '“We're going to tax you,” Trump said in February of Carrier, whose parent company relocated ...': a
        # quotation right before its frame is the content, not a clause the parser hung on the cue after it
        comps = quoted_before
    elif len(comps) > 1 and any(c.i > verb.i for c in comps):
        comps = [c for c in comps if c.i > verb.i]  # "The story never ran; X argued the piece ..."
        # 'He said that he was "comfortable," The Post reported': the trailing frame is not part of the content
        comps = [c for c in comps if not (c.left_edge.i > verb.i + 1 and verb.doc[c.left_edge.i - 1].is_punct
                                          and c.lemma_.lower() in load().verbs)] or comps
    if cue.role in ("belief", "intention", "speech", "learned") and not comps:
        comps = [c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i]
        if comps:
            # "asked the Supreme Court to intervene": the one asked belongs to the content
            objs = [c for c in verb.children if c.dep_ == "dobj" and verb.i < c.i < comps[0].i]
            if objs:
                return objs[0].left_edge.i, comps[-1].right_edge.i + 1
    if comps:
        start, end = _span([t for c in comps for t in c.subtree])
        # "said, as expected, that the talks had failed": the parser hangs the aside on the clause; its "that"
        # is where the content starts
        that = [m for m in comps[0].children if m.dep_ == "mark" and m.lower_ == "that" and verb.i < start < m.i]
        return (that[0].i, end) if that else (start, end)
    if cue.kind == "light":
        return None  # handled by the noun-cue branch
    answer = [c for c in verb.children if c.i == verb.i + 1 and (
        c.dep_ == "intj" and c.lower_ in ("yes", "no") or c.lower_ == "same" and c.dep_ in ("npadvmod", "dobj"))]
    if answer and cue.role == "speech":
        return _subtree_span(answer[0])  # "Asked if he was ever bullied, the candidate said no", "43 said the same"
    objs = [c for c in verb.children if c.dep_ in ("dobj", "attr")]
    if objs and lemma in _NO_OBJECT_CONTENT and lemma != "tell" and any(
            c.dep_ in ("acl", "relcl") and c.pos_ == "VERB" for c in objs[0].children):
        return _subtree_span(objs[0])  # "said the discussions concerned X": a clause parsed as an object
    if objs and (lemma not in _NO_OBJECT_CONTENT or lemma == "see" and any(
            c.dep_ == "prep" and c.lower_ == "as" and c.i > objs[0].i for c in verb.children)):
        # "Democrats see Sanders as an agent in Clinton's decline": an opinion, not a sight
        start, end = _subtree_span(objs[0])
        for child in sorted(verb.children, key=lambda c: c.i):
            if child.i < end:
                continue
            # "accused X of Y", "blamed X for Y", "called X 'arbitrary'", "shows X with 47 percent",
            # "dismissed X as Y", a name split into two objects by the parser
            if child.dep_ in ("oprd", "xcomp", "ccomp", "dative") or (
                    child.dep_ == "dobj" and child.left_edge.i == end) or (
                    child.dep_ == "prep" and (child.lower_ in _CONTENT_PREPS or child.lower_ == "as" or child.i == end
                                              and child.lower_ not in _ADJUNCT_PREPS)):
                end = child.right_edge.i + 1
            elif not child.is_punct:
                break
        return start, end
    verdict = [c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" and c.i == verb.i + 1]
    if verdict:
        # "dismissed as baseless reports that X": the parser makes the rejected thing the object of "as"
        obj = next((c for c in verdict[0].children if c.dep_ == "pobj"), None)
        if obj is not None and any(c.dep_ == "amod" and c.lower_ in _FALSITY and c.i == verdict[0].i + 1
                                   for c in obj.children):
            return verdict[0].i + 2, obj.right_edge.i + 1
    if lemma not in _NO_OBJECT_CONTENT:
        # "warned of X", "complained about X", "responded on Sunday to accusations that ...": the longest
        preps = [c for c in verb.children if c.dep_ == "prep" and c.i > verb.i and c.lower_ in _CONTENT_PREPS]
        # "pushed back against X", "lashed out at X": the prep hangs on the particle
        preps += [g for c in verb.children if c.dep_ in ("prt", "advmod") and c.i == verb.i + 1
                  for g in c.children if g.dep_ == "prep" and g.lower_ in _CONTENT_PREPS | {"at"}]
        if not preps:
            preps = [c for c in verb.children if c.dep_ == "prep" and c.i > verb.i and c.lower_ == "at"
                     and any(t.dep_ == "prt" for t in verb.children)]
        if preps:
            best = max(preps, key=lambda c: c.right_edge.i - c.i)
            return best.i + 1, best.right_edge.i + 1
    # 'X said, adding: "B."': a quotation opening right after a secondary cue is its content (after a main
    # verb, PolNeAR keeps the clause before it too: 'Of the scrutiny, he said, "It's a little much."')
    for qs, qe in _quote_spans(sent) if verb.dep_ in ("advcl", "conj", "xcomp") else ():
        if qs - 1 > verb.i and all(doc_tok.is_punct for doc_tok in verb.doc[verb.i + 1:qs - 1]) and qs - verb.i <= 3:
            return qs, qe
    # "Y, X said": the cue hangs off the content's verb
    head = verb.head
    if verb.dep_ in ("parataxis", "ccomp", "advcl", "conj") and head is not verb and (
            head.pos_ in ("VERB", "AUX") or verb.dep_ == "parataxis" and head.dep_ == "ROOT"):
        frame = {t.i for t in verb.subtree}
        tokens = [t for t in head.subtree if t.i not in frame]
        if tokens:
            return _span(tokens)
    # a quotation next to the cue: “...,” X said / X said: “...”
    frame = {t.i for c in verb.children if c.dep_ in _SUBJECT_DEPS + ("dobj", "advmod", "npadvmod", "aux", "neg")
             for t in c.subtree} | {verb.i}
    doc = verb.doc
    aside = {t.i for c in verb.children if c.dep_ in ("prep", "advcl") and c.i > verb.i for t in c.subtree}
    if (verb.dep_ == "ROOT" and sent.start > 1 and doc[sent.start - 1].text in ("\u201d", '"', "''")
            and all(t.is_punct or t.i in frame or t.i in aside for t in sent)):
        # '“... the 30,000 emails that are missing.” Trump said.' / '... said as he launched the process.': spaCy
        # split the frame off the quotation before it
        for k in range(sent.start - 2, max(sent.start - 400, -1), -1):
            if doc[k].text in ("\u201c", '"', "``", "''"):
                if k + 1 < sent.start - 1 and doc[k].text != "\u201d":
                    return k + 1, sent.start - 1
                break
    own = {t.i for t in verb.subtree}
    for qs, qe in _quote_spans(sent):
        lo, hi = (qe + 1, verb.i) if qe <= verb.i else (verb.i + 1, qs - 1)
        between = range(lo, hi)
        if lo <= hi + 1 and (all(doc[k].is_punct or k in frame for k in between)
                             or len(between) <= 8 and all(k in own for k in between)):
            return qs, qe  # "Kelly responded pointedly, with a smile: “...”"
    return None


def _quotation_then_frame(verb, comp) -> bool:
    """Whether `comp` (before `verb`) ends a quotation and only the frame (punctuation, the subject) follows it
    up to the cue: “..., ” X said."""
    doc = verb.doc
    subject = {t.i for c in verb.children if c.dep_ in _SUBJECT_DEPS for t in c.subtree}
    between = range(comp.right_edge.i + 1, verb.i)
    return (any(doc[k].text in _QUOTES for k in between)
            and all(doc[k].is_punct or doc[k].text in _QUOTES or k in subject for k in between))


def _content_of_noun(verb, noun) -> tuple[int, int] | None:
    """'expressed concerns about X' / 'voiced "strong concerns" over X' / 'raised fears that X'."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in _CONTENT_PREPS:
            return child.i + 1, child.right_edge.i + 1
        if child.dep_ in ("acl", "ccomp", "relcl") and child.i > noun.i:
            return _subtree_span(child)
    for child in verb.children:
        if child.dep_ == "prep" and child.i > noun.i and child.lower_ in _CONTENT_PREPS:
            return child.i + 1, child.right_edge.i + 1
    return None


_TRAILING = {"which", "who", "whom", "whose", "where", "when"}


def _drop_trailing_clause(doc, i: int, j: int, quotes=()) -> tuple[int, int]:
    """Cut a non-restrictive clause at the end of a content span: "..., which are issued to ...",
    "..., when Carter faced ...", or a reporting participle: "..., citing X", "...," citing X. PolNeAR (and NLI)
    take the proposition without the aside; but not inside
    a quoted sentence (`quotes`: token spans), which is quoted whole ("..., which is why we created Safety Check")."""
    if any(qs <= i and j <= qe + 1 and doc[qs].text[:1].isupper() for qs, qe in quotes):
        return i, j  # a quoted sentence, not a quoted fragment of reported speech
    cues = load().verbs
    for k in range(i + 3, j - 1):
        if doc[k].text != ",":
            continue
        nxt = k + 1
        while nxt < j - 1 and doc[nxt].text in _QUOTES:
            nxt += 1
        word = doc[nxt]
        if (word.tag_ == "VBG" and word.lemma_.lower() in cues and word.dep_ in ("advcl", "xcomp", "conj")
                and word.right_edge.i >= j - 2 and word.head.i < k):
            return i, k  # "... he plans X, insisting that Y": the participle is a frame of its own
        if word.lower_ not in _TRAILING:
            continue
        clause = word
        while clause.dep_ not in ("relcl", "advcl", "acl") and clause.head.i != clause.i and clause.head.i > k:
            clause = clause.head
        if clause.dep_ in ("relcl", "advcl", "acl") and clause.right_edge.i >= j - 2 and clause.head.i < k:
            return i, k
    return i, j


def _bridge_quotes(sent, verb, subject, span):
    """“A,” X said, “B.”: one quotation interrupted by its frame. Returns ((start of A, end of B), frame
    token span) when the frame sits between two quotations and the content is one of them."""
    quotes = _quote_spans(sent)
    if verb.dep_ in ("advcl", "conj", "xcomp"):
        return None  # 'X said, adding: "B."': only the main frame interrupts a quotation
    for (a0, a1), (b0, b1) in zip(quotes, quotes[1:]):
        if not (a1 < verb.i < b0 and a1 < subject.i < b0) or b0 - a1 > 16:
            continue
        if not (span[0] >= a0 and span[1] <= a1 + 1 or span[0] >= b0 - 1 and span[1] <= b1):
            continue
        doc = sent.doc
        gap = (a1, b0)
        if any(doc[k].text in _QUOTES and k not in (a1, b0 - 1) for k in range(a1 + 1, b0 - 1)):
            continue
        start, end = _trim(doc, a0, b1)
        return (start, end), gap
    return None


def _whole_quote(sent, verb, span):
    """“A, that B,” X said: a content the parser found inside a quotation next to its cue is the quotation."""
    doc = sent.doc
    for qs, qe in _quote_spans(sent):
        if (span[0] < qs - 2 and qe <= span[1] + 1 and 0 < verb.i - qe <= QUOTE_REACH
                and doc[qs - 2].text in _LEAD_IN and not any(doc[k].text in _QUOTES for k in range(qe + 1, verb.i))):
            # "Neither man was impressed by Mrs. Clinton - ''Born with a silver spoon,'' Mr. Elkins said": the
            # writer's lead-in before the dash is not the speaker's
            return _trim(doc, qs, qe)
        if not (qs <= span[0] and span[1] <= qe + 1) or qs <= verb.i < qe:
            continue
        near = 0 < verb.i - qe <= QUOTE_REACH or 0 < qs - verb.i <= QUOTE_REACH
        between = range(qe + 1, verb.i) if verb.i > qe else range(verb.i + 1, qs - 1)
        if near and not any(doc[k].text in _QUOTES for k in between):
            start, end = _trim(doc, qs, qe)
            if end - start > span[1] - span[0]:
                return start, end
    return span


#: how far (tokens) a cue may sit from the quotation it introduces for _whole_quote
_LEAD_IN = {":", "-", "--", "\u2014", "\u2013"}
QUOTE_REACH = 10


_BREAKS = {",", ";", ":", "-", "--", "\u2014", "\u2013", "(", ")", "[", "]"}


def end_candidates(doc, span: tuple[int, int], limit: int) -> list[int]:
    """Token ends a content span could have instead of its own: the left edges of trailing constituents inside
    it, and the right edges of the constituents that follow it (attached before its end) up to `limit`."""
    i, j = span
    ends = {j}
    for t in doc[i + 1:j]:
        if t.head.i < t.i and i < t.left_edge.i and t.right_edge.i >= j - 2 and i <= t.head.i < j:
            end = _trim(doc, i, t.left_edge.i)[1]
            if end > i:
                ends.add(end)
    for t in doc[j:limit]:
        if t.head.i < j and t.right_edge.i < limit and not t.is_punct:
            end = _trim(doc, i, t.right_edge.i + 1)[1]
            if end > j:
                ends.add(end)
    end = _trim(doc, i, limit)[1]
    if end > j:
        ends.add(end)
    return sorted(ends)


def _word_kind(tok) -> str:
    return tok.lower_ if tok.pos_ in ("PART", "SCONJ", "ADP", "PRON", "DET", "CCONJ", "ADV", "AUX") else tok.pos_


def end_features(doc, tok, cue: Cue, span: tuple[int, int], end: int, limit: int, lex: Lexicon) -> list[str]:
    """Indicator features of one candidate content end (for the end model): what it drops or takes in."""
    i, j = span
    lemma = _PHRASE_LEMMA.get(cue.cue, cue.cue) if cue.kind == "phrase" else tok.lemma_.lower()
    side = "before" if j <= tok.i else "after"
    if end == j:
        return []
    rel = "cut" if end < j else "ext"
    lo, hi = (end, j) if end < j else (j, end)
    k = lo
    while k < hi - 1 and (doc[k].is_punct or doc[k].text in _QUOTES):
        k += 1
    first = doc[k]
    mark = next((doc[m].text for m in range(lo, k + 1) if doc[m].text in _BREAKS), "none")
    if mark in ("--", "\u2014", "\u2013"):
        mark = "-"
    constituent = first
    while constituent.head.i != constituent.i and lo <= constituent.head.i < hi:
        constituent = constituent.head
    delta = doc[lo:hi]
    verbs = sum(t.pos_ in ("VERB", "AUX") for t in delta)
    quotes_in = sum(doc[m].text in _QUOTES for m in range(i, end)) % 2
    has_subject = any(c.dep_ in _SUBJECT_DEPS for t in delta if t.pos_ in ("VERB", "AUX") for c in t.children)
    word = _word_kind(first)
    dep = constituent.dep_
    feats = ["bias", f"rel={rel}", f"mark={rel}|{mark}", f"word={rel}|{word}", f"dep={rel}|{dep}",
             f"dep_head={rel}|{dep}|{constituent.head.dep_}", f"mark_word={rel}|{mark}|{word}",
             f"mark_dep={rel}|{mark}|{dep}", f"word_dep={rel}|{word}|{dep}",
             f"delta_len={rel}|{_bucket(hi - lo)}", f"kept_len={rel}|{_bucket(end - i)}",
             f"delta_verbs={rel}|{min(verbs, 3)}", f"delta_clause={rel}|{has_subject}",
             f"odd_quotes={rel}|{quotes_in}", f"lemma_rel={lemma}|{rel}", f"role_rel={cue.role}|{rel}",
             f"side_rel={side}|{rel}", f"at_end={rel}|{_trim(doc, i, limit)[1] == end}",
             f"delta_cue={rel}|{any(t.lemma_.lower() in lex.verbs and t.pos_ == 'VERB' for t in delta)}",
             f"ent={rel}|{first.ent_type_ or 'none'}", f"head_in_span={rel}|{constituent.head.i < j}",
             f"orig_len_rel={rel}|{_bucket(j - i)}", f"lemma_dep={lemma}|{rel}|{dep}"]
    # what the dropped / added constituent hangs on: the cue itself, the content's root, or something inside
    root = next((t for t in doc[i:j] if not i <= t.head.i < j or t.head.i == t.i), doc[i])
    attach = "cue" if constituent.head.i == tok.i else "root" if constituent.head.i == root.i else "inner"
    cpath = f"{root.dep_}|{'cue' if root.head.i == tok.i else 'other'}"
    feats += [f"attach={rel}|{attach}", f"attach_dep={rel}|{mark}|{dep}|{attach}", f"cpath={rel}|{cpath}",
              f"cpath_dep={rel}|{cpath}|{dep}", f"role_dep={cue.role}|{rel}|{mark}|{dep}",
              f"last={rel}|{_word_kind(doc[end - 1])}", f"next={rel}|{_word_kind(doc[end]) if end < len(doc) else '</s>'}",
              f"after_orig={rel}|{_word_kind(doc[j]) if j < len(doc) else '</s>'}",
              f"quotes={rel}|{sum(doc[m].text in _QUOTES for m in range(i, j)) % 2}|{quotes_in}",
              f"orig_quoted={rel}|{i > 0 and doc[i - 1].text in _QUOTES}|{j < len(doc) and doc[j].text in _QUOTES}"]
    return feats


def _choose_end(doc, tok, cue: Cue, frame: "Frame", subject, sent, lex: Lexicon) -> None:
    """Let the end model pick the content's end among `end_candidates` (or record them: COLLECT_ENDS)."""
    model = end_model() if USE_MODEL and not COLLECT_ENDS else None
    if model is None and not COLLECT_ENDS or frame.gap is not None:
        return
    i, j = frame.content
    limit = sent.end
    if tok.i >= j:  # "Y, X said": the content may not run into its own frame
        limit = tok.i
        if subject is not None and j <= subject.i < limit:
            limit = subject.left_edge.i
    if limit < j:
        return
    ends = end_candidates(doc, frame.content, limit)
    if len(ends) < 2:
        return
    scored = [(end, end_features(doc, tok, cue, frame.content, end, limit, lex)) for end in ends]
    if COLLECT_ENDS:
        frame.ends = scored
        return
    # the model scores how likely another end matches PolNeAR's content clearly better than the rules' own
    best = max((item for item in scored if item[0] != j), key=lambda item: model.probability(item[1]))
    if model.probability(best[1]) >= model.threshold:
        frame.content = (i, best[0])


#: "In the latest CNN/ORC poll, Carson fell to 10 percent": a poll named by "in" is the source of its clause
_POLL_NOUNS = {"poll", "survey"}


#: "Sanders's claim that he still has a way to win", "her decision to open Germany's borders": a possessor's
#: claim, promise or decision with its clause (the frame filter decides; PolNeAR annotates about half of them)
_CLAIM_NOUNS = {"claim", "contention", "assertion", "insistence", "argument", "suggestion", "allegation",
                "accusation", "warning", "promise", "pledge", "vow", "prediction", "belief", "decision", "proposal",
                "announcement", "statement", "call", "demand", "threat", "admission", "denial", "assurance"}


def _noun_frame(tok) -> tuple | None:
    """(possessor, content span) of a claim noun with a possessor and a that- or to-clause (else None)."""
    if tok.pos_ != "NOUN" or tok.lemma_.lower() not in _CLAIM_NOUNS:
        return None
    poss = next((c for c in tok.children if c.dep_ == "poss" and c.i < tok.i), None)
    if poss is None:
        return None
    for child in tok.children:
        if child.i > tok.i and child.dep_ in ("acl", "ccomp", "relcl", "xcomp") and child.left_edge.i == tok.i + 1 \
                and child.left_edge.lower_ in ("that", "to", "not"):
            return poss, _subtree_span(child)
    return None


def _poll_source(tok, lex: Lexicon):
    """The poll of 'in <a poll>' hung on a clause's verb that is no cue of its own (else None)."""
    if tok.dep_ != "prep" or tok.head.pos_ not in ("VERB", "AUX") or tok.head.lemma_.lower() in lex.verbs:
        return None
    obj = next((c for c in tok.children if c.dep_ == "pobj"), None)
    if obj is None or obj.lemma_.lower() not in _POLL_NOUNS or obj.tag_ != "NN" or not any(
            c.dep_ in ("det", "poss") for c in obj.children):
        return None
    return obj


def sentence_frames(sent, lex: Lexicon, min_words: int = 1, dropped: list | None = None) -> list[Frame]:
    """Every attribution frame in a parsed sentence (spaCy Span), in cue order.

    dropped: receives the frames the frame filter removed whose cue passes the cue detector on its own
    (their speakers still count as antecedents for later pronouns)."""
    frames: list[Frame] = []
    doc = sent.doc
    model = cue_model() if USE_MODEL else None
    filter_model = frame_model() if USE_MODEL and model is not None and COLLECT_FEATURES is None else None
    threshold = model.threshold if model is not None else None
    if filter_model is not None and filter_model.cue_threshold is not None:
        threshold = filter_model.cue_threshold
    if COLLECT_FEATURES is not None:
        threshold = COLLECT_FEATURES
    scored = COLLECT_FEATURES is not None or filter_model is not None
    quotes = _quote_spans(sent) if scored else []
    for tok in sent:
        lower = tok.lower_
        poll = _poll_source(tok, lex) if lower == "in" else None
        if poll is not None or lower == "according" and tok.i + 1 < sent.end and doc[tok.i + 1].lower_ == "to":
            if poll is not None:
                objs, frame_tokens = [poll], {t.i for t in tok.subtree}
                cue = Cue("in", "phrase", "assert", "report")
            else:
                to = doc[tok.i + 1]
                objs = [c for c in to.children if c.dep_ == "pobj"] or [c for c in tok.children if c.dep_ == "pobj"]
                if not objs:
                    continue
                frame_tokens = {t.i for t in tok.subtree} | {t.i for t in to.subtree} | {tok.i, to.i}
                cue = lex.phrases.get("according to") or Cue("according to", "phrase", "assert", "report")
            rest = [t for t in sent if t.i not in frame_tokens]
            if not rest:
                continue
            # the content is the side of the sentence the frame is not on
            before = [t for t in rest if t.i < tok.i]
            after = [t for t in rest if t.i > max(frame_tokens)]
            side = max((before, after), key=lambda ts: sum(not t.is_punct for t in ts))
            if not side:
                continue
            if poll is not None and any(t.pos_ == "VERB" and t.lemma_.lower() in lex.verbs for t in side):
                continue  # "In the poll, 60 percent said ...": the respondents speak
            span = _trim(doc, *_span(side))
            if span[1] <= span[0]:
                continue
            head = objs[0]
            frame = Frame(cue.cue, tok.i, cue.stance, cue.role, _speaker_span(head), head.i, span)
            _choose_end(doc, tok, cue, frame, head, sent, lex)
            if scored:
                frame.features = frame_features(doc, tok, cue, head, frame.content, sent, None, None, quotes)
                if filter_model is not None and filter_model.probability(frame.features) < filter_model.threshold:
                    continue
            frames.append(frame)
            continue
        noun = _noun_frame(tok) if tok.pos_ == "NOUN" and scored else None
        if noun is not None:
            subject, span = noun
            span = _trim(doc, *span)
            if span[1] - span[0] < max(min_words, 2):
                continue
            cue = Cue(tok.lemma_.lower(), "noun", "assert", "noun")
            frame = Frame(tok.text, tok.i, cue.stance, cue.role, _speaker_span(subject), subject.i, span)
            frame.features = frame_features(doc, tok, cue, subject, frame.content, sent, None, None, quotes)
            if filter_model is None or filter_model.probability(frame.features) >= filter_model.threshold:
                frames.append(frame)
            continue
        if tok.pos_ not in ("VERB", "AUX") or tok.dep_ in ("amod", "compound", "aux", "auxpass"):
            continue
        lemma = tok.lemma_.lower()
        cue = lex.verbs.get(lemma)
        probability = cue_feats = None
        if model is not None and tok.pos_ == "VERB" and (cue is None or cue.kind == "verb"):
            cue_feats = cue_features(tok, lex)
            probability = model.probability(cue_feats)
            if cue is None and probability >= threshold and (
                    lemma in TOPIC_CUES or not (tok.tag_ == "VBG" and tok.dep_ in _ADJUNCT_DEPS)):
                # (a participle hung on another clause is an effect, not an attribution: "X, sparking rumors
                # covering every possibility, is recovering": the detector alone took it for a cue)
                cue = Cue(lemma, "verb", "assert", "learned")
            elif cue is not None and probability < threshold * DROP_FACTOR:
                continue  # a table verb used in a way that is not an attribution here
        if cue is None or cue.kind not in ("verb", "light"):
            continue
        if cue.kind == "light":
            nouns = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass") and c.lemma_.lower() in lex.nouns
                     or c.dep_ == "dobj" and c.lower_ in lex.nouns]
            if not nouns:
                continue
            content = _content_of_noun(tok, nouns[0])
            cue_text = f"{tok.text} {nouns[0].text}"
            stance = lex.nouns.get(nouns[0].lower_, cue).stance
        else:
            content = _content_of_verb(tok, cue, sent)
            cue_text, stance = tok.text, cue.stance
            if lemma in TOPIC_CUES:  # "Shoigu discussed anti-terrorist cooperation": a subject, not a statement
                stance = "topic"
            if cue.role == "weak" and content is not None and not any(
                    c.dep_ == "ccomp" for c in tok.children) and not _quote_spans(sent):
                content = None
        if content is None:
            continue
        span = _trim(doc, *_drop_trailing_clause(doc, *content, _quote_spans(sent)))
        if span[1] - span[0] < min_words:
            continue
        subject = _subject(tok)
        if cue.role in ("belief", "intention") and (subject is None or subject.lower_ in _FIRST_SECOND):
            continue  # "I think", "you know", "we want": conversational, rarely a claim of its own
        if (subject is not None and subject.lower_ in ("that", "this") and subject.i == tok.i - 1
                and tok.i + 1 < len(doc) and doc[tok.i + 1].text == ","):
            continue  # "That said, she also noted ...": a discourse marker, not "that" saying something
        if subject is not None and subject.lower_ in _FIRST_SECOND and any(
                qs <= tok.i < qe for qs, qe in _quote_spans(sent)):
            continue  # "I said ..." inside somebody's quotation: part of that quotation
        antecedent = None
        if subject is not None and subject.lower_ in _RELATIVE and tok.dep_ == "relcl":
            antecedent = tok.head.i
        elif (subject is not None and subject.lower_ in _RELATIVE and subject.head.dep_ == "relcl"
              and subject.head.i != tok.i):
            antecedent = subject.head.head.i  # "Ryan, who surprised Trump by declaring ...": inherited 'who'
        gap = None
        if cue.kind == "verb" and subject is not None:
            span = _trim(doc, *_drop_trailing_clause(doc, *_whole_quote(sent, tok, span), _quote_spans(sent)))
            bridged = _bridge_quotes(sent, tok, subject, span)
            if bridged is not None:
                span, gap = bridged
        if subject is not None and span[0] <= subject.i < span[1] and not span[0] <= tok.i < span[1]:
            continue  # the 'speaker' sits inside its own content: a mis-parse ("X, he said, Y" is fine)
        frame = Frame(cue_text, tok.i, stance, cue.role, _speaker_span(subject) if subject is not None else None,
                      subject.i if subject is not None else None, span, antecedent, gap=gap)
        if subject is not None:
            _choose_end(doc, tok, cue, frame, subject, sent, lex)
        if scored and subject is not None:
            frame.features = frame_features(doc, tok, cue, subject, frame.content, sent, cue_feats, probability, quotes)
            if (filter_model is not None and not _kept_by_rule(cue, frame.features)
                    and filter_model.probability(frame.features) < filter_model.threshold):
                if dropped is not None and (cue.role != "learned" or probability >= model.threshold):
                    dropped.append(frame)
                continue
        frames.append(frame)
    # nesting: a frame whose cue lies inside another frame's content
    for k, inner in enumerate(frames):
        for m, outer in enumerate(frames):
            if m != k and outer.content[0] <= inner.cue_i < outer.content[1] and (
                    inner.speaker is None or outer.content[0] <= inner.speaker[0]):
                inner.nested_in = m
    return frames


# ------------------------------------------------------------------ document-level state
@dataclass
class Mention:
    pos: int  # char offset in the document
    sent: int  # sentence number in the document
    text: str  # as written
    full: str  # fullest form known ("Pentagon spokesman Peter Cook")
    kind: str  # person | thing
    plural: bool
    salient: bool  # a speaker or a subject


@dataclass
class DocState:
    mentions: list[Mention] = field(default_factory=list)
    #: surname / last token (lowercase) -> fullest noun phrase naming that person
    persons: dict[str, str] = field(default_factory=dict)
    #: surname (lowercase) -> "m" / "f", learned from honorifics and from pronouns resolved earlier
    genders: dict[str, str] = field(default_factory=dict)
    sent_no: int = 0


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _person_like(tok) -> bool:
    return tok.ent_type_ == "PERSON" or tok.lemma_.lower() in _PERSON_NOUNS and tok.tag_ in ("NN", "NNP")


def _kind_of(tok) -> str:
    if tok.lower_ in _PRONOUNS_PERSON:
        return "person"
    if tok.lower_ in _PRONOUNS_THING:
        return "thing"
    return "person" if _person_like(tok) else "thing"


def _register_persons(doc, state: DocState) -> None:
    """Fullest noun phrase per person name: titles and bodies in front of it are kept for engine.actors."""
    chunks = {t.i: chunk for chunk in doc.noun_chunks for t in chunk}
    for ent in doc.ents:
        if ent.label_ != "PERSON":
            continue
        chunk = chunks.get(ent.end - 1)
        full = ent
        if chunk is not None and chunk.end == ent.end:
            start = chunk.start
            while start < ent.start and (doc[start].pos_ in ("DET", "PRON") or doc[start].text in _QUOTES):
                start += 1
            full = doc[start:ent.end]
        # apposition: "Peter Cook, a Pentagon spokesman,"
        head = ent.root
        for child in head.children:
            if (child.dep_ == "appos" and child.i > head.i and child.right_edge.i - child.left_edge.i < 7
                    and doc[child.left_edge.i].pos_ == "DET" and not any(t.pos_ == "VERB" for t in child.subtree)):
                full = doc[full.start:child.right_edge.i + 1]
        key = ent[-1].lower_.replace("\u2019s", "").replace("'s", "")
        if ent.start > 0 and doc[ent.start - 1].lower_ in _HONORIFIC_GENDER:
            state.genders.setdefault(key, _HONORIFIC_GENDER[doc[ent.start - 1].lower_])
        elif len(ent) > 1 and ent[0].lower_ in first_names():
            state.genders.setdefault(key, first_names()[ent[0].lower_])
        text = _clean(full.text)
        if len(text) > len(state.persons.get(key, "")):
            state.persons[key] = text
        if len(ent) > 1:  # also under the full name, so "Clinton" and "Hillary Clinton" agree
            state.persons.setdefault(_clean(ent.text).lower(), text)


def _full_name(doc, span: tuple[int, int], head, state: DocState) -> str:
    text = _clean(doc[span[0]:span[1]].text)
    if head is not None and head.ent_type_ == "PERSON":
        full = state.persons.get(head.lower_)
        if full and len(full) >= len(text):
            return full
    if head is not None and head.ent_type_ != "PERSON" and head.tag_ == "NN" and head.lower_ in load().titles:
        # "A military spokesman, Colonel Ali Haidar, said": the speaker is a role (titles.csv), the person its
        # apposition; one full name only ("the two leading Republicans, Donald J. Trump and ..." stays a group)
        for child in head.children:
            if child.dep_ == "appos" and child.left_edge.i == span[1] + 1 and doc[span[1]].text == "," \
                    and not any(c.dep_ == "conj" for c in child.children):
                name = next((e for e in doc.ents if e.label_ == "PERSON" and e.start <= child.i < e.end), None)
                if name is not None and len(name) >= 2:
                    return f"{text}, {_clean(name.text)}"
    return text


_MALE, _FEMALE = {"he", "him", "his"}, {"she", "her", "hers"}
_HONORIFIC_GENDER = {"mr": "m", "mr.": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f"}


@lru_cache(maxsize=1)
def first_names() -> dict[str, str]:
    """data/lexicon/first_names.csv: common first names -> m / f (only used to pick he/she antecedents)."""
    path = LEXICON_DIR / "first_names.csv"
    if not path.exists():
        return {}
    return {row["first_name"].lower(): row["gender"] for row in read_csv(path, ("first_name", "gender"))}


def _surname(text: str) -> str:
    words = re.sub(r"['\u2019]s$", "", text.strip()).split()
    return words[-1].lower().strip(",.") if words else ""


def _gender(mention: Mention, state: DocState) -> str | None:
    known = state.genders.get(_surname(mention.text)) or state.genders.get(_surname(mention.full))
    if known:
        return known
    names = first_names()
    for text in (mention.text, mention.full):
        words = [w.lower().strip(",.") for w in text.split()]
        if words and words[-1] in names and len(words) == 1:
            return names[words[-1]]  # a first name alone ("Nicole")
        for word in words[:-1]:
            if word in names:
                return names[word]
    return None


def _resolve(pronoun, state: DocState, pos: int, exclude: tuple[int, int] = (0, 0)) -> Mention | None:
    """Latest fitting mention before `pos` (outside `exclude`): salient ones in the last 3 sentences first.
    he/she skip persons known (from an honorific or an earlier pronoun) to be of the other gender."""
    lower = pronoun.lower_
    if lower in _PRONOUNS_PERSON:
        want = "m" if lower in _MALE else "f"
        fits = lambda m: (m.kind == "person" and not m.plural  # noqa: E731
                          and _gender(m, state) in (want, None))
    elif lower in _PRONOUNS_THING:
        fits = lambda m: m.kind == "thing" and not m.plural  # noqa: E731
    elif lower in _PRONOUNS_PLURAL:
        fits = lambda m: m.plural or m.kind == "thing"  # noqa: E731
    else:
        return None
    before = [m for m in state.mentions if m.pos < pos and fits(m) and not exclude[0] <= m.pos < exclude[1]]
    recent = [m for m in before if m.salient and state.sent_no - m.sent <= 3]
    if recent:
        # in the current sentence only a subject counts; else the latest speaker/subject
        return recent[-1]
    return before[-1] if before else None


def _add_mentions(sent, state: DocState, base: int) -> None:
    """Entities and subjects of this sentence become antecedents for later pronouns."""
    doc = sent.doc
    # subjects of main clauses only: "If X does not win, he said ..." must not make X the antecedent
    subjects = {t.i for t in sent if t.dep_ in _SUBJECT_DEPS
                and t.head.dep_ in ("ROOT", "conj", "ccomp", "parataxis")}
    for ent in sent.ents:
        if ent.label_ not in ("PERSON", "ORG", "GPE", "NORP"):
            continue
        kind = "person" if ent.label_ == "PERSON" else "thing"
        full = _full_name(doc, (ent.start, ent.end), ent.root, state)
        salient = ent.root.i in subjects
        plural = ent.label_ == "NORP" or ent.root.tag_ == "NNPS"
        state.mentions.append(Mention(base + doc[ent.start].idx, state.sent_no, _clean(ent.text), full, kind,
                                      plural, salient))
    for i in subjects:
        tok = doc[i]
        if tok.pos_ in ("NOUN", "PROPN") and not tok.ent_type_:
            span = _speaker_span(tok)
            text = _clean(doc[span[0]:span[1]].text)
            state.mentions.append(Mention(base + doc[span[0]].idx, state.sent_no, text, text, _kind_of(tok),
                                          tok.tag_ in ("NNS", "NNPS"), True))
    state.mentions.sort(key=lambda m: m.pos)


def _add_speaker(state: DocState, mention: Mention) -> None:
    """A speaker replaces the plain mention at the same place (it is the more salient reading)."""
    state.mentions = [m for m in state.mentions if m.pos != mention.pos] + [mention]
    state.mentions.sort(key=lambda m: m.pos)


def _speaker_mention(doc, frame: Frame, base: int, state: DocState) -> Mention | None:
    """The speaker of a frame, with pronouns and relative pronouns resolved.

    A bare pronoun ("he said") never points into its own content; a possessive one ("his ministry said")
    usually points to the content's subject ("X inspected the base, his ministry said"), so it may.
    """
    if frame.speaker is None:
        return None
    content = (base + doc[frame.content[0]].idx, base + doc[frame.content[1] - 1].idx + 1)
    i, j = frame.speaker
    head = doc[frame.head]
    written = _clean(doc[i:j].text)
    pos = base + doc[i].idx
    plural = head.tag_ in ("NNS", "NNPS") or head.lower_ in _PRONOUNS_PLURAL
    if frame.antecedent is not None:  # "Trump, who said ..."
        ant = doc[frame.antecedent]
        span = _speaker_span(ant)
        text = _clean(doc[span[0]:span[1]].text)
        return Mention(pos, state.sent_no, text, _full_name(doc, span, ant, state), _kind_of(ant),
                       ant.tag_ in ("NNS", "NNPS"), True)
    if head.pos_ == "PRON" and j - i == 1:
        found = _resolve(head, state, pos, content)
        if found is None:
            return Mention(pos, state.sent_no, written, written, _kind_of(head), plural, True)
        if head.lower_ in _MALE | _FEMALE and found.kind == "person":
            state.genders.setdefault(_surname(found.text), "m" if head.lower_ in _MALE else "f")
        return Mention(pos, state.sent_no, found.text, found.full, found.kind, found.plural, True)
    # "his ministry", "its spokesman": possessive pronoun in front of the head
    poss = [c for c in head.children if c.dep_ == "poss" and c.lower_ in (_PRONOUNS_PERSON | _PRONOUNS_THING
                                                                          | _PRONOUNS_PLURAL)]
    if poss:
        found = _resolve(poss[0], state, pos)
        if found is not None and poss[0].lower_ in _MALE | _FEMALE and found.kind == "person":
            state.genders.setdefault(_surname(found.text), "m" if poss[0].lower_ in _MALE else "f")
        if found is not None:
            rest = _clean(doc[poss[0].i + 1:j].text)
            return Mention(pos, state.sent_no, f"{found.text}'s {rest}", f"{found.full}'s {rest}",
                           _kind_of(head), plural, True)
    return Mention(pos, state.sent_no, written, _full_name(doc, frame.speaker, head, state), _kind_of(head),
                   plural, True)


def _open_quote_at_end(text: str) -> bool:
    """Whether a quotation opened in `text` is still open at its end."""
    curly = text.count("\u201c") - text.count("\u201d")
    if curly:
        return curly > 0
    if '"' in text:
        return text.count('"') % 2 == 1
    return text.count("''") % 2 == 1  # newspapers that write quotes as two apostrophes


def _resolved_content(doc, frame: Frame, speaker: Mention | None) -> str:
    first = doc[frame.content[0]]
    text = doc[frame.content[0]:frame.content[1]].text
    if speaker is None or first.dep_ not in ("nsubj", "nsubjpass"):
        return text
    lower = first.lower_
    fits = (lower in _PRONOUNS_THING and speaker.kind == "thing"
            or lower in ("he", "she") and speaker.kind == "person"
            or lower == "they" and (speaker.plural or speaker.kind == "thing"))
    if not fits:
        return text
    name = re.sub(r"^(the|a|an) ", "", speaker.text, flags=re.I) if lower != "they" else speaker.text
    if lower != "they" and speaker.text[:4].lower() == "the ":
        name = speaker.text
    return name + text[len(first.text):]


#: "accused X of doing Y": what the speaker asserts is that X did Y (lemmas; engine.contradictions shows these
#: cues beside the speaker)
ACCUSING = {"accuse", "suspect", "charge", "blame", "criticise", "criticize", "condemn", "fault"}


def _accusation(doc, frame: Frame) -> str | None:
    """What NLI reads of "accused X of (also) targeting Y" (content "X of also targeting Y"): "X was / were also
    targeting Y", a proposition rather than a fragment. None for any other content."""
    cue = doc[frame.cue_i]
    if cue.lemma_.lower() not in ACCUSING:
        return None
    obj = next((c for c in cue.children if c.dep_ == "dobj" and c.left_edge.i == frame.content[0]), None)
    # the parser hangs "of" on the verb or on the object ("accused [Russian forces of ...]")
    prep = None if obj is None else next(
        (c for c in list(cue.children) + list(obj.children) if c.dep_ == "prep" and c.lower_ in ("of", "for")
         and c.i > obj.i and all(t.dep_ in ("amod", "compound", "det", "poss", "nummod", "case") or t.i == obj.i
                                 for t in doc[frame.content[0]:c.i])), None)
    if prep is None or not any(t.tag_ == "VBG" for t in prep.children if t.dep_ == "pcomp"):
        return None
    be = "were" if obj.tag_ in ("NNS", "NNPS") or obj.lower_ in ("they", "we", "you") else "was"
    rest = doc[prep.i + 1:frame.content[1]].text
    return f"{doc[frame.content[0]:prep.i].text} {be} {rest}"


# ------------------------------------------------------------------ entities in content
def alias_written(text: str, key: str) -> bool:
    """Whether `text`, as written, may stand for the alias whose normalised key is `key`: a short alias (3
    characters or fewer: UN, U.N., IS, AP, EU) only in capitals, so that Kim Jong Un's 'Un' is not the United
    Nations nor 'is' the Islamic State; a longer one (Nato, Isis) in any case. Shared by the entities here and
    the actor resolver (engine.actors)."""
    return len(key) > 3 or text.isupper()


@lru_cache(maxsize=4)
def alias_keys(extra: str | None = None) -> dict[str, str]:
    """normalised alias -> canonical actor (bundled table, then the user's)."""
    return {norm(row["alias"]): row["actor"] for row in read_aliases(extra) if row["alias"] and row["actor"]}


_ENTITY_LABELS = {"GPE", "ORG", "PERSON", "NORP", "LOC", "FAC", "EVENT"}


def content_entities(doc, span: tuple[int, int], lex: Lexicon, aliases: dict[str, str]) -> list[str]:
    """Named entities inside the content: countries and demonyms as the country, known bodies through the
    alias table, everything else as its lowercase surface form. Capitals stay places here."""
    out: list[str] = []
    for ent in doc.ents:
        if ent.start < span[0] or ent.end > span[1] or ent.label_ not in _ENTITY_LABELS:
            continue
        key = re.sub(r"'s$", "", norm(ent.text))
        if not key:
            continue
        name = lex.country_names.get(key)
        if name is None and ent.label_ in ("ORG", "PERSON") and key in aliases:
            surface = re.sub(r"['\u2019]s$", "", re.sub(r"^[Tt]he\s+", "", ent.text.strip()))
            name = aliases[key] if alias_written(surface, key) else None
        name = (name or key).lower()
        if name not in out:
            out.append(name)
    return out


# ------------------------------------------------------------------ one document
def _char_span(doc, span: tuple[int, int], base: int) -> tuple[int, int]:
    return base + doc[span[0]].idx, base + doc[span[1] - 1].idx + len(doc[span[1] - 1].text)


def _quote_back(text: str, block_start: int, pos: int) -> int | None:
    """Start (after the mark) of the quotation still open at `pos`, searching back within the block."""
    prefix = text[block_start:pos]
    if not _open_quote_at_end(prefix):
        return None
    if "\u201c" in prefix:
        mark, width = prefix.rfind("\u201c"), 1
    elif '"' in prefix:
        mark, width = prefix.rfind('"'), 1
    else:
        mark, width = prefix.rfind("''"), 2
    return block_start + mark + width if mark >= 0 else None


def _quote_forward(text: str, pos: int, block_end: int) -> int | None:
    """End (before the mark) of the quotation that closes after `pos` within the block."""
    rest = text[pos:block_end]
    found = [i for i in (rest.find("\u201d"), rest.find('"'), rest.find("''")) if i >= 0]
    return pos + min(found) if found else None


def document_claims(doc_id: str, text: str, source: str | None, published: str | None, parsed,
                    config: Config, lex: Lexicon, aliases: dict[str, str], keep_reports: bool = False,
                    keep_questions: bool = False, outermost: bool = False) -> list[dict]:
    """Claims of one document from its parsed blocks [(block_start, block_end, spacy Doc)] in order.

    keep_reports: also keep outer reporting frames ("..., the AP reported") as claims of their own
    (the attribution evaluation does; the engine names the reporter in `reported_by` instead).
    keep_questions: also keep attributed questions (the attribution evaluation does: PolNeAR annotates
    them; the engine drops them because a question asserts nothing NLI could contradict).
    outermost: of two nested frames ('He said ... that he was "very comfortable," The Post reported') keep only
    the outer one, as PolNeAR does (no attribution of PolNeAR lies inside another's content); the engine keeps both.
    """
    state = DocState()
    rows: list[dict] = []
    for _, _, doc in parsed:
        _register_persons(doc, state)
    carried: dict | None = None  # a quotation claim that may continue in the next paragraph
    for n_block, (block_start, block_end, doc) in enumerate(parsed):
        line = text[block_start:block_end]
        # a one-line text is its own body, not a headline
        if len(parsed) > 1 and (headline_like(line) or n_block == 0 and _COLON_TITLE.match(line)):
            state.sent_no += 1
            carried = None
            if line.endswith(":") and n_block + 1 < len(parsed):
                row = _introduced_paragraph(doc_id, text, doc, block_start, parsed[n_block + 1:], published,
                                            config, lex, aliases, state, keep_questions)
                if row is not None:
                    rows.append(row)
                    continue
            rows += _headline_claims(doc_id, text, doc, block_start, published, config, lex, aliases, state,
                                     keep_questions, outermost)
            continue
        sents = list(doc.sents)
        covered_until = -1  # a multi-sentence quote claimed the text up to here
        # the last claim whose content was a quotation, for `"X," he said. "Y."`; a paragraph that is one
        # quotation and nothing else continues the previous paragraph's speaker (newspaper convention)
        whole_quote = (line[:1] in _OPENING or line.startswith("''")) and line.rstrip().endswith(
            ("\u201d", '"', "''")) and _quote_forward(line, 1 + line.startswith("''"), len(line)) is not None \
            and _quote_forward(line, 1 + line.startswith("''"), len(line)) >= len(line.rstrip()) - 2
        quoted: dict | None = carried if whole_quote else None
        for sent in sents:
            state.sent_no += 1
            s_start, s_end = block_start + sent.start_char, block_start + sent.end_char
            dropped: list[Frame] = []
            frames = sentence_frames(sent, lex, 1, dropped)
            found = frames  # `nested_in` indexes this list, whatever is filtered out of `frames` below
            _add_mentions(sent, state, block_start)
            for frame in dropped:  # not a claim, but its speaker is who the next "he said" may mean
                if frame.speaker is not None:
                    _add_speaker(state, _speaker_mention(doc, frame, block_start, state))
            kept: list[tuple[Frame, Mention | None, tuple[int, int]]] = []
            before = text[block_start:s_start].rstrip()
            opens_quote = (text[s_start] in _OPENING or text.startswith("''", s_start)
                           # spaCy often leaves the opening mark at the end of the previous sentence
                           or before.endswith(("\u201c", '"', "''")) and _open_quote_at_end(before))
            if quoted is not None and opens_quote and s_start >= covered_until:
                spans = _quote_spans(sent)
                if spans and all(any(qs <= f.cue_i < qe for qs, qe in spans) for f in frames):
                    frames = []  # `"X," he said. "They don't want Y."`: the frames belong to the quotation
            if s_start < covered_until:  # inside a quotation already attributed over several sentences
                frames = [f for f in frames if block_start + doc[f.cue_i].idx >= covered_until]
            frames = [f for f in frames if not _echo(f, frames, found, doc)]
            for frame in frames:
                if frame.speaker is None:
                    continue
                speaker = _speaker_mention(doc, frame, block_start, state)
                _add_speaker(state, speaker)
                cs, ce = _char_span(doc, frame.content, block_start)
                # quotations that run over several sentences
                if frame.content[0] - sent.start <= 2 and doc[frame.content[0]].text not in _QUOTES:
                    back = _quote_back(text, block_start, s_start)
                    if back is not None and back < cs:
                        cs = back
                if _SENTENCE_TAIL.fullmatch(text[ce:s_end]) and _open_quote_at_end(text[block_start:s_end]):
                    forward = _quote_forward(text, s_end, block_end)
                    if forward is not None:
                        ce = forward
                        covered_until = max(covered_until, forward)
                kept.append((frame, speaker, (cs, ce)))
            for k, (frame, speaker, span) in enumerate(kept):
                if frame.nested_in is not None and found[frame.nested_in].role == "report":
                    frame.reported_by = _clean(doc[slice(*found[frame.nested_in].speaker)].text) \
                        if found[frame.nested_in].speaker else None
            has_inner = {f.nested_in for f in frames if f.nested_in is not None
                         and _reports_inner(found[f.nested_in], f, doc)}
            emitted = 0
            for frame, speaker, (cs, ce) in kept:
                if not keep_reports and frame.role == "report" and any(
                        found[k] is frame for k in has_inner):
                    continue
                if outermost and frame.nested_in is not None:
                    outer = found[frame.nested_in]
                    mutual = outer.nested_in is not None and found[outer.nested_in] is frame
                    if not mutual and any(outer is other for other, _, _ in kept):
                        continue
                row = _row(doc_id, text, doc, sent, block_start, s_start, s_end, cs, ce, frame, speaker,
                           published, config, lex, aliases, emitted, keep_questions)
                if row is not None:
                    row["sentence_index"] = state.sent_no - 1
                    rows.append(row)
                    emitted += 1
            if emitted:
                # the quotation a following `"Y."` continues: the last claim of this sentence whose content is
                # a quotation (`"X," Trump said, referring to Cruz.`: "said", not "referring")
                last = next((r for r in reversed(rows[-emitted:]) if _is_quotation(text, r)), rows[-1])
                is_quote = _is_quotation(text, last)
                quoted = (last.get("continues") and quoted) or (last if is_quote else None)
                continue
            if quoted is not None and not kept and s_start >= covered_until and opens_quote:
                row = _continuation(quoted, text, doc, sent, block_start, block_end, s_start, s_end, config, lex,
                                    aliases, keep_questions)
                if row is not None:
                    covered_until = max(covered_until, row["content_end"])
                    row["sentence_index"] = state.sent_no - 1
                    rows.append(row)
                    continue
            if kept or not text[s_start:s_start + 1].islower():
                # a lowercase 'sentence' without frames is a piece of the previous one that spaCy split off
                # (", a Michigan Democrat who ... another freed American."): the quotation may still go on
                quoted = None
            if not config.include_unattributed or s_start < covered_until:
                continue
            if any(cs <= s_start and ce >= s_end - 2 for _, _, (cs, ce) in kept):
                continue
            if any(cs - s_start <= 2 and _is_quotation(text, {"content_start": cs, "content_end": ce})
                   for _, _, (cs, ce) in kept):
                continue  # '"The talks failed," he said.': the speaker's quotation, too short to score, not the outlet's
            if any(doc[frame.cue_i].dep_ == "ROOT" and frame.speaker is not None and _clause(doc, frame.content)
                   and sum(not t.is_punct for t in doc[slice(*frame.content)]) < config.min_claim_words
                   for frame, _, _ in kept):
                continue  # "She said this is wrong.": a reported clause too short to score is still not the outlet's
            if any(rows and r["content_start"] <= s_start < r["content_end"] for r in rows[-3:]):
                continue  # inside an earlier claim's multi-sentence quotation
            row = _unattributed(doc_id, text, doc, sent, block_start, s_start, s_end, source, published, config,
                                lex, aliases)
            if row is not None:
                row["sentence_index"] = state.sent_no - 1
                rows.append(row)
        carried = quoted
    # a sentence later found to be part of a quotation attributed further on is not the outlet's
    spans = [(r["content_start"], r["content_end"]) for r in rows if r["attributed"]]
    return _unique_ids([r for r in rows if r["attributed"] or not any(
        cs <= r["content_start"] and r["content_end"] <= ce for cs, ce in spans)])


def _unique_ids(rows: list[dict]) -> list[dict]:
    """Claim ids are "doc:start", but two claims can start at one offset (a quotation claimed in its first
    sentence and again, reaching back, from a later "he said"): the later one gets the next free ".k" suffix,
    so every id stays a key (store, graph, joins)."""
    taken, seen = {row["claim_id"] for row in rows}, set()
    for row in rows:
        if row["claim_id"] in seen:
            base, k = row["claim_id"], 1
            while f"{base}.{k}" in taken:
                k += 1
            row["claim_id"] = f"{base}.{k}"
            taken.add(row["claim_id"])
        seen.add(row["claim_id"])
    return rows


#: words before a headline's colon that announce the story, not who speaks ("Breaking: ...", "Watch: ...")
_HEADLINE_KICKERS = {"breaking", "wow", "revealed", "look", "watch", "boom", "bombshell", "just", "update",
                     "updated", "video", "photos", "photo", "related", "read", "contributing", "exclusive", "opinion",
                     "editorial", "analysis", "correction", "live", "fact", "listen", "here", "more", "see", "new"}
#: a headline's colon names a speaker when what precedes it is a name or one of these ("Poll: ...")
_HEADLINE_SOURCES = {"poll", "polls", "report", "reports", "study", "survey", "sources", "source", "historians",
                     "experts", "officials", "aides", "insiders", "data", "analysts", "economists", "critics"}


#: a first line "Lewandowski: FBI director acted as 'judge and jury' on Clinton." is a headline even when written
#: as a sentence
_COLON_TITLE = re.compile(r"[^:\n]{2,60}: \S[^\n]{8,160}$")


def _echo(frame: Frame, frames: list[Frame], found: list[Frame], doc) -> bool:
    """A trailing '..., he said.' after 'X said that ...' in the same sentence: the pronoun frame repeats the
    attribution the named frame inside its content already made (its content would be the whole sentence, the
    named frame in it, and 'he' could resolve to someone else)."""
    if frame.speaker is None or frame.role != "speech" or doc[frame.head].lower_ not in _PRONOUNS_SPEAKING:
        return False
    index = next((k for k, f in enumerate(found) if f is frame), None)
    return any(inner.nested_in == index and inner.role == "speech" and inner.speaker is not None
               and inner.cue_i < frame.cue_i and doc[inner.head].pos_ in ("PROPN", "NOUN")
               for inner in frames)


_PRONOUNS_SPEAKING = {"he", "she", "they", "it", "we", "i"}


def _reports_inner(outer: Frame, inner: Frame, doc) -> bool:
    """Whether `inner` is what the report `outer` reports, so that the inner claim (reported by outer's speaker)
    replaces it: inner's cue heads outer's content ("The Post reported that X said Y"), or inner's content holds
    that head ("reported that, according to Z, Y happened"). An aside inside the content is not ("Kim, sparking
    rumors of a coup, is recovering, a newspaper reported": the newspaper's claim stays)."""
    head = doc[outer.content[0]:outer.content[1]].root.i
    return head == inner.cue_i or inner.content[0] <= head < inner.content[1]


def _headline_frames(doc, lex: Lexicon) -> list[Frame]:
    """Attributions in a headline: the sentence frames whose speaker is a name (not a pronoun: "He Would
    Issue ..." is a claim about someone, not by him), or `Speaker: what they said` ("Poll: Trump Ties
    Clinton", "Ryan: ‘Anti-Semitic Images’ Have ‘No Place ...’")."""
    frames = []
    for sent in doc.sents:
        frames += [f for f in sentence_frames(sent, lex, 1) if f.speaker is not None and f.nested_in is None
                   and doc[f.head].pos_ != "PRON"]
    if frames:
        return frames
    colon = next((t for t in doc if t.text == ":"), None)
    if colon is None or colon.i > 8 or len(doc) - colon.i < 4:
        return []
    start = colon.sent.start
    for k in range(colon.i - 1, start - 1, -1):  # "EXCLUSIVE – Roger Stone: ...": the name after the dash
        if doc[k].text in _LEAD_IN:
            start = k + 1
            break
    # "Obama To Asians Worried About U.S. Election: It's Going To Be OK": the speaker is the one before "to"
    end = next((k for k in range(start + 1, colon.i) if doc[k].lower_ == "to"), colon.i)
    name = doc[start:end]
    if not name.text.strip() or name[0].lower_ in _HEADLINE_KICKERS or name.text.isupper() and len(name) == 1:
        return []
    if not (any(t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in name)
            or name[-1].lower_ in _HEADLINE_SOURCES or len(name) <= 3 and all(
                t.pos_ == "PROPN" or t.text[:1].isupper() and t.text[1:].islower() for t in name)):
        return []
    if any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("amod", "compound") for t in name):
        return []  # "Carly Fiorina Endorses Ted Cruz: ...": a headline of its own before the colon
    content = _trim(doc, colon.i + 1, len(doc))
    if content[1] - content[0] < 3:
        return []
    head = name.root
    return [Frame(":", colon.i, "assert", "report", (start, end), head.i, content)]


def _introduced_paragraph(doc_id, text, doc, block_start, following, published, config, lex, aliases,
                          state: DocState, keep_questions: bool) -> dict | None:
    """'Cruz continued:' / 'Trump issued the following statement:' + the next paragraph: a cue whose sentence
    ends with the colon and finds no content of its own introduces the paragraph after it, which is its content."""
    sent = list(doc.sents)[-1]
    for tok in reversed(sent):
        cue = lex.verbs.get(tok.lemma_.lower())
        if tok.pos_ != "VERB" or cue is None or cue.kind != "verb" or cue.role == "intention":
            continue
        subject = _subject(tok)
        if subject is None or subject.pos_ == "PRON" and subject.lower_ in _FIRST_SECOND | _RELATIVE:
            return None
        if any(c.dep_ in ("ccomp", "xcomp") for c in tok.children) or tok.right_edge.i < sent.end - 2:
            return None  # a content of its own, or the colon belongs to another clause
        f_start, f_end, f_doc = following[0]
        i, j = _trim(f_doc, 0, len(f_doc))
        if j <= i or text[f_start] == "<":
            return None  # nothing, or markup (an embedded tweet)
        end = None
        for b_start, b_end, _ in following[:8]:  # a quotation over several paragraphs: each opens, the last closes
            if not (text[b_start] in _OPENING or text.startswith("''", b_start)):
                break
            end = b_end
            if not _open_quote_at_end(text[b_start:b_end]):
                break
        frame = Frame(tok.text, tok.i, cue.stance, cue.role, _speaker_span(subject), subject.i, (tok.i, tok.i + 1))
        speaker = _speaker_mention(doc, frame, block_start, state)
        s_start, s_end = block_start + sent.start_char, block_start + sent.end_char
        cs, ce = _char_span(f_doc, (i, j), f_start)
        if end is not None and end > ce:
            ce = end - len(text[:end]) + len(text[:end].rstrip(" \u201d\"'.,"))
        row = _row(doc_id, text, doc, sent, block_start, s_start, s_end, cs, ce, frame, speaker, published, config,
                   lex, aliases, 0, keep_questions)
        if row is not None:
            row.update(content_resolved=row["content"], sentence_index=state.sent_no - 1,
                       entities=content_entities(f_doc, (i, j), lex, aliases))
        return row
    return None


def _headline_claims(doc_id, text, doc, block_start, published, config, lex, aliases, state: DocState,
                     keep_questions: bool, outermost: bool) -> list[dict]:
    """Claims of a headline-like block: its attributions only (see `_headline_frames`); a headline is never a
    claim of the outlet's and its names are no antecedents for the article's pronouns."""
    rows = []
    frames = _headline_frames(doc, lex)
    for k, frame in enumerate(frames):
        if outermost and any(m != k and other.content[0] <= frame.cue_i < other.content[1]
                             for m, other in enumerate(frames)):
            continue
        sent = doc[frame.cue_i].sent
        s_start, s_end = block_start + sent.start_char, block_start + sent.end_char
        speaker = _speaker_mention(doc, frame, block_start, state)
        cs, ce = _char_span(doc, frame.content, block_start)
        row = _row(doc_id, text, doc, sent, block_start, s_start, s_end, cs, ce, frame, speaker, published, config,
                   lex, aliases, len(rows), keep_questions)
        if row is not None:
            row["sentence_index"] = state.sent_no - 1
            rows.append(row)
    return rows


_QUOTE_CHARS = set('"\u201c\u201d')
#: what may follow a content at the end of its sentence when the quotation goes on: 'said: "Absolutely. . . .'
_SENTENCE_TAIL = re.compile(r"[\s.,;:!?\u2026\u2014-]{0,12}")
_OPENING = set('"\u201c')


def _continuation(quoted: dict, text, doc, sent, block_start, block_end, s_start, s_end, config, lex,
                  aliases, keep_questions: bool = False) -> dict | None:
    """A quotation right after `"X," he said.` continues the same speaker: same speaker and cue, its own
    content; `continues` points to the claim it continues (the speaker is not in this sentence)."""
    i, j = _trim(doc, sent.start, sent.end)
    if j <= i:
        return None
    cs, ce = _char_span(doc, (i, j), block_start)
    if _open_quote_at_end(text[block_start:s_end]):
        forward = _quote_forward(text, s_end, block_end)
        if forward is not None:
            ce = forward
    content = text[cs:ce]
    if _words(content) < config.min_claim_words or not keep_questions and _question(content):
        return None
    end = max(s_end, ce)
    end_cut, truncated = _truncate(s_start, end, config)
    ce = min(ce, max(cs, end_cut)) if truncated else ce
    if truncated and _words(text[cs:ce]) < config.min_claim_words:
        return None  # the cut left no proposition worth scoring
    root = quoted.get("continues") or quoted["claim_id"]
    return {**quoted, "claim_id": f"{quoted['doc_id']}:{s_start}", "content": text[cs:ce],
            "sentence": text[s_start:end_cut], "start": s_start, "end": end_cut, "speaker_start": None,
            "speaker_end": None, "content_start": cs, "content_end": ce, "truncated": truncated,
            "entities": content_entities(doc, (i, j), lex, aliases), "content_resolved": text[cs:ce],
            "continues": root}


def _is_quotation(text: str, row: dict) -> bool:
    """Whether a claim's content is (the end of) a quotation: a quote mark right before or after it."""
    cs, ce = row["content_start"], row["content_end"]
    after = text[ce:ce + 3].lstrip(",.")
    return (text[max(cs - 1, 0):cs] in _QUOTE_CHARS or text[max(cs - 2, 0):cs] == "''"
            or after[:1] in _QUOTE_CHARS or after.startswith("''"))


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _clause(doc, span: tuple[int, int], named: bool = False) -> bool:
    """Whether a token span holds a verb with its subject (a proposition, not a phrase); `named`: a noun subject."""
    subjects = ("NOUN", "PROPN") if named else ("NOUN", "PROPN", "PRON", "DET")
    return any(t.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") and c.pos_ in subjects
                                                  and span[0] <= c.i < span[1] for c in t.children)
               for t in doc[span[0]:span[1]])


def _short_clause(doc, span: tuple[int, int]) -> bool:
    """A three-word content that is still a whole proposition about something named: a verb with a noun subject
    ("Davis said the raid failed", "the talks collapsed"). Shorter than min_claim_words, it would otherwise be
    dropped and its sentence read as the outlet's own claim."""
    return sum(not t.is_punct for t in doc[span[0]:span[1]]) == 3 and _clause(doc, span, named=True)


def _truncate(start: int, end: int, config: Config) -> tuple[int, bool]:
    if end - start > config.max_sentence_chars:
        return start + config.max_sentence_chars, True
    return end, False


def _question(content: str) -> bool:
    return content.rstrip(" \u201d\"'").endswith("?")


#: what was discussed, or referred to, is a topic: the claim keeps it (stance "topic") but it asserts nothing to
#: contradict, so blocking never pairs it (engine.candidates). "refer to" / "reference" take only a noun phrase
#: ("referring to the party's July convention"); "mention" is not here, as "mentioned that X" asserts X
TOPIC_CUES = {"discuss", "debate", "refer", "reference"}

#: an embedded question asks, it asserts nothing NLI could contradict ("would not confirm whether Scott had a
#: gun", "asked how the funds would be used"); "whether" always opens one, the other wh-words only after a cue
#: that asks or answers ("He said if talks fail, sanctions follow" and "revealed how he watched" assert)
_WH_WORDS = {"if", "why", "how", "what", "who", "whom", "when", "where", "which"}
_ASKING_CUES = {"ask", "wonder", "question", "confirm", "answer", "explain", "know", "investigate", "examine",
                "determine", "check", "doubt", "clarify", "specify", "inquire", "probe", "ponder", "consider",
                "discuss", "debate"}


def _embedded_question(content: str, cue_lemma: str) -> bool:
    first = re.match(r"\W*(\w+)", content)
    word = first.group(1).lower() if first else ""
    return word == "whether" or word in _WH_WORDS and cue_lemma.lower() in _ASKING_CUES


def _row(doc_id, text, doc, sent, block_start, s_start, s_end, cs, ce, frame, speaker, published, config, lex,
         aliases, emitted, keep_questions: bool = False) -> dict | None:
    content = text[cs:ce]
    cue_tok = doc[frame.cue_i]
    if _words(content) < config.min_claim_words and not _short_clause(doc, frame.content) or not keep_questions and (
            _question(content) or _embedded_question(content, cue_tok.lemma_)):
        return None
    start, end = min(s_start, cs), max(s_end, ce)
    end_cut, truncated = _truncate(start, end, config)
    ce_cut = min(ce, max(cs, end_cut)) if truncated else ce
    if truncated and _words(text[cs:ce_cut]) < config.min_claim_words:
        return None  # the cut left no proposition worth scoring (content lay past the model's limit)
    speaker_span = frame.speaker
    if frame.antecedent is not None and doc[frame.head].lower_ == "that":
        # "prominent businesses that warn it could harm commerce": PolNeAR's Source is the noun 'that' stands for
        # (but "who" itself: "Sanders, who sees himself as ...")
        speaker_span = _speaker_span(doc[frame.antecedent])
    ss, se = _char_span(doc, speaker_span, block_start)
    resolved = _resolved_content(doc, frame, speaker)
    if ce_cut != ce or cs != _char_span(doc, frame.content, block_start)[0]:
        resolved = text[cs:ce_cut]
    else:
        resolved = _accusation(doc, frame) or resolved
    fs = block_start + doc[cue_tok.left_edge.i].idx
    fe = block_start + cue_tok.right_edge.idx + len(cue_tok.right_edge)
    if frame.gap is not None and not truncated:
        # “A,” X said, “B.”: NLI reads A and B without the frame between them
        gs, ge = _char_span(doc, frame.gap, block_start)
        resolved = (text[cs:gs].rstrip(" ,\u201d\"'") + " " + text[ge:ce_cut].lstrip(" ,\u201c\"'")).strip()
    elif cs < fs and fe < ce_cut and resolved == text[cs:ce_cut]:
        # "The hashtag, he said, was even more popular": NLI reads the proposition without the frame
        resolved = (text[cs:fs].rstrip(" ,") + " " + text[fe:ce_cut].lstrip(" ,")).strip()
    return {
        "claim_id": f"{doc_id}:{start}" + (f".{emitted}" if emitted else ""),
        "doc_id": doc_id,
        "sentence_index": None,
        "speaker": speaker.text if speaker else text[ss:se],
        "actor": None,
        "cue": frame.cue,
        "stance": frame.stance,
        "content": text[cs:ce_cut],
        "sentence": text[start:end_cut],
        "start": start,
        "end": end_cut,
        "speaker_start": ss,
        "speaker_end": se,
        "content_start": cs,
        "content_end": ce_cut,
        "attributed": True,
        "entities": content_entities(doc, frame.content, lex, aliases),
        "published": published,
        "truncated": truncated,
        "speaker_mention": text[ss:se],
        "speaker_full": speaker.full if speaker else text[ss:se],
        "speaker_kind": speaker.kind if speaker else "unknown",
        "reported_by": frame.reported_by,
        "content_resolved": resolved,
        "continues": None,
        "cue_start": block_start + cue_tok.idx,
        **({"_features": frame.features} if COLLECT_FEATURES is not None else {}),
        **({"_ends": [(block_start + doc[e - 1].idx + len(doc[e - 1].text), f) for e, f in frame.ends or ()]}
           if COLLECT_ENDS else {}),
    }


@lru_cache(maxsize=1)
def boilerplate_patterns() -> re.Pattern:
    """data/lexicon/boilerplate.txt: one regular expression a line (# comments)."""
    path = LEXICON_DIR / "boilerplate.txt"
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()] if path.exists() else []
    patterns = [line for line in lines if line and not line.startswith("#")]
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!x)x", re.I)


def _boilerplate(sent, source: str | None) -> bool:
    """Site furniture: sign-up prompts, imperatives addressed to the reader, the outlet praising itself."""
    if boilerplate_patterns().search(sent.text):
        return True
    root = sent.root
    if root.tag_ == "VB" and not any(c.dep_ in _SUBJECT_DEPS for c in root.children) and sent[0].i == root.i:
        return True  # "Sign up to ...", "Read the rest here."
    if source and sent.text.lower().startswith(source.lower()):
        return True  # "<Outlet> delivers independent coverage ..."
    return False


def _unattributed(doc_id, text, doc, sent, block_start, s_start, s_end, source, published, config, lex,
                  aliases) -> dict | None:
    if not any(t.pos_ in ("VERB", "AUX") for t in sent) or _boilerplate(sent, source):
        return None  # captions, datelines, list items, site furniture
    i, j = _trim(doc, sent.start, sent.end)
    if j <= i:
        return None
    cs, ce = _char_span(doc, (i, j), block_start)
    content = text[cs:ce]
    if _words(content) < config.min_claim_words or text[s_start:s_end].rstrip(" \u201d\"'").endswith("?"):
        return None
    end_cut, truncated = _truncate(s_start, s_end, config)
    ce_cut = min(ce, max(cs, end_cut))
    speaker = source or "unknown"
    return {
        "claim_id": f"{doc_id}:{s_start}",
        "doc_id": doc_id,
        "sentence_index": None,
        "speaker": speaker,
        "actor": None,
        "cue": None,
        "stance": "report",
        "content": text[cs:ce_cut],
        "sentence": text[s_start:end_cut],
        "start": s_start,
        "end": end_cut,
        "speaker_start": None,
        "speaker_end": None,
        "content_start": cs,
        "content_end": ce_cut,
        "attributed": False,
        "entities": content_entities(doc, (i, j), lex, aliases),
        "published": published,
        "truncated": truncated,
        "speaker_mention": None,
        "speaker_full": speaker,
        "speaker_kind": "outlet",
        "reported_by": None,
        "content_resolved": text[cs:ce_cut],
        "continues": None,
        "cue_start": None,
    }


# ------------------------------------------------------------------ the stage
_EXTRA = {
    "speaker_mention": pl.Utf8,
    "speaker_full": pl.Utf8,
    "speaker_kind": pl.Utf8,
    "reported_by": pl.Utf8,
    "content_resolved": pl.Utf8,
    "continues": pl.Utf8,
    "cue_start": pl.Int64,  # where the cue word starts in the text (null when unattributed)
}


#: below this many characters spaCy parses in this process: each extra worker first loads the model (~2 s)
PARALLEL_MIN_CHARS = 400_000


def parse_processes(texts: list[str], config: Config) -> int:
    """spaCy worker processes for a batch of texts: one per core (at most 4) for large batches, else 1.
    Parsing is most of the claims stage and runs on one core; 200 news articles parse 1.7x faster on 2."""
    import os

    cores = config.threads or os.cpu_count() or 1
    if cores < 2 or sum(len(t) for t in texts) < PARALLEL_MIN_CHARS:
        return 1
    return min(cores, 4)


def parse_documents(texts: list[str], config: Config, progress: bool = False):
    """Yield (index, [(block_start, block_end, spacy Doc), ...]) per text, in order, via one nlp.pipe."""
    nlp = load_nlp(config.spacy_model)
    processes = parse_processes(texts, config)
    items = ((texts[k][s:e], (k, s, e)) for k in range(len(texts)) for s, e in text_blocks(texts[k]))
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(texts), desc="claims", unit="doc")
    current, blocks = 0, []
    for doc, (k, s, e) in nlp.pipe(items, as_tuples=True, batch_size=64, n_process=processes):
        while k > current:
            yield current, blocks
            current, blocks = current + 1, []
            if bar is not None:
                bar.update(1)
        blocks.append((s, e, doc))
    while current < len(texts):
        yield current, blocks
        current, blocks = current + 1, []
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()


def extract(documents: pl.DataFrame, config: Config, keep_reports: bool = False,
            keep_questions: bool = False, outermost: bool = False) -> pl.DataFrame:
    """Claims of every document (engine.schema.CLAIMS plus the extra columns described above).

    keep_reports, keep_questions, outermost: the attribution evaluation's view (see document_claims)."""
    schema = {**CLAIMS, **_EXTRA}
    if documents is None or documents.height == 0:
        return conform(None, schema)
    lex = load()
    aliases = alias_keys(config.aliases_path)
    texts = [t or "" for t in documents["text"].to_list()]
    ids = documents["doc_id"].to_list()
    sources = documents["source"].to_list() if "source" in documents.columns else [None] * len(texts)
    dates = documents["published"].to_list() if "published" in documents.columns else [None] * len(texts)
    progress = bool(config.show_progress and len(texts) > 20)
    rows: list[dict] = []
    for k, parsed in parse_documents(texts, config, progress):
        rows += document_claims(ids[k], texts[k], sources[k], dates[k], parsed, config, lex, aliases, keep_reports,
                                keep_questions, outermost)
    if not rows:
        return conform(None, schema)
    frame = pl.DataFrame(rows, schema={name: schema[name] for name in rows[0]})
    return conform(frame, schema)


# ------------------------------------------------------------------ same claim, many sources
def _content_key(text: str) -> str:
    return " ".join(re.findall(r"\w+", (text or "").lower()))


def same_claim_groups(claims: pl.DataFrame, vectors=None, min_similarity: float = 0.92,
                      min_overlap: float = 0.9) -> pl.DataFrame:
    """Near-duplicate claims of the same actor across documents (one wire story copied by ten outlets).

    Two claims join when they have the same `actor` (or, before actors are resolved, the same speaker)
    and, in different documents, either the same words (case and punctuation ignored), or the shorter
    claim's words (at least 6) recur in the other at a rate >= `min_overlap`, or - when `vectors` (one normalised embedding per claim row) are given -
    cosine similarity >= `min_similarity`. Returns one row per claim: claim_id, group (the claim_id of the
    group's first claim), group_size, doc_ids (all documents of the group), evidence (why it joined).
    """
    schema = {"claim_id": pl.Utf8, "group": pl.Utf8, "group_size": pl.Int64, "doc_ids": pl.List(pl.Utf8),
              "evidence": pl.Utf8}
    if claims is None or claims.height == 0:
        return pl.DataFrame(schema=schema)
    ids = claims["claim_id"].to_list()
    docs = claims["doc_id"].to_list()
    who = claims["actor"].to_list() if "actor" in claims.columns else [None] * len(ids)
    speakers = claims["speaker"].to_list()
    who = [a if a is not None else (s or "").lower() for a, s in zip(who, speakers)]
    keys = [_content_key(c) for c in claims["content"].to_list()]
    words = [set(k.split()) for k in keys]
    parent = list(range(len(ids)))
    evidence = [""] * len(ids)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_actor: dict[str, list[int]] = {}
    for i, actor in enumerate(who):
        by_actor.setdefault(actor, []).append(i)
    for members in by_actor.values():
        for a_pos, i in enumerate(members):
            for j in members[a_pos + 1:]:
                if docs[i] == docs[j]:
                    continue
                if keys[i] == keys[j]:
                    why = "same words"
                else:
                    # a trimmed copy of the same wire sentence: nearly all words of the shorter one recur
                    shorter = min(len(words[i]), len(words[j]))
                    overlap = len(words[i] & words[j]) / shorter if shorter >= 6 else 0.0
                    why = f"word containment {overlap:.2f}" if overlap >= min_overlap else ""
                    if not why and vectors is not None:
                        similarity = float(vectors[i] @ vectors[j])
                        why = f"cosine {similarity:.2f}" if similarity >= min_similarity else ""
                if why:
                    root_i, root_j = find(i), find(j)
                    if root_i != root_j:
                        parent[max(root_i, root_j)] = min(root_i, root_j)
                        evidence[j] = evidence[j] or f"{why} with {ids[i]}"
    roots = [find(i) for i in range(len(ids))]
    members_of: dict[int, list[int]] = {}
    for i, root in enumerate(roots):
        members_of.setdefault(root, []).append(i)
    rows = []
    for i, root in enumerate(roots):
        group = members_of[root]
        rows.append({"claim_id": ids[i], "group": ids[root], "group_size": len(group),
                     "doc_ids": sorted({docs[k] for k in group}), "evidence": evidence[i] or None})
    return pl.DataFrame(rows, schema=schema)
