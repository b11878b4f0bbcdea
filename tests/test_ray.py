"""The Ray backend gives the local backend's results (Ray local mode, 2 workers, real models)."""
import numpy as np
import polars as pl
import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'contra-engine[ray]')")

from engine import datasets, embed  # noqa: E402
from engine.backends import ray_backend  # noqa: E402
from engine.config import ROOT_DIR, Config  # noqa: E402
from engine.schema import CANDIDATES, SCORED, conform  # noqa: E402

pytestmark = pytest.mark.slow

# batch size 1 and an fp32 fast pass: int8 scores depend on batch-mates, and bf16 scores on the thread count
# (a Ray worker's 1e-4 differs from the driver's); what this file checks is that Ray scores the same pairs, in
# the same order, through the same screen. Which passes are exact is tested in tests/test_nli.py.
CONFIG = Config(show_progress=False, nli_batch_size=1, nli_fast="fp32")


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT_DIR)}})
    yield
    ray_backend.shutdown()


@pytest.fixture(scope="module")
def sentences():
    text = " ".join(datasets.load("fnc1", limit=8)["text"].to_list())
    parts = [s.strip() for s in text.replace("\n", " ").split(". ") if len(s.split()) >= 5]
    return list(dict.fromkeys(parts))[:120]


def test_encode_matches_local(sentences):
    remote = ray_backend.encode(sentences, CONFIG)
    embed._VECTOR_CACHE.clear()
    local = embed.encode(sentences, CONFIG)
    assert remote.shape == local.shape and remote.dtype == np.float32
    assert np.abs(remote - local).max() < 1e-5
    # work really was spread: two workers, each with its own process
    assert len(ray_backend._POOL) == 2


def test_score_pairs_matches_local(sentences):
    from engine.nli import score_pairs

    claims = pl.DataFrame({"claim_id": [f"c{i}" for i in range(40)], "content": sentences[:40]})
    pairs = conform(pl.DataFrame({
        "claim_a": [f"c{i}" for i in range(39)] + ["c0"] * 10,
        "claim_b": [f"c{i + 1}" for i in range(39)] + [f"c{j}" for j in range(20, 30)],
        "similarity": [0.5] * 49,
    }), CANDIDATES)
    # with the default reverse screen (b->a mostly not scored on unrelated sentences) and with both ways
    for config in (CONFIG, CONFIG.replace(nli_reverse_min=0.0)):
        remote = ray_backend.score_pairs(claims, pairs, config)
        local = score_pairs(claims, pairs, config)
        assert remote.columns == list(SCORED)
        assert remote.select("claim_a", "claim_b", "view").equals(local.select("claim_a", "claim_b", "view"))
        for column in ("score", "contradiction_ab", "contradiction_ba", "entailment_ab", "neutral_ba"):
            r, l = remote[column].to_numpy(), local[column].to_numpy()
            assert (np.isnan(r) == np.isnan(l)).all(), column  # the same pairs screened out
            assert np.nan_to_num(np.abs(r - l)).max() < 1e-4, column
    assert local["contradiction_ba"].null_count() == 0


def test_analyze_with_ray_backend_equals_local():
    import engine

    seed = str(datasets.path("seed"))
    local = engine.analyze(seed, CONFIG)
    remote = engine.analyze(seed, CONFIG, backend="ray")
    key = lambda f: {tuple(sorted(p)) for p in f.select("claim_a", "claim_b").iter_rows()}  # noqa: E731
    assert key(remote.candidates) == key(local.candidates)
    assert key(remote.contradictions) == key(local.contradictions)
    assert np.allclose(remote.scored.sort("claim_a", "claim_b")["score"].to_numpy(),
                       local.scored.sort("claim_a", "claim_b")["score"].to_numpy(), atol=1e-4)


def test_store_with_ray_backend_equals_local(tmp_path):
    import engine
    from engine.store import Store

    seed = str(datasets.path("seed"))
    local = engine.analyze(seed, CONFIG)
    stored = Store(tmp_path / "s").add(seed, CONFIG, backend="ray")
    key = lambda f: {tuple(sorted(p)) for p in f.select("claim_a", "claim_b").iter_rows()}  # noqa: E731
    assert stored.config.backend == "ray"
    assert key(stored.scored) == key(local.scored)
    assert key(stored.contradictions) == key(local.contradictions)
