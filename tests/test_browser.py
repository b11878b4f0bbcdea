"""The explorer in a real browser: JupyterLab on localhost, the tour notebook run in headless Chromium,
the top contradiction clicked, the details pane read back, a screenshot kept in tests/artifacts/."""
from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser.jupyterlab import JupyterLab, block_external, browser_missing, launch_chromium, run_all_cells  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"
ARTIFACTS = ROOT / "tests" / "artifacts"

VIEWPORT_HEIGHT = 1800

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def chromium():
    reason = browser_missing()
    if reason:
        pytest.skip(f"browser test needs Debian chromium and playwright: {reason}")


def test_explorer_in_jupyterlab(chromium, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    # a copy, so JupyterLab's autosave never rewrites the repository's notebook
    shutil.copy(NOTEBOOK, tmp_path / NOTEBOOK.name)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "explorer.png"
    shot.unlink(missing_ok=True)
    started = time.time()
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    with JupyterLab(tmp_path, env={"PYTHONPATH": pythonpath}, log_path=ARTIFACTS / "jupyterlab.log") as lab, \
            sync_playwright() as pw:
        browser = launch_chromium(pw)
        try:
            # tall enough for the whole explorer, so the screenshot is one view of it
            page = browser.new_page(viewport={"width": 1500, "height": VIEWPORT_HEIGHT})
            external = block_external(page)
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(lab.url(f"lab/tree/{NOTEBOOK.name}"))
            run_all_cells(page)

            explorer = page.locator(".contra-explorer").first
            top_row = explorer.locator(".contra-row").first
            ready = explorer.locator(".contra-row-select:visible").first
            failed = page.locator(".jp-OutputArea-output", has_text="Traceback (most recent call last)")
            empty = explorer.locator(".widget-html", has_text="no contradictions match the filters")
            expect(ready.or_(failed).or_(empty).first).to_be_visible(timeout=150_000)
            if failed.count():
                pytest.fail("a notebook cell failed in JupyterLab:\n" + failed.first.inner_text()[-3000:])
            assert not empty.count(), "the explorer shows no contradiction for the seed article"
            # the graph is drawn by ipysigma's WebGL canvases, sized once to their grid cell: a blank graph
            # keeps the canvas default of 300x150 ("Sigma: Container has no width"), a graph measured
            # before the grid applied is wider than its cell and drawn off-centre
            nodes = explorer.locator(".contra-graph canvas.sigma-nodes")
            expect(nodes).to_have_count(1, timeout=30_000)
            canvas, cell, height = nodes.evaluate(
                "c => [c.clientWidth, c.closest('.contra-graph').getBoundingClientRect().width, c.clientHeight]")
            assert 400 < canvas <= cell + 2 and height >= 400, (canvas, cell, height)
            details = explorer.locator(".contra-details")
            expect(details).to_contain_text("Select a row")

            cells = top_row.locator(".widget-html")
            speaker_a, speaker_b = cells.nth(1).inner_text().strip(), cells.nth(3).inner_text().strip()
            assert speaker_a and speaker_b
            top_row.locator(".contra-row-select").click()

            expect(details).to_contain_text("Al-Tanaf", timeout=60_000)
            text = details.inner_text()
            assert speaker_a in text and speaker_b in text, text
            assert "A → B" in text and "B → A" in text
            expect(details.locator("mark.contra-sentence")).to_have_count(2)

            explorer.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(1500)  # let sigma finish drawing the new view with the selected edge
            box = explorer.bounding_box()
            top = max(0.0, box["y"])
            page.screenshot(path=str(shot), clip={"x": box["x"], "y": top, "width": box["width"],
                                                  "height": min(box["height"], VIEWPORT_HEIGHT - top)})

            # a selection made in the graph travels to Python too: pick an actor with the graph's search box
            explorer.locator(".contra-graph .choices").first.click()
            explorer.locator(".contra-graph input.choices__input--cloned").press_sequentially("actor:", delay=20)
            explorer.locator(".contra-graph .choices__list--dropdown .choices__item--choice",
                             has_text="actor:").first.click()
            expect(details.locator(".contra-actor")).to_be_visible(timeout=30_000)

            assert not external, f"the explorer tried to reach the network: {external[:5]}"
            assert not [e for e in errors if "Sigma" in e], errors
            expect(explorer.locator(".contra-graph canvas.sigma-nodes")).to_have_count(1)
        finally:
            browser.close()
    assert shot.stat().st_size > 20_000
    assert time.time() - started < 240
