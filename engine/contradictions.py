"""From scored pairs to reported contradictions: threshold, kind (dispute / reversal / correction),
the evidence behind each pair, actor-level disagreement, and filtered views."""
from __future__ import annotations

import dataclasses
import functools
import re

import polars as pl

from engine.claims import ACCUSING
from engine.config import Config
from engine.schema import CONTRADICTIONS, conform, empty

_SIDE_COLUMNS = {"speaker": "speaker", "actor": "actor", "content": "content", "sentence": "sentence", "doc_id": "doc"}


_CONTRAST = r"(?i)\b(however|but|denied|denies|rejected|rejects|disputed|disputes|countered|insisted|dismissed)\b"
#: at most this many sentences between a claim and the reply that answers it
_REPLY_DISTANCE = 2


def _juxtaposed_reply(hits: pl.DataFrame, claims: pl.DataFrame) -> pl.Series:
    """Per hit: both claims in one document, the later one at most _REPLY_DISTANCE sentences after the
    other, by a different actor, and its sentence marked as a reply ("however", "denied", ...)."""
    if "sentence_index" not in claims.columns or hits.height == 0:
        return pl.Series("reply", [False] * hits.height)
    # one row per claim id, so the joins below keep exactly one row per hit
    where = claims.select("claim_id", "doc_id", "sentence_index", "sentence").unique("claim_id", keep="first")
    pairs = (hits.select("claim_a", "claim_b", "actor_a", "actor_b").with_row_index("_i")
             .join(where.rename({c: f"{c}_1" for c in where.columns}), left_on="claim_a", right_on="claim_id_1", how="left")
             .join(where.rename({c: f"{c}_2" for c in where.columns}), left_on="claim_b", right_on="claim_id_2", how="left")
             .sort("_i"))
    later = pl.when(pl.col("sentence_index_1") > pl.col("sentence_index_2")).then(pl.col("sentence_1")).otherwise(pl.col("sentence_2"))
    flag = ((pl.col("doc_id_1") == pl.col("doc_id_2"))
            & ((pl.col("sentence_index_1") - pl.col("sentence_index_2")).abs().is_between(1, _REPLY_DISTANCE))
            & (pl.col("actor_a").fill_null("") != pl.col("actor_b").fill_null(""))
            & later.fill_null("").str.contains(_CONTRAST))
    return pairs.select(flag.fill_null(False).alias("reply"))["reply"]


def _kind(actor_a, actor_b, attributed_a, attributed_b) -> str:
    if actor_a != actor_b:
        return "dispute"
    # the same outlet's own narration contradicting itself is a correction; a speaker doing it, a reversal
    return "correction" if not attributed_a and not attributed_b else "reversal"


#: a claim that asserts a possibility, not a fact ("may", "could", "it is unclear whether", "if ..."); "May" the
#: month and "would" (reported speech: "said it would not ...") do not count
HEDGE = (r"(?i)^\W*(?:if|whether|should)\b|\b(?:might|could|possibly|perhaps|maybe|unclear|uncertain)\b"
         r"|\b(?-i:may)\b|\b(?:it is|it's|is it) possible\b")


def hedged(content_a: str = "content_a", content_b: str = "content_b") -> pl.Expr:
    """Either claim of the pair hedges (HEDGE), from its content columns."""
    return hedging(content_a, content_b) > 0


def hedging(content_a: str = "content_a", content_b: str = "content_b") -> pl.Expr:
    """How many claims of the pair hedge (0, 1 or 2), from its content columns: what `reported` decides on."""
    return (pl.col(content_a).fill_null("").str.contains(HEDGE).cast(pl.Int8)
            + pl.col(content_b).fill_null("").str.contains(HEDGE).cast(pl.Int8))


