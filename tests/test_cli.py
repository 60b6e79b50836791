"""CLI round trips: filter, classify, train, evaluate, labels, info, exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from junkfilter.cli import app
from junkfilter.documents import read_documents

from .conftest import TRAINING_DATA

CASES = Path(__file__).parent / "cases"
runner = CliRunner()


def run(*args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def test_help_everywhere():
    for cmd in ([], ["filter"], ["classify"], ["train"], ["evaluate"], ["corpus"], ["labels"],
                ["info"], ["explain"]):
        res = run(*cmd, "--help")
        assert res.exit_code == 0, (cmd, res.output)
        assert "Usage" in res.output


def test_usage_errors_exit_2(small_model, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("hello world.\n")
    assert run("filter", f, "-m", small_model, "--keep", "contnet").exit_code == 2
    assert run("filter", f, "-m", small_model, "--threshold", "3").exit_code == 2
    assert run("filter", f, "--in-place", "-o", tmp_path / "o").exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_filter_file_folder_and_stdin(small_model, small_filter, tmp_path):
    doc = next(iter(read_documents([TRAINING_DATA])))
    src = tmp_path / "in" / "sub"
    src.mkdir(parents=True)
    (src / "page.txt").write_text(doc.text)
    expected = small_filter.clean(doc.text)
    res = run("filter", src / "page.txt", "-m", small_model, "-q", "-j", "1")
    assert res.exit_code == 0 and res.stdout.rstrip("\n") == expected.rstrip("\n")
    res = run("filter", tmp_path / "in", "-o", tmp_path / "out", "-m", small_model, "-q")
    assert res.exit_code == 0
    assert (tmp_path / "out" / "sub" / "page.txt").read_text() == expected
    assert (src / "page.txt").read_text() == doc.text
    res = run("filter", "-", "-m", small_model, "-q", input=doc.text)
    assert res.stdout.rstrip("\n") == expected.rstrip("\n")


def test_classify_json_lines(small_model, tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("Title of a thing\n\nA body paragraph that says something useful.\n")
    res = run("classify", f, "-m", small_model)
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["index"] for r in rows] == [0, 1]
    assert set(rows[0]) >= {"doc", "index", "start", "end", "label", "probability", "keep"}
    assert f.read_text()[rows[1]["start"] : rows[1]["end"]].startswith("A body")


def test_train_and_evaluate_round_trip(tmp_path):
    data = tmp_path / "docs.jsonl"
    docs = list(read_documents([TRAINING_DATA]))[:40]
    data.write_text("".join(json.dumps(d.to_json()) + "\n" for d in docs))
    model = tmp_path / "m" / "model.skops"
    res = run("train", data, "-o", model, "--max-iter", "3")
    assert res.exit_code == 0, res.output
    assert "content shingle F1" in res.output
    card = json.loads(model.with_suffix(".card.json").read_text())
    assert card["sklearn_version"] and card["junkfilter_version"] and card["sha256"]
    res = run("evaluate", data, "-m", model, "--json", tmp_path / "e.json")
    assert res.exit_code == 0, res.output
    figures = json.loads((tmp_path / "e.json").read_text())
    assert set(figures["shingle_f1"]) == {"junkfilter", "keep-all", "c4-lines"}
    assert run("info", "-m", model).exit_code == 0


def test_labels_command():
    res = run("labels")
    assert res.exit_code == 0 and "* content" in res.output and "boilerplate" in res.output


def test_console_script_runs():
    res = subprocess.run([sys.executable, "-m", "junkfilter.cli", "labels"],
                         capture_output=True, text=True, check=False)
    assert res.returncode == 0 and "spam" in res.stdout


def test_shipped_model_on_acceptance_case(default_filter):
    """Issue 2: article + spam wave + "Leave a Reply" form + bio -> only the article."""
    doc = next(iter(read_documents([CASES / "article_spam_form_bio.jsonl"])))
    paras = default_filter.classify(doc.text)
    got = [p.keep for p in paras]
    want = [str(lab) in {"content", "title"} for lab in doc.labels]
    assert got == want, [(p.text[:40], str(lab)) for p, lab, g, w in
                         zip(paras, doc.labels, got, want) if g != w]


def test_shipped_model_keeps_comments_drops_spam(default_filter):
    """Issue 2: ``--keep content,comment`` keeps the comments and drops the spam."""
    doc = next(iter(read_documents([CASES / "article_spam_form_bio.jsonl"])))
    paras = default_filter.classify(doc.text, keep="content,comment")
    for p, lab in zip(paras, doc.labels):
        if lab == "content" or (lab == "comment" and len(p.text) > 40):  # the comment's prose
            assert p.keep, p.text
        elif lab in ("spam", "boilerplate", "bio"):
            assert not p.keep, p.text


ABOUT_PRIVACY = {f"case-legal-{i}" for i in range(10, 15)}
"""The legal case file's articles whose subject is privacy, consent, terms or liability."""


