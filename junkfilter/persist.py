"""Saving and loading models without ever running code from a model file.

A saved model ``NAME.skops`` has two companions beside it:

* ``NAME.skops`` — the fitted :class:`~junkfilter.estimator.StackedClassifier`, stored with skops
  (no pickle). Loading it goes through an explicit allow-list (:data:`ALLOWED_TYPES`); any other
  type in the file is refused.
* ``NAME.npz`` — the run-time image: the same learned arrays as plain numpy arrays plus a JSON
  header, read with ``allow_pickle=False`` (it cannot hold code). It records the SHA-256 of the
  ``.skops`` file and is used only when that matches, so the CLI starts without importing
  scikit-learn (about 1 s here) or skops (1.7 s).
* ``NAME.card.json`` — the model card: versions, training data, metrics, SHA-256 of both files.

A pickle or joblib file is refused unless ``trust_pickle=True`` (it can run code when loaded).
"""

from __future__ import annotations

import hashlib
import json
import warnings
import zipfile
from pathlib import Path

import numpy as np

from junkfilter.model import LinearStack

FORMAT = "junkfilter-linear-stack/1"
ALLOWED_TYPES = ("junkfilter.estimator.StackedClassifier",)
"""Types a ``.skops`` model may contain besides numpy arrays and Python built-ins."""
DEFAULT_NAME = "junkfilter.skops"


class ModelError(Exception):
    """A model file is missing, damaged, unsafe or incompatible."""


class UnsafeModelError(ModelError):
    """A model file would need code execution (pickle) or types outside the allow-list."""


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def default_model_path() -> Path:
    """The shipped model: inside the installed package, or ``models/`` of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_models" / DEFAULT_NAME, here.parent / "models" / DEFAULT_NAME):
        if candidate.exists():
            return candidate
    raise ModelError(
        f"no default model found (looked for {DEFAULT_NAME} in {here / '_models'} and "
        f"{here.parent / 'models'}); train one with `junkfilter train` or pass --model"
    )


def companions(path: Path) -> tuple[Path, Path]:
    """The run-time image and model card paths beside a ``.skops`` model."""
    stem = path.with_suffix("")
    return stem.with_suffix(".npz"), stem.with_suffix(".card.json")


def _kind(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(b"PK"):
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
        if "schema.json" in names:
            return "skops"
        if "header.npy" in names:
            return "image"
        return "zip"
    if head[:1] == b"\x80" or path.suffix in (".pkl", ".pickle", ".joblib"):
        return "pickle"
    return "unknown"


def save(estimator, path: str | Path, card: dict | None = None) -> dict:
    """Write ``path`` (.skops), its run-time image and its model card; return the card."""
    import sklearn
    import skops.io as sio

    from junkfilter import __version__

    path = Path(path).with_suffix(".skops")
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(estimator, path, compression=zipfile.ZIP_DEFLATED)
    digest = sha256(path)
    image, card_path = companions(path)
    stack = estimator.stack()
    header = {"format": FORMAT, "skops_sha256": digest, "junkfilter": __version__}
    with open(image, "wb") as fh:
        np.savez_compressed(
            fh,
            header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            classes=np.asarray([str(c) for c in stack.classes]),
            coef1=stack.coef1.astype(np.float32),
            intercept1=stack.intercept1,
            coef2=stack.coef2,
            intercept2=stack.intercept2,
        )
    card = dict(card or {})
    card.update(
        format=FORMAT,
        junkfilter_version=__version__,
        sklearn_version=sklearn.__version__,
        params=estimator.get_params(),
        classes=[str(c) for c in stack.classes],
        sha256={path.name: digest, image.name: sha256(image)},
    )
    card_path.write_text(json.dumps(card, indent=2, default=str) + "\n")
    return card


def _load_image(path: Path, expect_sha: str | None = None) -> LinearStack | None:
    with np.load(path, allow_pickle=False) as z:
        header = json.loads(z["header"].tobytes().decode())
        if header.get("format") != FORMAT:
            raise ModelError(f"{path}: model format {header.get('format')!r}, expected {FORMAT}")
        if expect_sha is not None and header.get("skops_sha256") != expect_sha:
            return None
        return LinearStack(
            classes=z["classes"],
            coef1=z["coef1"],
            intercept1=z["intercept1"],
            coef2=z["coef2"],
            intercept2=z["intercept2"],
        )


def _load_skops(path: Path) -> LinearStack:
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    refused = [t for t in untrusted if t not in ALLOWED_TYPES]
    if refused:
        raise UnsafeModelError(
            f"{path}: refusing to load types outside junkfilter's allow-list: {', '.join(refused)}"
        )
    estimator = sio.load(path, trusted=[t for t in untrusted if t in ALLOWED_TYPES])
    if not hasattr(estimator, "stack"):
        raise UnsafeModelError(f"{path}: not a junkfilter model ({type(estimator).__name__})")
    return estimator.stack()


def _load_pickle(path: Path, trust_pickle: bool) -> LinearStack:
    if not trust_pickle:
        raise UnsafeModelError(
            f"{path} is a pickle/joblib file: loading it can run code on your machine. "
            "junkfilter refuses it unless you pass --trust-pickle (trust_pickle=True) and "
            "trust where the file came from."
        )
    import joblib

    obj = joblib.load(path)
    stack = obj.stack() if hasattr(obj, "stack") else obj
    if not isinstance(stack, LinearStack):
        raise ModelError(f"{path}: not a junkfilter model ({type(obj).__name__})")
    return stack


def read_card(path: Path) -> dict:
    card_path = companions(path)[1]
    if not card_path.exists():
        return {}
    try:
        return json.loads(card_path.read_text())
    except (OSError, ValueError):
        return {}


def _check_versions(card: dict, path: Path) -> None:
    from junkfilter import __version__

    trained = str(card.get("junkfilter_version", ""))
    if trained and trained.split(".")[:2] != __version__.split(".")[:2]:
        warnings.warn(
            f"{path} was trained with junkfilter {trained}, this is {__version__}; "
            "retrain it if results look wrong",
            stacklevel=3,
        )


def load_model(path: str | Path | None = None, *, trust_pickle: bool = False):
    """Load a model file; return ``(LinearStack, card)``. Never runs code from the file."""
    path = default_model_path() if path is None else Path(path)
    if not path.is_file():
        raise ModelError(f"model file not found: {path}")
    try:
        kind = _kind(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{path}: cannot read model file: {exc}") from exc
    card = read_card(path)
    _check_versions(card, path)
    if kind == "image":
        return _load_image(path), card
    if kind == "skops":
        image = companions(path)[0]
        if image.exists():
            stack = _load_image(image, expect_sha=sha256(path))
            if stack is not None:
                return stack, card
        return _load_skops(path), card
    if kind == "pickle":
        return _load_pickle(path, trust_pickle), card
    raise ModelError(f"{path}: not a junkfilter model file (expected .skops or .npz)")
