"""Shared fixtures: a model for tests, the shared-data folder, and the --runslow flag."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TRAINING_DATA = ROOT / "training_data"


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False, help="run slow tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


def shared_data_dir() -> Path | None:
    """``$JUNKFILTER_SHARED/data`` or ``<project>/../shared/data`` if it exists."""
    base = os.environ.get("JUNKFILTER_SHARED")
    candidate = Path(base) / "data" if base else ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    found = shared_data_dir()
    if found is None:
        pytest.skip("../shared data not available (set JUNKFILTER_SHARED to its folder)")
    return found


@pytest.fixture(scope="session")
def small_model(tmp_path_factory) -> Path:
    """A model trained in seconds on the project's own training_data (train split)."""
    from junkfilter.documents import read_documents
    from junkfilter.persist import save
    from junkfilter.train import doc_split, fit

    docs = [d for d in read_documents([TRAINING_DATA]) if doc_split(d) == "train"]
    estimator, summary = fit(docs, params={"max_iter": 10}, log=lambda *_: None)
    path = tmp_path_factory.mktemp("model") / "small.skops"
    save(estimator, path, {"name": "small", "training": summary})
    return path


@pytest.fixture(scope="session")
def small_filter(small_model):
    import junkfilter

    return junkfilter.load(small_model)


@pytest.fixture(scope="session")
def default_filter():
    """The shipped model (tests of shipped behaviour)."""
    import junkfilter

    return junkfilter.load()


def training_texts() -> list[str]:
    """The document texts of training_data/ (for tests that need realistic input)."""
    from junkfilter.documents import read_documents

    return [d.text for d in read_documents([TRAINING_DATA])]
