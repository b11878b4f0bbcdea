"""Build the written NLI pairs (see GUIDE.md in this folder).

    python data/nli/written/build.py premises            # (re)draw premises.jsonl from FNC-1 training articles
    python data/nli/written/build.py merge PART.jsonl... # check the writers' files, write pairs.jsonl

`premises` needs the engine's claims stage (spaCy); `merge` only the standard library.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PREMISES = HERE / "premises.jsonl"
PAIRS = HERE / "pairs.jsonl"
LABELS = {"denial": "contradiction", "conflict": "contradiction", "follows": "entailment", "related": "neutral",
          "hedge_denial": "neutral"}
REQUIRED = ("denial", "conflict", "follows", "related")
NEGATION = re.compile(r"\b(not|no|never|nothing|none|nobody|neither|nor|false|fake|deny|denies|denied|"
                      r"untrue|hoax)\b|n't", re.I)
WORD = re.compile(r"[a-z0-9]+")


def draw_premises(rounds: int = 2, per_article: int = 4, seed: int = 2026) -> list[dict]:
    """Claim contents (7-35 words, not a question or a dangling clause) of every FNC-1 training article, in
    `rounds`: round k takes the k-th `per_article` of each article's shuffled contents, shuffled; pids run on
    across rounds (the first round does not depend on how many follow)."""
    sys.path.insert(0, str(HERE.parents[2]))
    from engine.nli import data

    rng = random.Random(seed)
    by_article: dict[str, list[str]] = {}
    for body, content in data.news_contents("train"):
        if 7 <= len(content.split()) <= 35 and not content.endswith("?") \
                and not re.match(r"^(and|but|or|because)\b", content, re.I):
            by_article.setdefault(body, []).append(content)
    for contents in by_article.values():
        rng.shuffle(contents)
    out = []
    for k in range(rounds):
        chosen = [(b, c) for b, cs in by_article.items() for c in cs[k * per_article:(k + 1) * per_article]]
        rng.shuffle(chosen)
        out += [{"pid": f"p{len(out) + i:04d}", "body_id": b, "premise": c, "round": k + 1}
                for i, (b, c) in enumerate(chosen)]
    return out


def _words(text: str) -> set[str]:
    return set(WORD.findall(NEGATION.sub(" ", text.lower())))


def problems(premise: str, rows: list[dict]) -> list[str]:
    """What is wrong with the hypotheses written for one premise (empty: fine)."""
    kinds = [r["kind"] for r in rows]
    out = [f"{k}: {kinds.count(k)} lines" for k in REQUIRED if kinds.count(k) != 1]
    out += [f"unknown kind {k}" for k in kinds if k not in LABELS]
    for r in rows:
        h = r["hypothesis"].strip()
        if not h or h.lower().rstrip(".") == premise.lower().rstrip("."):
            out.append(f"{r['kind']}: repeats the premise")
        if r["kind"] == "conflict" and set(NEGATION.findall(h.lower())) - set(NEGATION.findall(premise.lower())):
            out.append(f"conflict has a negation word: {h!r}")
        if r["kind"] == "denial":
            a, b = _words(premise), _words(h)
            if a and len(a & b) / len(a | b) >= 0.85:
                out.append(f"denial is the premise with a negation inserted: {h!r}")
    return out


def merge(parts: list[Path]) -> tuple[list[dict], list[str], int]:
    premises = {p["pid"]: p for p in map(json.loads, PREMISES.read_text().splitlines())}
    written: dict[str, list[dict]] = {}
    skipped, errors = set(), []
    for part in parts:
        for n, line in enumerate(part.read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                errors.append(f"{part.name}:{n}: not JSON ({e.msg})")
                continue
            if row.get("pid") not in premises:
                errors.append(f"{part.name}:{n}: unknown pid {row.get('pid')!r}")
            elif "skip" in row:
                skipped.add(row["pid"])
            else:
                written.setdefault(row["pid"], []).append(row)
    rows, dropped = [], 0
    for pid in sorted(written):
        premise = premises[pid]
        bad = problems(premise["premise"], written[pid])
        if bad:  # drop the whole premise: a partly written one would unbalance the labels
            errors.append(f"{pid}: dropped ({'; '.join(bad)})")
            dropped += 1
            continue
        for r in written[pid]:
            rows.append({"pid": pid, "body_id": premise["body_id"], "premise": premise["premise"],
                         "hypothesis": r["hypothesis"].strip(), "label": LABELS[r["kind"]], "kind": r["kind"]})
    missing = set(premises) - set(written) - skipped
    if missing:
        errors.append(f"{len(missing)} premises neither written nor skipped")
    return rows, errors, len(skipped)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("premises")
    m = sub.add_parser("merge")
    m.add_argument("parts", nargs="+", type=Path)
    args = p.parse_args(argv)
    if args.command == "premises":
        rows = draw_premises()
        PREMISES.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        print(f"{len(rows)} premises -> {PREMISES}")
        return 0
    rows, errors, skipped = merge(args.parts)
    for e in errors:
        print(e, file=sys.stderr)
    PAIRS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    counts = {k: sum(r["kind"] == k for r in rows) for k in LABELS}
    print(f"{len(rows)} pairs from {len({r['pid'] for r in rows})} premises ({skipped} skipped) -> {PAIRS}: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
