"""The library stage: labels with probabilities -> kept text and reasons.

:class:`JunkFilter` holds a loaded model and a :class:`~junkfilter.config.Config`. It is cheap to
call many times, picklable (a worker process can receive one) and thread-safe for reading.

* :meth:`JunkFilter.clean` is the cheap path: text in, kept text out.
* :meth:`JunkFilter.classify` returns every paragraph with its label, probability, keep flag and
  drop reason.
* :meth:`JunkFilter.explain` returns the steps taken, for humans.
* :meth:`JunkFilter.pipe` cleans a stream of texts lazily, in batches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from junkfilter.config import Config
from junkfilter.features import featurize, group_ids
from junkfilter.labels import Label
from junkfilter.model import Stack
from junkfilter.paragraph import Paragraph
from junkfilter.segment import segment


@dataclass(slots=True)
class Explanation:
    """What :meth:`JunkFilter.explain` found: the steps taken and every paragraph's verdict."""

    steps: list[str]
    paragraphs: list[Paragraph]
    text: str

    def __str__(self) -> str:
        lines = [f"- {s}" for s in self.steps]
        for p in self.paragraphs:
            verdict = "keep" if p.keep else f"drop ({p.reason})"
            lines.append(f"[{p.index}] {p.label} p={p.probability:.2f} {verdict}: {p.text[:70]!r}")
        return "\n".join(lines)


def assemble(text: str, paragraphs: Sequence[Paragraph]) -> str:
    """The kept paragraphs, each preceded by the input's own separator before it.

    The result is a subsequence of ``text``: only its characters, in order.
    """
    out: list[str] = []
    prev_end = None
    for i, p in enumerate(paragraphs):
        if not p.keep:
            continue
        if out:
            before = paragraphs[i - 1].end if i else 0
            out.append(text[before : p.start])
        out.append(p.text)
        prev_end = p.end
    if prev_end is not None:
        tail = text[prev_end:]
        nl = tail.find("\n")
        if nl >= 0:
            out.append("\r\n" if tail[:nl].endswith("\r") else "\n")
    return "".join(out)


RESCUE_FLOOR = 0.1
"""A rescued paragraph still needs this P(kept labels): a page the model finds all junk stays
empty (on the validation pages a floor of 0 to 0.1 changes shingle F1 by less than 0.001)."""