def required_score(config: Config, hedge: pl.Expr | None = None) -> pl.Expr:
    """The score a scored pair must reach to be reported: nli_threshold, or nli_unrelated_threshold (when
    higher) if the two claims are neither similar (cosine < related_similarity) nor share a named entity.
    Unknown similarity counts as related (the stricter bar needs evidence that the pair is unrelated).
    `hedge` (`hedging()` where the contents are joined: how many claims hedge; a boolean expression counts as
    one): pairs with a hedging claim need at least nli_hedged_threshold, and pairs where both hedge are not
    reported unless config.nli_report_both_hedged."""
    related = ((pl.col("similarity").fill_null(1.0) >= config.related_similarity)
               | (pl.col("shared_entities").list.len().fill_null(0) > 0))
    unrelated = max(config.nli_threshold, config.nli_unrelated_threshold)
    bar = pl.when(related).then(pl.lit(config.nli_threshold)).otherwise(pl.lit(unrelated))
    if hedge is not None:
        level = hedge.cast(pl.Int8)
        bar = pl.when(level >= 1).then(pl.max_horizontal(bar, pl.lit(config.nli_hedged_threshold))).otherwise(bar)
        if not config.nli_report_both_hedged:
            bar = pl.when(level >= 2).then(pl.lit(float("inf"))).otherwise(bar)
    return bar


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """Words that carry no topic: spaCy's English stop words."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


#: content words are compared by their first letters ("organized" / "organization", "strike" / "strikes"):
#: a crude stemmer, but one with no language model and no surprises
_STEM = 5


def _stems(text: str | None, stop: frozenset[str]) -> set[str]:
    return {w[:_STEM] for w in re.findall(r"[^\W_]+", (text or "").lower().replace("’", "'"))
            if len(w) > 2 and w not in stop}


def word_overlap(a: str | None, b: str | None) -> float:
    """Share of content words two texts have in common (Jaccard index of their stems, stop words left out):
    0 for "there's no problem" against "the general election is like a football team"."""
    stop = _stop_words()
    sa, sb = _stems(a, stop), _stems(b, stop)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def _one_sided_negation(hits: pl.DataFrame, claims: pl.DataFrame) -> pl.Series:
    """Per hit: exactly one claim denies (stance) or negates ("not", "no one", ...) what it says."""
    from engine.nli.views import denials, is_negative

    ids = pl.concat([hits["claim_a"], hits["claim_b"]]).unique()
    claims = claims.filter(pl.col("claim_id").is_in(ids.implode()))  # a store's table can be large: only these
    negative = dict(zip(claims["claim_id"].to_list(),
                        [d or is_negative(c) for d, c in zip(denials(claims), claims["content"].to_list())]))
    return pl.Series([negative.get(a, False) != negative.get(b, False)
                      for a, b in zip(hits["claim_a"].to_list(), hits["claim_b"].to_list())], dtype=pl.Boolean)


def rank_terms(config: Config) -> dict[str, pl.Expr]:
    """The terms `rank_score` adds up, by the name explain() gives them. Reads the columns score, similarity,
    shared_entities, content_a, content_b, _reply and _one_negative."""
    overlap = pl.struct("content_a", "content_b").map_elements(
        lambda r: word_overlap(r["content_a"], r["content_b"]), return_dtype=pl.Float64)
    same_entity = pl.col("shared_entities").list.len().fill_null(0) > 0
    return {
        "score": pl.col("score"),
        "similarity": config.rank_similarity_weight * pl.col("similarity").fill_null(0.0).clip(lower_bound=0.0),
        "shared words": config.rank_overlap_weight * overlap,
        "one side negated": pl.when(pl.col("_one_negative")).then(config.rank_negation_bonus).otherwise(0.0),
        "shared entity": pl.when(same_entity).then(config.rank_entity_bonus).otherwise(0.0),
        "reply": pl.when(pl.col("_reply")).then(config.rank_reply_bonus).otherwise(0.0),
    }


def rank_score(config: Config) -> pl.Expr:
    """The order contradictions are listed in (a sort key: the reported score and the threshold are untouched):
    the NLI score, plus
    - the claims' similarity and the share of content words they have in common (rank_similarity_weight,
      rank_overlap_weight): among reported pairs the score hardly separates real contradictions from false
      ones, while a real dispute is about the same thing (see Config);
    - a bonus when exactly one side denies or negates (rank_negation_bonus: the shape of most real disputes);
    - a bonus when both claims name the same entity (a place, a person: more likely one event);
    - a bonus for a reply set right after the claim it answers ("X said A. Y, however, said B"), the way news
      copy presents a dispute.
    Reads the columns of `rank_terms`."""
    return pl.sum_horizontal(*rank_terms(config).values()).alias("rank_score")


def reported(config: Config, hedge: pl.Expr | None = None) -> pl.Expr:
    """The engine's decision on a scored pair: its score reaches `required_score`."""
    return pl.col("score") >= required_score(config, hedge)


