"""The `contra` command: help, one-line errors with non-zero exits, never a traceback."""
from __future__ import annotations

import re
import subprocess
import sys

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

def contra(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "engine.cli", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def test_help_explains_every_option():
    out = contra("analyze", "--help")
    assert out.returncode == 0
    for option in ("--out", "--threshold", "--top-k", "--min-similarity", "--nli-model", "--embedding-model",
                   "--store", "--strict", "--backend", "--since", "--until", "--aliases", "--negative-neighbours"):
        assert option in out.stdout
    top = contra("--help")
    assert top.returncode == 0
    for command in ("analyze", "demo", "export", "train-nli", "eval-nli", "export-nli", "eval-attribution"):
        assert command in top.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["analyze", "/no/such/folder"], "no such file or directory: /no/such/folder"),
        (["analyze", "data/seed", "--threshold", "1.7"], "must be between 0 and 1"),
        (["analyze", "data/seed", "--threshold", "high"], "not a number"),
        (["analyze", "data/seed", "--top-k", "0"], "must be at least 1"),
        (["analyze", "data/seed", "--negative-neighbours", "-1"], "must be at least 0"),
        (["demo", "--show", "-1"], "must be at least 0"),
        (["demo", "--since", "yesterday"], "not a date (YYYY-MM-DD): 'yesterday'"),
        (["demo", "--until", "2024-13-45"], "not a date (YYYY-MM-DD): '2024-13-45'"),
        (["analyze", "data/seed", "--backend", "spark"], "invalid choice"),
        (["analyze"], "required"),
        (["export", "--store", "/no/such/store", "--out", "x"], "no store at /no/such/store"),
        (["analyze", "data/seed", "--out", "README.md"], "cannot write results to README.md: it is a file"),
        (["analyze", "data/seed", "--out", "README.md/sub"], "cannot write results to README.md/sub"),
        (["analyze", "data/seed", "--nli-model", "tests"], "not a model folder (no config.json): tests"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_user_errors_are_one_line(args, message):
    out = contra(*args)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr
    assert "documents:" not in out.stdout  # failed before the analysis, not after it


def test_the_python_api_checks_options_as_the_cli_does():
    """engine.analyze(..., option=value) builds a Config, which refuses a wrong type or range before any work."""
    import engine
    from engine.config import Config
    from engine.errors import ConfigError

    for options, message in ((dict(nli_threshold=1.5), "nli_threshold must be between 0 and 1, not 1.5"),
                             (dict(nli_threshold=-1), "nli_threshold must be between 0 and 1"),
                             (dict(nli_threshold="0.7"), "nli_threshold must be a number, not '0.7'"),
                             (dict(top_k=-3), "top_k must be at least 1, not -3"),
                             (dict(top_k=2.5), "top_k must be of type int, not 2.5"),
                             (dict(negative_neighbours=-1), "negative_neighbours must be at least 0"),
                             (dict(show_progress="no"), "show_progress must be of type bool"),
                             (dict(nli_combine="avg"), "nli_combine must be one of mean, max, min, not 'avg'"),
                             (dict(backend="spark"), "backend must be one of local, ray")):
        with pytest.raises(ConfigError, match=re.escape(message)):
            engine.analyze("Russia said it had not carried out any strikes.", **options)
    assert Config(nli_threshold=1, threads=None, aliases_path=None).nli_threshold == 1  # an int is a number


def test_precision_and_runtime_options_reach_the_config():
    """--nli-fast, --nli-bf16-runtime and --embedding-precision set the Config the pipeline runs with."""
    from engine.cli import _config_from, build_parser
    from engine.config import Config

    args = build_parser().parse_args(["analyze", "data/seed", "--nli-fast", "bf16", "--nli-bf16-runtime", "torch",
                                      "--embedding-precision", "fp32"])
    config = _config_from(args)
    assert (config.nli_fast, config.nli_bf16_runtime, config.embedding_precision) == ("bf16", "torch", "fp32")
    assert _config_from(build_parser().parse_args(["analyze", "data/seed"])).nli_bf16_runtime == "auto"
    blocking = _config_from(build_parser().parse_args(["analyze", "data/seed", "--negative-neighbours", "0"]))
    assert blocking.negative_neighbours == 0 and Config().negative_neighbours > 0


def test_a_denial_is_shown_with_its_cue(tmp_path):
    """The content of a denial is what is denied: the printed pair names the cue, so it does not read as agreement."""
    article = tmp_path / "denial.txt"
    article.write_text("Rumours spread on Monday that the militant leader Abu Bakr al-Baghdadi had been killed in a "
                       "US air strike near Mosul.\n\nBut a Pentagon official denied that the militant leader had been "
                       "killed in a US air strike near Mosul.\n", encoding="utf-8")
    out = contra("analyze", str(article), "--no-progress")
    assert out.returncode == 0, out.stderr
    assert "a Pentagon official (denied)" in out.stdout and "Rumours:" in out.stdout, out.stdout


def test_strict_mode_fails_on_lost_documents_not_on_files_left_out_on_purpose():
    """--strict stops on a document that could not be read, but a README or hidden file in a folder (reason
    "ignored", listed in the skips) is not a lost document."""
    import polars as pl

    from engine.config import Config
    from engine.errors import StrictModeError
    from engine.pipeline import check_skipped

    ignored = pl.DataFrame({"origin": ["data/seed/README.md"], "reason": ["ignored"], "detail": ["documentation file"]})
    check_skipped(ignored, Config(strict=True))
    lost = pl.concat([ignored, pl.DataFrame({"origin": ["a.txt"], "reason": ["empty"], "detail": ["0 bytes"]})])
    with pytest.raises(StrictModeError, match="1 document.s. skipped .strict mode.; first: a.txt: empty"):
        check_skipped(lost, Config(strict=True))
    check_skipped(lost, Config(strict=False))


def test_dates_that_need_a_look_are_noted_once(tmp_path):
    """A date that could not be read, or whose day and month could be swapped, is noted under the summary (the
    value is kept in documents.published_raw); a store notes it on the run that adds the document, not again."""
    table = tmp_path / "dated.csv"
    table.write_text('text,date\n"The minister said the bridge was open to traffic again on Monday.",03/02/2024\n'
                     '"The mayor said the bridge had been closed for repairs all week.",next Tuesday\n', encoding="utf-8")
    unread = f"1 document has a date that could not be read (kept in published_raw): {table}:3 ('next Tuesday')"
    ambiguous = "1 document has an ambiguous day/month date, read day-first (kept in published_raw): "
    out = contra("analyze", str(table), "--no-progress")
    assert out.returncode == 0, out.stderr
    notes = [line.strip() for line in out.stdout.splitlines() if "published_raw" in line]
    assert notes[0] == unread and notes[1].startswith(ambiguous) and "read as 2024-02-03" in notes[1], out.stdout
    store = tmp_path / "store"
    first = contra("analyze", "--store", str(store), str(table), "--no-progress")
    again = contra("analyze", "--store", str(store), str(table), "--no-progress")
    assert first.returncode == again.returncode == 0, first.stderr + again.stderr
    assert unread in first.stdout and "published_raw" not in again.stdout, again.stdout
