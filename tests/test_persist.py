"""Model files cannot run code: pickles refused, skops allow-list, checked run-time image, cards."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

import junkfilter
from junkfilter import persist
from junkfilter.context import CONTEXT_VERSION
from junkfilter.persist import ModelError, ModelVersionWarning, UnsafeModelError
from tests import badinput

MAIN = "from junkfilter.cli import main; main()"
TEXT = badinput.article()


@pytest.fixture(scope="session")
def model(tmp_path_factory) -> Path:
    return badinput.ensure_model(tmp_path_factory.getbasetemp() / "toymodel-shared")


@pytest.fixture
def model_copy(model, tmp_path) -> Path:
    """A private copy of the model with its image and card, free to tamper with."""
    for src in (model, *persist.companions(model)):
        shutil.copy(src, tmp_path / src.name)
    return tmp_path / model.name


class _Evil:
    """Unpickling this creates the file ``marker`` (it calls ``open(marker, "w")``)."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _evil(tmp_path: Path, name: str, protocol: int = 4) -> tuple[Path, Path]:
    marker = tmp_path / f"pwned-{name}"
    path = tmp_path / name
    path.write_bytes(pickle.dumps(_Evil(marker), protocol=protocol))
    return path, marker


def cli(*args):
    env = {**os.environ, "COLUMNS": "300", "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", MAIN, *map(str, args)], capture_output=True,
                          text=True, input="Some text here.\n", timeout=120, env=env)  # fmt: skip


@pytest.mark.parametrize(
    ("name", "protocol"), [("evil.joblib", 4), ("evil.pkl", 0), ("m.skops", 2)]
)
def test_evil_pickle_refused_by_library(tmp_path, name, protocol):
    path, marker = _evil(tmp_path, name, protocol)
    with pytest.raises(ModelError) as exc:
        junkfilter.load(path)
    assert not marker.exists()
    if protocol:
        assert "can run code" in str(exc.value) or "not a junkfilter model" in str(exc.value)


def test_evil_pickle_refused_by_cli(tmp_path):
    path, marker = _evil(tmp_path, "evil.joblib")
    res = cli("filter", "--model", path, "-")
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    assert "can run code on your machine" in res.stderr and "--trust-pickle" in res.stderr
    assert not marker.exists()
    for command in ("classify", "info"):
        res = cli(command, "--model", path)
        assert res.returncode == 1 and not marker.exists() and "Traceback" not in res.stderr


def test_the_evil_pickle_really_runs_code_when_trusted(tmp_path):
    """Proof that the refusal above matters: trusting the file runs its code."""
    path, marker = _evil(tmp_path, "evil.joblib")
    with pytest.raises(ModelError, match="not a junkfilter model"):
        junkfilter.load(path, trust_pickle=True)
    assert marker.exists()


def test_trust_pickle_is_documented():
    res = cli("filter", "--help")
    flat = " ".join(res.stdout.replace("│", " ").split())
    assert "--trust-pickle" in flat and "can run code on your machine" in flat


def test_skops_with_type_outside_allow_list_refused(tmp_path):
    import skops.io as sio

    path = tmp_path / "system.skops"
    sio.dump(os.system, path)
    with pytest.raises(UnsafeModelError, match="allow-list: posix.system"):
        junkfilter.load(path)
    res = cli("filter", "--model", path, "-")
    assert res.returncode == 1 and "allow-list" in res.stderr and "Traceback" not in res.stderr


def test_own_model_loads_through_allow_list(model):
    import skops.io as sio

    assert set(sio.get_untrusted_types(file=model)) <= set(persist.ALLOWED_TYPES)
    stack = persist._load_skops(model, {})
    image, _ = persist.load_model(model)
    assert [len(n) for n in stack.networks2] == [len(n) for n in image.networks2]
    for net_a, net_b in zip(stack.networks2, image.networks2, strict=True):
        for (w_a, b_a), (w_b, b_b) in zip(net_a, net_b, strict=True):
            assert np.allclose(w_a, w_b) and np.allclose(b_a, b_b)