def _kept_shares(jf, name: str, whole: set[str] = frozenset()) -> dict[str, float]:
    """Share of characters kept per kind (article = content and title) over a case file; the
    content of the documents in ``whole`` must be kept paragraph by paragraph."""
    kept: dict[str, list[int]] = {"article": [0, 0], "boilerplate": [0, 0]}
    for doc in read_documents([CASES / name]):
        paras = jf.classify(doc.text)
        assert [p.text for p in paras] == doc.texts
        for p, lab in zip(paras, doc.labels, strict=True):
            kind = "article" if lab in ("content", "title") else str(lab)
            if kind in kept:
                kept[kind][0] += len(p.text) * p.keep
                kept[kind][1] += len(p.text)
            if lab == "content" and doc.id in whole:
                assert p.keep, (doc.id, p.text[:60])
    return {kind: k / n for kind, (k, n) in kept.items()}


def test_shipped_model_on_legal_notices(default_filter):
    """Consent walls, cookie bars, terms and disclaimers (14 documents written apart from the
    training data, never trained on): the article stays, most of the legal text goes, and
    articles *about* privacy are kept whole. The model before training_data/legal-0[1-3] kept
    71 % of these pages' boilerplate characters."""
    shares = _kept_shares(default_filter, "legal_notices.jsonl", ABOUT_PRIVACY)
    assert shares["article"] >= 0.97 and shares["boilerplate"] <= 0.40, shares


def test_shipped_model_keeps_the_article_around_inserts(default_filter):
    """Newsletter boxes, paywall meters, "Read more:" lines and ads between article paragraphs
    (12 documents written apart from the training data): the article goes on after them."""
    assert _kept_shares(default_filter, "mid_article_inserts.jsonl")["article"] >= 0.95


@pytest.mark.xfail(strict=True, reason="known weakness: the shipped model keeps 44 % of the "
                   "characters of furniture inserted between article paragraphs")  # fmt: skip
def test_shipped_model_drops_mid_article_inserts(default_filter):
    assert _kept_shares(default_filter, "mid_article_inserts.jsonl")["boilerplate"] <= 0.2


def test_shipped_model_on_column_page():
    """A table-layout page as inscriptis/lynx render it (menu column beside the article): the
    article's lines come out in order, one per line, without the menu."""
    text = (CASES / "columns_page.txt").read_text()
    res = run("filter", CASES / "columns_page.txt", "-q")
    assert res.exit_code == 0, res.output
    lines = [line.strip() for line in res.output.splitlines()]
    want = [line.split("   ")[-1].strip() for line in text.splitlines()[1:-1]]
    assert lines == [w for w in want if len(w) > 40]


def test_rescue_option(tmp_path):
    """The shipped model, made to keep nothing (threshold 1): rescue keeps the prose."""
    page = tmp_path / "page.txt"
    page.write_text(
        "The city council voted on Tuesday to approve a budget that doubles the money for parks, "
        "after months of debate about how the extra funds should be spent.\n\n"
        "Residents had asked for more shade trees and better lighting along the river paths, and "
        "the plan includes both, the mayor said in a statement after the vote.\n"
    )
    args = ("filter", page, "-q", "-j", "1", "--threshold", "1")
    rescued, empty = run(*args), run(*args, "--rescue", "0")
    assert rescued.exit_code == 0 and empty.exit_code == 0
    assert rescued.stdout.strip() and not empty.stdout.strip()
    assert run(*args, "--rescue", "2").exit_code == 2
    steps = run("explain", page, "--threshold", "1").stdout
    assert "rescued" in steps
