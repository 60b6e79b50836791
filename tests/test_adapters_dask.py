"""The Dask adapter on a real ``distributed.LocalCluster`` with 2 worker processes."""

from __future__ import annotations

import json
import pickle

import pytest

pytest.importorskip("dask.bag", reason="Dask adapter tests need the [dask] extra (dask[bag])")
pytest.importorskip("dask.dataframe", reason="Dask adapter tests need dask[dataframe]")
pytest.importorskip("distributed", reason="Dask adapter tests need the [dask] extra (distributed)")

import dask.bag as db  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import pandas as pd  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

from junkfilter.adapters import LazyFilter, load_counts  # noqa: E402
from junkfilter.adapters.dask import clean_bag, clean_dataframe  # noqa: E402

from .conftest import training_texts  # noqa: E402


def _texts() -> list[str]:
    texts = training_texts()
    return (texts * 4)[:48]


@pytest.fixture(scope="module")
def client():
    with LocalCluster(
        n_workers=2, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster, Client(cluster) as c:  # fmt: skip
        yield c


@pytest.fixture(scope="module")
def texts():
    found = _texts()
    if not found:
        pytest.skip("training_data/ has no documents yet")
    return found


def _loads_per_worker(client, lazy: LazyFilter) -> list[int]:
    counts = client.run(load_counts)
    return [c.get(repr(lazy.key), 0) for c in counts.values()]


def test_handle_pickles_small(small_model):
    lazy = LazyFilter.create(small_model)
    lazy.get()
    blob = pickle.dumps(lazy)
    assert len(blob) < 1000  # the path and config, never the model arrays
    assert pickle.loads(blob) == lazy


def test_bag_of_texts_matches_clean(client, small_model, small_filter, texts):
    lazy = LazyFilter.create(small_model)
    bag = db.from_sequence(texts, npartitions=8)
    got = clean_bag(bag, model=lazy).compute()
    assert got == [small_filter.clean(t) for t in texts]
    loads = _loads_per_worker(client, lazy)
    assert sum(loads) >= 1 and all(n <= 1 for n in loads), loads  # once per worker, not per task


def test_bag_of_records_keeps_fields(client, small_model, small_filter, texts):
    records = [{"id": i, "text": t, "meta": {"n": i}} for i, t in enumerate(texts)]
    bag = db.from_sequence(records, npartitions=6)
    got = clean_bag(bag, text_field="text", output_field="clean", stats=True,
                    model=small_model).compute()  # fmt: skip
    assert [r["id"] for r in got] == list(range(len(texts)))
    for rec, out in zip(records, got, strict=True):
        assert out["text"] == rec["text"] and out["meta"] == rec["meta"]
        assert out["clean"] == small_filter.clean(rec["text"])
        assert out["junkfilter"]["chars_in"] == len(rec["text"])
        assert out["junkfilter"]["chars_out"] == len(out["clean"])


def test_dataframe_column(client, small_model, small_filter, texts):
    lazy = LazyFilter.create(small_model, threshold=0.4)
    frame = pd.DataFrame({"id": range(len(texts)), "text": texts})
    ddf = dd.from_pandas(frame, npartitions=4)
    out = clean_dataframe(ddf, "text", "clean", stats=True, model=lazy).compute()
    assert out["id"].tolist() == list(range(len(texts)))
    assert out["text"].tolist() == texts
    assert out["clean"].tolist() == [small_filter.clean(t, threshold=0.4) for t in texts]
    assert out["junkfilter_chars_out"].tolist() == [len(c) for c in out["clean"]]
    assert all(isinstance(json.loads(s), dict) for s in out["junkfilter_dropped"])
    loads = _loads_per_worker(client, lazy)
    assert sum(loads) >= 1 and all(n <= 1 for n in loads), loads
