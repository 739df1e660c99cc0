"""A fitted model observed on inputs it has never seen (lecture 10, task 8).

The kernel records the student's fitted router, pickled (:func:`model_artefact`). The grader holds fresh ticket
texts of known category (new draws of the simulator's message phrases, :func:`simulator.ticket_text.fresh_messages`)
and runs *act* (:func:`predict`) in the sandbox **without the student's data**: it unpickles the router and predicts
the texts, nothing else in reach — neither the categories nor the student's tickets. *Inspect*
(:func:`predictions`, trusted) reads the predictions back. A router that memorised the tickets it could see, or a
record forged in the kernel, has nothing to match on new texts; a router that learnt the phrases does.
"""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path

from crmlab.autograde.observe import Probe

MAX_MODEL = 20_000_000  # bytes of artefact (base64 pickle plus texts); a character n-gram router is ~1 MB


def model_artefact(model) -> str:
    """The recorded form of a fitted model: its pickle, base64 (``""`` if it cannot be pickled)."""
    try:
        return base64.b64encode(pickle.dumps(model)).decode("ascii")
    except Exception:  # noqa: BLE001 - an unpicklable model cannot be observed; the verdict says so
        return ""


def with_texts(recorded, texts) -> str:
    """The artefact *act* runs: the recorded model and the grader's texts, as one JSON document."""
    if not isinstance(recorded, str) or not recorded:
        raise ValueError("no model recorded")
    return json.dumps({"model": recorded, "texts": [str(t) for t in texts]}, ensure_ascii=False)


def predict(artefact: str, state: str, _data: str, _args: dict) -> None:
    """*Act* (untrusted): unpickle the model, predict the texts, write the predictions as a JSON list."""
    payload = json.loads(Path(artefact).read_text(encoding="utf-8"))
    model = pickle.loads(base64.b64decode(payload["model"]))  # untrusted bytes: this runs in the sandbox
    Path(state).write_text(json.dumps([str(x) for x in model.predict(payload["texts"])], ensure_ascii=False),
                           encoding="utf-8")


def predictions(state: str, _unused: str, _data: str, _args: dict):
    """*Inspect* (trusted): the predicted categories, a list of strings, or ``None``."""
    path = Path(state)
    if not path.is_file() or path.is_symlink():
        return None
    out = json.loads(path.read_text(encoding="utf-8"))
    return out if isinstance(out, list) and all(isinstance(x, str) for x in out) else None


ROUTER_PROBE = Probe("crmlab.autograde.tasks.probes_router:predict",
                     "crmlab.autograde.tasks.probes_router:predictions",
                     timeout=120.0, data=False, max_artefact=MAX_MODEL)