def select(scored: pl.DataFrame, claims: pl.DataFrame, config: Config) -> pl.DataFrame:
    """Pairs the engine reports (`reported`: the combined contradiction score reaches `config.nli_threshold`,
    or `config.nli_unrelated_threshold` for unrelated-looking claims, or `config.nli_hedged_threshold` where a
    claim hedges), in the order of `rank_score`."""
    if scored.height == 0 or claims.height == 0:
        return empty(CONTRADICTIONS)
    hits = scored.filter(reported(config))
    if hits.height == 0:
        return empty(CONTRADICTIONS)
    side = claims.select(
        "claim_id", "speaker", "actor", "content", "sentence", "doc_id", "published", "attributed"
    )
    for suffix in ("a", "b"):
        renamed = side.rename({c: f"{_SIDE_COLUMNS.get(c, c)}_{suffix}" for c in side.columns if c != "claim_id"})
        hits = hits.join(renamed.rename({"claim_id": f"claim_{suffix}"}), on=f"claim_{suffix}", how="left")
    hits = hits.filter(reported(config, hedging()))  # now that the contents are here: the bar for hedged claims
    if hits.height == 0:
        return empty(CONTRADICTIONS)

    # a reversal reads earlier -> later: put the earlier-dated claim on side a
    swap = (pl.col("published_b").is_not_null() & pl.col("published_a").is_not_null()
            & (pl.col("published_b") < pl.col("published_a")))
    swaps = []
    for a_suffix, b_suffix in (("_a", "_b"), ("_ab", "_ba")):
        for a in [c for c in hits.columns if c.endswith(a_suffix)]:
            b = a[: -len(a_suffix)] + b_suffix
            if b in hits.columns:
                swaps += [pl.when(swap).then(pl.col(b)).otherwise(pl.col(a)).alias(a),
                          pl.when(swap).then(pl.col(a)).otherwise(pl.col(b)).alias(b)]
    hits = hits.with_columns(swaps)
    hits = hits.with_columns(
        pl.struct("actor_a", "actor_b", "attributed_a", "attributed_b")
        .map_elements(lambda r: _kind(r["actor_a"], r["actor_b"], r["attributed_a"], r["attributed_b"]),
                      return_dtype=pl.Utf8)
        .alias("kind")
    )
    hits = hits.with_columns(_juxtaposed_reply(hits, claims).alias("_reply"),
                             _one_sided_negation(hits, claims).alias("_one_negative"))
    hits = hits.with_columns(rank_score(config)).drop("_reply", "_one_negative")
    hits = hits.sort(["rank_score", "score", "claim_a", "claim_b"], descending=[True, True, False, False])
    return conform(hits, CONTRADICTIONS)


def voiced(speaker: str | None, claim: dict | None) -> str:
    """A side's speaker as the CLI and the explorer's table show it: with the cue when the claim is a denial
    ("a Pentagon official (denied)"), whose content is what is denied, so it never reads as an assertion, or an
    accusation ("The West (accused): Russian forces of also targeting ...")."""
    who = speaker or "?"
    cue = (claim or {}).get("cue") or ""
    if claim and cue and (claim.get("stance") == "deny" or _ACCUSATION.search(cue)):
        who += f" ({cue})"
    return who


#: "accused X of doing Y": the content ("X of doing Y") reads as a sentence only with its cue, as written
#: ("has repeatedly accused"): the stems of the claims stage's accusation verbs
_ACCUSATION = re.compile(r"\b(%s)\w*$" % "|".join(sorted(lemma.rstrip("e") for lemma in ACCUSING)), re.I)


