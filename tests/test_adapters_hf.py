"""The Hugging Face ``datasets`` adapter in real ``Dataset.map`` runs (batched, ``num_proc=2``)."""

from __future__ import annotations

import json
import os
import pickle

import pytest

pytest.importorskip("datasets", reason="datasets adapter tests need the [hf] extra (datasets)")

from datasets import Dataset  # noqa: E402
from datasets.fingerprint import Hasher  # noqa: E402

from junkfilter.adapters import clear_cache, load_counts  # noqa: E402
from junkfilter.adapters.hf import HFCleaner  # noqa: E402

from .conftest import training_texts  # noqa: E402


@pytest.fixture(scope="module")
def texts():
    texts = training_texts()
    if not texts:
        pytest.skip("training_data/ has no documents yet")
    return (texts * 3)[:30]


class ProbedCleaner(HFCleaner):
    """Also reports the worker's pid and how often it loaded the model."""

    def __call__(self, batch):
        out = super().__call__(batch)
        n = len(batch[self.text_column])
        loads = load_counts().get(repr(self.lazy.key), 0)
        return {**out, "pid": [os.getpid()] * n, "loads": [loads] * n}


def test_map_num_proc_matches_clean(tmp_path, small_model, small_filter, texts):
    ds = Dataset.from_dict({"id": list(range(len(texts))), "text": texts})
    clear_cache()  # forked workers must load the model themselves
    cleaner = ProbedCleaner(small_model, output_column="clean", stats=True)
    out = ds.map(cleaner, batched=True, batch_size=4, num_proc=2, load_from_cache_file=False)
    assert out["id"] == list(range(len(texts)))
    assert out["text"] == texts
    assert out["clean"] == [small_filter.clean(t) for t in texts]
    assert out["junkfilter_chars_out"] == [len(c) for c in out["clean"]]
    assert all(isinstance(json.loads(k), dict) for k in out["junkfilter_kept"])
    per_pid = {}
    for pid, loads in zip(out["pid"], out["loads"], strict=True):
        per_pid[pid] = max(per_pid.get(pid, 0), loads)
    assert len(per_pid) == 2 and set(per_pid.values()) == {1}, per_pid  # once per worker


def test_in_place_and_unbatched(small_model, small_filter, texts):
    ds = Dataset.from_dict({"text": texts[:6] + [None]})
    cleaner = HFCleaner(small_model, threshold=0.3)
    expected = [small_filter.clean(t, threshold=0.3) for t in texts[:6]] + [None]
    assert ds.map(cleaner, batched=True, load_from_cache_file=False)["text"] == expected
    assert ds.map(cleaner, load_from_cache_file=False)["text"] == expected


def test_pickles_and_hashes_cleanly(small_model, texts):
    a = HFCleaner(small_model, output_column="clean")
    b = HFCleaner(str(small_model), output_column="clean")
    assert len(pickle.dumps(a)) < 1000
    before = Hasher.hash(a)
    a({"text": texts[:2]})  # using it (loading the model) does not change its fingerprint
    assert Hasher.hash(a) == before == Hasher.hash(b)
    assert Hasher.hash(HFCleaner(small_model, threshold=0.7)) != Hasher.hash(a)
    assert pickle.loads(pickle.dumps(a)) == a
