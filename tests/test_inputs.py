"""Reading inputs: encodings, lossless decoding, parts, JSON Lines, paths - never an exception."""

from __future__ import annotations

import codecs
import gzip
import json
import os
from pathlib import Path

import pytest

from junkfilter import decoding, inputs
from junkfilter.decoding import BinaryInput, decode, split_parts
from junkfilter.inputs import Item, Skip, expand, iter_inputs, read_jsonl, read_text
from junkfilter.outputs import to_bytes

TEXT = "Hello world, this is a paragraph of prose.\n\nAnd a second one, with more words.\n"


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (TEXT.encode(), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode(), "utf-8 (BOM)"),
        (TEXT.encode("utf-16"), "utf-16-le (BOM)"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be (BOM)"),
        (TEXT.encode("utf-16-le"), "utf-16-le (detected, no BOM)"),
        (TEXT.encode("utf-16-be"), "utf-16-be (detected, no BOM)"),
        (TEXT.encode("utf-32"), "utf-32-le (BOM)"),
        (TEXT.encode("utf-32-le"), "utf-32-le (detected, no BOM)"),
        (TEXT.encode("utf-32-be"), "utf-32-be (detected, no BOM)"),
    ],
)
def test_unicode_encodings(data, note):
    text, got = decode(data)
    assert text == TEXT and got == note


@pytest.mark.parametrize(
    ("enc", "sample"),
    [
        ("cp1252", "Café crème brûlée, naïve “quotes” — façade résumé. "),
        ("gb18030", "中文段落，这是一个测试。我们在这里写了很多中文字符，用来检测编码。"),
        ("shift_jis", "これは日本語のテキストです。シフトJISでエンコードされています。"),
    ],
)
def test_legacy_encodings_detected(enc, sample):
    text, note = decode((sample * 8).encode(enc))
    assert text == sample * 8 and "detected" in note


def test_damaged_utf8_keeps_its_bytes():
    data = ("Café " + TEXT).encode().replace(b"world", b"w\xffor\x80ld")
    text, note = decode(data)
    assert to_bytes(text) == data and note.startswith("utf-8 (undecodable")
    assert text.startswith("Café")


def test_ascii_with_stray_high_bytes_is_sniffed():
    text, note = decode(TEXT.encode().replace(b"world", b"w\xe9rld") * 5)
    assert "wérld" in text and "detected" in note


def test_escape_handler_keeps_ascii_and_escapes_high_bytes():
    assert b"a\xe9\x00".decode("utf-16-le", decoding.ESCAPE)[-1] in "\x00\udce9"
    assert b"a\x81".decode("shift_jis", decoding.ESCAPE) == "a\udc81"


@pytest.mark.parametrize("data", [bytes(range(256)) * 4, b"\x00" * 500 + b"abc", b"\x01\x02" * 100])
def test_binary_refused(data):
    with pytest.raises(BinaryInput):
        decode(data)


@pytest.mark.parametrize("data", [b"", b"   \n\n", b"a", b"\r", b"\xff", b"\x00"])
def test_tiny_inputs_never_raise_other_errors(data):
    try:
        text, _ = decode(data)
    except BinaryInput:
        return
    assert to_bytes(text) == data.lstrip(codecs.BOM_UTF8) or text


@pytest.mark.parametrize("part_chars", [7, 50, 1000])
@pytest.mark.parametrize(
    "text", ["a\n" * 200, "para one\n\npara two\n\n" * 50, "x" * 500, "a\r" * 300, "", "\n" * 99]
)
def test_parts_join_back(text, part_chars):
    parts = split_parts(text, part_chars, 20)
    assert "".join(parts) == text and parts
    for part in parts[:-1]:
        assert part.endswith(("\n", "\r"))


def test_parts_bounded_by_lines():
    parts = split_parts("x\n" * 1000, 10**6, 100)
    assert len(parts) >= 10 and all(p.count("\n") <= 100 for p in parts)


def test_long_line_stays_whole_in_streaming():
    chunks = ["y" * 1000] * 50 + ["\nrest\n"]
    parts = list(decoding.iter_parts(chunks, 3000, 100))
    assert "".join(parts) == "".join(chunks)
    assert parts[0] == "y" * 50_000 + "\n"


# -- files ---------------------------------------------------------------------------------------
def test_read_text_streams_parts_with_absolute_offsets(tmp_path, monkeypatch):
    monkeypatch.setattr(decoding, "PART_CHARS", 100)
    monkeypatch.setattr(inputs, "CHUNK_BYTES", 64)
    text = "".join(f"Paragraph number {i} is here.\n\n" for i in range(100))
    path = tmp_path / "a.txt"
    path.write_text(text)
    items = list(read_text(path, "a.txt"))
    assert len(items) > 5 and all(isinstance(i, Item) for i in items)
    assert "".join(i.text for i in items) == text
    for item in items:
        assert text[item.offset : item.offset + len(item.text)] == item.text
    assert [i.part for i in items] == list(range(len(items)))
    assert [i.last_part for i in items] == [False] * (len(items) - 1) + [True]


def test_read_text_invalid_utf8_late_in_file(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "CHUNK_BYTES", 1000)
    data = b"plain ascii text\n" * 5000 + "café crème\n".encode("cp1252") * 50
    path = tmp_path / "late.txt"
    path.write_bytes(data)
    items = list(read_text(path, "late.txt"))
    assert all(isinstance(i, Item) for i in items)
    assert to_bytes("".join(i.text for i in items)).replace("é".encode(), b"\xe9").replace(
        "è".encode(), b"\xe8"
    ) == data or "café" in items[-1].text


