"""benchmarks/quality.py: the intervals and the taxonomy check (the script is not in the package,
so it is loaded from its file)."""

import importlib.util
from pathlib import Path

import pytest

from junkfilter.documents import Document

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "quality.py"
_spec = importlib.util.spec_from_file_location("quality_benchmark", _PATH)
quality = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(quality)

PAGES_P = [0.9, 1.0, 0.5, 0.8, 0.95, 0.7, 1.0, 0.6]
PAGES_R = [0.8, 0.9, 0.9, 0.4, 1.0, 0.75, 0.85, 0.7]


def test_interval_holds_the_pooled_f1():
    pooled = quality._pooled(PAGES_P, PAGES_R)
    lo, hi = pooled["ci95"]
    assert lo < pooled["f1"] < hi
    assert quality._pooled(PAGES_P, PAGES_R)["ci95"] == [lo, hi]  # fixed seed


def test_paired_difference_of_a_model_with_itself_is_zero():
    d = quality.paired_difference((PAGES_P, PAGES_R), (PAGES_P, PAGES_R))
    assert d == {"f1_difference": 0.0, "ci95": [0.0, 0.0]}


def test_paired_difference_sees_a_small_gain_on_every_page():
    better = [min(1.0, p + 0.01) for p in PAGES_P]
    d = quality.paired_difference((better, PAGES_R), (PAGES_P, PAGES_R))
    assert d["f1_difference"] > 0
    assert 0 < d["ci95"][0] <= d["ci95"][1]
    # the unpaired intervals of the two overlap: only pairing shows the gain
    assert quality._pooled(better, PAGES_R)["ci95"][0] < quality._pooled(PAGES_P, PAGES_R)["f1"]


def test_paired_difference_needs_the_same_pages():
    with pytest.raises(ValueError):
        quality.paired_difference((PAGES_P, PAGES_R), (PAGES_P[:-1], PAGES_R[:-1]))


def _page(gold: str, recovered: float = 1.0) -> Document:
    return Document(id="p", texts=["x"], labels=["content"],
                    meta={"gold": gold, "recovered": recovered})  # fmt: skip


def test_disputed_finds_a_thread_in_the_gold_and_a_lost_rendering():
    article = "A long article paragraph about the harbour and the new ferry timetable."
    thread = "\n".join([article, "Mary said,", "I agree with this.", "John said,",
                        "Posted 3 hours ago", "Ann wrote:"])  # fmt: skip
    assert quality.disputed(_page(article)) is None
    assert quality.disputed(_page(thread)) == "gold holds a comment thread"
    assert quality.disputed(_page(article, recovered=0.2)) == "renderer lost the gold"
