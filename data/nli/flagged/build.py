"""Build the flagged pairs (see GUIDE.md and README.md in this folder).

    python data/nli/flagged/build.py candidates --model s5=PATH --model written=PATH
    python data/nli/flagged/build.py merge --second OVERLAP.jsonl PART.jsonl...

`candidates` draws similar claim pairs from FNC-1 training articles (engine.nli.mine.flagged_candidates),
scores them with each model and writes those a model flags to candidates.jsonl, shuffled (heavy: ~8 min on
2 cores). `merge` checks the annotators' files against it and writes pairs.jsonl (standard library only).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CANDIDATES = HERE / "candidates.jsonl"
PAIRS = HERE / "pairs.jsonl"
LABELS = ("contradiction", "same", "neutral", "unclear")
#: a pair goes to the annotators when a model scores it at least this (the engine's threshold is 0.5; the
#: shipped model's near-misses count too, as the next model may cross the line there)
MIN_SCORE = {"s5": 0.3, "written": 0.5}


def candidates(models: dict[str, str], n: int = 30_000, seed: int = 13) -> list[dict]:
    sys.path.insert(0, str(HERE.parents[2]))
    from engine.nli import data, mine

    frame = mine.flagged_candidates(data.news_contents("train"), models, n, seed=seed, show_progress=True)
    rows = [r for r in frame.to_dicts() if any(r[m] >= MIN_SCORE.get(m, 0.5) for m in models)]
    random.Random(seed).shuffle(rows)
    for r in rows:
        r["id"] = hashlib.sha1((r["a"] + "\x00" + r["b"]).encode()).hexdigest()[:10]
    return rows


def _read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def merge(parts: list[Path], second: Path | None) -> tuple[list[dict], list[str]]:
    """pairs.jsonl rows: every candidate with `label` (its annotator's) and, where a second annotator read
    it, `label_2`; the problems found (unknown ids or labels, candidates left unlabelled)."""
    cands = {r["id"]: r for r in _read(CANDIDATES)}
    errors: list[str] = []
    labels: dict[str, dict] = {}
    for part in parts:
        for r in _read(part):
            if r.get("id") not in cands:
                errors.append(f"{part.name}: unknown id {r.get('id')!r}")
            elif r.get("label") not in LABELS:
                errors.append(f"{part.name}: {r['id']}: unknown label {r.get('label')!r}")
            else:
                labels[r["id"]] = r
    errors += [f"unlabelled: {i}" for i in cands if i not in labels]
    seconds = {r["id"]: r for r in _read(second)} if second else {}
    out = []
    for i, c in cands.items():
        if i in labels:
            row = dict(c, label=labels[i]["label"], why=labels[i].get("why", ""))
            if i in seconds:
                row.update(label_2=seconds[i]["label"], why_2=seconds[i].get("why", ""))
            out.append(row)
    return out, errors


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("candidates")
    c.add_argument("--model", action="append", required=True, help="NAME=PATH (a column of scores per model)")
    c.add_argument("--n", type=int, default=30_000)
    m = sub.add_parser("merge")
    m.add_argument("parts", nargs="+", type=Path)
    m.add_argument("--second", type=Path, default=None, help="a second annotator's labels of a subset")
    args = p.parse_args(argv)
    if args.cmd == "candidates":
        rows = candidates(dict(x.split("=", 1) for x in args.model), args.n)
        CANDIDATES.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{len(rows)} candidates -> {CANDIDATES}")
        return 0
    rows, errors = merge(args.parts, args.second)
    for e in errors[:20]:
        print(e, file=sys.stderr)
    if errors:
        print(f"{len(errors)} problems: pairs.jsonl not written", file=sys.stderr)
        return 1
    PAIRS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    counts = {lab: sum(r["label"] == lab for r in rows) for lab in LABELS}
    print(f"{len(rows)} pairs -> {PAIRS}: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
