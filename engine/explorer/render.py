"""HTML for the explorer's panes. Every piece of document text goes through `esc` (html.escape):
ipywidgets' HTML widget sets innerHTML, so unescaped text could inject markup or event handlers."""
from __future__ import annotations

import html
from urllib.parse import urlparse

#: colours per node kind, shared by the graph and the legend
KIND_COLOURS = {
    "claim": "#9e9e9e",
    "person": "#1f77b4",
    "organisation": "#2ca02c",
    "country": "#ff7f0e",
    "outlet": "#9467bd",
    "group": "#8c564b",
    "unknown": "#17becf",
}
EDGE_COLOURS = {"contradicts": "#d62728", "asserts": "#c7c7c7"}

PANE_STYLE = "line-height:1.4;font-size:13px"
#: paragraphs longer than this are clipped around the sentence
MAX_PARAGRAPH_CHARS = 1200


def esc(value) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def short(text, limit: int = 140) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def cell(value, bold: bool = False) -> str:
    """A table cell: escaped, compact (the HTML widget's default line height is a whole input row)."""
    text = f"<b>{esc(value)}</b>" if bold else esc(value)
    return f'<div class="contra-cell" style="line-height:1.3;font-size:12px;padding:3px 0">{text}</div>'


def link(url, label) -> str:
    """A link only for http(s) URLs (a javascript: URL must never become an href)."""
    if url and urlparse(str(url)).scheme in ("http", "https"):
        return f'<a href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(label)}</a>'
    return esc(label)


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The line (paragraph) of `text` holding [start, end), clipped to MAX_PARAGRAPH_CHARS around it."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    hi = len(text) if hi < 0 else hi
    spare = max(0, MAX_PARAGRAPH_CHARS - (end - start)) // 2
    return max(lo, start - spare), min(hi, end + spare)


def highlight(text: str, start, end, speaker_span=(None, None), content_span=(None, None)) -> str:
    """The paragraph around text[start:end] with the sentence marked, its speaker and content underlined."""
    if not text or start is None or end is None or not 0 <= start <= end <= len(text):
        return ""
    lo, hi = paragraph_bounds(text, start, end)
    # cut points inside the sentence where the speaker or the content span begins or ends
    spans = {"speaker": speaker_span, "content": content_span}
    cuts = {start, end}
    for s, e in spans.values():
        for x in (s, e):
            if x is not None and start < x < end:
                cuts.add(x)
    cuts = sorted(cuts)
    parts = ["…" if lo > 0 and text[lo - 1] != "\n" else "", esc(text[lo:start]),
             '<mark class="contra-sentence" style="background:#fff3a3;padding:1px 0">']
    for a, b in zip(cuts, cuts[1:]):
        piece = esc(text[a:b])
        inside = [name for name, (s, e) in spans.items() if s is not None and e is not None and s <= a and b <= e]
        if "speaker" in inside:
            piece = f'<b class="contra-speaker" style="color:#1f4e99">{piece}</b>'
        elif "content" in inside:
            piece = f'<span class="contra-content" style="text-decoration:underline">{piece}</span>'
        parts.append(piece)
    parts += ["</mark>", esc(text[end:hi]), "…" if hi < len(text) and text[hi] != "\n" else ""]
    return "".join(parts)


def _chips(items) -> str:
    items = [i for i in (items or []) if i]
    if not items:
        return '<i style="color:#777">none</i>'
    return " ".join(
        f'<span style="background:#eef;border-radius:3px;padding:0 4px;margin-right:2px">{esc(i)}</span>'
        for i in items
    )


def claim_card(label: str, claim: dict, document: dict | None) -> str:
    document = document or {}
    colour = "#1f77b4" if label == "A" else "#d62728"
    speaker = esc(claim.get("speaker") or "—")
    actor = claim.get("actor")
    actor_note = f' <span style="color:#777">({esc(actor)})</span>' if actor and actor != claim.get("speaker") else ""
    title = document.get("title") or document.get("doc_id") or claim.get("doc_id")
    meta = [link(document.get("url"), title)]
    for key in ("source", "published"):
        if document.get(key):
            meta.append(esc(document[key]))
    paragraph = highlight(
        document.get("text") or "", claim.get("start"), claim.get("end"),
        (claim.get("speaker_start"), claim.get("speaker_end")),
        (claim.get("content_start"), claim.get("content_end")),
    ) or esc(claim.get("sentence"))
    return (
        f'<div class="contra-claim contra-claim-{label.lower()}" '
        f'style="border-left:4px solid {colour};padding:4px 8px;margin:6px 0;background:#fafafa">'
        f'<div><b>{label}. <span class="contra-speaker-name">{speaker}</span></b>{actor_note}'
        f' · cue: <code>{esc(claim.get("cue") or "—")}</code>'
        f' · stance: <code>{esc(claim.get("stance") or "—")}</code></div>'
        f'<div style="margin:4px 0"><b>Claim:</b> {esc(claim.get("content"))}</div>'
        f'<div style="font-size:90%;color:#444">{" · ".join(meta)}</div>'
        f'<div class="contra-paragraph" style="margin-top:4px;line-height:1.45">{paragraph}</div>'
        f"</div>"
    )


