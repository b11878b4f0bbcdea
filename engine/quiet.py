"""Keep third-party chatter out of the user's output while the engine loads or exports a model.

Loading a checkpoint with transformers 5 draws a "Loading weights" progress bar; exporting to ONNX prints
tracer, deprecation and quantisation warnings about the export machinery, not about the user's data. None
of it is actionable for someone analysing articles, and on the command line it buries the results.
Everything is restored on exit, so a caller's own transformers / logging settings are left as they were.
"""
from __future__ import annotations

import contextlib
import logging
import warnings

#: loggers whose warnings describe the export machinery, or the hub client's retries (a failed load still ends in
#: one clear error)
_LOGGERS = ("transformers", "onnxruntime", "torch.onnx", "huggingface_hub")


def _only_errors(record: logging.LogRecord) -> bool:
    return record.levelno >= logging.ERROR


@contextlib.contextmanager
def model_io():
    """Silence progress bars, warnings and info logs of transformers / torch.onnx / onnxruntime inside."""
    from transformers.utils import logging as hf_logging

    bar_was_on, verbosity = hf_logging.is_progress_bar_enabled(), hf_logging.get_verbosity()
    levels = {name: logging.getLogger(name).level for name in _LOGGERS}
    try:
        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        for name in _LOGGERS:
            logging.getLogger(name).setLevel(logging.ERROR)
        # onnxruntime's quantiser calls logging.warning() on the root logger. A filter on a logger sees only
        # records logged on it directly, so the engine's own warnings (propagated from "engine.*") still show,
        # where lowering the root logger's level would have hidden them
        logging.getLogger().addFilter(_only_errors)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.getLogger().removeFilter(_only_errors)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        hf_logging.set_verbosity(verbosity)
        if bar_was_on:
            hf_logging.enable_progress_bar()
