"""Hugging Face hub names without a hub (engine.hub): a name that is neither a folder nor in the local cache fails
with one clear line instead of the hub client's retries; cached names and folders load without the network."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from engine import hub
from engine.errors import ModelError

ROOT = Path(__file__).resolve().parents[1]
UNCACHED = "no-such-org/no-such-model-xyz"


def _closed_port() -> int:
    """A local port nothing listens on: connecting is refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def no_hub(monkeypatch, tmp_path):
    """An empty HF cache and a hub endpoint that refuses connections (fresh, so the probe runs again)."""
    from huggingface_hub import constants

    url = f"http://127.0.0.1:{_closed_port()}"
    monkeypatch.setattr(constants, "ENDPOINT", url)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.delenv("SENTENCE_TRANSFORMERS_HOME", raising=False)
    monkeypatch.setattr(hub, "_PROBED", {})
    return url


def _assert_not_found(error: ModelError, what: str, name: str, reason: str):
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"cannot load {what} {name!r}: not a folder on disk, not in the Hugging Face cache")
    assert reason in message
    assert f"hf download {name}" in message and "local model folder" in message


def test_uncached_hub_name_fails_with_one_line_naming_the_endpoint(no_hub):
    from engine import embed, nli

    for call in (nli.load, nli.check):
        with pytest.raises(ModelError) as err:
            call(UNCACHED)
        _assert_not_found(err.value, "NLI model", UNCACHED, f"the hub could not be reached at {no_hub} (")
    with pytest.raises(ModelError) as err:
        embed.load(UNCACHED)
    _assert_not_found(err.value, "embedding model", UNCACHED, f"the hub could not be reached at {no_hub} (")


def test_offline_mode_fails_at_once_without_a_probe(no_hub, monkeypatch):
    from huggingface_hub import constants

    from engine import embed, nli

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(hub, "_probe", lambda url: pytest.fail("probed the hub in offline mode"))
    with pytest.raises(ModelError) as err:
        nli.load(UNCACHED)
    _assert_not_found(err.value, "NLI model", UNCACHED, f"HF_HUB_OFFLINE is set, so the hub ({no_hub}) was not tried")
    with pytest.raises(ModelError) as err:
        embed.load(UNCACHED)
    _assert_not_found(err.value, "embedding model", UNCACHED, "HF_HUB_OFFLINE is set")


def test_the_hub_is_probed_once_per_process(no_hub, monkeypatch):
    from engine import embed, nli

    probed = []
    monkeypatch.setattr(hub, "_probe", lambda url: probed.append(url) or "refused")
    for call in (nli.load, nli.check, embed.load, nli.load):
        with pytest.raises(ModelError, match=r"could not be reached at .* \(refused\)"):
            call(UNCACHED)
    assert probed == [no_hub]
    # a failure is believed for RETRY_AFTER_S only: after it the hub is asked again (the network may be back)
    monkeypatch.setattr(hub, "RETRY_AFTER_S", 0.0)
    with pytest.raises(ModelError, match=r"could not be reached"):
        nli.load(UNCACHED)
    assert probed == [no_hub, no_hub]


def test_a_missing_path_is_not_taken_for_a_hub_name(no_hub, monkeypatch, tmp_path):
    from engine import embed, nli

    monkeypatch.setattr(hub, "_probe", lambda url: pytest.fail("probed the hub for a path"))
    missing = str(tmp_path / "no" / "such-model")
    with pytest.raises(ModelError, match="no such folder, and not a Hugging Face model name"):
        nli.load(missing)
    with pytest.raises(ModelError, match="no such folder, and not a Hugging Face model name"):
        embed.load(missing)


def test_partly_cached_name_says_so(no_hub):
    from huggingface_hub import constants

    from engine import nli

    repo = Path(constants.HF_HUB_CACHE) / "models--no-such-org--no-such-model-xyz"
    _snapshot_layout(repo, {"config.json": "{}"})  # a config, no weights: an interrupted download
    with pytest.raises(ModelError, match="only partly in the Hugging Face cache") as err:
        nli.load(UNCACHED)
    assert "\n" not in str(err.value)


# -- tiny real models: folders, and the same files in a Hugging Face cache layout --------------------------------