def test_shipped_model_loads_through_allow_list():
    try:
        shipped = persist.default_model_path()
    except ModelError:
        pytest.skip("no shipped model in models/ yet (it is trained and committed separately)")
    import skops.io as sio

    assert set(sio.get_untrusted_types(file=shipped)) <= set(persist.ALLOWED_TYPES)
    persist._load_skops(shipped, persist.read_card(shipped))


def _rewrite_image(image: Path, **changes) -> None:
    with np.load(image, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    header = json.loads(arrays["header"].tobytes().decode())
    header.update(changes.pop("header", {}))
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    arrays.update(changes)
    np.savez(image, **arrays)


def test_image_with_wrong_sha_is_not_used(model_copy, monkeypatch):
    image, _ = persist.companions(model_copy)
    with np.load(image) as z:
        zeros = np.zeros_like(z["w2_0_0"])
    _rewrite_image(image, header={"skops_sha256": "0" * 64}, w2_0_0=zeros)
    calls = []
    real = persist._load_skops
    monkeypatch.setattr(persist, "_load_skops", lambda *a: calls.append(a) or real(*a))
    stack, _ = persist.load_model(model_copy)
    assert calls, "the .skops file must decide when the image is for another file"
    assert np.abs(stack.networks2[0][0][0]).sum() > 0


def test_image_with_matching_sha_is_used(model_copy, monkeypatch):
    monkeypatch.setattr(persist, "_load_skops", lambda *a: pytest.fail("image not used"))
    persist.load_model(model_copy)


def test_image_with_object_array_refused(model_copy, tmp_path):
    image, _ = persist.companions(model_copy)
    bad = tmp_path / "bad.npz"
    np.savez(bad, header=np.array([{"format": persist.FORMAT}], dtype=object))
    with pytest.raises(ModelError, match="damaged model image"):
        persist.load_model(bad)


@pytest.mark.filterwarnings("ignore::junkfilter.persist.ModelVersionWarning")
def test_arrays_that_do_not_fit_are_a_clear_error(model_copy):
    image, _ = persist.companions(model_copy)
    _rewrite_image(image, coef1=np.zeros((3, 3), dtype=np.float32))
    with pytest.raises(ModelError, match="do not fit this junkfilter"):
        persist.load_model(image)


@pytest.mark.filterwarnings("ignore:.*scikit-learn 0.20.0:junkfilter.persist.ModelVersionWarning")
@pytest.mark.filterwarnings("ignore:.*junkfilter 9.9.0:junkfilter.persist.ModelVersionWarning")
def test_version_mismatch_warns(model_copy):
    _, card_path = persist.companions(model_copy)
    card = json.loads(card_path.read_text())
    card.update(junkfilter_version="9.9.0", sklearn_version="0.20.0")
    card_path.write_text(json.dumps(card))
    with pytest.warns(ModelVersionWarning, match="junkfilter 9.9.0"):
        persist.load_model(model_copy)
    res = cli("filter", "--model", model_copy, "-q", "-")
    assert res.returncode == 0, res.stderr
    assert "junkfilter: warning:" in res.stderr and "9.9.0" in res.stderr
    assert "scikit-learn" not in res.stderr  # the numpy-only image was used, not scikit-learn
    persist.companions(model_copy)[0].unlink()  # without it scikit-learn reads the .skops file
    with pytest.warns(ModelVersionWarning, match="scikit-learn 0.20.0"):
        persist.load_model(model_copy)


def test_card_records_versions_and_sha(model):
    import sklearn

    _, card_path = persist.companions(model)
    card = json.loads(card_path.read_text())
    assert card["junkfilter_version"] == junkfilter.__version__
    assert card["sklearn_version"] == sklearn.__version__
    assert card["sha256"][model.name] == persist.sha256(model)


def test_changed_model_file_warns(model_copy):
    _, card_path = persist.companions(model_copy)
    card = json.loads(card_path.read_text())
    card["sha256"][model_copy.name] = "f" * 64
    card_path.write_text(json.dumps(card))
    with pytest.warns(ModelVersionWarning, match="SHA-256"):
        persist.load_model(model_copy)


@pytest.mark.parametrize("kind", ["missing", "folder", "zip", "bytes", "empty", "truncated"])
def test_bad_model_files_are_model_errors(tmp_path, model, kind):
    path = tmp_path / "m.skops"
    if kind == "folder":
        path.mkdir()
    elif kind == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("schema.json", "{not json")
    elif kind == "bytes":
        path.write_bytes(b"\x00junk" * 100)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        path.write_bytes(model.read_bytes()[:2000])
    with pytest.raises(ModelError):
        junkfilter.load(path)
    res = cli("filter", "--model", path, "-")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert res.stderr.startswith("junkfilter: ") and len(res.stderr.splitlines()) == 1


def test_network_stage2_round_trips(tmp_path):
    """A model whose stage 2 is an ensemble of hidden-layer networks saves and loads exactly."""
    from junkfilter.documents import read_documents
    from junkfilter.features import featurize, group_ids
    from junkfilter.segment import segment
    from junkfilter.train import fit
    from tests.conftest import TRAINING_DATA

    docs = list(read_documents([TRAINING_DATA]))[:40]
    params = {"max_iter": 3, "hidden": 8, "n_networks": 2, "epochs": 3, "min_rows_hidden": 0}
    estimator, _ = fit(docs, params=params, log=lambda *_: None)
    assert [len(net) for net in estimator.networks2_] == [2, 2]
    path = tmp_path / "net.skops"
    persist.save(estimator, path)
    image, _ = persist.load_model(path)
    via_skops = persist._load_skops(path, {})
    paragraphs = [segment(TEXT)]
    rows, groups = featurize(paragraphs), group_ids(paragraphs)
    want = estimator.stack().predict_proba(rows, groups)
    assert np.allclose(image.predict_proba(rows, groups), want)
    assert np.allclose(via_skops.predict_proba(rows, groups), want)
    assert image.context == via_skops.context == CONTEXT_VERSION  # the text-mass inputs


def test_format_5_image_reads_as_context_version_1(small_model, tmp_path):
    """An image without a ``context`` array (format /5, before the text-mass inputs) is read
    with version 1 inputs: a /5 model scores as it did, and networks fitted on version 2 inputs
    do not fit them -- a clear error, not wrong probabilities."""
    image, _ = persist.companions(Path(small_model))
    with np.load(image, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != "context"}
        assert int(z["context"]) == CONTEXT_VERSION == 2
    header = json.loads(arrays["header"].tobytes().decode())
    header["format"] = "junkfilter-stack/5"
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    old = tmp_path / "five.npz"
    np.savez(old, **arrays)
    with pytest.raises(ModelError, match="do not fit"):
        persist._load_image(old)
    arrays["context"] = np.int64(2)
    np.savez(old, **arrays)
    assert persist._load_image(old).context == 2


def test_format_4_image_loads_without_decoding(small_model, tmp_path):
    """An image written before HMM decoding (format /4, no decode arrays) still loads."""
    image, _ = persist.companions(Path(small_model))
    with np.load(image, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k not in ("transitions", "label_prior", "decode")}
        header = json.loads(z["header"].tobytes().decode())
    assert "transitions" in np.load(image).files  # the new image has them
    header["format"] = "junkfilter-stack/4"
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    old = tmp_path / "old.npz"
    np.savez(old, **arrays)
    stack = persist._load_image(old)
    assert stack.transitions is None and stack.n_dense == arrays["n_dense"]


def test_arrays_pickled_before_the_context_field_unpickle_as_version_1():
    """A Stack pickled by an older junkfilter (no ``context`` in its state) takes version 1,
    the inputs such a model was fitted on."""
    stack = junkfilter.load().model
    state = stack.__getstate__()
    state.pop("context")
    old = type(stack).__new__(type(stack))
    old.__setstate__(state)
    assert old.context == 1 and old.n_dense == stack.n_dense
    assert pickle.loads(pickle.dumps(stack)).context == stack.context
