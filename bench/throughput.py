"""Stage throughput on the bundled corpus: claims extracted per second, embeddings per second."""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.config import Config  # noqa: E402


def _documents(n_docs: int, config: Config):
    from engine import datasets, ingest

    docs, _ = ingest.load_documents(datasets.load("corpus", sample=10**6, seed=7).head(n_docs), config)
    return docs


def claims_per_second(n_docs: int) -> tuple[dict, list[str]]:
    """claims.extract on n documents; the spaCy model is loaded (and warmed) before timing. Also returns the
    distinct claim contents, for the embeddings figure."""
    from engine import claims

    config = Config(show_progress=False)
    docs = _documents(n_docs + 1, config)
    claims.extract(docs.head(1), config)  # loads spaCy and the lexicons
    t = time.perf_counter()
    table = claims.extract(docs.slice(1), config)
    seconds = time.perf_counter() - t
    chars = int(docs.slice(1)["text"].str.len_chars().sum())
    return ({"claims_per_s": round(table.height / seconds, 1), "claims": table.height, "documents": n_docs,
             "chars_per_s": round(chars / seconds), "seconds": round(seconds, 2)},
            table["content"].unique(maintain_order=True).to_list())


def embeddings_per_second(n_texts: int, texts: list[str] | None = None, used_docs: int = 0) -> dict:
    """embed.encode on n distinct claim contents (cold vector cache, model loaded before timing). `texts`: claim
    contents already extracted from the first `used_docs` documents (the claims figure's); if they are too few,
    more are extracted from the documents after those."""
    from engine import claims, embed

    config = Config(show_progress=False)
    texts = list(dict.fromkeys(texts or []))
    if len(texts) < n_texts:
        docs = _documents(used_docs + max(8, n_texts // 10), config).slice(used_docs)
        for start in range(0, docs.height, 20):
            texts = list(dict.fromkeys(texts + claims.extract(docs.slice(start, 20), config)["content"].to_list()))
            if len(texts) >= n_texts:
                break
    texts = texts[:n_texts]
    embed.load(config.embedding_model)
    embed.encode(["warm up"], config)
    embed._VECTOR_CACHE.clear()
    t = time.perf_counter()
    embed.encode(texts, config)
    seconds = time.perf_counter() - t
    return {"embeddings_per_s": round(len(texts) / seconds, 1), "texts": len(texts), "seconds": round(seconds, 2)}