def disagreements(found: pl.DataFrame, claims: pl.DataFrame) -> pl.DataFrame:
    """Actor × actor: number of contradictions, highest score, the pair ranked first (strongest_claim_a/b) and its
    rank_score (top_rank_score: the table's order, like the contradictions'), first and last date involved."""
    schema = {"actor_a": pl.Utf8, "actor_b": pl.Utf8, "count": pl.UInt32, "max_score": pl.Float64,
              "top_rank_score": pl.Float64, "strongest_claim_a": pl.Utf8, "strongest_claim_b": pl.Utf8,
              "first": pl.Utf8, "last": pl.Utf8}
    disputes = found.filter(pl.col("actor_a") != pl.col("actor_b")) if found.height else found
    if disputes.height == 0:
        return pl.DataFrame(schema=schema)
    if "rank_score" not in disputes.columns:  # a hand-made table: the score is the ranking
        disputes = disputes.with_columns(rank_score=pl.col("score"))
    dates = claims.select("claim_id", "published")
    rows = (
        disputes.join(dates.rename({"claim_id": "claim_a", "published": "date_a"}), on="claim_a", how="left")
        .join(dates.rename({"claim_id": "claim_b", "published": "date_b"}), on="claim_b", how="left")
        # an unordered actor pair: (x, y) and (y, x) are one disagreement
        .with_columns(
            pl.min_horizontal("actor_a", "actor_b").alias("lo"), pl.max_horizontal("actor_a", "actor_b").alias("hi")
        )
        .sort(["rank_score", "score"], descending=True)
    )
    table = rows.group_by(["lo", "hi"], maintain_order=True).agg(
        pl.len().alias("count"),
        pl.col("score").max().alias("max_score"),
        pl.col("rank_score").first().alias("top_rank_score"),
        pl.col("claim_a").first().alias("strongest_claim_a"),
        pl.col("claim_b").first().alias("strongest_claim_b"),
        pl.min_horizontal(pl.col("date_a").min(), pl.col("date_b").min()).alias("first"),
        pl.max_horizontal(pl.col("date_a").max(), pl.col("date_b").max()).alias("last"),
    )
    return (table.rename({"lo": "actor_a", "hi": "actor_b"}).select(list(schema)).cast(schema)
            .sort(["top_rank_score", "max_score"], descending=True))


def timeline(found: pl.DataFrame) -> pl.DataFrame:
    """Who contradicted whom, when: one row per contradiction, ordered by the later claim's date."""
    return (
        found.select("published_a", "published_b", "actor_a", "actor_b", "kind", "score", "claim_a", "claim_b",
                     "content_a", "content_b")
        .with_columns(pl.max_horizontal("published_a", "published_b").alias("date"))
        .sort(["date", "score"], descending=[False, True], nulls_last=True)
    )