def test_gz_text_and_truncated_gz(tmp_path):
    good = tmp_path / "a.txt.gz"
    good.write_bytes(gzip.compress(TEXT.encode()))
    assert [i.text for i in read_text(good, "a")] == [TEXT]
    bad = tmp_path / "b.txt.gz"
    bad.write_bytes(gzip.compress(TEXT.encode() * 100)[:-30])
    (skip,) = read_text(bad, "b")
    assert isinstance(skip, Skip) and skip.whole and "cannot read" in skip.reason


def test_unreadable_and_special_paths(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    cases = [(tmp_path / "loop", "cannot read"), ("/dev/null", "not a regular file"),
             ("/proc/self/mem", "cannot read"), (tmp_path, "is a directory")]  # fmt: skip
    for path, reason in cases:
        (skip,) = read_text(path, "x")
        assert isinstance(skip, Skip) and reason in skip.reason, (path, skip)
        assert "\n" not in skip.reason


def test_listing_errors_become_skips(tmp_path, monkeypatch):
    """A folder that cannot be listed (as non-root: no permission) is a skip, not a crash."""
    (tmp_path / "ok.txt").write_text(TEXT)
    real_walk = os.walk

    def walk(top, onerror=None, **kw):
        onerror(PermissionError(13, "Permission denied", str(tmp_path / "locked")))
        yield from real_walk(top, onerror=onerror, **kw)

    monkeypatch.setattr(inputs.os, "walk", walk)
    entries = list(expand([str(tmp_path)]))
    skips = [e for e in entries if isinstance(e, Skip)]
    assert len(skips) == 1 and "cannot list folder: Permission denied" in skips[0].reason
    assert any(not isinstance(e, Skip) and e[1] == "ok.txt" for e in entries)


def test_expand_dedupes_and_excludes(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT)
    (tmp_path / "in" / "out").mkdir()
    (tmp_path / "in" / "out" / "old.txt").write_text(TEXT)
    (tmp_path / "in" / "x.png").write_bytes(b"\x89PNG")
    (tmp_path / "in" / "y.txt.gz").write_bytes(gzip.compress(b"t"))
    args = [str(tmp_path / "in"), str(tmp_path / "in" / "a.txt")]
    names = [e[1] for e in expand(args, exclude=[str(tmp_path / "in" / "out")])]
    assert names == ["a.txt", "y.txt.gz"]


# -- JSON Lines ----------------------------------------------------------------------------------
def test_jsonl_every_kind_of_bad_line(tmp_path):
    lines = [b'{"id": 1, "text": "ok"}', b"{bad", b"[1]", b"3", b'{"x": 1}', b'{"text": 1}',
             b"", b"  ", b'{"text": "caf\xe9"}', b"[" * 50_000, b'{"text": "last"}']  # fmt: skip
    path = tmp_path / "d.jsonl"
    path.write_bytes(b"\n".join(lines))
    entries = list(read_jsonl(path, "d.jsonl"))
    assert len(entries) == len(lines)
    items = [e for e in entries if isinstance(e, Item)]
    assert [i.text for i in items] == ["ok", "last"] and items[0].doc == "d.jsonl:1 (1)"
    skips = [e for e in entries if isinstance(e, Skip)]
    assert [s.counted for s in skips].count(False) == 2  # blank lines
    assert b"".join(e.line for e in skips) == b"".join(line + b"\n" for line in lines[1:10])
    assert all("\n" not in s.reason and len(s.reason) < 200 for s in skips)


@pytest.mark.parametrize("cut", [10, 60, -8])
def test_jsonl_gz_truncated_or_corrupt(tmp_path, cut):
    body = b"".join(json.dumps({"text": f"record {i} " * 20}).encode() + b"\n" for i in range(300))
    data = gzip.compress(body)
    path = tmp_path / "t.jsonl.gz"
    path.write_bytes(data[:cut] + (b"\x00garbage" * 10 if cut == 60 else b""))
    entries = list(iter_inputs([str(path)], None, "text"))
    assert isinstance(entries[-1], Skip) and entries[-1].whole
    assert "cannot read" in entries[-1].reason


def test_stdin_binary(monkeypatch):
    import io
    import sys

    class FakeStdin:
        buffer = io.BytesIO(bytes(range(256)) * 10)

    monkeypatch.setattr(sys, "stdin", FakeStdin)
    (skip,) = read_text("-", "<stdin>")
    assert isinstance(skip, Skip) and "binary" in skip.reason


def test_fifo_in_folder_is_skipped_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (entry,) = expand([str(tmp_path)])
    assert isinstance(entry, Skip) and "pipe" in entry.reason


def test_nothing_raises_for_a_folder_of_oddities(tmp_path):
    odd = {"bin": bytes(range(256)), "empty": b"", "nul": b"\x00" * 100, "cr": b"a\rb\r",
           "bom16": codecs.BOM_UTF16_LE + b"a", "half.gz": b"\x1f\x8b\x08\x00"}  # fmt: skip
    for name, data in odd.items():
        Path(tmp_path, name).write_bytes(data)
    entries = list(iter_inputs([str(tmp_path)], None, "text"))
    assert {e.doc for e in entries} >= {"bin", "empty", "nul", "cr", "bom16"}
