"""Ingest: a file that cannot be read is a recorded skip ("unreadable"), never the end of the run, and special
files (named pipes, sockets, devices) are never opened.

The tests run as root, and root reads a chmod 000 file. Two real ways to get an OSError anyway, no mocking:
  - a link to a write-only sysfs attribute (/sys/bus/*/uevent): the kernel refuses to open it for reading,
    root or not (EACCES);
  - a child process whose root has given up CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (`setpriv`), where
    chmod 000 means what it says (not root: the same test runs in-process).
"""
from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from engine import ingest
from engine.config import Config
from engine.errors import InputError

QUIET = Config(show_progress=False, languages=())
GOOD = "Officials said the convoy was hit near the border crossing on Monday."
OTHER = "The ministry said the talks covered military cooperation and border security."


def load(sources, **options):
    return ingest.load_documents(sources, QUIET.replace(**options) if options else QUIET)


def _write_only_attribute() -> str | None:
    """A regular file the kernel will not open for reading, even for root."""
    for path in sorted(glob.glob("/sys/bus/*/uevent")) + sorted(glob.glob("/sys/bus/*/drivers_probe")):
        try:
            if not stat.S_ISREG(os.stat(path).st_mode) or os.stat(path).st_size == 0:
                continue
            with open(path, "rb") as handle:
                handle.read(1)
        except PermissionError:
            return path
        except OSError:
            continue
    return None


WRITE_ONLY = _write_only_attribute()
needs_write_only = pytest.mark.skipif(WRITE_ONLY is None, reason="no write-only sysfs attribute on this machine")


def _in_time(function, seconds: float = 60):
    """Run `function`; fail (instead of hanging the suite) if it blocks, e.g. on opening a named pipe."""
    result: dict = {}

    def target():
        try:
            result["value"] = function()
        except BaseException as err:  # noqa: BLE001 - handed to the test below
            result["error"] = err

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "ingest blocked (it opened a special file?)"
    if "error" in result:
        raise result["error"]
    return result["value"]


@needs_write_only
@pytest.mark.parametrize("name", ["locked.txt", "locked.csv", "locked.json", "locked.html", "locked.parquet"])
def test_unreadable_file_in_a_folder_is_skipped_and_the_rest_is_read(tmp_path, name):
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / name).symlink_to(WRITE_ONLY)
    (tmp_path / "z.txt").write_text(OTHER)
    docs, skipped = load(tmp_path)  # raised InputError before: the whole run stopped at the one file
    assert docs["origin"].to_list() == [str(tmp_path / "a.txt"), str(tmp_path / "z.txt")]
    assert skipped.rows() == [(str(tmp_path / name), "unreadable", "cannot read the file: Permission denied")]
    assert ingest.summary_line(docs, skipped) == "documents: 3 received = 2 analysed + 1 skipped (1 unreadable)"


@needs_write_only
def test_unreadable_large_text_file_is_skipped(tmp_path, monkeypatch):
    # files over STREAM_BYTES are decoded in chunks by another reader: it must fail the same way
    monkeypatch.setattr(ingest, "STREAM_BYTES", 10)
    (tmp_path / "a.txt").write_text(GOOD)
    (tmp_path / "big.txt").symlink_to(WRITE_ONLY)
    docs, skipped = load(tmp_path)
    assert docs.height == 1
    assert skipped.rows() == [(str(tmp_path / "big.txt"), "unreadable", "cannot read the file: Permission denied")]


@needs_write_only
def test_unreadable_file_named_explicitly_is_a_skip_too(tmp_path):
    link = tmp_path / "locked.txt"
    link.symlink_to(WRITE_ONLY)
    docs, skipped = load([GOOD, link])
    assert docs.height == 1
    assert skipped.rows() == [(str(link), "unreadable", "cannot read the file: Permission denied")]


def test_special_files_in_a_folder_are_not_opened(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD)
    os.mkfifo(tmp_path / "pipe.txt")  # opening it for reading would block until a writer comes
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "sock.txt"))
        (tmp_path / "null.txt").symlink_to(os.devnull)
        (tmp_path / "dir.txt").mkdir()  # a folder named like a file is a folder: walked, not read
        (tmp_path / "dir.txt" / "inner.txt").write_text(OTHER)
        docs, skipped = _in_time(lambda: load(tmp_path))
    finally:
        server.close()
    assert docs["origin"].to_list() == [str(tmp_path / "a.txt"), str(tmp_path / "dir.txt" / "inner.txt")]
    assert skipped.rows() == [
        (str(tmp_path / "null.txt"), "ignored", "not a regular file (character device): not opened"),
        (str(tmp_path / "pipe.txt"), "ignored", "not a regular file (named pipe): not opened"),
        (str(tmp_path / "sock.txt"), "ignored", "not a regular file (socket): not opened"),
    ]


def test_special_file_named_explicitly_is_unreadable_and_not_opened(tmp_path):
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    docs, skipped = _in_time(lambda: load([GOOD, pipe, os.devnull]))
    assert docs.height == 1
    assert skipped.rows() == [  # was "empty" ("0 bytes") for both
        (str(pipe), "unreadable", "not a regular file (named pipe): not opened; save its contents to a file"),
        (os.devnull, "unreadable", "not a regular file (character device): not opened; save its contents to a file"),
    ]


# ---------------------------------------------------------------------- permission denied, for real
CHILD = """
import json, sys
from engine import ingest
from engine.config import Config
docs, skipped = ingest.load_documents(sys.argv[1:], Config(show_progress=False, languages=()))
print(json.dumps({"documents": docs["origin"].to_list(), "skipped": skipped.rows()}))
"""


def _load_without_root_powers(*paths: Path) -> dict:
    """load_documents(paths) where permission bits are enforced: in-process when not root; as root, in a child
    process that has dropped the capabilities which let root read any file."""
    if os.geteuid() != 0:
        docs, skipped = load(list(paths))
        return {"documents": docs["origin"].to_list(), "skipped": [list(r) for r in skipped.rows()]}
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv (util-linux) is missing: cannot enforce file permissions")
    drop = "-dac_override,-dac_read_search"
    command = [setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}", sys.executable, "-c", CHILD, *map(str, paths)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(ingest.__file__).parents[1]), *sys.path])}
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    if done.returncode != 0 and done.stderr.startswith("setpriv:"):
        pytest.skip(f"setpriv cannot drop capabilities here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_permission_denied_in_a_folder_is_a_skip_and_the_rest_is_read(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD)
    (corpus / "locked.txt").write_text("The minister said the bridge would reopen on Monday.")
    (corpus / "locked.txt").chmod(0)
    (corpus / "no-entry").mkdir()  # listable, but its entries cannot be looked at (no x permission)
    (corpus / "no-entry" / "inside.txt").write_text("The council said the rents would double next year.")
    (corpus / "no-entry").chmod(0o600)
    (corpus / "z.txt").write_text(OTHER)
    inside = corpus / "no-entry" / "inside.txt"
    try:
        # the folder, then the unreachable file named explicitly (a str, as from the command line)
        result = _load_without_root_powers(corpus, inside)
    finally:
        (corpus / "no-entry").chmod(0o700)
        (corpus / "locked.txt").chmod(0o600)
    assert result["documents"] == [str(corpus / "a.txt"), str(corpus / "z.txt")]
    assert [tuple(row) for row in result["skipped"]] == [
        (str(corpus / "locked.txt"), "unreadable", "cannot read the file: Permission denied"),
        (str(inside), "unreadable", "cannot access: Permission denied"),
        (str(inside), "unreadable", "cannot access: Permission denied"),
    ]
