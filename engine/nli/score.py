"""Score candidate claim pairs with the NLI model in both directions (the pipeline's NLI stage)."""
from __future__ import annotations

import numpy as np
import polars as pl

from engine.config import Config
from engine.schema import SCORED, conform

COMBINE = {"mean": lambda a, b: (a + b) / 2, "max": np.maximum, "min": np.minimum}


def score_pairs(claims: pl.DataFrame, candidates: pl.DataFrame, config: Config) -> pl.DataFrame:
    """One row per candidate pair: contradiction / entailment / neutral probabilities both ways and `score`.

    NLI sees each claim's `content` (the proposition without its attribution frame; for a denial, its
    negation: engine.nli.views.readings); premise a,
    hypothesis b gives the *_ab columns, and the reverse the *_ba columns. The *_ba columns are null for
    pairs whose a->b contradiction is below `config.nli_reverse_min` (b->a not scored; see Config).
    """
    if candidates is None or candidates.height == 0:
        return conform(None, SCORED)
    from engine.nli.model import load_for

    from engine.nli.views import claim_readings

    # what NLI reads: the content, a denial as the negation of what it denies; only for the claims these
    # candidates touch (the store scores chunk by chunk against its whole claim table)
    ids = pl.concat([candidates["claim_a"], candidates["claim_b"]]).unique()
    touched = claims.filter(pl.col("claim_id").is_in(ids.implode()))
    content = touched.select(pl.col("claim_id").cast(pl.Utf8)).with_columns(
        pl.Series("content", claim_readings(touched, config), dtype=pl.Utf8))
    pairs = (
        candidates.join(content.rename({"claim_id": "claim_a", "content": "content_a"}), on="claim_a", how="left")
        .join(content.rename({"claim_id": "claim_b", "content": "content_b"}), on="claim_b", how="left")
        .with_columns(pl.col("content_a").fill_null(""), pl.col("content_b").fill_null(""))
    )
    a, b = pairs["content_a"].to_list(), pairs["content_b"].to_list()
    model = load_for(config)
    ab, ba, combined, view = pair_scores(model, a, b, config)
    c, e, n = (model.index(x) for x in ("contradiction", "entailment", "neutral"))
    scored = pairs.select("claim_a", "claim_b", "similarity", "shared_entities").with_columns(
        pl.Series("score", combined.astype(np.float64)),
        *[pl.Series(f"{name}_{d}", probs[:, i].astype(np.float64), nan_to_null=True)
          for name, i in (("contradiction", c), ("entailment", e), ("neutral", n)) for d, probs in (("ab", ab), ("ba", ba))],
        pl.Series("view", view.tolist(), dtype=pl.Utf8),
    )
    return conform(scored, SCORED).select(list(SCORED))


def pair_scores(model, a: list[str], b: list[str], config: Config, full=None):
    """The engine's NLI verdict on pairs (a[i], b[i]): probabilities a->b and b->a (rows of NaN where b->a
    was screened out), the combined contradiction score, and the view ("full" / "core") behind it.
    `full`: the full-view (a->b, b->a) probabilities when the caller already has them (no screen then)."""
    c = model.index("contradiction")
    ab, ba = full if full is not None else _screened(model, a, b, config, config.show_progress)
    combined = _combined(ab[:, c], ba[:, c], config)
    view = np.array(["full"] * len(a), dtype=object)
    if config.nli_core_view:
        ab, ba, combined = _core_view(model, a, b, ab, ba, combined, view, config)
    if config.nli_affirmed_view:
        ab, ba, combined = _affirmed_view(model, a, b, ab, ba, combined, view, config)
    return ab, ba, combined, view


def _screened(model, a, b, config: Config, progress: bool = False):
    """a->b first, with the fast pass; both ways only where a->b is not clearly free of contradiction (about a
    tenth of the pairs; b->a stays NaN for the others), and exactly where the result could be reported.
    Without a screen (see _screen_level), both ways for every pair."""
    screen = _screen_level(config)
    if screen <= 0:
        return _exact_where(model, a, b, config)
    c = model.index("contradiction")
    ab = model.predict(list(zip(a, b)), batch_size=config.nli_batch_size, show_progress=progress)
    ba = np.full_like(ab, np.nan)
    again = np.flatnonzero(ab[:, c] >= screen)
    if again.size:
        ab[again], ba[again] = _exact_where(model, [a[i] for i in again], [b[i] for i in again], config, ab[again])
    return ab, ba


