"""The datatrove steps in a real ``LocalPipelineExecutor`` run (4 tasks on 2 worker processes)."""

from __future__ import annotations

import gzip
import json
import pickle
from pathlib import Path

import pytest

pytest.importorskip("datatrove", reason="datatrove adapter tests need the [datatrove] extra")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from junkfilter.adapters.datatrove import JunkFilterFormatter, ProseFilter  # noqa: E402

from .conftest import training_texts  # noqa: E402


def _texts() -> list[str]:
    texts = training_texts()
    return (texts * 3)[:30]


@pytest.fixture(scope="module")
def texts():
    found = _texts()
    if not found:
        pytest.skip("training_data/ has no documents yet")
    return found + ["Home | About | Contact", "Leave a Reply"]  # nothing left after cleaning


def _chunks(texts: list[str], n: int = 4) -> list[list[str]]:
    return [texts[i::n] for i in range(n)]


def _write_inputs(folder: Path, texts: list[str]) -> None:
    folder.mkdir(parents=True)
    for n, chunk in enumerate(_chunks(texts)):
        with open(folder / f"part-{n}.jsonl", "w", encoding="utf-8") as fh:
            for i, t in enumerate(chunk):
                fh.write(json.dumps({"id": f"{n}-{i}", "text": t, "lang": "en"}) + "\n")


def _read_outputs(folder: Path) -> dict[str, dict]:
    out = {}
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                out[rec["id"]] = rec
    return out


def test_steps_pickle_small(small_model):
    step = JunkFilterFormatter(small_model)
    assert len(pickle.dumps(step.lazy)) < 1000
    assert pickle.loads(pickle.dumps(step)).lazy == step.lazy


def test_pipeline_matches_clean(tmp_path, small_model, small_filter, texts):
    _write_inputs(tmp_path / "in", texts)
    pipeline = [
        JsonlReader(str(tmp_path / "in")),
        JunkFilterFormatter(small_model, batch_size=8),
        ProseFilter(min_chars=1),
        JsonlWriter(str(tmp_path / "out")),
    ]
    LocalPipelineExecutor(pipeline=pipeline, tasks=4, workers=2,
                          logging_dir=str(tmp_path / "logs")).run()  # fmt: skip
    got = _read_outputs(tmp_path / "out")
    expected = {}
    for n, chunk in enumerate(_chunks(texts)):
        for i, t in enumerate(chunk):
            cleaned = small_filter.clean(t)
            if len(cleaned.strip()) >= 1:
                expected[f"{n}-{i}"] = cleaned
    assert {k: r["text"] for k, r in got.items()} == expected
    rec = next(iter(got.values()))
    assert rec["metadata"]["lang"] == "en"
    assert rec["metadata"]["junkfilter"]["chars_out"] == len(rec["text"])
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    formatter = next(s for s in stats if "junkfilter" in s["name"] and "prose" not in s["name"])
    loads = formatter["stats"]["model_loads"]
    loads = loads if isinstance(loads, int) else loads["total"]
    assert 1 <= loads <= 2  # once per worker process (2 workers), not per task (4) or document


def test_prose_filter_reasons():
    flt = ProseFilter(min_chars=10, min_kept_ratio=0.5)
    assert flt.filter(Document(text="short", id="a")) == (False, "too_little_prose")
    junky = Document(
        text="x" * 20, id="b", metadata={"junkfilter": {"chars_in": 100, "chars_out": 20}}
    )
    assert flt.filter(junky) == (False, "mostly_junk")
    assert flt.filter(Document(text="y" * 20, id="c")) is True
