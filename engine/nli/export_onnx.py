"""Export an NLI model folder to ONNX, fuse the graph and quantise it to int8 for fast CPU inference.

    python -m engine.nli.export_onnx                    # models/nli-minilm -> models/nli-minilm/model.int8.onnx
    contra export-nli --model path/to/model --keep-fp32

Steps: torch -> ONNX (opset 17, dynamic batch and sequence axes); ONNX Runtime's BERT optimiser fuses
attention, LayerNorm and GELU for the fp32 graph; dynamic int8 quantisation of the unfused graph's MatMul
weights (per-channel by default, signed int8 weights / unsigned activations, which AVX-512 VNNI runs
natively); the pooler/classifier
head and the embedding tables stay fp32 (a lookup costs nothing; int8 embeddings halve the file, 23 MB
instead of 59 MB, for -0.15 point SICK accuracy: --int8-embeddings). `engine.nli.load(...,
backend="auto")` then picks the .onnx file up.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from engine.nli.model import SHIPPED_DIR
from engine.quiet import model_io


def export_fp32(model_dir: Path, out: Path, opset: int = 17, attention: str = "eager") -> Path:
    """torch -> ONNX. `attention` "eager" exports attention as plain MatMul/Softmax/Add, which ONNX Runtime's
    BERT optimiser fuses into its Attention op; the SDPA export's masking (Where/IsNaN) blocks that fusion.
    Same scores, faster graphs (`python -m bench.export`); "sdpa" is kept for that comparison."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    try:
        model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32,
                                                                   attn_implementation=attention)
    except (ValueError, TypeError):  # an architecture without that attention option
        model = AutoModelForSequenceClassification.from_pretrained(model_dir, dtype=torch.float32)
    model.eval()
    enc = tok(["A man is playing a guitar."], ["A person plays music."], return_tensors="pt")
    names = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]

    class Wrapped(torch.nn.Module):  # positional inputs, logits only
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, *args):
            return self.m(**dict(zip(names, args))).logits

    axes = {n: {0: "batch", 1: "sequence"} for n in names}
    axes["logits"] = {0: "batch"}
    torch.onnx.export(Wrapped(model), tuple(enc[n] for n in names), str(out), input_names=names,
                      output_names=["logits"], dynamic_axes=axes, opset_version=opset, dynamo=False,
                      do_constant_folding=True)
    return out


def optimize(src: Path, out: Path, config) -> Path:
    from onnxruntime.transformers import optimizer

    opt = optimizer.optimize_model(str(src), model_type="bert", num_heads=config.num_attention_heads,
                                   hidden_size=config.hidden_size, opt_level=1)
    opt.save_model_to_file(str(out))
    return out


def quantize(src: Path, out: Path, per_channel: bool = True, embeddings: bool = False,
             exclude: list[str] | None = None) -> Path:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    ops = ["MatMul", "Attention"] + (["Gather"] if embeddings else [])
    quantize_dynamic(str(src), str(out), op_types_to_quantize=ops, per_channel=per_channel, reduce_range=False,
                     weight_type=QuantType.QInt8, nodes_to_exclude=exclude or [],
                     # fused contrib ops (FastGelu, SkipLayerNorm) defeat ONNX shape inference
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    return out


def classifier_nodes(path: Path) -> list[str]:
    """MatMul nodes of the pooler and classifier head: few FLOPs, kept fp32 for accuracy."""
    import onnx

    m = onnx.load(str(path), load_external_data=False)
    return [n.name for n in m.graph.node if n.op_type in ("MatMul", "Gemm") and
            any(k in (n.name + " ".join(n.input)) for k in ("pooler", "classifier"))]


def export(model_dir: Path, out_dir: Path | None = None, per_channel: bool = True, embeddings: bool = False,
           keep_fp32: bool = False, head_fp32: bool = True, attention: str = "eager") -> Path:
    from transformers import AutoConfig

    out_dir = out_dir or model_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    config = AutoConfig.from_pretrained(model_dir)
    with tempfile.TemporaryDirectory() as tmp, model_io():  # tracer / quantiser warnings are about the exporter
        raw = export_fp32(model_dir, Path(tmp) / "raw.onnx", attention=attention)
        fused = optimize(raw, Path(tmp) / "fused.onnx", config)
        # int8 from the unfused graph: ONNX Runtime's fused Attention op is slower with int8 weights than the
        # plain MatMuls it optimises at load time (1,024 SNLI pairs, 2 threads: 563 vs 448 pairs/s, same
        # accuracy); the fp32 graph is fastest fused
        exclude = classifier_nodes(raw) if head_fp32 else []
        target = out_dir / "model.int8.onnx"
        quantize(raw, target, per_channel=per_channel, embeddings=embeddings, exclude=exclude)
        if keep_fp32:
            (out_dir / "model.onnx").write_bytes(fused.read_bytes())
    # which weights this export came from: load() ignores (or, for the shipped model, redoes) a stale one
    from engine.nli.model import export_stamp

    stamp = export_stamp(model_dir)
    for f in [target] + ([out_dir / "model.onnx"] if keep_fp32 else []):
        f.with_name(f.name + ".source").write_text(stamp + "\n")
    return target


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="contra export-nli", description="Export the NLI model to int8 ONNX.")
    p.add_argument("--model", default=str(SHIPPED_DIR), help="model folder (default: %(default)s)")
    p.add_argument("--out", default=None, help="output folder (default: the model folder)")
    p.add_argument("--per-tensor", action="store_true", help="per-tensor instead of per-channel weight scales")
    p.add_argument("--int8-embeddings", action="store_true", help="quantise the embedding tables too (smaller file)")
    p.add_argument("--quantize-head", action="store_true", help="quantise the pooler/classifier too")
    p.add_argument("--keep-fp32", action="store_true", help="also write the fused fp32 graph as model.onnx")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    model_dir = Path(args.model)
    if not (model_dir / "config.json").exists():
        print(f"error: not a model folder: {model_dir}", file=sys.stderr)
        return 2
    t0 = time.time()
    target = export(model_dir, Path(args.out) if args.out else None, per_channel=not args.per_tensor,
                    embeddings=args.int8_embeddings, keep_fp32=args.keep_fp32, head_fp32=not args.quantize_head)
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
