"""Loading an NLI cross-encoder and predicting label probabilities for (premise, hypothesis) pairs.

Two backends with the same tokenisation and output: torch (any Hugging Face sequence-classification
model, by name or path) and ONNX Runtime (the project's exported file, see engine.nli.export_onnx).

Two passes: `predict(exact=True)` runs fp32 (scores that do not depend on batch-mates);
`predict(exact=False)` runs the model's *fast* pass, which the engine uses only to screen pairs: bf16 on CPUs
with AMX tiles (fixed batch shapes, see engine.bf16), else the int8 ONNX graph when one is exported (one pair per
call, calls side by side: NLIModel._int8_workers), else fp32.
The bf16 pass runs on OpenVINO where it is installed (its CPU plugin fuses the attention and layer-norm ops
that dominate short pairs, and runs batches on several streams at once: the NLI stage ~1.2x its torch-bf16
run here), else on torch/oneDNN (~2x fp32 on AMX).
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np

from engine import bf16, hub
from engine.config import CHOICES, MODELS_DIR
from engine.errors import ModelError
from engine.quiet import model_io

log = logging.getLogger("engine.nli")

SHIPPED_DIR = MODELS_DIR / "nli-minilm"
#: ONNX files looked for in a model folder, best first (written by `contra export-nli`)
ONNX_FILES = ("model.int8.onnx", "model.onnx")
#: the fused fp32 graph: exact scores, used to re-score the pairs that pass the int8 screen (Config.nli_exact;
#: int8 scores differ from them by up to ~0.4)
EXACT_FILE = "model.onnx"
#: the shipped model converted for OpenVINO (derived on first use, like the ONNX files)
OV_FILE = "model.openvino.xml"
REQUIRED_LABELS = ("contradiction", "entailment", "neutral")
#: the exporter's graph version, recorded beside each export (export_stamp): 2 = eager attention, which ONNX
#: Runtime fuses (engine.nli.export_onnx)
EXPORT_VERSION = 2
#: the fast pass: "auto" = bf16 where the CPU has AMX-BF16, else int8 where an int8 graph exists, else fp32
FAST_CHOICES = CHOICES["nli_fast"]
#: what runs the bf16 pass: "auto" = OpenVINO when importable, else torch
BF16_RUNTIMES = CHOICES["nli_bf16_runtime"]

#: what a complete copy of a hub model holds in the Hugging Face cache: one file of each group (engine.hub)
HUB_FILES = (("config.json",), hub.WEIGHTS)

_CACHE: dict[tuple, "NLIModel"] = {}
#: the tokenizer outputs a cross-encoder may take, in the order the batches carry them
MODEL_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _first_line(error: Exception) -> str:
    """An exception's first line (its type when it has no message), for one-line errors and warnings."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _resolve(name_or_path: str | os.PathLike | None) -> tuple[str, Path | None]:
    if name_or_path is None:
        if not (SHIPPED_DIR / "config.json").exists():
            raise ModelError(f"the shipped NLI model is missing: {SHIPPED_DIR} (train it: contra train-nli)")
        return str(SHIPPED_DIR), SHIPPED_DIR
    path = Path(name_or_path).expanduser()
    if path.exists():
        if not (path / "config.json").exists():
            raise ModelError(f"not a model folder (no config.json): {path}")
        return str(path.resolve()), path.resolve()
    return str(name_or_path), None  # a hub name


def from_pretrained_kwargs(name: str, path: Path | None) -> dict:
    """from_pretrained's extra arguments for a model: none for a folder; local_files_only=True for a hub name
    in the local Hugging Face cache. A hub name neither cached nor reachable fails here, in seconds
    (engine.hub), instead of after the hub client's retries."""
    if path is not None:
        return {}
    return {"local_files_only": True} if hub.local_files_only(name, "NLI model", HUB_FILES) else {}


def _labels(config) -> list[str]:
    id2label = getattr(config, "id2label", None) or {}
    # keys may be ints or strings depending on how the config was written
    by_index = {int(k): str(v).lower() for k, v in id2label.items()}
    labels = [by_index[i] for i in sorted(by_index)]
    missing = [l for l in REQUIRED_LABELS if l not in labels]
    if missing:
        raise ModelError(f"not an NLI model: config.id2label {labels} lacks {', '.join(missing)}")
    return labels


