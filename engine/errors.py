"""The project's own exception types. The CLI turns each into one line and a non-zero exit."""


class EngineError(Exception):
    """Base class: every error meant for the user (bad input, bad option, missing model)."""


class InputError(EngineError):
    """A source could not be read at all (missing path, unreadable file, unsupported object)."""


class ConfigError(EngineError):
    """An option has a bad value or name."""


class ModelError(EngineError):
    """A model could not be found or loaded."""


class StoreError(EngineError):
    """A persistent store is missing, locked or corrupt."""


class StrictModeError(EngineError):
    """Raised under `strict=True` when any document was skipped."""
