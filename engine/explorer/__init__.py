"""Notebook explorer for an `engine.Analysis` (needs the `explorer` extra: ipywidgets, ipysigma).

    import engine
    engine.analyze("data/seed").explore()     # or: from engine.explorer import Explorer

The engine core never imports this package.
"""
from engine.explorer.app import Explorer

__all__ = ["Explorer"]
