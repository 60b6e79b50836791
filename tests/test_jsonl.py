"""``junkfilter filter`` on JSON Lines: fields, output field, stats, gzip, order, quiet pipes."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from junkfilter.cli import app

TRAINING_DATA = Path(__file__).resolve().parent.parent / "training_data"
runner = CliRunner()


@pytest.fixture(scope="module")
def texts() -> list[str]:
    found = []
    for path in sorted(TRAINING_DATA.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                found.append(rec.get("joiner", "\n\n").join(p["text"] for p in rec["paragraphs"]))
    if not found:
        pytest.skip("training_data/ has no documents yet")
    return found


def _records(texts: list[str], n: int) -> list[dict]:
    return [
        {
            "id": f"r{i}",
            "url": f"https://example.org/{i}?q=ü",
            "text": texts[i % len(texts)],
            "meta": {"n": i, "tags": ["a", None, 1.5]},
            "score": i / 7,
        }  # fmt: skip
        for i in range(n)
    ]


def _jsonl(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _cli(*args) -> list[str]:
    return [sys.executable, "-m", "junkfilter.cli", *map(str, args)]


def test_other_fields_untouched_output_field_and_stats(small_model, small_filter, texts, tmp_path):
    records = _records(texts, 12)
    src = tmp_path / "in.jsonl"
    src.write_text(_jsonl(records), encoding="utf-8")
    res = runner.invoke(app, ["filter", str(src), "-m", str(small_model), "-q", "-j", "1",
                              "--output-field", "clean", "--stats"])  # fmt: skip
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(out) == len(records)
    for rec, got in zip(records, out, strict=True):
        extra = {k: v for k, v in got.items() if k not in ("clean", "junkfilter")}
        assert extra == rec  # every input field, the text included, as it was
        assert list(got)[: len(rec)] == list(rec)  # field order kept too
        assert got["clean"] == small_filter.clean(rec["text"])
        stats = got["junkfilter"]
        assert stats["chars_in"] == len(rec["text"]) and stats["chars_out"] == len(got["clean"])
        paragraphs = small_filter.classify(rec["text"])
        assert stats["paragraphs"] == len(paragraphs)
        assert sum(stats["kept"].values()) == sum(p.keep for p in paragraphs)
        assert sum(stats["dropped"].values()) == sum(not p.keep for p in paragraphs)


def test_text_field_rewritten_in_place_by_default(small_model, small_filter, texts, tmp_path):
    records = [{"body": t, "id": i} for i, t in enumerate(texts[:3])]
    src = tmp_path / "pages.ndjson"
    src.write_text(_jsonl(records), encoding="utf-8")
    res = runner.invoke(app, ["filter", str(src), "-m", str(small_model), "-q", "-j", "1",
                              "--text-field", "body"])  # fmt: skip
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in res.stdout.splitlines()]
    assert out == [{"body": small_filter.clean(r["body"]), "id": r["id"]} for r in records]


def test_gzip_in_and_out_via_output_folder(small_model, small_filter, texts, tmp_path):
    records = _records(texts, 8)
    src = tmp_path / "in" / "dump.jsonl.gz"
    src.parent.mkdir()
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.write(_jsonl(records))
    res = runner.invoke(app, ["filter", str(tmp_path / "in"), "-o", str(tmp_path / "out"),
                              "-m", str(small_model), "-q", "-j", "1"])  # fmt: skip
    assert res.exit_code == 0, res.output
    dest = tmp_path / "out" / "dump.jsonl.gz"
    with open(dest, "rb") as fh:
        assert fh.read(2) == b"\x1f\x8b"  # gzip magic: compressed, as the input was
    with gzip.open(dest, "rt", encoding="utf-8") as fh:
        out = [json.loads(line) for line in fh]
    assert [r["id"] for r in out] == [r["id"] for r in records]
    assert [r["text"] for r in out] == [small_filter.clean(r["text"]) for r in records]


def test_order_preserved_with_two_workers(small_model, texts, tmp_path):
    records = _records(texts, 700)  # more than 2 batches of 256 records: several in flight
    src = tmp_path / "big.jsonl"
    src.write_text(_jsonl(records), encoding="utf-8")
    outs = []
    for jobs in (1, 2):
        proc = subprocess.run(_cli("filter", src, "-m", small_model, "-q", "-j", jobs),
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        outs.append(proc.stdout)
    assert outs[0] == outs[1]
    assert [json.loads(line)["id"] for line in outs[1].splitlines()] == [r["id"] for r in records]


def test_progress_silent_on_pipes_and_quiet(small_model, texts):
    data = _jsonl(_records(texts, 5))
    proc = subprocess.run(_cli("filter", "--jsonl", "-", "-m", small_model, "-j", "1"),
                          input=data, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) == 5
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("junkfilter: 5 documents"), proc.stderr
    assert "\x1b" not in proc.stderr and "\r" not in proc.stderr  # no progress bar on a pipe
    proc = subprocess.run(_cli("filter", "--jsonl", "-", "-m", small_model, "-j", "1", "-q"),
                          input=data, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0 and proc.stderr == ""


def test_values_beyond_orjson_pass_through_unchanged(small_model, small_filter, texts, tmp_path):
    """Records are read and written by orjson; what it refuses (NaN, integers beyond 64 bits,
    escaped lone surrogates) falls back to the standard library, and NaN stays NaN, not null."""
    text = texts[0]
    lines = [
        json.dumps({"id": 1, "text": text, "score": float("nan"), "inf": float("inf")}),
        json.dumps({"id": 2, "text": text, "big": 2**70}),
        json.dumps({"id": 3, "text": text, "odd": "\ud800 lone"}),
        json.dumps({"id": 4, "text": text, "plain": [1.5, None, "ü"]}, ensure_ascii=False),
    ]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["filter", str(src), "-m", str(small_model), "-q", "-j", "1"])
    assert res.exit_code == 0, res.output
    out = res.stdout.splitlines()
    assert len(out) == 4
    got = [json.loads(line) for line in out]
    assert "NaN" in out[0] and "Infinity" in out[0] and got[0]["score"] != got[0]["score"]
    assert got[1]["big"] == 2**70
    assert got[2]["odd"] == "\ud800 lone"
    assert got[3]["plain"] == [1.5, None, "ü"]
    assert all(g["text"] == small_filter.clean(text) for g in got)