def rescue(p_keep: np.ndarray, keep: np.ndarray, sizes: Sequence[int], share: float) -> np.ndarray:
    """Keep flags after rescuing the documents in which no paragraph was kept.

    ``sizes`` are the documents' paragraph counts (rows in order). In a document with nothing
    kept, the paragraphs with ``p_keep >= share * (the document's best p_keep)`` and at least
    :data:`RESCUE_FLOOR` are kept.
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    if not share or not len(keep):
        return keep
    nonempty = sizes > 0
    starts = np.r_[0, np.cumsum(sizes)[:-1]][nonempty]
    lengths = sizes[nonempty]
    empty = ~np.logical_or.reduceat(keep, starts)
    if not empty.any():
        return keep
    best = np.maximum.reduceat(p_keep, starts)
    floor = np.where(empty, np.maximum(share * best, RESCUE_FLOOR), np.inf)
    return keep | (p_keep >= np.repeat(floor, lengths))


def verdict_counts(paragraphs: Sequence[Paragraph]) -> tuple[dict[str, int], dict[str, int]]:
    """Kept paragraphs by label and dropped paragraphs by reason: the counters runs report."""
    kept: dict[str, int] = {}
    dropped: dict[str, int] = {}
    for p in paragraphs:
        if p.keep:
            kept[str(p.label)] = kept.get(str(p.label), 0) + 1
        else:
            dropped[str(p.reason)] = dropped.get(str(p.reason), 0) + 1
    return kept, dropped


@dataclass
class JunkFilter:
    """A loaded model plus a configuration: the object ingestion code calls."""

    model: Stack
    config: Config = field(default_factory=Config)
    card: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        names = [str(c) for c in self.model.classes]
        self._labels = [Label(n) for n in names]

    # -- core ------------------------------------------------------------------------------------
    def _decide(
        self, docs: list[list[Paragraph]], proba: np.ndarray, config: Config, with_proba: bool
    ) -> None:
        """Set label, probability, keep and reason (and, if asked, all probabilities)."""
        paragraphs = [p for d in docs for p in d]
        keep_cols = np.array([lab in config.keep for lab in self._labels])
        p_keep = proba[:, keep_cols].sum(axis=1)
        best = proba.argmax(axis=1)
        labels = np.array(self._labels, dtype=object)
        names = np.array([str(lab) for lab in self._labels], dtype=object)
        keep = rescue(p_keep, p_keep >= config.threshold, [len(d) for d in docs], config.rescue)
        why = best if keep_cols.all() else np.where(keep_cols[None, :], -1.0, proba).argmax(axis=1)
        columns = (
            labels[best].tolist(), proba[np.arange(len(best)), best].tolist(), keep.tolist(),
            np.where(keep, None, names[why]).tolist(),
        )  # fmt: skip
        for p, lab, prob, k, reason in zip(paragraphs, *columns, strict=True):
            p.label, p.probability, p.keep, p.reason = lab, prob, k, reason
        if with_proba:
            for p, row in zip(paragraphs, proba.tolist(), strict=True):
                p.probabilities = dict(zip(self._labels, row, strict=True))

    def classify_many(
        self, texts: Sequence[str], config: Config | None = None, *, probabilities: bool = False
    ) -> list[list[Paragraph]]:
        """Classify several documents in one vectorised batch.

        ``probabilities=True`` also fills each paragraph's ``probabilities`` dict (every label's
        probability); batch callers that only need the verdicts leave it off.
        """
        config = config or self.config
        docs = [segment(t) for t in texts]
        if not any(docs):
            return docs
        rows = featurize(docs)
        proba = self.model.predict_proba(rows, group_ids(docs))
        self._decide(docs, proba, config, probabilities)
        return docs

    def classify(self, text: str, *, keep=None, threshold=None) -> list[Paragraph]:
        """Every paragraph of ``text`` with label, probability, keep flag and drop reason."""
        config = self.config.with_(keep=keep, threshold=threshold)
        return self.classify_many([text], config, probabilities=True)[0]

    def clean(self, text: str, keep=None, threshold=None) -> str:
        """The kept text of ``text`` (see :func:`assemble`)."""
        return assemble(text, self.classify(text, keep=keep, threshold=threshold))

    def explain(self, text: str, *, keep=None, threshold=None) -> Explanation:
        """The steps taken on ``text`` and the verdict on each paragraph."""
        config = self.config.with_(keep=keep, threshold=threshold)
        paragraphs = self.classify(text, keep=config.keep, threshold=config.threshold)
        kept = Counter(str(p.label) for p in paragraphs if p.keep)
        dropped = Counter(p.reason for p in paragraphs if not p.keep)
        rescued = sum(
            p.keep and sum(p.probabilities[k] for k in config.keep) < config.threshold
            for p in paragraphs
        )
        steps = [
            f"segmented {len(text)} characters into {len(paragraphs)} paragraphs",
            f"scored them with model {self.card.get('name', 'custom')} "
            f"(stage 1: n-grams and shape; stage 2: neighbours' stage-1 scores and shape)",
            f"kept labels {[str(k) for k in sorted(config.keep)]} with P(kept labels) >= "
            f"{config.threshold}",
        ]
        if rescued:
            steps.append(f"no paragraph reached the threshold: rescued the {rescued} with P(kept "
                         f"labels) >= {config.rescue} x the best and >= {RESCUE_FLOOR}")
        steps.append(f"kept {sum(kept.values())}: {dict(kept)}; dropped "
                     f"{sum(dropped.values())}: {dict(dropped)}")  # fmt: skip
        return Explanation(steps=steps, paragraphs=paragraphs, text=assemble(text, paragraphs))

    def pipe(self, texts: Iterable[str], batch_size: int | None = None) -> Iterator[str]:
        """Clean a stream of texts lazily, ``batch_size`` documents at a time, in order."""
        size = batch_size or self.config.batch_size
        it = iter(texts)
        while batch := list(islice(it, size)):
            for text, paragraphs in zip(batch, self.classify_many(batch), strict=True):
                yield assemble(text, paragraphs)