def pair_details(i: int, pair: dict, claim_a: dict, claim_b: dict, doc_a: dict | None, doc_b: dict | None,
                 why: str | None = None) -> str:
    """The details pane for contradiction row `i` of the current view."""
    def num(key):
        value = pair.get(key)
        return "—" if value is None else f"{value:.3f}"

    scores = (
        '<table style="border-collapse:collapse;font-size:90%">'
        "<tr><th style='text-align:left;padding-right:12px'>combined</th>"
        "<th style='text-align:left;padding-right:12px'>A → B</th>"
        "<th style='text-align:left;padding-right:12px'>B → A</th><th style='text-align:left'>similarity</th></tr>"
        f"<tr><td>{num('score')}</td><td>{num('contradiction_ab')}</td><td>{num('contradiction_ba')}</td>"
        f"<td>{num('similarity')}</td></tr></table>"
    )
    return (
        f'<div class="contra-pair" data-row="{int(i)}" style="{PANE_STYLE}">'
        f'<div style="font-size:110%"><b>Contradiction #{int(i) + 1}</b> · {esc(pair.get("kind"))}'
        f' · score <b>{num("score")}</b></div>'
        f"{scores}"
        + ('<div style="font-size:85%;color:#555">scored on the denial\'s core (its qualifiers left out): '
           "check that the two claims are about the same event</div>" if pair.get("view") == "core" else "")
        + f'<div style="margin:4px 0"><b>Shared entities:</b> {_chips(pair.get("shared_entities"))}</div>'
        f"{claim_card('A', claim_a, doc_a)}{claim_card('B', claim_b, doc_b)}"
        + (f'<div style="font-size:85%;color:#555"><b>Why:</b> {esc(why)}</div>' if why else "")
        + "</div>"
    )


def actor_details(actor: dict, pairs: list[tuple[int, dict]]) -> str:
    """The details pane for an actor node: who it is and its contradictions in the current view."""
    rows = "".join(
        f"<li>#{i + 1} ({p['score']:.2f}) {esc(p.get('speaker_a'))}: “{esc(short(p.get('content_a'), 90))}” ⟷ "
        f"{esc(p.get('speaker_b'))}: “{esc(short(p.get('content_b'), 90))}”</li>"
        for i, p in pairs[:15]
    )
    more = f"<div>… and {len(pairs) - 15} more</div>" if len(pairs) > 15 else ""
    return (
        f'<div class="contra-actor" style="{PANE_STYLE}"><div style="font-size:110%"><b>{esc(actor.get("name") or actor.get("actor_id"))}</b>'
        f' · {esc(actor.get("kind") or "actor")}</div>'
        + (f"<div>part of: {esc(actor['parent'])}</div>" if actor.get("parent") else "")
        + f"<div>aliases: {_chips(actor.get('aliases'))}</div>"
        f"<div>claims: {esc(actor.get('claims'))} · contradictions in view: {len(pairs)}</div>"
        f"<ul style='padding-left:18px'>{rows}</ul>{more}</div>"
    )


def legend() -> str:
    dots = "".join(
        f'<span style="margin-right:10px"><span style="display:inline-block;width:10px;height:10px;'
        f'border-radius:5px;background:{c}"></span> {esc(k)}</span>'
        for k, c in KIND_COLOURS.items()
    )
    return (
        f'<div style="font-size:85%;color:#444">{dots}<span style="color:{EDGE_COLOURS["contradicts"]}">'
        "━ contradicts (width = score)</span></div>"
    )


#: grid placement by CSS class: it applies as soon as the parts are in the page (see Explorer)
STYLE = """<style>
.contra-explorer { display: grid; grid-template-columns: minmax(0, 58fr) minmax(0, 42fr);
  grid-template-areas: "summary summary" "loader loader" "filters filters" "graph details" "legend legend"
                       "table table" "export export"; }
.contra-explorer > .contra-area-summary { grid-area: summary; }
.contra-explorer > .contra-area-loader { grid-area: loader; }
.contra-explorer > .contra-area-filters { grid-area: filters; }
.contra-explorer > .contra-area-graph { grid-area: graph; min-width: 0; overflow: hidden; }
.contra-explorer > .contra-area-details { grid-area: details; }
.contra-explorer > .contra-area-legend { grid-area: legend; }
.contra-explorer > .contra-area-table { grid-area: table; }
.contra-explorer > .contra-area-export { grid-area: export; }
</style>"""

HINT = f'<div style="color:#777;{PANE_STYLE}">Select a row in the table, or click a claim, an actor or a red edge in the graph.</div>'
