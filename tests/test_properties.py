"""Properties over arbitrary Unicode (hypothesis): tiling, subsequence, determinism, no crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from junkfilter.clean import assemble
from junkfilter.decoding import BinaryInput, decode, split_parts
from junkfilter.outputs import json_line, to_bytes
from junkfilter.segment import gaps, segment
from tests import badinput

ODD = "\r\n\x00\t \x0b\x0c\x1c\x85\xa0\u2028\u2029\u3000\ufeff\udc80\udcff\ud800---#*-1.>|"
"""Characters that stress segmentation: every kind of line break and space, NUL, lone
surrogates (st.text() never makes them; undecodable input bytes become them), list markers."""

texts = st.text(st.one_of(st.characters(), st.sampled_from(ODD)), max_size=400)
lines = st.lists(st.one_of(st.text(max_size=60), st.sampled_from(["", " ", "---", "..."])))
documents = st.one_of(texts, lines.map("\n".join), lines.map("\r\n".join))
SETTINGS = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@pytest.fixture(scope="module")
def jf(tmp_path_factory):
    import junkfilter

    shared = tmp_path_factory.getbasetemp() / "toymodel-shared"
    return junkfilter.load(badinput.ensure_model(shared))


def is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(c in it for c in small)


@SETTINGS
@given(documents)
def test_paragraphs_and_gaps_tile_the_input(text):
    paras = segment(text)
    rebuilt = []
    for (gs, ge), p in zip(gaps(text, paras), paras, strict=False):
        assert text[gs:ge].strip() == ""
        assert text[p.start : p.end] == p.text and p.text and p.text == p.text.strip()
        rebuilt += [text[gs:ge], p.text]
    gs, ge = gaps(text, paras)[-1]
    assert text[gs:ge].strip() == ""
    assert "".join(rebuilt) + text[gs:ge] == text
    assert [p.index for p in paras] == list(range(len(paras)))


@SETTINGS
@given(documents, st.integers(1, 50), st.integers(1, 5))
def test_parts_join_back_to_the_input(text, chars, n_lines):
    parts = split_parts(text, chars, n_lines)
    assert "".join(parts) == text
    assert all(p.endswith(("\n", "\r")) for p in parts[:-1])


@SETTINGS
@given(documents)
def test_clean_keeps_only_input_characters_in_order(jf, text):
    cleaned = jf.clean(text)
    assert is_subsequence(cleaned, text)
    kept = [p.text for p in jf.classify(text) if p.keep]
    assert all(k in cleaned for k in kept)


@settings(max_examples=100, deadline=None)
@given(st.lists(documents, min_size=1, max_size=4))
def test_classification_is_deterministic(jf, docs):
    def verdicts(paragraph_lists):
        return [[(p.start, p.end, str(p.label), round(p.probability, 9), p.keep) for p in ps]
                for ps in paragraph_lists]  # fmt: skip

    once = verdicts(jf.classify_many(docs))
    assert verdicts(jf.classify_many(docs)) == once
    assert verdicts([jf.classify(d) for d in docs]) == once  # batching changes nothing
    for doc, ps in zip(docs, jf.classify_many(docs), strict=True):
        assert is_subsequence(assemble(doc, ps), doc)


@SETTINGS
@given(st.binary(max_size=600))
def test_decoding_is_lossless_or_refuses(data):
    try:
        text, note = decode(data)
    except BinaryInput:
        return
    if note.startswith("utf-8") and not note.startswith("utf-8 (BOM"):
        assert to_bytes(text) == data
    assert json_line({"text": text}).encode("utf-8")  # always valid UTF-8 JSON


@settings(max_examples=12, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["a.txt", "a.jsonl", "a.txt.gz"]))
def test_cli_never_tracebacks(tmp_path_factory, jf_model_path, data, name):
    folder = tmp_path_factory.mktemp("cli")
    (folder / name).write_bytes(data)
    res = subprocess.run([sys.executable, "-c", "from junkfilter.cli import main; main()",
                          "filter", "--model", str(jf_model_path), "-j", "1", str(folder / name)],
                         capture_output=True, timeout=60)  # fmt: skip
    assert b"Traceback" not in res.stderr and res.returncode in (0, 1), res.stderr


@pytest.fixture(scope="module")
def jf_model_path(tmp_path_factory) -> Path:
    return badinput.ensure_model(tmp_path_factory.getbasetemp() / "toymodel-shared")
