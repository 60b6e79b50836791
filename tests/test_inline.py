"""Inline tags (junkfilter.inline): removed from kept text, counted and listed as drops."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import junkfilter
from junkfilter import inline
from junkfilter.cli import app
from junkfilter.verdicts import Verdicts, assemble_spans

SENTENCE = "Rivals Verizon (News - Alert) Wireless and AT&T (News - Alert), said the report."


def test_remove_spans_and_count():
    assert inline.remove(SENTENCE) == "Rivals Verizon Wireless and AT&T, said the report."
    assert [SENTENCE[s:e] for s, e in inline.spans(SENTENCE)] == [" (News - Alert)"] * 2
    assert inline.count(SENTENCE) == 2
    assert inline.remove("Xohm (Quote - Alert)-branded") == "Xohm-branded"


@pytest.mark.parametrize("text", ["An alert (News) was sent.", "Red Alert) ahead", "(News Alert)"])
def test_other_parentheses_stay(text):
    assert inline.remove(text) == text and inline.count(text) == 0


def test_assembly_removes_tags_only_from_kept_spans():
    text = "Menu (News - Alert)\n\n" + SENTENCE + "\n"
    starts, ends = np.array([0, 21]), np.array([19, 21 + len(SENTENCE)])
    keep = np.array([False, True])
    assert assemble_spans(text, starts, ends, keep) == inline.remove(SENTENCE) + "\n"
    assert assemble_spans(text, starts, ends, keep, inline=False) == SENTENCE + "\n"
    names = ("boilerplate", "content")
    v = Verdicts([text], np.array([0, 2]), starts, ends, np.array([0, 1]), keep, np.array([0, 1]),
                 names)  # fmt: skip
    assert v.counts() == [({"content": 1}, {"boilerplate": 1, inline.REASON: 2})]
    v.inline = False
    assert v.counts() == [({"content": 1}, {"boilerplate": 1})] and v.cleaned(0) == SENTENCE + "\n"


ARTICLE = "\n\n".join([
    "Sprint Nextel to Cut 4,000 Jobs",
    "Faced with a slowdown in subscriber growth, Sprint Nextel (News - Alert) announced today "
    "that it will cut 4,000 jobs and close 125 of its retail stores across the country, the "
    "company said in a statement on Thursday morning.",
    "Analysts say it is losing customers to rivals Verizon (News - Alert) Wireless and AT&T "
    "(News - Alert), which have both added subscribers this quarter.",
])  # fmt: skip


def test_library_paths_agree():
    jf = junkfilter.load()
    cleaned = jf.clean(ARTICLE)
    assert "Alert" not in cleaned and "Sprint Nextel announced today" in cleaned
    assert next(jf.pipe([ARTICLE])) == cleaned
    assert any("3 inline tags" in step for step in jf.explain(ARTICLE).steps)
    keep_tags = junkfilter.load(config=junkfilter.Config(inline=False))
    assert keep_tags.clean(ARTICLE).count("(News - Alert)") == 3


def test_cli_lists_tags_in_rejected_and_stats(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": 1, "text": ARTICLE}) + "\n", encoding="utf-8")
    out, rejected = tmp_path / "out", tmp_path / "rejected.jsonl"
    res = CliRunner().invoke(app, ["filter", str(src), "-o", str(out), "--stats", "-j", "1",
                                   "--rejected", str(rejected)])  # fmt: skip
    assert res.exit_code == 0, res.output
    record = json.loads((out / "in.jsonl").read_text(encoding="utf-8"))
    assert "Alert" not in record["text"]
    assert record["junkfilter"]["dropped"].get(inline.REASON) == 3
    tags = [json.loads(line) for line in rejected.read_text(encoding="utf-8").splitlines()]
    tags = [r for r in tags if r["reason"] == inline.REASON]
    assert len(tags) == 3 and all(ARTICLE[r["start"] : r["end"]] == r["text"] for r in tags)
    assert {r["label"] for r in tags} == {"metadata"}