def explain(analysis, i: int = 0) -> dict:
    """Everything behind contradiction `i`: both sides in full, scores both ways, shared entities, similarity."""
    found = analysis.contradictions
    if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < found.height:
        from engine.errors import EngineError

        raise EngineError(f"no contradiction #{i!r}: there are {found.height} (give a row number from 0)")
    row = found.row(i, named=True)
    # the same rule select() applied
    bar, hedge = found.slice(i, 1).select(required_score(analysis.config, hedged()), hedged()).row(0)
    from engine.nli import views

    claims = analysis.claims
    docs = analysis.documents

    def side(claim_id: str) -> dict:
        rows = claims.filter(pl.col("claim_id") == claim_id).head(1)
        claim = rows.row(0, named=True)
        doc = docs.filter(pl.col("doc_id") == claim["doc_id"])
        doc = doc.row(0, named=True) if doc.height else {}
        keep = ("claim_id", "speaker", "actor", "cue", "stance", "content", "sentence", "start", "end",
                "published", "attributed")
        # what NLI read: the content, or a denial's negation (engine.nli.views.claim_readings)
        return {**{k: claim.get(k) for k in keep}, "read_as": views.claim_readings(rows, analysis.config)[0],
                "document": {k: doc.get(k) for k in ("doc_id", "title", "source", "url", "published", "origin")}}

    a, b = side(row["claim_a"]), side(row["claim_b"])
    # the terms of its rank_score, recomputed on this row as select() computed them
    pair = found.slice(i, 1)
    pair = pair.with_columns(_juxtaposed_reply(pair, claims).alias("_reply"),
                             _one_sided_negation(pair, claims).alias("_one_negative"))
    ranking = {name: round(value, 4) for name, value in pair.select(**rank_terms(analysis.config)).row(0, named=True).items()}
    denials = "".join(f'; {s["speaker"]} {s["cue"]} "{s["content"]}": NLI read it as "{s["read_as"]}"'
                      for s in (a, b) if s["read_as"] != (s["content"] or ""))

    return {
        "rank": i,
        "score": row["score"],
        "kind": row["kind"],
        "a": a,
        "b": b,
        "contradiction_a_then_b": row["contradiction_ab"],
        "contradiction_b_then_a": row["contradiction_ba"],
        "similarity": row["similarity"],
        "shared_entities": list(row["shared_entities"] or []),
        "threshold": bar,
        "view": row["view"],
        "rank_score": row["rank_score"],
        "ranking": ranking,
        "why": (
            f"NLI contradiction {row['contradiction_ab']:.2f} (a→b) and "
            + ("not scored (b→a; a→b was below nli_reverse_min)" if row["contradiction_ba"] is None
               else f"{row['contradiction_ba']:.2f} (b→a)") + ", "
            f"combined {row['score']:.2f} ≥ threshold {bar:.2f}"
            + (" (unrelated-looking claims: no shared entity, low similarity)"
               if bar > analysis.config.nli_threshold and not hedge else "")
            + (" (a claim that hedges — may, could, if ... — asserts a possibility: the higher bar)"
               if hedge and bar > analysis.config.nli_threshold else "") + "; "
            f"cosine similarity {row['similarity']:.2f}"
            + (f"; shared entities: {', '.join(row['shared_entities'])}" if row["shared_entities"] else "")
            + denials
            + ("; scored on the denial's core, its qualifiers left out: "
               + "; ".join(f'"{core}"' for core in
                           views.cores([a["read_as"], b["read_as"]], analysis.config.spacy_model).values())
               if row["view"] == "core" else "")
            + ("; both claims are negative: scored with the negation taken out of both ("
               + " / ".join(f'"{t}"' for t in
                            views.affirm([a["read_as"], b["read_as"]], analysis.config.spacy_model).values())
               + "), the weaker of the two views" if row["view"] == "affirmed" else "")
            + f"; ranked by {row['rank_score']:.2f} = "
            + " + ".join(f"{name} {value:.2f}" for name, value in ranking.items() if value)
        ),
    }


def _with_descendants(actor_ids, actors: pl.DataFrame) -> set:
    wanted = set(actor_ids)
    parents = dict(zip(actors["actor_id"].to_list(), actors["parent"].to_list())) if actors.height else {}
    changed = True
    while changed:
        changed = False
        for child, parent in parents.items():
            if parent in wanted and child not in wanted:
                wanted.add(child)
                changed = True
    return wanted


def _listed(value) -> list | None:
    """A filter's list argument: one string is one item (not its characters)."""
    if value is None or isinstance(value, (list, tuple, set, frozenset)):
        return None if value is None else list(value)
    return [value] if isinstance(value, str) else list(value)


def _iso_date(value, name: str) -> str | None:
    """'YYYY-MM-DD' for a date, a datetime or such a string; one-line error for anything else ("yesterday")."""
    import datetime as dt

    from engine.errors import EngineError

    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise EngineError(f"{name}: {value!r} is not a date (YYYY-MM-DD)") from None


