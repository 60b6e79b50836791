"""Measuring a filter: per-class scores, confusion, and the content shingle F1.

The **content shingle F1** compares, page by page, the 4-gram shingles of ``\\w+`` tokens of the
kept text with those of the gold article text: precision and recall are computed per page and
averaged over pages, and F1 is taken from the two means. Each shingle counts once per page.

Every number here is built from paragraph verdicts (label, keep, reason), the same values that the
CLI's counters and ``--rejected`` output use.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from junkfilter.labels import LABELS, Label

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str, n: int = SHINGLE) -> set[tuple[str, ...]]:
    """Distinct ``n``-grams of lower-cased ``\\w+`` tokens (shorter texts: one shorter gram)."""
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < n:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def page_scores(kept: str, gold: str) -> tuple[float, float] | None:
    """(precision, recall) of one page, or None when the gold text has no tokens."""
    g = shingles(gold)
    if not g:
        return None
    k = shingles(kept)
    tp = len(k & g)
    precision = tp / len(k) if k else 0.0
    return precision, tp / len(g)


@dataclass
class ShingleF1:
    """Accumulates per-page precision/recall; F1 from the mean precision and mean recall."""

    precisions: list[float] = field(default_factory=list)
    recalls: list[float] = field(default_factory=list)

    def add(self, kept: str, gold: str) -> None:
        scores = page_scores(kept, gold)
        if scores is not None:
            self.precisions.append(scores[0])
            self.recalls.append(scores[1])

    @property
    def pages(self) -> int:
        return len(self.precisions)

    @property
    def precision(self) -> float:
        return sum(self.precisions) / self.pages if self.pages else 0.0

    @property
    def recall(self) -> float:
        return sum(self.recalls) / self.pages if self.pages else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"pages": self.pages, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}  # fmt: skip


_C4_BAD = re.compile(
    r"javascript|lorem ipsum|cookie|privacy policy|terms of use|terms of service|\{", re.IGNORECASE
)
_C4_END = (".", "!", "?", '"', "'", "”", "’")


def c4_line_filter(text: str) -> str:
    """A C4-style line filter (Raffel et al. 2020): the baseline junkfilter must beat.

    Keeps a line when it ends in terminal punctuation, has at least 3 words and mentions neither
    javascript, cookies, policies/terms, "lorem ipsum" nor a curly brace.
    """
    keep = []
    for line in text.splitlines():
        s = line.strip()
        if s.endswith(_C4_END) and len(s.split()) >= 3 and not _C4_BAD.search(s):
            keep.append(s)
    return "\n".join(keep)


@dataclass
class ClassReport:
    """Per-class precision/recall/F1 and a confusion matrix from gold and predicted labels."""

    labels: Sequence[str]
    confusion: Counter = field(default_factory=Counter)
    confidences: list[tuple[float, bool]] = field(default_factory=list)

    def add(self, gold: Iterable[str], predicted: Iterable[str], probabilities=()) -> None:
        """Count gold/predicted pairs; ``probabilities`` (of the predicted labels) feed the ECE."""
        pairs = [(str(g), str(p)) for g, p in zip(gold, predicted)]
        self.confusion.update(pairs)
        self.confidences += [(float(c), g == p) for c, (g, p) in zip(probabilities, pairs)]

    def calibration_error(self, bins: int = 10) -> float:
        """Expected calibration error of the predicted label's probability (equal-width bins)."""
        ece, n = 0.0, len(self.confidences)
        for b in range(bins):
            lo, hi = b / bins, (b + 1) / bins
            inside = [(c, ok) for c, ok in self.confidences if lo < c <= hi or (b == 0 and c == 0)]
            if inside:
                mean_conf = sum(c for c, _ in inside) / len(inside)
                accuracy = sum(ok for _, ok in inside) / len(inside)
                ece += len(inside) / n * abs(mean_conf - accuracy)
        return ece

    def scores(self, label: str) -> dict:
        tp = self.confusion[(label, label)]
        support = sum(v for (g, _), v in self.confusion.items() if g == label)
        predicted = sum(v for (_, p), v in self.confusion.items() if p == label)
        precision = tp / predicted if predicted else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4),
                "f1": round(f1, 4), "support": support}  # fmt: skip

    def as_dict(self) -> dict:
        per_class = {lab: self.scores(lab) for lab in self.labels}
        total = sum(self.confusion.values())
        correct = sum(v for (g, p), v in self.confusion.items() if g == p)
        return {
            "accuracy": round(correct / total, 4) if total else 0.0,
            "calibration_error": round(self.calibration_error(), 4),
            "per_class": per_class,
            "confusion": {g: {p: self.confusion[(g, p)] for p in self.labels} for g in self.labels},
        }

    def table(self) -> str:
        rows = [f"{'label':<12} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}"]
        for lab in self.labels:
            s = self.scores(lab)
            if s["support"] or self.confusion.total():
                rows.append(
                    f"{lab:<12} {s['precision']:>9.3f} {s['recall']:>7.3f} {s['f1']:>6.3f} "
                    f"{s['support']:>8}"
                )
        rows.append(f"expected calibration error (10 bins): {self.calibration_error():.4f}")
        header = "gold \\ pred  " + " ".join(f"{lab[:6]:>6}" for lab in self.labels)
        rows += ["", header]
        for g in self.labels:
            counts = " ".join(f"{self.confusion[(g, p)]:>6}" for p in self.labels)
            rows.append(f"{g:<12} {counts}")
        return "\n".join(rows)


def keep_labels_text(texts: Sequence[str], labels: Sequence[str], keep: Iterable[str]) -> str:
    """The text of the paragraphs whose (gold) label is in ``keep``."""
    keep = {str(k) for k in keep}
    return "\n\n".join(t for t, lab in zip(texts, labels) if str(lab) in keep)


def evaluate_documents(docs, classify_many: Callable, keep: Iterable[Label], batch=64) -> dict:
    """Score a filter on labelled documents: class report and content shingle F1.

    ``classify_many(texts) -> list[list[Paragraph]]`` is a :class:`JunkFilter` method or alike.
    The gold article text is a document's ``gold`` meta field if present, else its gold
    paragraphs with a kept label.
    """
    from junkfilter.clean import assemble

    report = ClassReport(labels=[str(lab) for lab in LABELS])
    f1 = {"junkfilter": ShingleF1(), "keep-all": ShingleF1(), "c4-lines": ShingleF1()}
    for start in range(0, len(docs), batch):
        chunk = docs[start : start + batch]
        texts = [d.text for d in chunk]
        for doc, text, paras in zip(chunk, texts, classify_many(texts)):
            gold_text = doc.meta.get("gold") or keep_labels_text(doc.texts, doc.labels, keep)
            if len(paras) == len(doc.labels):
                report.add(doc.labels, [p.label for p in paras], [p.probability for p in paras])
            f1["junkfilter"].add(assemble(text, paras), gold_text)
            f1["keep-all"].add(text, gold_text)
            f1["c4-lines"].add(c4_line_filter(text), gold_text)
    return {"classes": report, "shingle_f1": f1}
