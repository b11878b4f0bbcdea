"""The NLI stage: the project's own cross-encoder (or any Hugging Face NLI model) over claim pairs.

    from engine import nli
    model = nli.load()                       # the shipped models/nli-minilm; or a HF name / path
    model.labels                             # e.g. ["contradiction", "entailment", "neutral"]
    model.predict([("premise", "hypothesis")])   # (n, 3) probabilities in model.labels order
    nli.score_pairs(claims, candidates, config)  # the pipeline stage (both directions)

Training, evaluation and ONNX export: engine.nli.train / engine.nli.evaluate / engine.nli.export_onnx
(`contra train-nli`, `contra eval-nli`, `contra export-nli`). torch and transformers load on first use.
"""
from engine.nli.model import NLIModel, check, load
from engine.nli.score import score_pairs

__all__ = ["NLIModel", "check", "load", "score_pairs"]
