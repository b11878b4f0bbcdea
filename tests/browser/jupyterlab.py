"""Test helpers: a throwaway JupyterLab server on localhost and headless Debian Chromium driven by Playwright.

Playwright's own browser download does not work offline, so the browser is Debian's `chromium` package
(installed by .ci/install-browser.sh) passed through `executable_path`.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "install-browser.sh"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def browser_missing() -> str | None:
    """Why the browser test cannot run (after trying the install script once), or None when it can."""
    def missing():
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            return "the playwright Python package is not installed"
        if not CHROMIUM.exists():
            return f"{CHROMIUM} is absent (Debian package chromium)"
        return None

    reason = missing()
    if reason is None:
        return None
    try:
        run = subprocess.run(["bash", str(INSTALL_SCRIPT)], capture_output=True, text=True, timeout=900)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"{reason}, and {INSTALL_SCRIPT.name} could not be run: {e}"
    if run.returncode != 0:
        tail = (run.stderr or run.stdout).strip().splitlines()[-1:] or ["no output"]
        return f"{reason}, and {INSTALL_SCRIPT.name} failed: {tail[0]}"
    import importlib

    importlib.invalidate_caches()
    return missing()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """`with JupyterLab(root_dir, env) as lab:` — a server on 127.0.0.1 with a random token, no browser."""

    def __init__(self, root_dir: Path, env: dict | None = None, log_path: Path | None = None):
        self.root_dir = Path(root_dir)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.env = dict(os.environ, **(env or {}))
        self.log_path = log_path or self.root_dir / "jupyterlab.log"
        self.process = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def __enter__(self):
        settings = self.root_dir / ".lab-settings"
        # no news/update checks: they would be network requests, and their pop-up covers the page
        notification = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
        notification.parent.mkdir(parents=True, exist_ok=True)
        notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        env = dict(self.env, JUPYTERLAB_SETTINGS_DIR=str(settings),
                   JUPYTERLAB_WORKSPACES_DIR=str(self.root_dir / ".lab-workspaces"))
        self._log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={self.port}",
             f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root_dir}",
             "--LabApp.expose_app_in_browser=True", "--allow-root"],
            env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(self.url("api/status"), timeout=2)
                return self
            except OSError:
                if self.process.poll() is not None or time.time() > deadline:
                    self.__exit__(None, None, None)
                    raise RuntimeError(f"JupyterLab did not start; see {self.log_path}:\n{self.log_tail()}")
                time.sleep(0.3)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(Path(self.log_path).read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            # SIGINT twice is JupyterLab's clean shutdown (kernels included); the group kill is the fallback
            for _ in range(2):
                self.process.send_signal(signal.SIGINT)
                time.sleep(0.3)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log.close()
        return False


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)


def block_external(page) -> list[str]:
    """Abort every request that leaves localhost; returns the (growing) list of what was attempted."""
    attempted: list[str] = []

    def route(r):
        url = r.request.url
        parsed = urlparse(url)
        if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in LOCAL_HOSTS:
            attempted.append(url)
            return r.abort()
        return r.continue_()

    page.route("**/*", route)
    return attempted


JS_KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""


def run_all_cells(page, timeout_ms: int = 60_000) -> None:
    """Wait for the open notebook's kernel, then Run → Run All Cells (the JupyterLab command)."""
    page.wait_for_function(JS_KERNEL_IDLE, timeout=timeout_ms)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
