"""Evaluation measures: shingle F1, the C4-style baseline, class report and calibration."""

import pytest

from junkfilter.evaluate import ClassReport, ShingleF1, c4_line_filter, page_scores, shingles


def test_shingles_and_page_scores():
    assert shingles("A b c d e") == {("a", "b", "c", "d"), ("b", "c", "d", "e")}
    assert shingles("two words") == {("two", "words")}
    assert page_scores("anything", "") is None
    p, r = page_scores("one two three four five", "one two three four six seven")
    assert p == pytest.approx(1 / 2) and r == pytest.approx(1 / 3)
    assert page_scores("", "one two three four") == (0.0, 0.0)


def test_f1_is_from_mean_precision_and_recall():
    acc = ShingleF1()
    acc.add("a b c d", "a b c d")  # P 1, R 1
    acc.add("a b c d x", "q r s t")  # P 0, R 0
    assert acc.pages == 2 and acc.precision == 0.5 and acc.recall == 0.5 and acc.f1 == 0.5


def test_c4_line_filter():
    text = "A real sentence here.\nHome\nWe use cookies to help.\nEnable JavaScript now!\nok."
    assert c4_line_filter(text) == "A real sentence here."


def test_class_report_and_calibration():
    report = ClassReport(labels=["a", "b"])
    report.add(["a", "b", "a"], ["a", "a", "a"], [0.9, 0.6, 1.0])
    d = report.as_dict()
    assert d["accuracy"] == pytest.approx(2 / 3, abs=1e-4)
    assert d["per_class"]["a"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8, "support": 2}
    assert d["calibration_error"] == pytest.approx(0.2333, abs=1e-4)
    assert d["confusion"]["b"]["a"] == 1