def weights_digest(path: Path) -> str | None:
    """sha1 of the folder's weights file: an exported ONNX file records it, so a stale export is noticed."""
    import hashlib

    for name in ("model.safetensors", "pytorch_model.bin"):
        if (path / name).exists():
            h = hashlib.sha1()
            with open(path / name, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            return h.hexdigest()
    return None


def export_stamp(path: Path, onnx: bool = True) -> str:
    """What a derived file beside the weights records: their digest, and for an ONNX export the exporter's
    EXPORT_VERSION (a graph exported by an older exporter is redone, like one from other weights)."""
    digest = weights_digest(path) or ""
    return f"{digest} export-{EXPORT_VERSION}" if onnx else digest


def onnx_file(path: Path | None, names=ONNX_FILES) -> Path | None:
    """The folder's exported ONNX file, unless it was exported from other weights than the folder's or by an
    older exporter (a warning says so, except for the shipped model, whose files load() simply redoes)."""
    if path is None:
        return None
    for name in names:
        f = path / name
        if f.exists():
            stamp = f.with_name(f.name + ".source")
            if stamp.exists() and stamp.read_text().strip() != export_stamp(path, onnx=name.endswith(".onnx")):
                if path.resolve() != SHIPPED_DIR.resolve():
                    log.warning("ignoring %s: exported from other weights or by an older exporter "
                                "(re-run contra export-nli)", f)
                continue
            return f
    return None


def _export_shipped(path: Path) -> Path | None:
    """First use of the shipped model: write its int8 ONNX file beside it (~20 s, once); None on failure.

    The repository ships only the fp16 safetensors (size limit); the ONNX file is derived from them.
    """
    import tempfile

    from engine.nli.export_onnx import export

    log.warning("exporting the shipped NLI model to ONNX once (about 30 s): %s", path)
    try:
        with tempfile.TemporaryDirectory(dir=path) as tmp:
            target = export(path, Path(tmp), keep_fp32=True)
            for f in (target.with_name(EXACT_FILE), target):  # the int8 file last: load() looks for it first
                stamp = f.with_name(f.name + ".source")
                os.replace(stamp, path / stamp.name)
                os.replace(f, path / f.name)  # atomic: a concurrent process sees all or nothing
        return path / target.name
    except Exception as e:  # read-only install, missing onnxruntime tools: torch still works
        log.warning("ONNX export failed (%s); using torch", _first_line(e))
        return None


def _save_openvino(model, path: Path) -> None:
    """Write an OpenVINO conversion beside the weights it came from; a failure only costs the next load time.
    The .xml goes last, so a concurrent loader never finds it without its .bin and stamp."""
    import tempfile

    import openvino as ov

    try:
        with tempfile.TemporaryDirectory(dir=path) as tmp:
            xml = Path(tmp) / OV_FILE
            ov.save_model(model, str(xml), compress_to_fp16=False)
            os.replace(xml.with_suffix(".bin"), path / xml.with_suffix(".bin").name)
            (path / (OV_FILE + ".source")).write_text(export_stamp(path, onnx=False))
            os.replace(xml, path / OV_FILE)
    except Exception as e:  # read-only install: convert again next time
        log.warning("could not save the OpenVINO conversion (%s)", _first_line(e))


class NLIModel:
    """A loaded cross-encoder. `labels` follow the model's config.id2label (lower-cased)."""

    def __init__(self, name: str, path: Path | None, backend: str, max_length: int, threads: int | None,
                 fast: str = "auto", bf16_runtime: str = "auto", hub_kwargs: dict | None = None):
        from engine.errors import ConfigError

        if fast not in FAST_CHOICES:
            raise ConfigError(f"nli_fast must be one of {', '.join(FAST_CHOICES)}, not {fast!r}")
        if bf16_runtime not in BF16_RUNTIMES:
            raise ConfigError(f"nli_bf16_runtime must be one of {', '.join(BF16_RUNTIMES)}, not {bf16_runtime!r}")
        self.name, self.path, self.max_length, self.threads = name, path, max_length, threads
        # from_pretrained's extra arguments (a cached hub name: local_files_only); from_pretrained_kwargs when not given
        self._hub = from_pretrained_kwargs(name, path) if hub_kwargs is None else dict(hub_kwargs)
        self.tokenizer, config = self._load_tokenizer_config(name, self._hub)
        self.labels = _labels(config)
        self.exact_path, self._sessions = None, {}
        onnx = onnx_file(path)
        shipped = path is not None and path.resolve() == SHIPPED_DIR.resolve()
        if backend in ("auto", "onnx") and shipped and (onnx is None or onnx_file(path, (EXACT_FILE,)) is None):
            onnx = _export_shipped(path) or onnx
        if backend == "auto":
            backend = "onnx" if onnx is not None else "torch"
        if backend == "onnx":
            if onnx is None:
                raise ModelError(f"no exported ONNX file in {path or name} (run: contra export-nli)")
            self._init_onnx(onnx)
        elif backend == "torch":
            self._init_torch(name)
        else:
            raise ConfigError(f"nli_backend must be one of {', '.join(CHOICES['nli_backend'])}, not {backend!r}")
        self.backend = backend
        self.fast = self._choose_fast(fast)
        self.bf16_runtime = _choose_bf16_runtime(bf16_runtime) if self.fast == "bf16" else None
        self._bf16_model = self._bf16_queue = None
        if self.bf16_runtime == "openvino":
            self._bf16_queue = self._load_openvino(name)
        elif self.bf16_runtime == "torch":
            self._bf16_model = self._load_torch(name, bf16=True)
        if backend == "onnx":  # open, at load time, the graph this model will run first (a broken file fails here)
            self._int8_workers() if self.fast == "int8" else self._session(exact=self.fast == "bf16")

    def __repr__(self):
        runtime = f" on {self.bf16_runtime}" if self.bf16_runtime else ""
        return f"NLIModel({self.name!r}, backend={self.backend!r}, fast={self.fast!r}{runtime}, labels={self.labels})"

    def _choose_fast(self, fast: str) -> str:
        int8 = self.backend == "onnx" and self.exact_path is not None  # an int8 graph beside the fp32 one
        if fast == "auto":
            fast = "bf16" if bf16.cpu_has_amx_bf16() else ("int8" if int8 else "fp32")
        if fast == "int8" and not int8:
            raise ModelError(f"no int8 ONNX graph for {self.name} (nli_fast='int8'; run: contra export-nli)")
        return fast

    @staticmethod
    def _load_tokenizer_config(name: str, hub_kwargs: dict | None = None):
        from transformers import AutoConfig, AutoTokenizer

        try:
            with model_io():
                config = AutoConfig.from_pretrained(name, **(hub_kwargs or {}))
                tokenizer = AutoTokenizer.from_pretrained(name, **(hub_kwargs or {}))
        except Exception as e:  # hub unreachable, unknown name, broken folder
            raise ModelError(f"cannot load NLI model {name!r}: {_first_line(e)[:200]}") from None
        return tokenizer, config

    def _init_torch(self, name: str):
        self.model = self._load_torch(name)
        self.onnx_path = None

    def _load_torch(self, name: str, bf16: bool = False):
        import torch
        from transformers import AutoModelForSequenceClassification

        if self.threads:
            torch.set_num_threads(self.threads)
        try:
            # fp16 weights are cast to fp32 (CPU fp16 matmuls are slow), or to bf16 for the AMX fast pass
            with model_io():
                model = AutoModelForSequenceClassification.from_pretrained(
                    name, dtype=torch.bfloat16 if bf16 else torch.float32, **self._hub)
        except Exception as e:
            raise ModelError(f"cannot load NLI model {name!r}: {_first_line(e)[:200]}") from None
        return model.eval()

    def _load_openvino(self, name: str):
        """An OpenVINO queue of infer requests running the model in bf16 (AMX), converted from the torch model
        (~5 s; the conversion runs ~8% faster than reading the fused ONNX export). The shipped model keeps its
        conversion beside its weights (OV_FILE, stamped like the ONNX export), so later loads take ~0.3 s.

        Compiled for throughput: OpenVINO splits the cores into streams (2 of 1 thread here) that run batches
        side by side, ~1.3x one 2-thread request on this project's machine; every stream computes a batch
        bit-identically to one latency-mode request, so scores do not depend on which stream ran them."""
        import openvino as ov

        core = ov.Core()
        shipped = self.path is not None and self.path.resolve() == SHIPPED_DIR.resolve()
        cached = onnx_file(self.path, (OV_FILE,)) if shipped else None
        try:
            if cached is not None:
                model = core.read_model(str(cached))
            else:
                import torch

                torch_model = self.model if self.backend == "torch" else self._load_torch(name)
                example = {k: torch.ones(2, 8, dtype=torch.long) for k in self._input_names()}
                with model_io():  # the tracer's warnings are about the conversion, not the user's data
                    model = ov.convert_model(torch_model, example_input=example)
                if shipped:
                    _save_openvino(model, self.path)
            options = {"INFERENCE_PRECISION_HINT": "bf16", "PERFORMANCE_HINT": "THROUGHPUT"}
            if self.threads:
                options["INFERENCE_NUM_THREADS"] = int(self.threads)
            compiled = core.compile_model(model, "CPU", options)
            jobs = max(1, int(compiled.get_property("OPTIMAL_NUMBER_OF_INFER_REQUESTS")))
        except Exception as e:
            raise ModelError(f"cannot run NLI model {name!r} on OpenVINO (nli_bf16_runtime='torch' avoids it): "
                             f"{_first_line(e)[:200]}") from None
        self._ov_inputs = [port.get_any_name() for port in compiled.inputs]
        return ov.AsyncInferQueue(compiled, jobs)

    def _input_names(self) -> list[str]:
        probe = self.tokenizer("a", "b")
        return [k for k in MODEL_INPUTS if k in probe]

    def _init_onnx(self, onnx: Path):
        self.onnx_path = onnx
        exact = onnx_file(self.path, (EXACT_FILE,))
        self.exact_path = exact if exact is not None and exact != onnx else None
        self._onnx_threads = self.threads or min(os.cpu_count() or 1, 8)

    @property
    def has_exact(self) -> bool:
        """True when predict(exact=True) runs another, batch-independent pass than predict() (the fast pass is
        bf16 or int8)."""
        return self.fast != "fp32"

    def _session(self, exact: bool):
        """The ONNX Runtime session of the int8 graph (the fast pass when fast == "int8") or of the fp32 graph,
        opened on first use: with a bf16 fast pass the int8 graph is never loaded."""
        path = self.onnx_path if self.exact_path is None or (not exact and self.fast == "int8") else self.exact_path
        if path not in self._sessions:
            self._sessions[path] = _ort_session(path, self._onnx_threads)
        return self._sessions[path]

    def _int8_workers(self) -> list:
        """One single-thread session of the int8 graph per thread (Config.threads, else the cores, at most 8).

        The int8 pass runs one pair per call: dynamic quantisation scales activations per call, so a pair
        scored alone gets the same int8 scores whatever else is scored (in batches of 32 they moved by up to
        0.41 with their batch-mates), at the batched speed when the calls run side by side (`python -m
        bench.export`: 1.06x batches of 32 on one 2-thread session). ~60 MiB of memory per extra session."""
        if "int8 workers" not in self._sessions:
            self._sessions["int8 workers"] = [_ort_session(self.onnx_path, 1) for _ in range(self._onnx_threads)]
        return self._sessions["int8 workers"]

    def _run_parallel(self, plan, keep) -> None:
        """Run the (one-pair) batches of the int8 pass on the worker sessions side by side (ONNX Runtime
        releases the GIL); each batch writes its own rows, so the order they finish in does not matter."""
        import threading
        from concurrent.futures import ThreadPoolExecutor

        items, lock = iter(plan), threading.Lock()

        def work(session):
            names = [i.name for i in session.get_inputs()]
            while True:
                with lock:  # the plan is a generator (padding, progress bar): one thread advances it at a time
                    item = next(items, None)
                if item is None:
                    return
                idx, feats = item
                keep(idx, session.run(None, {n: feats[n].astype(np.int64) for n in names})[0])

        workers = self._int8_workers()
        with ThreadPoolExecutor(len(workers)) as pool:
            for done in [pool.submit(work, session) for session in workers]:
                done.result()  # re-raises a worker's error: no pair is silently left at zeros

    def _logits(self, feats: dict, exact: bool = False) -> np.ndarray:
        torch_model = self._bf16_model if not exact and self.fast == "bf16" else (
            self.model if self.backend == "torch" else None)
        if torch_model is None:
            session = self._session(exact)
            return session.run(None, {i.name: feats[i.name].astype(np.int64) for i in session.get_inputs()})[0]
        import torch

        with torch.inference_mode():
            return torch_model(**{k: torch.from_numpy(v) for k, v in feats.items()}).logits.float().numpy()

    def predict(self, pairs, batch_size: int = 32, show_progress: bool = False, exact: bool = False) -> np.ndarray:
        """Probabilities (n, len(labels)) for a list of (premise, hypothesis) tuples.

        Identical pairs are scored once; pairs are sorted by length so a batch carries little padding.
        `exact`: run fp32 instead of the fast pass (`fast`: bf16 or int8, which runs one pair per call, so that
        `batch_size` does not apply to it). With fast == "fp32" both are the same. A pair's scores do not depend
        on the other pairs scored with it in any pass.
        """
        pairs = [(str(p), str(h)) for p, h in pairs]
        out = np.zeros((len(pairs), len(self.labels)), dtype=np.float32)
        if not pairs:
            return out
        unique = list(dict.fromkeys(pairs))
        where = {p: i for i, p in enumerate(unique)}
        enc = self._encode(unique)
        keys = [k for k in MODEL_INPUTS if k in enc]
        probs = np.zeros((len(unique), len(self.labels)), dtype=np.float32)

        def keep(idx, logits):
            logits = np.asarray(logits[: len(idx)], dtype=np.float32)
            logits = logits - logits.max(axis=1, keepdims=True)
            e = np.exp(logits)
            probs[idx] = e / e.sum(axis=1, keepdims=True)

        int8 = not exact and self.fast == "int8"
        plan = self._batches(enc, keys, 1 if int8 else batch_size, exact, show_progress)
        if not exact and self._bf16_queue is not None:
            self._run_queued(plan, keep)
        elif int8:
            self._run_parallel(plan, keep)
        else:
            for idx, feats in plan:
                keep(idx, self._logits(feats, exact))
        for i, p in enumerate(pairs):
            out[i] = probs[where[p]]
        return out

    def _encode(self, pairs: list[tuple[str, str]]) -> dict[str, list[list[int]]]:
        """Model inputs per pair, exactly as the tokenizer's pair call gives them. Claims recur across many
        candidate pairs (~15 pairs per distinct text at 10k claims), so with a fast tokenizer each distinct
        text is tokenized once and its pairs are assembled by the tokenizer's own post-processor (its template
        of special tokens): ~2x faster. Pairs too long for max_length go through the full call, whose split of
        the length budget post_process does not always reproduce."""
        def call(subset):
            return self.tokenizer([p for p, _ in subset], [h for _, h in subset], truncation=True,
                                  max_length=self.max_length)

        backend = getattr(self.tokenizer, "backend_tokenizer", None)
        if len(pairs) < 256 or backend is None or backend.padding is not None:
            return call(pairs)
        texts = list(dict.fromkeys(t for pair in pairs for t in pair))
        singles = dict(zip(texts, backend.encode_batch(texts, add_special_tokens=False)))
        room = self.max_length - self.tokenizer.num_special_tokens_to_add(pair=True)
        fits = [len(singles[p]) + len(singles[h]) <= room for p, h in pairs]
        long = [pair for pair, ok in zip(pairs, fits) if not ok]
        keys = self._input_names()
        rest = iter(zip(*(call(long)[k] for k in keys))) if long else iter(())
        rows = []
        for (p, h), ok in zip(pairs, fits):
            if ok:
                e = backend.post_process(singles[p], singles[h], add_special_tokens=True)
                rows.append(tuple({"input_ids": e.ids, "attention_mask": e.attention_mask,
                                   "token_type_ids": e.type_ids}[k] for k in keys))
            else:
                rows.append(next(rest))
        return dict(zip(keys, (list(column) for column in zip(*rows))))

    def _run_queued(self, plan, keep) -> None:
        """Run the batches on the OpenVINO queue, several at once; `keep(idx, logits)` takes each result as it
        lands (each batch writes its own rows, so the order they finish in does not matter)."""
        queue = self._bf16_queue
        queue.set_callback(lambda request, idx: keep(idx, request.get_output_tensor(0).data))
        for idx, feats in plan:
            queue.start_async({k: feats[k] for k in self._ov_inputs}, idx)  # waits for a free request
        queue.wait_all()  # re-raises an error of a callback (checked): no batch is silently left at zeros

    def _batches(self, enc, keys, batch_size: int, exact: bool, show_progress: bool):
        """(item indices, padded features) per batch, shortest first. The bf16 pass runs fixed shapes
        (engine.bf16), so a pair's fast score does not depend on its batch-mates either."""
        lengths = [len(x) for x in enc["input_ids"]]
        sequences = {k: enc[k] for k in keys}
        right = getattr(self.tokenizer, "padding_side", "right") == "right"
        fill = {"input_ids": self.tokenizer.pad_token_id or 0,
                "token_type_ids": getattr(self.tokenizer, "pad_token_type_id", 0)}
        if not exact and self.fast == "bf16" and right:
            plan = list(bf16.batches(lengths, batch_size, limit=self.max_length))
        else:
            order = np.argsort(lengths, kind="stable")
            plan = [(order[s:s + batch_size], None) for s in range(0, len(order), batch_size)]
        if show_progress:
            from tqdm import tqdm

            plan = tqdm(plan, desc="nli", unit="pair" if batch_size == 1 else "batch")
        for idx, width in plan:
            if width is not None:  # fixed shape: batch_size rows, the bucket's width
                yield idx, bf16.pad(sequences, idx, width, batch_size, fill)
            else:
                yield idx, self._pad(sequences, idx, fill, right)

    def _pad(self, sequences: dict, idx, fill: dict, right: bool) -> dict:
        """Right-pad one batch to its longest item (tokenizer.pad does the same, several times slower)."""
        if not right:
            return dict(self.tokenizer.pad({k: [seqs[i] for i in idx] for k, seqs in sequences.items()},
                                           return_tensors="np"))
        width = max(len(sequences["input_ids"][i]) for i in idx)
        return bf16.pad(sequences, idx, width, len(idx), fill)

    def index(self, label: str) -> int:
        return self.labels.index(label)


def _ort_session(path: Path, threads: int):
    """An ONNX Runtime CPU session of `path` with every graph optimisation, on `threads` intra-op threads."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads, opts.inter_op_num_threads = threads, 1
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def _choose_bf16_runtime(runtime: str) -> str:
    import importlib.util

    installed = importlib.util.find_spec("openvino") is not None
    if runtime == "openvino" and not installed:
        raise ModelError("nli_bf16_runtime='openvino' but openvino is not installed (pip install openvino)")
    return "openvino" if runtime == "openvino" or (runtime == "auto" and installed) else "torch"


def load(name_or_path=None, backend: str = "auto", max_length: int = 128, threads: int | None = None,
         fast: str = "auto", bf16_runtime: str = "auto") -> NLIModel:
    """Load an NLI cross-encoder once per process. None = the shipped model (models/nli-minilm).
    `fast`: the screening pass of predict(exact=False), one of FAST_CHOICES (see the module docstring);
    `bf16_runtime`: what runs a bf16 fast pass, one of BF16_RUNTIMES."""
    name, path = _resolve(name_or_path)
    key = (name, backend, max_length, threads, fast, bf16_runtime)
    if key not in _CACHE:
        _CACHE[key] = NLIModel(name, path, backend, max_length, threads, fast, bf16_runtime,
                               hub_kwargs=from_pretrained_kwargs(name, path))
        log.info("loaded %r", _CACHE[key])
    return _CACHE[key]


def check(name_or_path=None) -> None:
    """Fail early, with the error load() would give, when a model cannot be loaded: a folder without a
    config.json, or a hub name whose config cannot be read (unknown, or no hub and not in the local cache: that
    one fails in seconds, see engine.hub). Reads the config only, no weights; analyze() and Store.add() call it
    before the hours a corpus may take."""
    name, path = _resolve(name_or_path)
    if path is not None or name in _CHECKED or any(key[0] == name for key in _CACHE):
        return
    from transformers import AutoConfig

    kwargs = from_pretrained_kwargs(name, path)
    try:
        with model_io():
            AutoConfig.from_pretrained(name, **kwargs)
    except Exception as e:  # hub unreachable, unknown name
        raise ModelError(f"cannot load NLI model {name!r}: {_first_line(e)[:200]}") from None
    _CHECKED.add(name)


#: hub names whose config check() could read
_CHECKED: set[str] = set()


def load_for(config) -> NLIModel:
    """The model a Config asks for, loaded as the NLI stage loads it (one place maps the options to load())."""
    return load(config.nli_model, backend=config.nli_backend, max_length=config.nli_max_length,
                threads=config.threads, fast=config.nli_fast, bf16_runtime=config.nli_bf16_runtime)
