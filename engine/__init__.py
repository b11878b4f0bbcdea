"""Claim-contradiction engine: who claimed what in the news, and which claims contradict each other.

    import engine
    result = engine.analyze("data/seed")
    result.contradictions      # polars DataFrame, strongest first
    result.explain(0)          # why the top pair fired
    result.to_graphml("out/graph.graphml")
"""
from engine.analysis import Analysis
from engine.config import Config
from engine.errors import ConfigError, EngineError, InputError, ModelError, StoreError, StrictModeError

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
