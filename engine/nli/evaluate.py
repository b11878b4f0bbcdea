"""Evaluate an NLI model the way the engine uses it, and write the figures into the model card.

    python -m engine.nli.evaluate                 # the shipped model; updates models/nli-minilm/README.md
    contra eval-nli --model cross-encoder/nli-deberta-v3-base --no-card

Figures: SICK TEST (3-way accuracy, contradiction P/R/F1), the held-out 20% of FEVER claims (2-way:
entailment vs not; predicted entailment = the entailment label wins), random pairs of sentences from
unrelated FNC-1 articles never used in training (false-contradiction rate), the project's news
contradiction set (data/news_nli dev/test) and the seed pairs (data/news_nli/seed_pairs.jsonl).

"Engine decision" = what engine.nli.score_pairs + the default thresholds do: a pair is a contradiction
when the mean of its two directions' contradiction probabilities is >= 0.5, or >= 0.9 where a side hedges
("may", "could", "if ...": engine.contradictions.hedged), with a debunk read as what it asserts
(engine.nli.views.readings). The bar for unrelated-looking pairs needs their
embeddings and is left out here (on the news set it changes nothing: see the model card).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from engine.nli import data
from engine.nli.model import SHIPPED_DIR, load

CARD_START, CARD_END = "<!-- metrics:start -->", "<!-- metrics:end -->"


def _prf(gold: np.ndarray, pred: np.ndarray) -> dict:
    tp = int((gold & pred).sum())
    p = tp / max(1, int(pred.sum()))
    r = tp / max(1, int(gold.sum()))
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / max(1e-9, p + r), 4)}


def both_ways(model, premises, hypotheses, batch_size):
    """(probs a->b, probs b->a) with one predict call."""
    pairs = list(zip(premises, hypotheses))
    probs = model.predict(pairs + [(h, p) for p, h in pairs], batch_size=batch_size)
    return probs[: len(pairs)], probs[len(pairs):]


def engine_scores(model, premises, hypotheses, batch_size, full):
    """What the engine computes for a pair (engine.nli.score.pair_scores with the default Config: both
    directions combined, the denial's core view), from the full-view probabilities `full` = (ab, ba), unless
    the engine would re-score with the model's exact graph (Config.nli_exact): then exactly as the engine does.

    Like the engine, NLI reads a debunk as what it asserts ("the reports that X are false" -> "not X",
    engine.nli.views.readings; the sets carry no cue verbs, so speakers' denials are already their text)."""
    from engine.config import Config
    from engine.nli.score import pair_scores
    from engine.nli.views import readings

    config = Config(nli_batch_size=batch_size, show_progress=False)
    premises, hypotheses = list(premises), list(hypotheses)
    if config.nli_denial_reading:
        none = [None] * len(premises)
        read_p, read_h = readings(premises, none, none), readings(hypotheses, none, none)
        if (read_p, read_h) != (premises, hypotheses):
            premises, hypotheses, full = read_p, read_h, None  # `full` scored the unread texts
    if model.has_exact and config.nli_exact:
        full = None
    return pair_scores(model, premises, hypotheses, config, full=full)


def engine_decision(scores, premises, hypotheses) -> np.ndarray:
    """Which pairs the engine would report, from their engine scores (engine.contradictions.reported)."""
    import polars as pl

    from engine.config import Config
    from engine.contradictions import hedging, reported

    frame = pl.DataFrame({"score": np.asarray(scores, dtype=np.float64), "premise": list(premises),
                          "hypothesis": list(hypotheses)}).with_columns(
        similarity=pl.lit(None, dtype=pl.Float64), shared_entities=pl.lit(None, dtype=pl.List(pl.Utf8)))
    return frame.select(reported(Config(), hedging("premise", "hypothesis")))[:, 0].to_numpy()


def three_way(model, frame, batch_size) -> dict:
    ab, ba = both_ways(model, frame["premise"].to_list(), frame["hypothesis"].to_list(), batch_size)
    labels = np.array(model.labels)
    gold = np.array(frame["label"].to_list())
    pred = labels[ab.argmax(axis=1)]
    engine_c = engine_decision(engine_scores(model, frame["premise"], frame["hypothesis"], batch_size, (ab, ba))[2],
                               frame["premise"], frame["hypothesis"])
    out = {"n": len(gold), "accuracy": round(float((pred == gold).mean()), 4),
           "contradiction": _prf(gold == "contradiction", pred == "contradiction"),
           "contradiction_engine": _prf(gold == "contradiction", engine_c)}
    out["counts"] = {l: int((gold == l).sum()) for l in ("contradiction", "entailment", "neutral")}
    return out


def fever_heldout(model, batch_size, limit=None) -> dict:
    frame = data.fever("heldout")
    if limit:
        frame = frame.head(limit)
    probs = model.predict(list(zip(frame["premise"], frame["hypothesis"])), batch_size=batch_size)
    pred_ent = probs.argmax(axis=1) == model.index("entailment")
    gold_ent = np.array(frame["label"].to_list()) == "entailment"
    return {"n": len(gold_ent), "accuracy": round(float((pred_ent == gold_ent).mean()), 4),
            "entailment": _prf(gold_ent, pred_ent)}


def random_pairs(model, n, batch_size, seed=7) -> dict:
    frame = data.random_news_pairs(n, split="eval", seed=seed)
    ab, ba = both_ways(model, frame["premise"].to_list(), frame["hypothesis"].to_list(), batch_size)
    c = model.index("contradiction")
    engine_c = engine_decision(engine_scores(model, frame["premise"], frame["hypothesis"], batch_size, (ab, ba))[2],
                               frame["premise"], frame["hypothesis"])
    return {"n": frame.height,
            "false_contradiction_engine": round(float(engine_c.mean()), 4),
            "false_contradiction_argmax_ab": round(float((ab.argmax(axis=1) == c).mean()), 4)}


def seed_pairs(model, batch_size) -> list[dict]:
    path = data.NEWS_NLI_DIR / "seed_pairs.jsonl"
    if not path.exists():
        return []
    rows = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    premises, hypotheses = [r["premise"] for r in rows], [r["hypothesis"] for r in rows]
    ab, ba, score, view = engine_scores(model, premises, hypotheses, batch_size,
                                        both_ways(model, premises, hypotheses, batch_size))
    c = model.index("contradiction")
    return [{"id": r["id"], "label": r["label"], "contradiction_ab": round(float(x[c]), 3),
             "contradiction_ba": round(float(y[c]), 3), "score": round(float(s), 3), "view": v}
            for r, x, y, s, v in zip(rows, ab, ba, score, view)]


def evaluate(model, sets=("sick", "fever", "random", "news", "seed"), batch_size=32, limit=None,
             random_n=1000) -> dict:
    res: dict = {}
    t0 = time.time()
    if "sick" in sets:
        frame = data.sick(("TEST",))
        res["sick_test"] = three_way(model, frame.head(limit) if limit else frame, batch_size)
    if "fever" in sets:
        res["fever_heldout"] = fever_heldout(model, batch_size, limit)
    if "random" in sets:
        res["random_news_pairs"] = random_pairs(model, min(random_n, limit or random_n), batch_size)
    if "news" in sets:
        for split in ("dev", "test"):
            if (data.NEWS_NLI_DIR / f"{split}.jsonl").exists():
                res[f"news_{split}"] = three_way(model, data.news_nli(split), batch_size)
    if "seed" in sets:
        res["seed_pairs"] = seed_pairs(model, batch_size)
    res["seconds"] = round(time.time() - t0, 1)
    return res


def markdown(res: dict, model_name: str, backend: str, fast: str = "") -> str:
    lines = [f"Measured by `python -m engine.nli.evaluate` on `{model_name}` (backend {backend}"
             + (f", fast pass {fast}" if fast else "") + ").", "",
             "| set | n | accuracy | contradiction P / R / F1 (argmax a→b) | contradiction F1 (engine decision) |",
             "|---|---|---|---|---|"]
    for key in ("sick_test", "news_dev", "news_test"):
        if key in res:
            r = res[key]
            c, ce = r["contradiction"], r["contradiction_engine"]
            lines.append(f"| {key} | {r['n']} | {r['accuracy']:.3f} | {c['precision']:.3f} / {c['recall']:.3f} / "
                         f"{c['f1']:.3f} | {ce['f1']:.3f} (P {ce['precision']:.3f} R {ce['recall']:.3f}) |")
    if "fever_heldout" in res:
        r = res["fever_heldout"]
        lines.append(f"| fever_heldout (2-way) | {r['n']} | {r['accuracy']:.3f} | – | – |")
    if "random_news_pairs" in res:
        r = res["random_news_pairs"]
        lines += ["", f"Random pairs of sentences from unrelated news articles (n={r['n']}): called contradiction "
                  f"{100 * r['false_contradiction_engine']:.1f}% (engine decision), "
                  f"{100 * r['false_contradiction_argmax_ab']:.1f}% (argmax, one direction)."]
    if res.get("seed_pairs"):
        lines += ["", "| seed pair | gold | contradiction a→b | b→a | engine score | view |", "|---|---|---|---|---|---|"]
        lines += [f"| {r['id']} | {r['label']} | {r['contradiction_ab']:.3f} | {r['contradiction_ba']:.3f} | "
                  f"{r['score']:.3f} | {r.get('view', 'full')} |" for r in res["seed_pairs"]]
        lines += ["", "Engine decision / engine score: what `engine.nli.score_pairs` computes — the contradiction "
                  "probability averaged over both directions, and for a denial paired with a claim the stronger "
                  "of the full view and the denial's core view (`engine.nli.views`); threshold 0.5, or 0.9 where "
                  "a side hedges (`engine.contradictions.hedged`: may, could, if ...). "
                  "The a→b / b→a columns are the view the engine kept."]
    return "\n".join(lines)


def write_card(card: Path, text: str) -> None:
    old = card.read_text(encoding="utf-8") if card.exists() else f"# NLI model\n\n## Metrics\n\n{CARD_START}\n{CARD_END}\n"
    if CARD_START not in old:
        old += f"\n## Metrics\n\n{CARD_START}\n{CARD_END}\n"
    new = re.sub(re.escape(CARD_START) + ".*?" + re.escape(CARD_END), lambda _: f"{CARD_START}\n{text}\n{CARD_END}",
                 old, flags=re.S)
    card.write_text(new, encoding="utf-8")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="contra eval-nli", description="Evaluate an NLI model; update its model card.")
    p.add_argument("--model", default=None, help="model name or folder (default: the shipped models/nli-minilm)")
    p.add_argument("--backend", default="auto", choices=["auto", "torch", "onnx"])
    p.add_argument("--fast", default="auto", choices=["auto", "bf16", "int8", "fp32"],
                   help="the fast pass behind the argmax a->b columns (the engine decision is always exact)")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-length", type=int, default=128)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--sets", default="sick,fever,random,news,seed",
                   help="comma-separated subset of sick,fever,random,news,seed (default: all)")
    p.add_argument("--limit", type=int, default=None, help="cap each set at N pairs (quick checks)")
    p.add_argument("--random-pairs", type=int, default=1000, help="random news pairs to score (default: %(default)s)")
    p.add_argument("--json", default=None, help="also write the figures to this JSON file")
    p.add_argument("--card", default=None, help="model card to update (default: MODEL/README.md for a local model)")
    p.add_argument("--no-card", action="store_true", help="do not touch any model card")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from engine.errors import EngineError

    try:
        model = load(args.model, backend=args.backend, max_length=args.max_length, threads=args.threads,
                     fast=args.fast)
    except EngineError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    res = evaluate(model, sets=tuple(args.sets.split(",")), batch_size=args.batch_size, limit=args.limit,
                   random_n=args.random_pairs)
    res["model"], res["backend"], res["fast"] = model.name, model.backend, model.fast
    print(json.dumps(res, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=1) + "\n")
    if not args.no_card and not args.limit:
        card = Path(args.card) if args.card else (model.path / "README.md" if model.path else None)
        if card is not None:
            shown = str(model.path.relative_to(SHIPPED_DIR.parent.parent)) if model.path and \
                model.path.is_relative_to(SHIPPED_DIR.parent.parent) else model.name
            write_card(card, markdown(res, shown, model.backend, model.fast))
            print(f"wrote metrics into {card}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
