"""`Analysis`: the result of `engine.analyze()` — plain polars tables plus the graph built from them."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import networkx as nx
import polars as pl

from engine.config import Config


@dataclass
class Analysis:
    documents: pl.DataFrame
    skipped: pl.DataFrame
    claims: pl.DataFrame
    actors: pl.DataFrame
    candidates: pl.DataFrame
    scored: pl.DataFrame
    contradictions: pl.DataFrame
    config: Config = field(default_factory=Config)
    #: set by filter(): what the view keeps and leaves out (None for a whole run)
    view: str | None = None

    # ------------------------------------------------------------------ views
    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        from engine import graph

        return graph.build(self.documents, self.claims, self.actors, self.contradictions)

    @cached_property
    def disagreements(self) -> pl.DataFrame:
        """Actor x actor: how many contradictions, their pair ranked first, first/last date."""
        from engine import contradictions

        return contradictions.disagreements(self.contradictions, self.claims)

    def timeline(self) -> pl.DataFrame:
        """Contradictions in date order (disputes, reversals, corrections), for an actor-level timeline."""
        from engine import contradictions

        return contradictions.timeline(self.contradictions)

    @property
    def pairs_scored(self) -> int:
        return self.scored.height

    @property
    def pairs_possible(self) -> int:
        n = self.claims.height
        return n * (n - 1) // 2

    def summary(self) -> str:
        from engine.ingest import summary_line

        # a filtered view is not a run: its documents were not "received", and its skips are the run's
        head = (f"view {self.view}: documents: {self.documents.height}" if self.view
                else summary_line(self.documents, self.skipped))
        return (
            f"{head}; claims: {self.claims.height}; "
            f"pairs scored: {self.pairs_scored} of {self.pairs_possible} possible; "
            f"contradictions: {self.contradictions.height}"
        )

    @property
    def notes(self) -> list[str]:
        """One line per kind of input worth a look that was not skipped: dates that could not be read, or whose
        day and month could be swapped (kept in documents.published_raw; engine.ingest.date_notes)."""
        from engine.ingest import date_notes

        return date_notes(self.documents)

    def explain(self, i: int = 0) -> dict:
        """Why contradiction `i` (row in `.contradictions`) fired: both sides, scores both ways, evidence."""
        from engine import contradictions

        return contradictions.explain(self, i)

    def filter(self, **criteria) -> "Analysis":
        """A narrower view: actors=[...], min_score=, since='YYYY-MM-DD', until=, text='...', doc_ids=[...]."""
        from engine import contradictions

        return contradictions.filter_analysis(self, **criteria)

    # ---------------------------------------------------------------- exports
    def to_graphml(self, path) -> Path:
        from engine import export

        return export.to_graphml(self.graph, path)

    def to_parquet(self, directory) -> dict[str, Path]:
        from engine import export

        return export.to_parquet(self, directory)

    def explore(self):
        """Open the notebook explorer (needs the `explorer` extra)."""
        from engine.explorer import Explorer

        return Explorer(self)

    def __repr__(self) -> str:
        return f"<Analysis {self.summary()}>"
