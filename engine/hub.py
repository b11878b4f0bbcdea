"""Hugging Face hub names on a machine that may have no hub.

A model name that is not a folder on disk is loaded through the Hugging Face hub client, which retries an
unreachable hub for 25-80 s before it gives up. `local_files_only(name, ...)` decides first, in milliseconds:

- the name's files are in the local Hugging Face cache: load them from there, without a network call
  (`local_files_only=True`; a cached model is not checked for a newer revision);
- the hub answers one short probe (`PROBE_TIMEOUT_S`, once per process and endpoint; a failed probe is
  tried again after `RETRY_AFTER_S`): load as usual;
- otherwise (no cache, and HF_HUB_OFFLINE is set or the probe failed): a one-line ModelError that says so,
  with the endpoint tried (HF_ENDPOINT) and how to fix it.

Local folders and the bundled models never come here, so they never cost a probe.
"""
from __future__ import annotations

import threading
import time

from engine.errors import ModelError

#: how long the reachability probe waits for the hub's answer (any HTTP status counts as an answer)
PROBE_TIMEOUT_S = 3.0
#: weights files transformers loads a model from (the sharded forms name their index)
WEIGHTS = ("model.safetensors", "model.safetensors.index.json", "pytorch_model.bin", "pytorch_model.bin.index.json")

#: a failed probe is believed this long; after it the next load asks again (a notebook outlives a network outage)
RETRY_AFTER_S = 60.0

#: endpoint -> (None when it answered the probe, else why not; when it was probed, time.monotonic())
_PROBED: dict[str, tuple[str | None, float]] = {}
_LOCK = threading.Lock()


def endpoint() -> str:
    """The hub the client talks to: HF_ENDPOINT, else https://huggingface.co."""
    from huggingface_hub import constants

    return constants.ENDPOINT.rstrip("/")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _cached(name: str, filename: str, cache_dir: str | None) -> bool:
    from huggingface_hub import try_to_load_from_cache

    try:
        return isinstance(try_to_load_from_cache(name, filename, cache_dir=cache_dir), str)
    except Exception:  # a name the cache cannot hold
        return False


def cache_state(name: str, groups, cache_dir: str | None = None) -> str:
    """"cached" when every group of file names has one file in the local Hugging Face cache (revision main),
    "partial" when only some have, "absent" when none has."""
    found = [any(_cached(name, f, cache_dir) for f in group) for group in groups]
    return "cached" if all(found) else ("partial" if any(found) else "absent")


def _probe(url: str) -> str | None:
    """None when `url` answers HTTP (any status), else why not. The hub client's own session, so proxies and
    certificates are the ones a download would use; a thread bounds the wait, DNS included."""
    result: list[str | None] = []

    def run():
        try:
            from huggingface_hub.utils import get_session

            get_session().head(url, timeout=PROBE_TIMEOUT_S, follow_redirects=False)
            result.append(None)
        except Exception as e:
            result.append(_first_line(e))

    thread = threading.Thread(target=run, name="hf-hub-probe", daemon=True)
    thread.start()
    thread.join(PROBE_TIMEOUT_S + 0.5)
    return result[0] if result else f"no answer within {PROBE_TIMEOUT_S:g} s"


def unavailable() -> str | None:
    """None when the hub can be used, else why not (for a message): HF_HUB_OFFLINE, or the probe's failure."""
    from huggingface_hub import constants

    url = endpoint()
    if constants.HF_HUB_OFFLINE:
        return f"HF_HUB_OFFLINE is set, so the hub ({url}) was not tried"
    with _LOCK:  # one probe per endpoint, however many threads ask; an answer is kept, a failure for a while
        why, when = _PROBED.get(url, ("not probed", -float("inf")))
        if why is not None and time.monotonic() - when >= RETRY_AFTER_S:
            _PROBED[url] = (_probe(url), time.monotonic())
        why = _PROBED[url][0]
    return None if why is None else f"the hub could not be reached at {url} ({why})"


def local_files_only(name: str, what: str, groups, cache_dir: str | None = None, aliases=()) -> bool:
    """How to load the hub name `name` (not a folder on disk): True = from the local cache only, False = through
    the hub as usual. Raises a one-line ModelError, fast, when neither can work.

    `what` names the model in messages ("NLI model"); `groups`: the files a complete copy holds, one of each
    group (see cache_state); `aliases`: other repo ids the loader may read the name as."""
    from huggingface_hub import constants
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(name)
    except Exception:
        raise ModelError(f"cannot load {what} {name!r}: no such folder, and not a Hugging Face model name") from None
    states = [cache_state(repo, groups, cache_dir) for repo in (name, *aliases)]
    if "cached" in states:
        return True
    why = unavailable()
    if why is None:
        return False
    where = cache_dir or constants.HF_HUB_CACHE
    cache = (f"only partly in the Hugging Face cache ({where})" if "partial" in states
             else f"not in the Hugging Face cache ({where})")
    raise ModelError(f"cannot load {what} {name!r}: not a folder on disk, {cache}, and {why}; pass the path of "
                     f"a local model folder, or download it once where the hub is reachable (hf download {name}) "
                     f"and copy the cache folder here")
