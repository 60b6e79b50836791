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

from junkfilter.model import Stack

FORMAT = "junkfilter-stack/6"
READABLE = ("junkfilter-stack/4", "junkfilter-stack/5", FORMAT)
"""/6 records the version of the stage-2 inputs (:mod:`junkfilter.context`); /5 and /4 images
read as version 1, /4 has no HMM decoding."""
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
        np.savez(  # not compressed: hashed weights barely shrink, and inflating cost 40 ms a start
            fh,
            header=np.frombuffer(json.dumps(header).encode(), dtype=np.uint8),
            classes=np.asarray([str(c) for c in stack.classes]),
            coef1=stack.coef1.astype(np.float32),
            intercept1=stack.intercept1,
            stage1_weight=np.float64(stack.stage1_weight),
            n_dense=np.int64(stack.n_dense),
            context=np.int64(stack.context),
            **_network_arrays(stack.networks2),
            **_decode_arrays(stack),
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


class ModelVersionWarning(UserWarning):
    """A model was made with other versions of junkfilter or scikit-learn than the ones running."""


def check_stack(stack: Stack, path: Path) -> Stack:
    """Refuse arrays that do not fit this junkfilter, by scoring one tiny document with them."""
    from junkfilter.features import featurize, group_ids
    from junkfilter.labels import Label
    from junkfilter.paragraph import Paragraph

    try:
        for c in stack.classes:
            Label(str(c))
    except ValueError as exc:
        raise ModelError(f"{path}: unknown label in model: {exc}") from None
    docs = [[Paragraph(text="A short test.", start=0, end=13), Paragraph("x", start=14, end=15)]]
    try:
        proba = stack.predict_proba(featurize(docs), group_ids(docs))
        ok = proba.shape == (2, len(stack.classes)) and bool(np.isfinite(proba).all())
    except (ValueError, IndexError, TypeError, AttributeError) as exc:
        ok, why = False, f"{type(exc).__name__}: {exc}"
    else:
        why = f"probabilities of shape {proba.shape}"
    if not ok:
        raise ModelError(
            f"{path}: the model's arrays do not fit this junkfilter ({why}); it was probably "
            "made by another version: retrain it"
        )
    return stack


def _network_arrays(networks) -> dict[str, np.ndarray]:
    """Stage-2 networks as named arrays of the image: ``w2_{network}_{layer}``, ``b2_...``."""
    out = {}
    for n, layers in enumerate(networks):
        for i, (W, b) in enumerate(layers):
            out[f"w2_{n}_{i}"], out[f"b2_{n}_{i}"] = W, b
    return out


def _decode_arrays(stack: Stack) -> dict[str, np.ndarray]:
    """The HMM decoding's arrays (none when the model does not decode)."""
    if stack.transitions is None:
        return {}
    return {"transitions": stack.transitions, "label_prior": stack.label_prior,
            "decode": np.asarray(stack.decode, dtype=np.float64)}  # fmt: skip


def _networks_from(z) -> tuple:
    networks, n = [], 0
    while f"w2_{n}_0" in z.files:
        layers, i = [], 0
        while f"w2_{n}_{i}" in z.files:
            layers.append((z[f"w2_{n}_{i}"], z[f"b2_{n}_{i}"]))
            i += 1
        networks.append(tuple(layers))
        n += 1
    return tuple(networks)


def _stack_from(z, path: Path) -> Stack:
    decode = {}
    if "transitions" in z.files:
        decode = {"transitions": z["transitions"], "label_prior": z["label_prior"],
                  "decode": tuple(float(v) for v in z["decode"])}  # fmt: skip
    stack = Stack(
        classes=z["classes"], coef1=z["coef1"], intercept1=z["intercept1"],
        networks2=_networks_from(z), stage1_weight=float(z["stage1_weight"]),
        n_dense=int(z["n_dense"]), **decode,
        context=int(z["context"]) if "context" in z.files else 1,
    )  # fmt: skip
    return check_stack(stack, path)


def _load_image(path: Path, expect_sha: str | None = None) -> Stack | None:
    """The run-time image (numpy arrays, ``allow_pickle=False``); None if it is for another file."""
    try:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(z["header"].tobytes().decode())
            if not isinstance(header, dict) or header.get("format") not in READABLE:
                what = header.get("format") if isinstance(header, dict) else header
                raise ModelError(f"{path}: model format {what!r}, expected {FORMAT}: retrain it")
            if expect_sha is not None and header.get("skops_sha256") != expect_sha:
                return None
            return _stack_from(z, path)
    except ModelError:
        raise
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{path}: damaged model image: {exc}") from None


def _load_skops(path: Path, card: dict) -> Stack:
    import skops.io as sio

    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as exc:  # noqa: BLE001 - any failure to parse the file is a damaged model
        raise ModelError(f"{path}: damaged skops file: {exc}") from None
    refused = [t for t in untrusted if t not in ALLOWED_TYPES]
    if refused:
        raise UnsafeModelError(
            f"{path}: refusing to load types outside junkfilter's allow-list: {', '.join(refused)}"
        )
    try:
        estimator = sio.load(path, trusted=[t for t in untrusted if t in ALLOWED_TYPES])
        stack = estimator.stack() if hasattr(estimator, "stack") else None
    except Exception as exc:  # noqa: BLE001 - e.g. a scikit-learn version that cannot read it
        made = card.get("sklearn_version", "an unknown version")
        raise ModelError(
            f"{path}: cannot load the model ({type(exc).__name__}: {exc}); it was made with "
            f"scikit-learn {made}, this is {_sklearn_version()}: retrain it or install that version"
        ) from None
    if not isinstance(stack, Stack):
        raise UnsafeModelError(f"{path}: not a junkfilter model ({type(estimator).__name__})")
    return check_stack(stack, path)


def _load_pickle(path: Path, trust_pickle: bool) -> Stack:
    if not trust_pickle:
        raise UnsafeModelError(
            f"{path} is a pickle/joblib file: loading it can run code on your machine. "
            "junkfilter refuses it unless you pass --trust-pickle (trust_pickle=True) and "
            "trust where the file came from."
        )
    import joblib

    try:
        obj = joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - the user vouched for it; still no traceback
        raise ModelError(f"{path}: cannot load pickle: {type(exc).__name__}: {exc}") from None
    stack = obj.stack() if hasattr(obj, "stack") else obj
    if not isinstance(stack, Stack):
        raise ModelError(f"{path}: not a junkfilter model ({type(obj).__name__})")
    return check_stack(stack, path)


def read_card(path: Path) -> dict:
    card_path = companions(path)[1]
    if not card_path.exists():
        return {}
    try:
        card = json.loads(card_path.read_text())
    except (OSError, ValueError):
        return {}
    return card if isinstance(card, dict) else {}


def _sklearn_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scikit-learn")
    except PackageNotFoundError:  # pragma: no cover - a hard dependency
        return "none"


def _warn(message: str) -> None:
    warnings.warn(message, ModelVersionWarning, stacklevel=4)


def _check_versions(card: dict, path: Path, digest: str) -> None:
    """Warn when the model card says the model was made with another junkfilter, or when the
    file's SHA-256 (``digest``) is not the card's."""
    from junkfilter import __version__

    trained = str(card.get("junkfilter_version", ""))
    if trained and trained.split(".")[:2] != __version__.split(".")[:2]:
        _warn(f"{path} was trained with junkfilter {trained}, this is {__version__}; "
              "retrain it if results look wrong")  # fmt: skip
    shas = card.get("sha256")
    recorded = shas.get(path.name) if isinstance(shas, dict) else None
    if recorded and recorded != digest:
        _warn(f"{path} does not match the SHA-256 in its model card: the file was changed")


def _check_sklearn(card: dict, path: Path) -> None:
    """Warn when a ``.skops`` file about to be read by scikit-learn was saved by another one
    (not needed when its run-time image is used: that is numpy only)."""
    made, running = str(card.get("sklearn_version", "")), _sklearn_version()
    if made and made.split(".")[:2] != running.split(".")[:2]:
        _warn(f"{path} was saved with scikit-learn {made}, this is {running}; "
              "if it does not load, retrain it")  # fmt: skip


def load_model(path: str | Path | None = None, *, trust_pickle: bool = False):
    """Load a model file; return ``(Stack, card)``. Never runs code from the file
    (unless ``trust_pickle`` and the file is a pickle)."""
    path = default_model_path() if path is None else Path(path)
    if not path.is_file():
        what = "is a folder, not a model file" if path.is_dir() else "not found"
        raise ModelError(f"model file {what}: {path}")
    try:
        kind = _kind(path)
        card = read_card(path)
        digest = sha256(path)
        _check_versions(card, path, digest)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ModelError(f"{path}: cannot read model file: {exc}") from None
    if kind == "image":
        return _load_image(path), card
    if kind == "skops":
        image = companions(path)[0]
        if image.exists():
            try:
                stack = _load_image(image, expect_sha=digest)
            except ModelError:
                stack = None  # a damaged image: the .skops file itself decides
            if stack is not None:
                return stack, card
        _check_sklearn(card, path)
        return _load_skops(path, card), card
    if kind == "pickle":
        return _load_pickle(path, trust_pickle), card
    raise ModelError(f"{path}: not a junkfilter model file (expected .skops or .npz)")
