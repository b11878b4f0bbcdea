"""Claim-contradiction engine: who claimed what in the news, and which claims contradict each other.

    import engine
    result = engine.analyze("data/seed")
    result.contradictions      # polars DataFrame, in ranking order (rank_score)
    result.explain(0)          # why the top pair fired
    result.to_graphml("out/graph.graphml")
"""
import os

# oneDNN (torch's CPU kernels) caches a compiled primitive per input shape, up to 1,024 of them (~0.5 MB each on
# AMX CPUs). The bf16 passes run few shapes (engine.bf16: fixed rows, 12 NLI and 16 embedding lengths, a handful
# of primitives each), so 256 keeps them all warm (re-compiling cost ~20% of NLI throughput) without the
# default's memory. Read once, when torch first runs a kernel, so it is set here; a value the user set wins.
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "256")

from engine.analysis import Analysis  # noqa: E402
from engine.config import Config  # noqa: E402
from engine.errors import ConfigError, EngineError, InputError, ModelError, StoreError, StrictModeError  # noqa: E402

__version__ = "0.1.0"


def __getattr__(name):
    # heavy or optional parts load on first use, so `import engine` stays fast
    if name in {"analyze", "extract_claims"}:
        from engine import pipeline

        return getattr(pipeline, name)
    if name == "Store":
        from engine.store import Store

        return Store
    if name in {"nli", "datasets", "graph", "export"}:
        import importlib

        return importlib.import_module(f"engine.{name}")
    raise AttributeError(name)


__all__ = [
    "analyze", "extract_claims", "Analysis", "Config", "EngineError", "InputError", "ConfigError",
    "ModelError", "StoreError", "StrictModeError", "__version__",
]
