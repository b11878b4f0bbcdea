"""Build dev.jsonl / test.jsonl from the hand-labelled pair files and check every pair against its source.

Run from the repository root with ../shared beside it:  python data/news_nli/build.py
Checks (GUIDE.md edit codes): V = the text occurs verbatim in the source document; F / T = at least 85%
of its words occur in the source document; R = annotator-written, not checked. A failed check stops the build.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
POLNEAR = ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"
sys.path.insert(0, str(HERE))

import pairs_fnc1  # noqa: E402
import pairs_polnear  # noqa: E402
import pairs_random  # noqa: E402
import pairs_seed  # noqa: E402


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("''", '"')
    text = text.replace("—", "-").replace("–", "-").replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9$]+", norm(text).lower())


def fnc_bodies() -> dict[str, str]:
    csv.field_size_limit(10**8)
    with open(ROOT / "data" / "nli" / "fnc1_train_bodies.csv", encoding="utf-8") as f:
        return {r["Body ID"]: r["articleBody"] for r in csv.DictReader(f)}


def resolve(origin, bodies) -> tuple[str, str]:
    """(origin as written in the JSONL, source text)."""
    if isinstance(origin, int):
        return f"data/nli/fnc1_train_bodies.csv#Body ID {origin}", bodies[str(origin)]
    if origin == "seed":
        return "data/seed/mee-assad-shoigu-damascus.txt", (ROOT / "data" / "seed" / "mee-assad-shoigu-damascus.txt").read_text(encoding="utf-8")
    prefix, offset = origin.rsplit("@", 1)
    matches = sorted(POLNEAR.glob(prefix + "*.txt"))
    if len(matches) != 1:
        raise SystemExit(f"PolNeAR origin {origin!r} matches {len(matches)} files")
    return f"polnear/train/text/{matches[0].name}@{offset}", matches[0].read_text(encoding="utf-8")


def check(text: str, code: str, source: str) -> str | None:
    if code == "R":
        return None
    if code == "V":
        # quotation marks are dropped in the pairs (the engine strips them with the frame)
        bare = lambda t: re.sub(r"\s+", " ", norm(t).replace('"', "").replace("'", "")).strip()
        return None if bare(text).rstrip(".!") in bare(source) else "not verbatim in source"
    src = set(words(source))
    w = words(text)
    share = sum(x in src for x in w) / max(1, len(w))
    return None if share >= 0.85 else f"only {share:.0%} of words in source"


def main() -> int:
    bodies = fnc_bodies()
    rows, problems = [], []
    for module in (pairs_fnc1, pairs_seed, pairs_polnear, pairs_random):
        for (split, cluster), pairs in module.CLUSTERS.items():
            for premise, hypothesis, label, po, ho, pe, he in pairs:
                p_origin, p_src = resolve(po, bodies)
                h_origin, h_src = resolve(ho, bodies)
                for side, text, code, src in (("premise", premise, pe, p_src), ("hypothesis", hypothesis, he, h_src)):
                    why = check(text, code, src)
                    if why:
                        problems.append(f"{cluster}: {side} [{code}] {why}: {text[:90]}")
                pid = hashlib.sha1(f"{premise}\t{hypothesis}".encode()).hexdigest()[:10]
                rows.append({"id": pid, "split": split, "cluster": cluster, "premise": premise, "hypothesis": hypothesis,
                             "label": label, "premise_origin": p_origin, "hypothesis_origin": h_origin,
                             "premise_edit": pe, "hypothesis_edit": he})
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate pairs"
    for split in ("dev", "test"):
        part = [r for r in rows if r["split"] == split]
        with open(HERE / f"{split}.jsonl", "w", encoding="utf-8") as f:
            for r in part:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        counts = {l: sum(r["label"] == l for r in part) for l in ("contradiction", "entailment", "neutral")}
        print(split, len(part), counts, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