def filter_analysis(analysis, actors=None, min_score=None, since=None, until=None, text=None, doc_ids=None):
    """A narrower Analysis. `actors` includes everyone who speaks for them (part-of descendants). Unknown actors,
    unknown documents and dates that are not dates are one-line errors. The result's `view` says what the filter
    left out (e.g. undated claims when `since` / `until` is given), so its summary does not pass for a run."""
    from engine.errors import EngineError

    actors, doc_ids = _listed(actors), _listed(doc_ids)
    since, until = _iso_date(since, "since"), _iso_date(until, "until")
    for name, asked, known in (("actor", actors, set(analysis.actors["actor_id"].to_list())),
                               ("document", doc_ids, set(analysis.documents["doc_id"].to_list()))):
        unknown = [a for a in asked or () if a not in known]
        if unknown:
            raise EngineError(f"unknown {name}(s): {', '.join(map(str, unknown))}")
    claims = analysis.claims
    found = analysis.contradictions
    wanted = _with_descendants(actors, analysis.actors) if actors else set()
    if actors:
        found = found.filter(pl.col("actor_a").is_in(wanted) | pl.col("actor_b").is_in(wanted))
    if min_score is not None:
        found = found.filter(pl.col("score") >= min_score)
    if doc_ids:
        found = found.filter(pl.col("doc_a").is_in(doc_ids) | pl.col("doc_b").is_in(doc_ids))
        claims = claims.filter(pl.col("doc_id").is_in(doc_ids))
    undated = 0
    if since or until:
        undated = claims.filter(pl.col("published").is_null()).height
        dated = claims.filter(
            pl.col("published").is_not_null()
            & (pl.lit(since is None) | (pl.col("published") >= (since or "")))
            & (pl.lit(until is None) | (pl.col("published") <= (until or "9999")))
        )
        claims = dated
        keep = set(dated["claim_id"].to_list())
        found = found.filter(pl.col("claim_a").is_in(keep) & pl.col("claim_b").is_in(keep))
    if text:
        needle = text.lower()
        found = found.filter(
            pl.col("content_a").str.to_lowercase().str.contains(needle, literal=True)
            | pl.col("content_b").str.to_lowercase().str.contains(needle, literal=True)
            | pl.col("speaker_a").str.to_lowercase().str.contains(needle, literal=True)
            | pl.col("speaker_b").str.to_lowercase().str.contains(needle, literal=True)
        )
    if actors or text:
        involved = set(found["claim_a"].to_list()) | set(found["claim_b"].to_list())
        by_actor = claims.filter(pl.col("actor").is_in(wanted)) if actors else None
        claims = claims.filter(pl.col("claim_id").is_in(involved)) if by_actor is None else pl.concat(
            [by_actor, claims.filter(pl.col("claim_id").is_in(involved))]).unique("claim_id", maintain_order=True)
    documents = analysis.documents.filter(pl.col("doc_id").is_in(claims["doc_id"].unique().to_list()))
    used_actors = set(claims["actor"].drop_nulls().to_list())
    actor_table = analysis.actors.filter(pl.col("actor_id").is_in(_ancestors(used_actors, analysis.actors)))
    # the pairs between the claims kept, so that "pairs scored" stays a part of the pairs possible
    kept = claims["claim_id"].implode()
    scored = analysis.scored.filter(pl.col("claim_a").is_in(kept) & pl.col("claim_b").is_in(kept))
    candidates = analysis.candidates.filter(pl.col("claim_a").is_in(kept) & pl.col("claim_b").is_in(kept))
    asked = [f"{k}={v}" for k, v in (("actors", actors), ("min_score", min_score), ("since", since),
                                      ("until", until), ("text", text), ("doc_ids", doc_ids)) if v]
    view = (f"filtered ({', '.join(asked) or 'no criteria'}) from {analysis.documents.height} documents and "
            f"{analysis.claims.height} claims" + (f"; {undated} undated claims left out" if undated else ""))
    if analysis.view:
        view = f"{analysis.view}; then {view}"
    return dataclasses.replace(analysis, documents=documents, claims=claims, actors=actor_table, candidates=candidates,
                               scored=scored, contradictions=found, view=view)


def _ancestors(actor_ids, actors: pl.DataFrame) -> set:
    parents = dict(zip(actors["actor_id"].to_list(), actors["parent"].to_list())) if actors.height else {}
    out = set()
    for a in actor_ids:
        while a is not None and a not in out:
            out.add(a)
            a = parents.get(a)
    return out
