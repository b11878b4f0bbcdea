"""Scale figures: end-to-end seconds by corpus size (fresh process each, models loaded inside the timing),
and peak memory of the candidate stage on synthetic embeddings.

    python -m bench.scale e2e 1000        # one JSON line: claims, seconds, pairs scored, ...
    python -m bench.scale rss 100000      # one JSON line: peak RSS of candidates.block at 100k claims
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

def peak_rss_mib() -> float:
    """This process's peak resident memory. VmHWM, because getrusage's ru_maxrss survives exec: a child
    started from a big parent would report the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


#: measured on the bundled corpus (claims per document, shuffled order); the run reports the exact count
CLAIMS_PER_DOC = 24.0


def _timed_stages(timings: dict) -> None:
    """Wrap the stage functions engine.pipeline calls, to report where the seconds go."""
    import engine.pipeline as pipeline

    def wrap(owner, name, label):
        inner = getattr(owner, name)

        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return inner(*args, **kwargs)
            finally:
                timings[label] = round(timings.get(label, 0.0) + time.perf_counter() - t, 1)

        setattr(owner, name, timed)

    for module, name in (("ingest", "load_documents"), ("claims", "extract"), ("actors", "resolve"),
                         ("embed", "encode"), ("dedupe", "group"), ("candidates", "block"),
                         ("contradictions", "select")):
        wrap(getattr(pipeline, module), name, module)
    wrap(pipeline, "score_pairs", "nli")


def e2e(target_claims: int, seed: int = 13) -> dict:
    """engine.analyze on the first documents of the shuffled bundled corpus, sized for ~target claims."""
    started = time.perf_counter()
    import engine
    from engine import datasets

    stages: dict = {}
    _timed_stages(stages)
    docs = datasets.load("corpus", sample=10**6, seed=seed).head(max(1, round(target_claims / CLAIMS_PER_DOC)))
    result = engine.analyze(docs, show_progress=False)
    seconds = time.perf_counter() - started
    return {
        "target_claims": target_claims, "documents": result.documents.height, "claims": result.claims.height,
        "seconds": round(seconds, 1), "pairs_scored": result.pairs_scored,
        "pairs_scored_fraction": result.pairs_scored / max(1, result.pairs_possible),
        "contradictions": result.contradictions.height, "stage_seconds": stages,
        "peak_rss_mib": round(peak_rss_mib()),
    }


def synthetic_claims(n: int, dim: int = 384, seed: int = 13):
    """n claims in clusters ("stories") with Zipf-distributed entities; vectors L2-normalised float32."""
    import polars as pl

    rng = np.random.default_rng(seed)
    stories = max(1, n // 20)
    centres = rng.standard_normal((stories, dim)).astype(np.float32)
    story = rng.integers(0, stories, n)
    vectors = centres[story] + 0.8 * rng.standard_normal((n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vocab = np.array([f"entity {i}" for i in range(max(10, n // 10))])
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()
    per_claim = rng.integers(0, 4, n)
    ents = rng.choice(len(vocab), size=int(per_claim.sum()), p=weights)
    bounds = np.concatenate([[0], np.cumsum(per_claim)])
    claims = pl.DataFrame({
        "claim_id": [f"d{i // 15}:{i}" for i in range(n)],
        "doc_id": [f"d{i // 15}" for i in range(n)],
        "actor": [f"actor {a}" for a in rng.integers(0, max(2, n // 50), n)],
        # about a fifth negated, as in the bundled corpus (18%): blocking searches deeper for those
        "content": [f"claim {i} of story {s}" + (" did not happen" if neg else "")
                    for i, (s, neg) in enumerate(zip(story, rng.random(n) < 0.18))],
        "entities": [sorted(set(vocab[ents[bounds[i]:bounds[i + 1]]].tolist())) for i in range(n)],
    })
    return claims, vectors


def rss(n: int) -> dict:
    """Peak RSS of the candidate stage (candidates.block) on n synthetic claims."""
    from engine import candidates
    from engine.config import Config

    claims, vectors = synthetic_claims(n)
    before = peak_rss_mib()
    t = time.perf_counter()
    found = candidates.block(claims, vectors, Config(show_progress=False))
    seconds = time.perf_counter() - t
    peak = peak_rss_mib()
    return {"claims": n, "peak_rss_mib": round(peak), "rss_before_block_mib": round(before),
            "block_seconds": round(seconds, 1), "pairs": found.height,
            "pairs_fraction": found.height / (n * (n - 1) // 2)}


def in_subprocess(kind: str, n: int, timeout: float | None = None) -> dict:
    """Run one measurement in a fresh interpreter (clean caches, its own peak RSS)."""
    out = subprocess.run([sys.executable, "-m", "bench.scale", kind, str(n)], cwd=ROOT, capture_output=True,
                         text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"bench.scale {kind} {n} failed: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def growth_exponent(sizes, seconds) -> float:
    """Least-squares slope of log(seconds) on log(claims): 1.0 = linear."""
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


if __name__ == "__main__":
    kind, n = sys.argv[1], int(sys.argv[2])
    print(json.dumps({"e2e": e2e, "rss": rss}[kind](n)))
