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

from junkfilter import inline as inline_tags
from junkfilter.config import Config
from junkfilter.features import featurize_texts
from junkfilter.labels import Label
from junkfilter.model import SURE_NEIGHBOURS, SURE_RADIUS, Stack
from junkfilter.order import order_many
from junkfilter.paragraph import Paragraph
from junkfilter.segment import paragraphs_of, spans_many
from junkfilter.verdicts import RESCUE_FLOOR, Verdicts, assemble_spans, decide, headlines


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


def assemble(text: str, paragraphs: Sequence[Paragraph], inline: bool = True) -> str:
    """The kept paragraphs, each preceded by the input's own separator before it, without inline
    tags unless ``inline`` is false.

    The result is a subsequence of ``text``: only its characters, in order (see
    :func:`~junkfilter.verdicts.assemble_spans`).
    """
    return assemble_spans(text, [p.start for p in paragraphs], [p.end for p in paragraphs],
                          [bool(p.keep) for p in paragraphs], inline)  # fmt: skip


def verdict_counts(
    paragraphs: Sequence[Paragraph], inline: bool = True
) -> tuple[dict[str, int], dict[str, int]]:
    """Kept paragraphs by label and drops by reason (dropped paragraphs, and with ``inline`` the
    inline tags of kept ones): the counters runs report."""
    kept: dict[str, int] = {}
    dropped: dict[str, int] = {}
    for p in paragraphs:
        if p.keep:
            kept[str(p.label)] = kept.get(str(p.label), 0) + 1
            if inline and (tags := inline_tags.count(p.text)):
                dropped[inline_tags.REASON] = dropped.get(inline_tags.REASON, 0) + tags
        else:
            dropped[str(p.reason)] = dropped.get(str(p.reason), 0) + 1
    return kept, dropped


MAX_ROWS = 1 << 14
"""Paragraphs scored in one go (features and networks take about 5 KB a paragraph). A document
with more is scored as consecutive runs of this many, each with its own context."""


