"""`Explorer`: the notebook app — loader, filters, graph, contradictions table, details pane, export.

Everything a user can click is also a method, so tests (and scripts) drive it without a browser:

    ex = Explorer(engine.analyze("data/seed"))
    ex.set_filters(actors=["Russia"], min_score=0.6)
    ex.table            # the rows shown (polars), strongest first
    ex.select_pair(0)   # fills ex.details.value (HTML)
    ex.export("out/view", formats=("graphml", "csv"))
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
from pathlib import Path

import ipywidgets as w
import polars as pl

from engine.contradictions import voiced
from engine.errors import EngineError
from engine.explorer import graphview, render
from engine.explorer.export import FORMATS, export_view

PAGE_SIZE = 10
GRID_AREAS = '"summary summary" "loader loader" "filters filters" "graph details" "legend legend" "table table" "export export"'
COLUMNS = "76px 72px 140px 1fr 140px 1fr 84px"


def _empty_analysis():
    from engine.analysis import Analysis
    from engine.schema import ACTORS, CANDIDATES, CLAIMS, CONTRADICTIONS, DOCUMENTS, SCORED, SKIPPED, empty

    return Analysis(empty(DOCUMENTS), empty(SKIPPED), empty(CLAIMS), empty(ACTORS), empty(CANDIDATES),
                    empty(SCORED), empty(CONTRADICTIONS))


class _StageHandler(logging.Handler):
    """Moves the loader's bar on each INFO line the engine logs while it runs (one per stage or batch)."""

    def __init__(self, explorer):
        super().__init__(logging.INFO)
        self.explorer = explorer

    def emit(self, record):
        bar = self.explorer.progress
        bar.value = min(90, bar.value + max(1, (90 - bar.value) // 4))
        self.explorer.load_status.value = render.esc(record.getMessage()[:200])


@contextlib.contextmanager
def _stage_progress(explorer):
    log = logging.getLogger("engine")
    handler, level = _StageHandler(explorer), log.level
    log.addHandler(handler)
    if log.getEffectiveLevel() > logging.INFO:
        log.setLevel(logging.INFO)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(level)


def _date(value) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class Explorer(w.GridBox):
    """Interactive contradiction map for an `engine.Analysis` (or an empty one to fill from the loader).

    A grid, not nested boxes: ipysigma sizes its canvas once, when its view is displayed. Inside nested
    boxes its container has no width yet (a blank graph); as a direct child of the grid it has one, and
    the grid's columns come from a stylesheet (render.STYLE, in the first child) so they already apply
    then — the widgets' own layout styles arrive later and alone would leave the canvas full width."""

    def __init__(self, analysis=None, *, graph_height: int = 460, export_dir: str = "explorer-export"):
        super().__init__(layout=w.Layout(
            width="100%", grid_template_columns="minmax(0, 58fr) minmax(0, 42fr)", grid_gap="6px 0",
            grid_template_areas=GRID_AREAS))
        self.add_class("contra-explorer")
        self._graph_height = graph_height
        self._quiet = False
        self._order: list[int] = []  # view rows in display order
        self._page = 0
        self._descending = True
        self.selected: int | None = None  # view row shown in the details pane
        self.sigma = None
        self.graph = None

        self.summary = w.HTML()
        self._build_loader()
        self._build_filters()
        self._build_table()
        self._build_export(export_dir)
        self.details = w.HTML(render.HINT, layout=w.Layout(width="100%"))
        self.details.add_class("contra-details")
        self.details_box = w.Box([self.details], layout=w.Layout(
            max_height=f"{graph_height + 20}px", overflow="auto", padding="0 0 0 10px"))
        self.no_graph = w.HTML('<div style="padding:20px;color:#777">No contradictions to draw.</div>')
        self.legend = w.HTML(render.legend())
        parts = {"summary": self.summary, "loader": self.loader, "filters": self.filters, "graph": self.no_graph,
                 "details": self.details_box, "legend": self.legend, "table": self.table_widget,
                 "export": self.export_box}
        for area, part in parts.items():
            part.layout.grid_area = area
            part.add_class(f"contra-area-{area}")
        self._parts = list(parts.values())
        self._graph_slot = list(parts).index("graph")
        self.children = self._parts

        self.set_analysis(analysis if analysis is not None else _empty_analysis())

    def _ipython_display_(self, **kwargs):
        # the stylesheet goes out first, as its own output, so the grid is laid out before ipysigma measures
        from IPython.display import HTML, display

        display(HTML(render.STYLE))
        display(self._repr_mimebundle_(**kwargs), raw=True)

    # ------------------------------------------------------------ building
    def _build_loader(self):
        self.text_input = w.Textarea(placeholder="Paste one or more articles here…",
                                     layout=w.Layout(width="100%", height="110px"))
        self.path_input = w.Text(placeholder="…or a file or folder path (txt, html, csv, jsonl, parquet)",
                                 layout=w.Layout(width="100%"))
        self.load_button = w.Button(description="Analyze", button_style="primary", icon="play")
        self.progress = w.IntProgress(value=0, min=0, max=100, description="", layout=w.Layout(width="40%"))
        self.load_status = w.HTML()
        self.load_output = w.Output()  # the engine's own progress bars (tqdm) show here on big inputs
        self.load_button.on_click(lambda _: self._load_clicked())
        body = w.VBox([self.text_input, self.path_input,
                       w.HBox([self.load_button, self.progress, self.load_status]), self.load_output])
        self.loader = w.Accordion(children=[body], titles=("Load articles",))
        self.loader.selected_index = None

    def _build_filters(self):
        self.actor_filter = w.SelectMultiple(description="Actors", rows=5, layout=w.Layout(width="32%"))
        self.doc_filter = w.SelectMultiple(description="Documents", rows=5, layout=w.Layout(width="32%"))
        self.score_filter = w.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.01, description="Min score",
                                          continuous_update=False, readout_format=".2f")
        self.text_filter = w.Text(description="Search", placeholder="words in claims or speakers (Enter)",
                                  continuous_update=False)
        self.since_filter = w.DatePicker(description="Since")
        self.until_filter = w.DatePicker(description="Until")
        self.reset_button = w.Button(description="Reset filters", icon="undo")
        self.reset_button.on_click(lambda _: self.set_filters())
        for widget in (self.actor_filter, self.doc_filter, self.score_filter, self.text_filter,
                       self.since_filter, self.until_filter):
            widget.observe(self._filters_changed, "value")
        self.dates_box = w.VBox([self.since_filter, self.until_filter])
        self.filters = w.HBox(
            [self.actor_filter, self.doc_filter,
             w.VBox([self.score_filter, self.text_filter, self.dates_box, self.reset_button])],
            layout=w.Layout(width="100%", flex_flow="row wrap"),
        )
        self.filters.add_class("contra-filters")

    def _cell(self, value="", cls=None):
        cell = w.HTML(value, layout=w.Layout(overflow="hidden"))
        if cls:
            cell.add_class(cls)
        return cell

    def _build_table(self):
        grid = dict(grid_template_columns=COLUMNS, grid_gap="0 8px", width="100%")
        # "rank", not "score": the order adds evidence to the score (similarity, shared words, bonuses for a
        # one-sided negation, a shared entity, a reply), so a 0.93 can rightly sit above a 0.99, and a column
        # called "score" would look unsorted
        self.sort_button = w.Button(
            description="rank ▼", layout=w.Layout(width="76px"),
            tooltip="the engine's ranking: NLI score plus the claims' similarity and shared words, and small "
                    "bonuses for a one-sided negation, a shared named entity and a reply (each row's button shows "
                    "its score); click for weakest first")
        self.sort_button.on_click(lambda _: self._toggle_sort())
        header = w.GridBox(
            [self.sort_button] + [self._cell(render.cell(h, bold=True)) for h in
                                  ("kind", "speaker A", "claim A", "speaker B", "claim B", "date")],
            layout=w.Layout(border_bottom="2px solid #ccc", **grid),
        )
        self._rows = []
        for slot in range(PAGE_SIZE):
            button = w.Button(layout=w.Layout(width="76px"))
            button.add_class("contra-row-select")
            button.on_click(lambda _, slot=slot: self._row_clicked(slot))
            cells = [self._cell() for _ in range(6)]
            row = w.GridBox([button] + cells, layout=w.Layout(border_bottom="1px solid #eee", **grid))
            row.add_class("contra-row")
            self._rows.append((row, button, cells))
        self.prev_button = w.Button(description="◀", layout=w.Layout(width="40px"))
        self.next_button = w.Button(description="▶", layout=w.Layout(width="40px"))
        self.page_label = w.HTML()
        self.prev_button.on_click(lambda _: self._turn(-1))
        self.next_button.on_click(lambda _: self._turn(1))
        self.table_widget = w.VBox(
            [header] + [r[0] for r in self._rows] + [w.HBox([self.prev_button, self.page_label, self.next_button])],
            layout=w.Layout(width="100%"),
        )
        self.table_widget.add_class("contra-table")

    def _build_export(self, export_dir):
        self.export_dir = w.Text(value=export_dir, description="Export to", layout=w.Layout(width="40%"))
        self.export_status = w.HTML()
        buttons = []
        for fmt in FORMATS:
            button = w.Button(description=fmt if fmt != "graphml" else "GraphML", icon="download")
            button.on_click(lambda _, fmt=fmt: self._export_clicked(fmt))
            buttons.append(button)
        self.export_buttons = buttons
        self.export_box = w.VBox([w.HBox([self.export_dir] + buttons), self.export_status])

    # ------------------------------------------------------------ data
    def set_analysis(self, analysis) -> None:
        """Show a new analysis: filter choices are rebuilt and the filters reset."""
        self.analysis = analysis
        self._claims = {r["claim_id"]: r for r in analysis.claims.iter_rows(named=True)}
        self._docs = {r["doc_id"]: r for r in analysis.documents.iter_rows(named=True)}
        self._actors = {r["actor_id"]: r for r in analysis.actors.iter_rows(named=True)}
        with self._hold():
            self.actor_filter.value = ()
            self.doc_filter.value = ()
            self.actor_filter.options = [
                (f"{a['name'] or a['actor_id']} ({a['claims'] or 0})", a["actor_id"])
                for a in analysis.actors.sort("claims", descending=True, nulls_last=True).iter_rows(named=True)
            ]
            self.doc_filter.options = [
                (render.short(d["title"] or d["doc_id"], 60), d["doc_id"]) for d in analysis.documents.iter_rows(named=True)
            ]
            dates = sorted({d for d in analysis.documents["published"].to_list() if _date(d)})
            self.dates_box.layout.display = None if dates else "none"
            self.score_filter.value = 0.0
            self.text_filter.value = ""
            self.since_filter.value = None
            self.until_filter.value = None
        # below the counts, what was analysed but deserves a look (dates that could not be read, or read day-first)
        notes = "".join(f'<div style="color:#a60">{render.esc(note)}</div>' for note in analysis.notes)
        self.summary.value = render.STYLE + f'<div style="color:#333">{render.esc(analysis.summary())}</div>' + notes
        self.refresh()

    def criteria(self) -> dict:
        """The current filters as `Analysis.filter` keyword arguments (unset ones left out)."""
        c = {}
        if self.actor_filter.value:
            c["actors"] = list(self.actor_filter.value)
        if self.score_filter.value > 0:
            c["min_score"] = float(self.score_filter.value)
        if self.text_filter.value.strip():
            c["text"] = self.text_filter.value.strip()
        if self.doc_filter.value:
            c["doc_ids"] = list(self.doc_filter.value)
        if self.since_filter.value:
            c["since"] = self.since_filter.value.isoformat()
        if self.until_filter.value:
            c["until"] = self.until_filter.value.isoformat()
        return c

    def set_filters(self, actors=(), min_score=0.0, text="", doc_ids=(), since=None, until=None) -> None:
        """Set every filter at once (unnamed ones are cleared) and refresh graph and table once."""
        known = {o[1] for o in self.actor_filter.options}
        unknown = [a for a in actors or () if a not in known]
        if unknown:
            raise EngineError(f"unknown actor(s): {', '.join(unknown)}")
        docs = {o[1] for o in self.doc_filter.options}
        unknown = [d for d in doc_ids or () if d not in docs]
        if unknown:
            raise EngineError(f"unknown document(s): {', '.join(unknown)}")
        for name, value in (("since", since), ("until", until)):
            if value and _date(value) is None:
                raise EngineError(f"{name}: {value!r} is not a date (YYYY-MM-DD)")
        with self._hold():
            self.actor_filter.value = tuple(actors or ())
            self.doc_filter.value = tuple(doc_ids or ())
            self.score_filter.value = float(min_score or 0.0)
            self.text_filter.value = text or ""
            self.since_filter.value = _date(since)
            self.until_filter.value = _date(until)
        self.refresh()

    def refresh(self) -> None:
        """Recompute the filtered view, then redraw table and graph; keep the selection if still in view."""
        previous = self._selected_pair()
        criteria = self.criteria()
        self.view = self.analysis.filter(**criteria) if criteria else self.analysis
        self._sort()
        self._page = 0
        self._draw_graph()
        self._draw_table()
        rows = self._pair_rows()
        if previous in rows:
            self.select_pair(rows[previous])
        else:
            self.selected = None
            self.details.value = render.HINT

    # ------------------------------------------------------------ table
    @property
    def table(self) -> pl.DataFrame:
        """The contradictions shown, in display order; `row` is the index `select_pair` takes."""
        found = self.view.contradictions.with_row_index("row")
        return found[self._order] if self._order else found.head(0)

    def _sort(self):
        # the engine's order is its ranking (engine.contradictions.rank_score); ascending reverses it
        n = self.view.contradictions.height
        self._order = list(range(n)) if self._descending else list(range(n - 1, -1, -1))

    def _toggle_sort(self):
        self._descending = not self._descending
        self.sort_button.description = "rank ▼" if self._descending else "rank ▲"
        self._sort()
        self._page = 0
        self._draw_table()

    def _turn(self, step):
        pages = max(1, -(-len(self._order) // PAGE_SIZE))
        self._page = min(max(0, self._page + step), pages - 1)
        self._draw_table()

    def _draw_table(self):
        found = self.view.contradictions
        first = self._page * PAGE_SIZE
        shown = self._order[first:first + PAGE_SIZE]
        for slot, (row, button, cells) in enumerate(self._rows):
            if slot >= len(shown):
                row.layout.display = "none"
                continue
            i = shown[slot]
            r = found.row(i, named=True)
            row.layout.display = None
            button.description = f"{r['score']:.2f}"
            button.tooltip = f"show contradiction #{i + 1}"
            button.button_style = "info" if i == self.selected else ""
            dates = sorted({d for d in (r.get("published_a"), r.get("published_b")) if d})
            values = [r["kind"], voiced(r["speaker_a"], self._claims.get(r["claim_a"])), render.short(r["content_a"]),
                      voiced(r["speaker_b"], self._claims.get(r["claim_b"])), render.short(r["content_b"]),
                      " / ".join(dates)]
            for cell, value in zip(cells, values):
                cell.value = render.cell(value)
        total = len(self._order)
        self.page_label.value = (f"&nbsp;rows {first + 1}–{first + len(shown)} of {total}&nbsp;" if total
                                 else "&nbsp;no contradictions match the filters&nbsp;")

    def _row_clicked(self, slot):
        position = self._page * PAGE_SIZE + slot
        if position < len(self._order):
            self.select_pair(self._order[position])

    # ------------------------------------------------------------ graph
    def _draw_graph(self):
        self.graph = graphview.build(self.view, self._claims, self._actors)
        self._positions = graphview.layout(self.graph)
        total = self.view.contradictions.height
        note = (f" · the graph shows the strongest {graphview.MAX_PAIRS} of {total} pairs"
                if total > graphview.MAX_PAIRS else "")
        self.legend.value = render.legend() + (f'<div style="font-size:85%;color:#444">{note[3:]}</div>' if note else "")
        self._show_graph()

    def _show_graph(self, selected_edge=None):
        old = self.sigma
        if self.graph.number_of_nodes() == 0:
            self.sigma = None
            shown = self.no_graph
        else:
            self.sigma = graphview.sigma(self.graph, self._positions, height=self._graph_height,
                                         selected_edge=selected_edge)
            self.sigma.add_class("contra-graph")
            self.sigma.add_class("contra-area-graph")
            self.sigma.observe(self._node_clicked, "selected_node")
            self.sigma.observe(self._edge_clicked, "selected_edge")
            shown = self.sigma
        children = list(self._parts)
        children[self._graph_slot] = shown
        self.children = children
        if old is not None:
            old.close()

    def _node_clicked(self, change):
        if change["new"]:
            self.select_node(change["new"])

    def _edge_clicked(self, change):
        if change["new"]:
            self.select_edge(*change["new"])

    def select_node(self, node: str) -> None:
        """What a click on a graph node does: a claim shows its strongest contradiction, an actor its summary."""
        data = self.graph.nodes[node] if self.graph is not None and node in self.graph else None
        if data is None:
            raise EngineError(f"no node {node!r} in the graph")
        if data["kind"] == "claim":
            i = graphview.first_row_with(self.view.contradictions, data["claim_id"])
            if i is not None:
                self.select_pair(i, sync_graph=False)
            return
        actor_id = data["actor_id"]
        actor = self._actors.get(actor_id, {"actor_id": actor_id, "name": actor_id})
        found = self.view.contradictions
        pairs = [(i, r) for i, r in enumerate(found.iter_rows(named=True)) if actor_id in (r["actor_a"], r["actor_b"])]
        self.selected = None
        self.details.value = render.actor_details(actor, pairs)
        self._draw_table()

    def select_edge(self, source: str, target: str) -> None:
        i = graphview.pair_index(self.graph, source, target) if self.graph is not None else None
        if i is not None:
            self.select_pair(i, sync_graph=False)

    # ------------------------------------------------------------ details
    def _pair_rows(self) -> dict[tuple[str, str], int]:
        found = self.view.contradictions
        return {(a, b): i for i, (a, b) in enumerate(zip(found["claim_a"].to_list(), found["claim_b"].to_list()))}

    def _selected_pair(self):
        if self.selected is None or getattr(self, "view", None) is None:
            return None
        r = self.view.contradictions.row(self.selected, named=True)
        return (r["claim_a"], r["claim_b"])

    def select_pair(self, i: int, *, sync_graph: bool = True) -> str:
        """Show contradiction `i` (row of the current view, strongest first) in the details pane."""
        found = self.view.contradictions
        if not 0 <= i < found.height:
            raise EngineError(f"no contradiction #{i} in the current view: there are {found.height}")
        pair = found.row(i, named=True)
        claim_a = self._claims.get(pair["claim_a"]) or {"content": pair["content_a"], "speaker": pair["speaker_a"],
                                                         "sentence": pair["sentence_a"]}
        claim_b = self._claims.get(pair["claim_b"]) or {"content": pair["content_b"], "speaker": pair["speaker_b"],
                                                         "sentence": pair["sentence_b"]}
        why = None
        with contextlib.suppress(Exception):  # the explanation is a bonus line; the pane works without it
            why = self.view.explain(i).get("why")
        self.selected = i
        self.details.value = render.pair_details(i, pair, claim_a, claim_b, self._docs.get(pair["doc_a"]),
                                                 self._docs.get(pair["doc_b"]), why)
        self._draw_table()
        if sync_graph and self.graph is not None:
            a, b = graphview.claim_node(pair["claim_a"]), graphview.claim_node(pair["claim_b"])
            if self.graph.has_edge(a, b):
                self._show_graph(selected_edge=(a, b))
        return self.details.value

    # ------------------------------------------------------------ loader
    def load(self, sources, **options):
        """Run `engine.analyze(sources, **options)` and show the result (what the Analyze button does)."""
        import engine

        self.progress.bar_style = "info"
        self.progress.value = 10
        self.load_status.value = "analysing…"
        self.load_output.clear_output()
        try:
            with self.load_output, _stage_progress(self):
                analysis = engine.analyze(sources, **options)
        except EngineError as e:
            self.progress.bar_style = "danger"
            self.progress.value = 100
            self.load_status.value = f'<span style="color:#c00">{render.esc(e)}</span>'
            raise
        self.progress.value = 90
        self.set_analysis(analysis)
        self.progress.value = 100
        self.progress.bar_style = "success"
        self.load_status.value = render.esc(analysis.summary())
        return analysis

    def _load_clicked(self):
        path = self.path_input.value.strip()
        text = self.text_input.value
        if not path and not text.strip():
            self.load_status.value = '<span style="color:#c00">paste some text or give a path first</span>'
            return
        # the text box holds text, never a path, even a one-word one ("Breaking")
        source = Path(path).expanduser() if path else {"text": text}
        self.load_button.disabled = True
        try:
            self.load(source)
        except EngineError:
            pass  # already shown in load_status as one line
        finally:
            self.load_button.disabled = False

    # ------------------------------------------------------------ export
    def export(self, folder=None, formats=FORMATS) -> list[Path]:
        """Write the current (filtered) view: GraphML, parquet tables and/or CSV tables into `folder`."""
        folder = Path(folder or self.export_dir.value).expanduser()
        written = []
        for fmt in formats:
            written += export_view(self.view, folder, fmt)
        return written

    def _export_clicked(self, fmt):
        try:
            written = self.export(formats=(fmt,))
        except (EngineError, OSError) as e:
            self.export_status.value = f'<span style="color:#c00">{render.esc(e)}</span>'
            return
        self.export_status.value = "wrote " + ", ".join(render.esc(p) for p in written)

    # ------------------------------------------------------------ helpers
    @contextlib.contextmanager
    def _hold(self):
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False

    def _filters_changed(self, _change):
        if not self._quiet:
            self.refresh()
