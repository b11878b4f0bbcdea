"""Actors: one canonical actor per speaker, with a part-of hierarchy (person -> organisation -> country).

Driven by data, not by names in code: the alias table (data/lexicon/aliases.csv, plus `config.aliases_path`
whose rows win), countries with demonyms and capitals (countries.csv), generic government bodies
(bodies.csv) and titles (titles.csv). For each claim the speaker's fullest form (`speaker_full` from
engine.claims: "Pentagon spokesman Peter Cook", "Russian Defence Minister Sergei Shoigu") is read as
[body / country / title words] + [person name], and:

- a person name becomes a person actor; the words before it (or an apposition after it) give the parent:
  "Pentagon spokesman Peter Cook" -> Peter Cook, parent US Department of Defense, parent United States;
- country names, demonyms and capitals give the country ("Moscow", "the Kremlin" -> Russia / its presidency);
- body words plus a country give that country's body ("US defence officials" -> "American Ministry of
  Defence", which the alias table maps to "US Department of Defense"); a body without a country takes the
  country named in the sentence ("In Moscow, the defence ministry said" -> Russian Ministry of Defence);
- a possessive pronoun speaker resolved by engine.claims ("his ministry" -> "Shoigu's ministry") becomes the
  organisation the person belongs to;
- surnames and honorific forms ("Clinton", "Mrs. Clinton") merge with the one full name sharing that
  surname in the same document, else the most frequent such full name across all documents.

Every merge keeps its reason in the actors table's `evidence` column (see `merge_evidence`).
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import polars as pl

from engine.claims import load as load_lexicon
from engine.claims import alias_written, norm, read_aliases
from engine.config import Config
from engine.schema import ACTORS, conform

_GENERIC_TO_COUNTRY = {"Government", "Head of State", "Head of Government"}
_DETERMINERS = {"the", "a", "an", "this", "that", "these", "those", "some", "many", "several", "two", "three"}
_NAME_TOKEN = re.compile(r"^(?:[A-Z]|(?:al|el|ad|as|ash|at|bin|ibn|abu)-[A-Z])[\w.'\u2019-]*$")
_PREPOSITION = re.compile(r"\b(?:with|of|from|for|in|at|on|to|close|near|familiar|about)\b")
#: lowercase particles inside a name: "Staffan de Mistura", "Ursula von der Leyen"
_NAME_PARTICLES = {"de", "da", "di", "del", "della", "der", "den", "van", "von", "la", "le", "du", "dos", "das",
                   "ter", "bin", "ibn", "al", "el"}


@dataclass
class Actor:
    actor_id: str
    kind: str
    parent: str | None


class Resolver:
    """Speaker strings -> actor ids, collecting the actors and the evidence for each mapping."""

    def __init__(self, aliases_path: str | None = None):
        self.lex = load_lexicon()
        self.alias: dict[str, str] = {}
        self.actors: dict[str, Actor] = {}
        # bundled rows first, the user's after: a later row wins for an alias, and an actor's own row
        # (alias == actor) sets its parent and kind; other rows only fill in what is still unknown
        for row in read_aliases(aliases_path):
            if not row["alias"] or not row["actor"]:
                continue
            self.alias[norm(row["alias"])] = row["actor"]
            known = self.actors.get(row["actor"])
            if known is None or row["alias"] == row["actor"]:
                self.actors[row["actor"]] = Actor(row["actor"], row["kind"] or "organisation",
                                                  row["parent"] or None)
            elif row["parent"] and known.parent is None:
                known.parent = row["parent"]
        for country in set(self.lex.country_names.values()) | set(self.lex.capitals.values()):
            self.actors.setdefault(country, Actor(country, "country", None))
        self._patterns: dict[bool, re.Pattern] = {}
        self.used: dict[str, Actor] = {}
        self.evidence: dict[str, set[str]] = defaultdict(set)
        self.aliases_seen: dict[str, set[str]] = defaultdict(set)

    # ---------------------------------------------------------------- registry
    def _actor(self, actor_id: str, kind: str = "unknown", parent: str | None = None) -> str:
        known = self.actors.get(actor_id)
        if known is None:
            known = self.actors[actor_id] = Actor(actor_id, kind, parent)
        elif parent and known.parent is None and parent != actor_id:
            known.parent = parent
        self.used[actor_id] = known
        if known.parent and known.parent not in self.used:  # ancestors are actors too
            self._actor(known.parent, "country" if known.parent in self._countries() else "organisation")
        return actor_id

    def _countries(self) -> set[str]:
        return set(self.lex.demonym)

    def note(self, actor_id: str, alias: str, reason: str) -> None:
        self.aliases_seen[actor_id].add(alias)
        self.evidence[actor_id].add(f"{alias!r}: {reason}")

    # ---------------------------------------------------------------- pieces
    def _country_pattern(self, capitals: bool) -> re.Pattern:
        """One alternation over every country name, demonym (and capital): long names case-insensitive,
        short ones ("US", "UK") only in capitals so that "us" never means the United States."""
        cached = self._patterns.get(capitals)
        if cached is None:
            names = dict(self.lex.country_names)
            if capitals:
                names.update({k: v for k, v in self.lex.capitals.items() if k not in names})
            long = sorted((n for n in names if len(n) > 3), key=len, reverse=True)
            short = sorted((n.upper() for n in names if 1 < len(n) <= 3), key=len, reverse=True)
            parts = [f"(?i:{'|'.join(re.escape(n) for n in long)})"] if long else []
            parts += [f"(?:{'|'.join(re.escape(n) for n in short)})"] if short else []
            cached = self._patterns[capitals] = re.compile(rf"(?<![\w.])(?:{'|'.join(parts)})(?!\w)")
        return cached

    def country_in(self, text: str, capitals: bool = True) -> str | None:
        """First country named in `text` by name, demonym (or capital) as a whole word."""
        found = self._country_pattern(capitals).search(text or "")
        if found is None:
            return None
        key = norm(found.group())
        return self.lex.country_names.get(key) or (self.lex.capitals.get(key) if capitals else None)

    def body_in(self, text: str) -> str | None:
        key = f" {norm(text)} "
        for keyword, body in self.lex.bodies:
            if f" {keyword} " in key:
                return body
        return None

    def alias_in(self, text: str) -> str | None:
        """Longest alias contained in `text` as whole words (short all-caps aliases matched case-sensitively)."""
        words = re.findall(r"[\w.'\u2019-]+", text)
        for size in range(min(len(words), 6), 0, -1):
            for i in range(len(words) - size + 1):
                gram = " ".join(words[i:i + size])
                key = norm(gram)
                if key in self.alias and (alias_written(gram, key) or gram[:1].isupper() and size > 1):
                    if key in ("is", "it", "us") and not gram.isupper():
                        continue
                    return self.alias[key]
        return None

    def body_actor(self, country: str, body: str) -> str:
        """The `body` of `country`: an alias-table name when there is one, else '<Demonym> <Body>'."""
        if body in _GENERIC_TO_COUNTRY:
            named = self.alias.get(norm(f"{self.lex.demonym.get(country, country)} {body}"))
            return self._actor(named) if named else self._actor(country, "country")
        name = f"{self.lex.demonym.get(country, country)} {body}"
        named = self.alias.get(norm(name))
        if named:
            return self._actor(named, "organisation", country)
        return self._actor(name, "organisation", country)

    def split_name(self, text: str) -> tuple[str, str]:
        """('Pentagon spokesman', 'Peter Cook') from 'Pentagon spokesman Peter Cook': trailing capitalised
        tokens that are not titles, countries, demonyms or known aliases form the name."""
        text = re.sub(r"\s*\([^)]*\)", "", text)  # "(D-Va.)"
        words = text.split()
        name: list[str] = []
        for word in reversed(words):
            bare = word.strip(",;:")
            low = bare.lower()
            if name and bare in _NAME_PARTICLES:
                name.insert(0, bare)
                continue
            if (not _NAME_TOKEN.match(bare) or low in self.lex.titles or low in _DETERMINERS
                    or norm(bare) in self.lex.country_names):
                break
            if norm(bare) in self.alias and alias_written(bare, norm(bare)) \
                    and self.actors.get(self.alias[norm(bare)], Actor("", "", None)).kind != "person":
                break  # "Pentagon spokesman Peter Cook": the name starts after the body (but "Kim Jong Un": not the UN)
            name.insert(0, bare)
        while name and name[0] in _NAME_PARTICLES:  # a particle is part of a name only after a given name
            name.pop(0)
        prefix = " ".join(words[: len(words) - len(name)])
        return prefix, " ".join(name)

    # ---------------------------------------------------------------- speaker -> actor
    def organisation(self, text: str, context: str, doc_country: str | None) -> tuple[str, str] | None:
        """Actor for a non-person speaker (or a person's description), with the reason."""
        key = norm(text)
        key = re.sub(r"'s$", "", key)
        if not key:
            return None
        if key in self.alias:
            return self._actor(self.alias[key]), "alias table"
        country = self.lex.country_names.get(key) or self.lex.capitals.get(key)
        if country:
            return self._actor(country, "country"), "country name, demonym or capital"
        found = self.alias_in(text)
        if found and self.actors.get(found, Actor("", "organisation", None)).kind != "person":
            return self._actor(found), "alias table (contained)"
        country = self.country_in(text)
        body = self.body_in(text)
        if country and body:
            return self.body_actor(country, body), f"{body} of {country}"
        if country:
            return self._actor(country, "country"), "country named in the speaker"
        if body and body not in _GENERIC_TO_COUNTRY:
            around = self.country_in(context or "") or doc_country
            if around:
                return self.body_actor(around, body), f"{body} of {around} (country named in context)"
        return None

    def person(self, name: str, prefix: str, context: str, doc_country: str | None) -> tuple[str, str]:
        bare = " ".join(w for w in name.split() if w.lower() not in self.lex.titles)
        known = self.alias.get(norm(name)) or self.alias.get(norm(bare))
        actor_id = known or bare
        parent = None
        reason = "alias table" if known else "person name"
        if prefix.strip(" ,"):
            found = self.organisation(prefix, context, None)
            if found:
                parent, why = found
                reason += f"; part of {parent} ({why})"
        existing = self.actors.get(actor_id)
        if existing is not None and existing.kind == "person" and existing.parent:
            parent = parent if parent and existing.parent in (None, self._top(parent)) else existing.parent
            if known:
                parent = self.actors[actor_id].parent or parent
        return self._actor(actor_id, "person", parent), reason

    def _top(self, actor_id: str) -> str:
        seen = set()
        while actor_id in self.actors and self.actors[actor_id].parent and actor_id not in seen:
            seen.add(actor_id)
            actor_id = self.actors[actor_id].parent
        return actor_id

    def resolve(self, speaker: str, full: str | None, kind: str | None, context: str,
                doc_country: str | None) -> tuple[str, str]:
        """(actor_id, reason) for one speaker."""
        text = (full or speaker or "").strip()
        if not text:
            return self._actor("unknown"), "no speaker"
        key = norm(text)
        if key in self.alias:
            return self._actor(self.alias[key]), "alias table"
        # "Shoigu's ministry": the organisation a person belongs to, or a body of an actor
        poss = re.match(r"^(.*?)['\u2019]s (.+)$", text)
        # (not "the source with knowledge of Kim's health": there the possessive is inside a description)
        # (nor "Dr. Sarah Lane, the charity's regional director" or "Ms. Merkel's spokesman, Steffen Seibert": a
        # speaker with an apposition is read as one below)
        if poss and len(poss.group(2).split()) <= 3 and not _PREPOSITION.search(poss.group(1)) \
                and ", " not in poss.group(0):
            owner, why = self.resolve(poss.group(1), None, None, context, doc_country)
            owned = self.actors.get(owner)
            body = self.body_in(poss.group(2))
            if owned is not None and owned.kind == "person" and owned.parent and (
                    body or norm(poss.group(2)) in ("ministry", "office", "department", "government")):
                return self._actor(owned.parent), f"organisation of {owner} ({why})"
            if owned is not None and owned.kind == "country" and body:
                return self.body_actor(owner, body), f"{body} of {owner}"
            return self._actor(f"{owner} {poss.group(2)}", "organisation", owner), f"part of {owner}"
        # apposition: "Peter Cook, a Pentagon spokesman"
        head, _, description = text.partition(", ")
        prefix, name = self.split_name(head)
        if description and name:
            prefix = f"{prefix} {description}"
        elif description and not name:  # "A military spokesman, Colonel Ali Haidar": the name comes second
            described, name = self.split_name(description)
            prefix = f"{head} {described}".strip()
        if name and (kind == "person" or len(name.split()) > 1 or norm(name) in self.alias):
            if not (norm(name) in self.alias and self.actors[self.alias[norm(name)]].kind != "person"):
                return self.person(name, prefix, context, doc_country)
        found = self.organisation(text, context, doc_country)
        if found:
            return found
        if name:  # a lone capitalised word: a name we do not know
            return self.person(name, prefix, context, doc_country) if kind == "person" else (
                self._actor(name, "organisation" if kind == "thing" else "unknown"), "name as written")
        words = [w for w in text.replace("\u2019", "'").split() if w.lower() not in _DETERMINERS]
        label = " ".join(words) or text
        return self._actor(label, "group" if label.endswith("s") else "unknown"), "speaker as written"

    # ---------------------------------------------------------------- surnames across documents
    def merge_surnames(self, actor_ids: list[str], doc_ids: list[str]) -> dict[str, str]:
        """Single-word person actors ("Clinton") -> the full name with that surname (same document first).
        A single word the tagger did not take for a person ("Sanders", tagged as an organisation) merges too, but
        only with a full name of the same document: there it is the surname of the person the article names."""
        persons = {a for a in set(actor_ids) if self.actors.get(a) and self.actors[a].kind == "person"}
        unsure = {a for a in set(actor_ids) if self.actors.get(a) and self.actors[a].kind in ("organisation", "unknown")
                  and len(a.split()) == 1 and a[:1].isupper() and self.actors[a].parent is None}
        full_by_surname: dict[str, Counter] = defaultdict(Counter)
        per_doc: dict[tuple[str, str], Counter] = defaultdict(Counter)
        for actor, doc in zip(actor_ids, doc_ids):
            if actor in persons and len(actor.split()) > 1:
                full_by_surname[actor.split()[-1].lower()][actor] += 1
                per_doc[(doc, actor.split()[-1].lower())][actor] += 1
        mapping = {}
        for actor, doc in zip(actor_ids, doc_ids):
            if (actor not in persons and actor not in unsure) or len(actor.split()) != 1:
                continue
            surname = actor.lower()
            local = per_doc.get((doc, surname))
            if local:
                target, why = local.most_common(1)[0][0], "same surname, same document"
            elif actor in persons and full_by_surname.get(surname):
                target, why = full_by_surname[surname].most_common(1)[0][0], \
                    "same surname, most frequent full name across documents"
            else:
                continue
            mapping[(actor, doc)] = target
            self.note(target, actor, why)
        return mapping


def _doc_countries(claims: pl.DataFrame, resolver: Resolver) -> dict[str, str | None]:
    """The country a document mentions most (a fallback context for bodies named without a country)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for doc_id, sentence in zip(claims["doc_id"].to_list(), claims["sentence"].to_list()):
        found = resolver.country_in(sentence or "", capitals=True)
        if found:
            counts[doc_id][found] += 1
    return {doc: c.most_common(1)[0][0] for doc, c in counts.items()}


def resolve(claims: pl.DataFrame, documents: pl.DataFrame, config: Config) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Claims with `actor` filled, and the actors table (ACTORS columns plus `evidence`)."""
    resolver = Resolver(config.aliases_path)
    schema = {**ACTORS, "evidence": pl.List(pl.Utf8)}
    if claims is None or claims.height == 0:
        return claims, conform(None, schema)
    col = lambda name: claims[name].to_list() if name in claims.columns else [None] * claims.height  # noqa: E731
    speakers, fulls, kinds = col("speaker"), col("speaker_full"), col("speaker_kind")
    sentences, doc_ids, attributed = col("sentence"), col("doc_id"), col("attributed")
    # the frame around the content is the speaker's context ("In Moscow, the defence ministry said ...")
    sentences = [s.replace(c, " ") if s and c else s for s, c in zip(sentences, col("content"))]
    doc_country = _doc_countries(claims, resolver) if "sentence" in claims.columns else {}
    actor_ids = []
    for speaker, full, kind, sentence, doc, attr in zip(speakers, fulls, kinds, sentences, doc_ids, attributed):
        if attr is False:
            actor, why = resolver.resolve(speaker or "unknown", None, "outlet", "", None)
            if resolver.actors[actor].kind == "unknown":
                resolver.actors[actor].kind = "outlet"
            why = f"outlet of an unattributed sentence; {why}"
        else:
            actor, why = resolver.resolve(speaker or "", full, kind, sentence or "", doc_country.get(doc))
        resolver.note(actor, speaker or "", why)
        actor_ids.append(actor)
    mapping = resolver.merge_surnames(actor_ids, doc_ids)
    actor_ids = [mapping.get((a, d), a) for a, d in zip(actor_ids, doc_ids)]
    for actor in set(actor_ids):
        resolver._actor(actor)
    for (old, _), new in mapping.items():  # aliases of a merged surname go with the full name
        resolver.aliases_seen[new] |= resolver.aliases_seen.get(old, set())
    counts = Counter(actor_ids)
    used = {a for a in resolver.used if counts.get(a) or a in _ancestors(set(actor_ids), resolver)}
    rows = [{
        "actor_id": a, "name": a, "kind": resolver.actors[a].kind, "parent": resolver.actors[a].parent,
        "aliases": sorted(x for x in resolver.aliases_seen.get(a, set()) if x and x != a),
        "claims": counts.get(a, 0), "evidence": sorted(resolver.evidence.get(a, set())),
    } for a in sorted(used)]
    table = conform(pl.DataFrame(rows, schema=schema), schema)
    return claims.with_columns(pl.Series("actor", actor_ids, dtype=pl.Utf8)), table


def _ancestors(actor_ids: set[str], resolver: Resolver) -> set[str]:
    out = set()
    for actor in actor_ids:
        seen = set()
        while actor in resolver.actors and resolver.actors[actor].parent and actor not in seen:
            seen.add(actor)
            actor = resolver.actors[actor].parent
            out.add(actor)
    return out


def country_of(actor_id: str | None, actors: pl.DataFrame) -> str | None:
    """Walk `parent` links up to the top; the first actor of kind country on the way (else the top)."""
    if actor_id is None or actors.height == 0:
        return None
    parents = dict(zip(actors["actor_id"].to_list(), actors["parent"].to_list()))
    kinds = dict(zip(actors["actor_id"].to_list(), actors["kind"].to_list()))
    seen = set()
    current = actor_id
    while current is not None and current not in seen:
        if kinds.get(current) == "country":
            return current
        seen.add(current)
        current = parents.get(current)
    return None


def merge_evidence(actors: pl.DataFrame) -> pl.DataFrame:
    """One row per (actor, reason): which written form became which actor and why."""
    if "evidence" not in actors.columns or actors.height == 0:
        return pl.DataFrame(schema={"actor_id": pl.Utf8, "evidence": pl.Utf8})
    return actors.select("actor_id", "evidence").explode("evidence").drop_nulls("evidence")