def _tiny_nli(path: Path) -> Path:
    """A random tiny BERT classifier with shuffled id2label (its labels tell it apart from any other model)."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from engine.nli.model import SHIPPED_DIR

    id2label = {0: "neutral", 1: "contradiction", 2: "entailment"}
    config = BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, num_labels=3, id2label=id2label,
                        label2id={v: k for k, v in id2label.items()})
    torch.manual_seed(0)
    BertForSequenceClassification(config).save_pretrained(path)
    AutoTokenizer.from_pretrained(SHIPPED_DIR).save_pretrained(path)
    return path


def _tiny_sentence_transformer(path: Path, work: Path) -> Path:
    """A tiny BERT with mean pooling, saved as sentence-transformers saves a model (modules.json, ...)."""
    import torch
    from sentence_transformers import SentenceTransformer
    from transformers import AutoTokenizer, BertConfig, BertModel

    from engine.nli.model import SHIPPED_DIR

    try:  # sentence-transformers >= 6 moved the module classes
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:
        from sentence_transformers.models import Pooling, Transformer

    torch.manual_seed(0)
    BertModel(BertConfig(vocab_size=30522, hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                         intermediate_size=64)).save_pretrained(work)
    AutoTokenizer.from_pretrained(SHIPPED_DIR).save_pretrained(work)
    transformer = Transformer(str(work))
    dimension = getattr(transformer, "get_embedding_dimension", None) or transformer.get_word_embedding_dimension
    SentenceTransformer(modules=[transformer, Pooling(dimension(), "mean")], device="cpu").save(str(path))
    return path


def _snapshot_layout(repo: Path, files: dict[str, str] | Path, commit: str = "0123456789abcdef" * 2 + "01234567"):
    """A model's files as the hub client caches them: refs/main names a commit, snapshots/<commit>/ holds them."""
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(commit)
    snapshot = repo / "snapshots" / commit
    if isinstance(files, Path):
        shutil.copytree(files, snapshot)
    else:
        snapshot.mkdir(parents=True)
        for name, text in files.items():
            (snapshot / name).write_text(text)


@pytest.mark.slow
def test_local_folders_load_without_touching_the_hub(tmp_path, monkeypatch):
    from engine import embed, nli

    monkeypatch.setattr(hub, "_probe", lambda url: pytest.fail("probed the hub for a folder"))
    model = nli.load(_tiny_nli(tmp_path / "nli"), backend="torch")
    assert model.labels == ["neutral", "contradiction", "entailment"]
    assert model.predict([("a man sings", "a man does not sing")]).shape == (1, 3)
    st = embed.load(str(_tiny_sentence_transformer(tmp_path / "st", tmp_path / "st-bert")))
    assert st.encode(["a claim"]).shape == (1, 32)


class _Recorder(BaseHTTPRequestHandler):
    """A hub that knows no model: records each request and answers 404."""

    seen: list[str] = []

    def _answer(self):
        self.seen.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_GET = _answer

    def log_message(self, *args):
        pass


SCRIPT = textwrap.dedent("""
    import json
    from engine import embed, nli
    from engine.errors import ModelError

    out = {}
    model = nli.load("tiny-org/tiny-nli", backend="torch")
    out["labels"] = model.labels
    out["probs"] = model.predict([("a man sings", "a man does not sing")]).shape[1]
    out["st"] = embed.load("tiny-org/tiny-st").encode(["a claim"]).shape[1]
    out["default"] = embed.load().encode(["a claim"]).shape[1]
    print("CACHED-DONE", flush=True)
    try:
        nli.load("%s")
    except ModelError as e:
        out["unknown"] = str(e)
    print(json.dumps(out))
""" % UNCACHED)


@pytest.mark.slow
def test_cached_hub_names_load_without_the_network_and_a_reachable_hub_is_used(tmp_path):
    """In a fresh process (the hub client reads HF_HUB_CACHE / HF_ENDPOINT at import) with a local stand-in
    hub: names in the cache load from it without one request; an unknown name, with the hub reachable, goes to
    the hub exactly as before (one probe, then the client's own requests and error)."""
    cache = tmp_path / "hf-cache"
    _snapshot_layout(cache / "models--tiny-org--tiny-nli", _tiny_nli(tmp_path / "nli"))
    _snapshot_layout(cache / "models--tiny-org--tiny-st", _tiny_sentence_transformer(tmp_path / "st", tmp_path / "b"))
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "SENTENCE_TRANSFORMERS_HOME", "HF_HOME")}
    env.update(HF_HUB_CACHE=str(cache), HF_HOME=str(tmp_path / "hf-home"), HF_HUB_DISABLE_TELEMETRY="1",
               HF_ENDPOINT=f"http://127.0.0.1:{server.server_address[1]}", OMP_NUM_THREADS="1")
    try:
        run = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=600)
    finally:
        server.shutdown()
        server.server_close()
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["labels"] == ["neutral", "contradiction", "entailment"] and out["probs"] == 3
    assert out["st"] == 32 and out["default"] == 384
    assert not [r for r in _Recorder.seen if "tiny-org" in r], _Recorder.seen  # cached: no request at all
    # the unknown name: one probe of the endpoint, then the hub client asked for the model as it always has
    assert _Recorder.seen[0] == "HEAD /" and _Recorder.seen.count("HEAD /") == 1, _Recorder.seen
    assert any("no-such-org/no-such-model-xyz" in r for r in _Recorder.seen[1:]), _Recorder.seen
    assert out["unknown"].startswith(f"cannot load NLI model {UNCACHED!r}: ")
    assert "could not be reached" not in out["unknown"] and "not in the Hugging Face cache" not in out["unknown"]
