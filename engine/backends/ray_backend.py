"""`--backend ray`: embedding and NLI scoring run on a pool of Ray actors (each loads its model once).

    engine.analyze(path, backend="ray")            # starts a local Ray (all cores) unless one is running
    RAY_ADDRESS=auto contra analyze --backend ray data/   # joins an existing cluster (`ray start --head`)

Same signatures as `engine.embed.encode` and `engine.nli.score_pairs`, same results up to float rounding
(work is cut into chunks; each chunk runs the local stage function on a worker, results come back in order).
Workers need the `engine` package importable: installed on every node, or shipped with a runtime_env
(see README "Running on a Ray cluster").
"""
from __future__ import annotations

import math
import os

import numpy as np
import polars as pl

from engine.config import ROOT_DIR, Config
from engine.errors import ConfigError
from engine.schema import SCORED, conform

#: texts / pairs per task: big enough to amortise scheduling, small enough to spread over workers
EMBED_CHUNK = 1024
NLI_CHUNK = 512

_POOL: list = []


def _ray():
    try:
        import ray
    except ImportError:
        raise ConfigError("backend 'ray' needs Ray: pip install 'contra-engine[ray]' (or pip install 'ray[data]')") from None
    return ray


def init(config: Config):
    """Connect to $RAY_ADDRESS if set, else start a local Ray with `config.threads` (default all) CPUs."""
    ray = _ray()
    if not ray.is_initialized():
        address = os.environ.get("RAY_ADDRESS")
        kwargs = dict(include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
        if address:
            ray.init(address=address, **kwargs)
        else:
            # local mode: workers import the engine from this checkout
            ray.init(num_cpus=config.threads or os.cpu_count(),
                     runtime_env={"env_vars": {"PYTHONPATH": str(ROOT_DIR)}}, **kwargs)
    return ray


def _worker_class(ray):
    @ray.remote(num_cpus=1)
    class Worker:
        """Holds the models of one process; runs the local stage functions on a chunk."""

        def encode(self, texts, config):
            from engine import embed

            return embed.encode(texts, config)

        def score(self, claims, candidates, config):
            from engine.nli import score_pairs

            return score_pairs(claims, candidates, config)

    return Worker


def _pool(ray, wanted: int) -> list:
    """Reuse live workers (their models stay loaded); grow up to `wanted`."""
    global _POOL
    job = ray.get_runtime_context().get_job_id()
    if _POOL and getattr(_pool, "job", None) != job:
        _POOL = []  # a new Ray session: the old actors are gone
    _pool.job = job
    if len(_POOL) < wanted:
        worker = _worker_class(ray)
        _POOL += [worker.remote() for _ in range(wanted - len(_POOL))]
    return _POOL[:wanted]


def _workers(ray, config: Config, chunks: int) -> int:
    cpus = int(ray.cluster_resources().get("CPU", 1))
    return max(1, min(chunks, cpus if not config.threads else min(cpus, config.threads)))


def _run(ray, method: str, jobs: list[tuple], config: Config) -> list:
    """Run jobs on the pool, round-robin, results in job order."""
    workers = _pool(ray, _workers(ray, config, len(jobs)))
    refs = [getattr(workers[i % len(workers)], method).remote(*job) for i, job in enumerate(jobs)]
    return ray.get(refs)


def _local(config: Config) -> Config:
    # inside a worker the stage runs locally, one thread (Ray gives each worker one CPU), no progress bars
    return config.replace(backend="local", show_progress=False, threads=1)


def encode(texts: list[str], config: Config) -> np.ndarray:
    """`engine.embed.encode` on Ray: L2-normalised float32 vectors, one row per text."""
    ray = init(config)
    local = _local(config)
    if not texts:
        from engine import embed

        return embed.encode([], local)
    size = min(EMBED_CHUNK, math.ceil(len(texts) / _workers(ray, config, len(texts))))
    jobs = [(texts[i:i + size], local) for i in range(0, len(texts), size)]
    return np.concatenate(_run(ray, "encode", jobs, config)).astype(np.float32)


def score_pairs(claims: pl.DataFrame, candidates: pl.DataFrame, config: Config) -> pl.DataFrame:
    """`engine.nli.score_pairs` on Ray: one SCORED row per candidate pair, in candidate order."""
    if candidates is None or candidates.height == 0:
        return conform(None, SCORED)
    ray = init(config)
    local = _local(config)
    content = claims.select([c for c in ("claim_id", "content", "cue", "stance") if c in claims.columns])
    size = min(NLI_CHUNK, math.ceil(candidates.height / _workers(ray, config, candidates.height)))
    jobs = []
    for start in range(0, candidates.height, size):
        chunk = candidates.slice(start, size)
        ids = pl.concat([chunk["claim_a"], chunk["claim_b"]]).unique()
        # ship only the claims this chunk needs
        jobs.append((content.filter(pl.col("claim_id").is_in(ids.implode())), chunk, local))
    return pl.concat(_run(ray, "score", jobs, config), how="vertical_relaxed")


def shutdown() -> None:
    """Stop the local Ray started by `init` (a cluster is left running)."""
    global _POOL
    ray = _ray()
    _POOL = []
    if ray.is_initialized():
        ray.shutdown()