def _screen_level(config: Config) -> float:
    """a->b contradiction below which b->a is not scored (0: no screen, when the threshold is below it)."""
    return config.nli_reverse_min if config.nli_threshold >= config.nli_reverse_min else 0.0


def _combined(ab_c, ba_c, config: Config):
    combined = COMBINE[config.nli_combine](ab_c, ba_c)
    return np.where(np.isnan(combined), ab_c, combined)  # screened out: a->b alone (below the screen)


def _both_ways(model, a, b, config: Config, exact: bool):
    # both directions in one call: predict() de-duplicates and length-sorts across all of them
    probs = model.predict(list(zip(a, b)) + list(zip(b, a)), batch_size=config.nli_batch_size,
                          show_progress=config.show_progress and len(a) > 256, exact=exact)
    return probs[: len(a)], probs[len(a):]


def _exact_where(model, a, b, config: Config, ab_fast=None):
    """Both directions of pairs (a[i], b[i]), exact wherever the combined score could reach the threshold.

    Without Config.nli_exact (or a model whose one pass is already exact): the fast pass both ways. With a
    bf16 fast pass (within ~0.03 of fp32): b->a fast, then fp32 both ways for the pairs whose fast score is
    within `nli_exact_margin` of the threshold or above it. With the int8 pass, whose scores differ from fp32
    by up to ~0.4 (news claim pairs; 0.2 at the 99.9th percentile): fp32 both ways for every pair."""
    exact = config.nli_exact and model.has_exact
    if exact and model.fast != "bf16":
        return _both_ways(model, a, b, config, exact=True)
    if ab_fast is None:
        ab, ba = _both_ways(model, a, b, config, exact=False)
    else:
        ab = ab_fast.copy()
        ba = model.predict(list(zip(b, a)), batch_size=config.nli_batch_size, show_progress=False)
    if not exact:
        return ab, ba
    c = model.index("contradiction")
    close = np.flatnonzero(COMBINE[config.nli_combine](ab[:, c], ba[:, c])
                           >= config.nli_threshold - config.nli_exact_margin)
    if close.size:
        ab[close], ba[close] = _both_ways(model, [a[i] for i in close], [b[i] for i in close], config, exact=True)
    return ab, ba


def _core_view(model, a, b, ab, ba, combined, view, config: Config):
    """Where one side is a denial and the other is not, score the denial's core against the other claim
    (both ways) and keep whichever view contradicts more strongly (see engine.nli.views)."""
    from engine.nli import views

    core = views.cores(a + b, config.spacy_model)
    rows = [i for i in range(len(a)) if views.is_negated(a[i]) != views.is_negated(b[i])
            and (a[i] in core or b[i] in core)]
    if not rows:
        return ab, ba, combined
    ca, cb = [core.get(a[i], a[i]) for i in rows], [core.get(b[i], b[i]) for i in rows]
    cab, cba = _screened(model, ca, cb, config)
    return _take_view("core", np.greater, rows, cab, cba, model, ab, ba, combined, view, config)


def _affirmed_view(model, a, b, ab, ba, combined, view, config: Config):
    """Where both sides are negated and the score could be reported, score them with the negation taken out
    of both (views.affirm) and keep the weaker view: the model reads two denials of the same thing as a
    conflict of negation words (see engine.nli.views)."""
    from engine.nli import views

    rows = [i for i in range(len(a)) if combined[i] >= config.nli_threshold
            and views.is_negative(a[i]) and views.is_negative(b[i])]
    positive = views.affirm([a[i] for i in rows] + [b[i] for i in rows], config.spacy_model) if rows else {}
    rows = [i for i in rows if a[i] in positive and b[i] in positive]
    if not rows:
        return ab, ba, combined
    pab, pba = _exact_where(model, [positive[a[i]] for i in rows], [positive[b[i]] for i in rows], config)
    return _take_view("affirmed", np.less, rows, pab, pba, model, ab, ba, combined, view, config)


def _take_view(name, wins, rows, vab, vba, model, ab, ba, combined, view, config: Config):
    """For the pairs `rows`, scored in another view (probabilities `vab`, `vba`): where `wins(its score, the
    current score)`, that view's probabilities and score replace the pair's and `view` takes its name."""
    c = model.index("contradiction")
    scores = _combined(vab[:, c], vba[:, c], config)
    rows = np.asarray(rows)
    take = wins(scores, combined[rows])
    ab, ba, combined = ab.copy(), ba.copy(), combined.copy()
    ab[rows[take]], ba[rows[take]] = vab[take], vba[take]
    combined[rows[take]] = scores[take]
    view[rows[take]] = name
    return ab, ba, combined
