"""engine.quiet.model_io: third-party chatter is silenced while a model loads or exports, the engine's own
warnings still show, and the caller's settings come back afterwards."""
from __future__ import annotations

import logging
import warnings

from transformers.utils import logging as hf_logging

from engine.quiet import model_io


def chatter():
    logging.warning("root-logger chatter from a quantiser")
    hf_logging.get_logger("transformers.modeling_utils").warning("transformers chatter")
    logging.getLogger("engine.nli.model").warning("the engine's own warning")
    warnings.warn("a tracer warning")


class Recorder(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_model_io_silences_libraries_but_not_the_engine(caplog):
    hf = Recorder()  # transformers' own handler writes to the stream it found at import: record it here
    hf_logging.get_logger("transformers").addHandler(hf)
    hf_logging.enable_progress_bar()
    hf_logging.set_verbosity_warning()
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with model_io():
            assert not hf_logging.is_progress_bar_enabled()
            chatter()
    assert [r.getMessage() for r in caplog.records] == ["the engine's own warning"]
    assert hf.messages == []
    assert not seen
    # everything is back: the same chatter outside shows
    assert hf_logging.is_progress_bar_enabled()
    assert hf_logging.get_verbosity() == hf_logging.WARNING
    assert not logging.getLogger().filters
    caplog.clear()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        chatter()
    assert "root-logger chatter from a quantiser" in [r.getMessage() for r in caplog.records]
    assert hf.messages == ["transformers chatter"]
    assert seen
    hf_logging.get_logger("transformers").removeHandler(hf)