def row_chunks(sizes, limit: int):
    """``(lo, hi, sizes)`` of consecutive row ranges of at most ``limit`` rows: whole documents
    (given by their row counts ``sizes``) where they fit, longer ones cut every ``limit`` rows
    from their start (so a document's verdicts never depend on the others in its batch)."""
    parts: list[int] = []
    for size in np.asarray(sizes).tolist():
        parts += [limit] * (size // limit) + ([size % limit] if size % limit else [])
    lo = hi = 0
    chunk: list[int] = []
    for part in parts:
        if chunk and hi - lo + part > limit:
            yield lo, hi, np.array(chunk, dtype=np.int64)
            lo, chunk = hi, []
        chunk.append(part)
        hi += part
    if chunk:
        yield lo, hi, np.array(chunk, dtype=np.int64)


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
        best, keep, why = decide(proba, self._labels, [len(d) for d in docs], config)
        labels = np.array(self._labels, dtype=object)
        names = np.array([str(lab) for lab in self._labels], dtype=object)
        columns = (
            labels[best].tolist(), proba[np.arange(len(best)), best].tolist(), keep.tolist(),
            np.where(keep, None, names[why]).tolist(),
        )  # fmt: skip
        for p, lab, prob, k, reason in zip(paragraphs, *columns, strict=True):
            p.label, p.probability, p.keep, p.reason = lab, prob, k, reason
        if with_proba:
            for p, row in zip(paragraphs, proba.tolist(), strict=True):
                p.probabilities = dict(zip(self._labels, row, strict=True))

    def _proba(self, texts: Sequence[str], paras: list[str], starts, sizes, columns,
               config: Config) -> np.ndarray:  # fmt: skip
        """Label probabilities of the paragraphs ``paras`` (rows in text order) of ``texts``,
        scored in reading order (:mod:`junkfilter.order`; the same unless columns) and in
        chunks of at most :data:`MAX_ROWS` rows."""
        order = order_many(texts, starts, sizes, columns)
        if order is not None:
            paras = [paras[i] for i in order.tolist()]
        proba = np.empty((len(paras), len(self._labels)))
        for lo, hi, chunk in row_chunks(sizes, MAX_ROWS):
            rows = featurize_texts(paras[lo:hi], chunk)
            groups = np.repeat(np.arange(len(chunk)), chunk)
            proba[lo:hi] = self.model.predict_proba(rows, groups, shortcut=config.shortcut)
        if order is None:
            return proba
        out = np.empty_like(proba)
        out[order] = proba
        return out

    def verdicts(self, texts: Sequence[str], config: Config | None = None) -> Verdicts:
        """The cheap path of :meth:`classify_many` for batch runs: verdicts as arrays over
        paragraph spans, without a :class:`Paragraph` object per paragraph."""
        config = config or self.config
        starts, ends, sizes, columns = spans_many(texts)
        doc = np.repeat(np.arange(len(texts)), sizes)  # each paragraph's document
        paras = [texts[d][s:e] for d, s, e in zip(doc.tolist(), starts.tolist(), ends.tolist())]
        names = tuple(str(lab) for lab in self._labels)
        bounds = np.r_[0, np.cumsum(sizes)]
        if not paras:
            empty = np.zeros(0, dtype=np.int64)
            return Verdicts(texts, bounds, empty, empty, empty, empty.astype(bool), empty, names)
        proba = self._proba(texts, paras, starts, sizes, columns, config)
        best, keep, why = decide(proba, self._labels, sizes, config)
        return Verdicts(texts, bounds, starts, ends, best, keep, why, names, config.inline)

    def classify_many(
        self, texts: Sequence[str], config: Config | None = None, *, probabilities: bool = False
    ) -> list[list[Paragraph]]:
        """Classify several documents in one vectorised batch.

        ``probabilities=True`` also fills each paragraph's ``probabilities`` dict (every label's
        probability); batch callers that only need the verdicts leave it off.
        """
        config = config or self.config
        starts, ends, sizes, columns = spans_many(texts)
        docs = paragraphs_of(texts, starts, ends, sizes)
        if not any(docs):
            return docs
        paras = [p.text for d in docs for p in d]
        proba = self._proba(texts, paras, starts, sizes, columns, config)
        self._decide(docs, proba, config, probabilities)
        return docs

    def classify(self, text: str, *, keep=None, threshold=None) -> list[Paragraph]:
        """Every paragraph of ``text`` with label, probability, keep flag and drop reason."""
        config = self.config.with_(keep=keep, threshold=threshold)
        return self.classify_many([text], config, probabilities=True)[0]

    def clean(self, text: str, keep=None, threshold=None) -> str:
        """The kept text of ``text`` (see :func:`assemble`)."""
        paragraphs = self.classify(text, keep=keep, threshold=threshold)
        return assemble(text, paragraphs, self.config.inline)

    def explain(self, text: str, *, keep=None, threshold=None) -> Explanation:
        """The steps taken on ``text`` and the verdict on each paragraph."""
        config = self.config.with_(keep=keep, threshold=threshold)
        paragraphs = self.classify(text, keep=config.keep, threshold=config.threshold)
        kept = Counter(str(p.label) for p in paragraphs if p.keep)
        dropped = Counter(p.reason for p in paragraphs if not p.keep)
        below = [p.keep and sum(p.probabilities[k] for k in config.keep) < config.threshold
                 for p in paragraphs]  # fmt: skip
        headline = np.zeros(len(paragraphs), dtype=bool)
        if Label.TITLE in config.keep and Label.TITLE in self._labels:
            p_title = np.array([p.probabilities[Label.TITLE] for p in paragraphs])
            headline = headlines(p_title, [len(paragraphs)], config.headline)
            headline &= np.array(below, dtype=bool)
        rescued = sum(below) - int(headline.sum())
        steps = [
            f"segmented {len(text)} characters into {len(paragraphs)} paragraphs",
            f"scored them with model {self.card.get('name', 'custom')} "
            f"(stage 1: n-grams and shape; stage 2: neighbours' stage-1 scores"
            + (", the page's text mass" if self.model.context > 1 else "") + " and shape"
            + ("; then smoothed along the document by HMM decoding)"
               if self.model.transitions is not None else ")"),
            *([f"skipped stage 2 for paragraphs stage 1 gave a label at >= {config.shortcut} "
               f"and the {SURE_RADIUS} paragraphs on each side the same at >= {SURE_NEIGHBOURS}"]
              if config.shortcut < 1.0 else []),
            f"kept labels {[str(k) for k in sorted(config.keep)]} with P(kept labels) >= "
            f"{config.threshold}",
        ]
        tags = sum(inline_tags.count(p.text) for p in paragraphs if p.keep) if config.inline else 0
        if tags:
            steps.append(f"removed {tags} inline tags such as '(News - Alert)' from kept text")
        if headline.any():
            steps.append(f"kept the document's most likely headline (P(title) "
                         f"{paragraphs[int(headline.argmax())].probabilities[Label.TITLE]:.2f} "
                         f">= {config.headline}) below the threshold")
        if rescued:
            steps.append(f"no paragraph reached the threshold: rescued the {rescued} with P(kept "
                         f"labels) >= {config.rescue} x the best and >= {RESCUE_FLOOR}")
        steps.append(f"kept {sum(kept.values())}: {dict(kept)}; dropped "
                     f"{sum(dropped.values())}: {dict(dropped)}")  # fmt: skip
        cleaned = assemble(text, paragraphs, config.inline)
        return Explanation(steps=steps, paragraphs=paragraphs, text=cleaned)

    def pipe(self, texts: Iterable[str], batch_size: int | None = None) -> Iterator[str]:
        """Clean a stream of texts lazily, ``batch_size`` documents at a time, in order."""
        size = batch_size or self.config.batch_size
        it = iter(texts)
        while batch := list(islice(it, size)):
            verdicts = self.verdicts(batch)  # the array path: no Paragraph objects
            for i in range(len(batch)):
                yield verdicts.cleaned(i)
