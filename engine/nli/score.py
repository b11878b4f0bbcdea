"""Score candidate claim pairs with the NLI model in both directions (the pipeline's NLI stage)."""
from __future__ import annotations

import numpy as np
import polars as pl

from engine.config import Config
from engine.errors import ConfigError
from engine.schema import SCORED, conform

COMBINE = {"mean": lambda a, b: (a + b) / 2, "max": np.maximum, "min": np.minimum}


def score_pairs(claims: pl.DataFrame, candidates: pl.DataFrame, config: Config) -> pl.DataFrame:
    """One row per candidate pair: contradiction / entailment / neutral probabilities both ways and `score`.

    NLI sees each claim's `content` (the proposition without its attribution frame); premise a,
    hypothesis b gives the *_ab columns, and the reverse the *_ba columns. The *_ba columns are null for
    pairs whose a->b contradiction is below `config.nli_reverse_min` (b->a not scored; see Config).
    """
    if config.nli_combine not in COMBINE:
        raise ConfigError(f"nli_combine must be one of {', '.join(COMBINE)}, not {config.nli_combine!r}")
    if candidates is None or candidates.height == 0:
        return conform(None, SCORED)
    from engine.nli.model import load

    content = claims.select(pl.col("claim_id").cast(pl.Utf8), pl.col("content").fill_null("").cast(pl.Utf8))
    pairs = (
        candidates.join(content.rename({"claim_id": "claim_a", "content": "content_a"}), on="claim_a", how="left")
        .join(content.rename({"claim_id": "claim_b", "content": "content_b"}), on="claim_b", how="left")
        .with_columns(pl.col("content_a").fill_null(""), pl.col("content_b").fill_null(""))
    )
    a, b = pairs["content_a"].to_list(), pairs["content_b"].to_list()
    model = load(config.nli_model, backend=config.nli_backend, max_length=config.nli_max_length,
                 threads=config.threads, fast=config.nli_fast)
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
    c, e, n = (model.index(x) for x in ("contradiction", "entailment", "neutral"))
    screen = config.nli_reverse_min if config.nli_threshold >= config.nli_reverse_min else 0.0
    exact = config.nli_exact
    if full is not None:
        ab, ba = full
    elif screen <= 0:
        # both directions in one call: predict() de-duplicates and length-sorts across all of them
        probs = model.predict(list(zip(a, b)) + list(zip(b, a)), batch_size=config.nli_batch_size,
                              show_progress=config.show_progress, exact=exact)
        ab, ba = probs[: len(a)], probs[len(a):]
    else:
        # a->b first (the fast graph); both ways again only where a->b is not clearly free of contradiction:
        # b->a for about a tenth of the pairs, and, with nli_exact, exact a->b for the same pairs
        ab = model.predict(list(zip(a, b)), batch_size=config.nli_batch_size, show_progress=config.show_progress)
        ba = np.full_like(ab, np.nan)
        again = np.flatnonzero(ab[:, c] >= screen)
        if again.size and exact and model.has_exact:
            probs = model.predict([(a[i], b[i]) for i in again] + [(b[i], a[i]) for i in again],
                                  batch_size=config.nli_batch_size, show_progress=config.show_progress, exact=True)
            ab[again], ba[again] = probs[: again.size], probs[again.size:]
        elif again.size:
            ba[again] = model.predict([(b[i], a[i]) for i in again], batch_size=config.nli_batch_size,
                                      show_progress=config.show_progress)
    combined = COMBINE[config.nli_combine](ab[:, c], ba[:, c])
    combined = np.where(np.isnan(combined), ab[:, c], combined)  # screened out: a->b alone (below the screen)
    view = np.array(["full"] * len(a), dtype=object)
    if config.nli_core_view:
        ab, ba, combined = _core_view(model, a, b, ab, ba, combined, view, config)
    return ab, ba, combined, view


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
    probs = model.predict(list(zip(ca, cb)) + list(zip(cb, ca)), batch_size=config.nli_batch_size,
                          show_progress=False, exact=config.nli_exact)
    cab, cba = probs[: len(rows)], probs[len(rows):]
    c = model.index("contradiction")
    core_combined = COMBINE[config.nli_combine](cab[:, c], cba[:, c])
    rows = np.array(rows)
    better = core_combined > combined[rows]
    ab, ba, combined = ab.copy(), ba.copy(), combined.copy()
    ab[rows[better]], ba[rows[better]] = cab[better], cba[better]
    combined[rows[better]] = core_combined[better]
    view[rows[better]] = "core"
    return ab, ba, combined
