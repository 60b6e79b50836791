"""Training: labelled documents -> fitted model, validation metrics and a model card.

Documents are split by id into train and validation with a fixed rule (:func:`split_of`): a
document is held out when ``crc32(id) % 5 == 0`` (about 20 %), unless its ``split`` field says
otherwise. The same rule is used by the corpus builder, so a page is held out under every
renderer. Validation documents are never trained on.
"""

from __future__ import annotations

import time
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from junkfilter.documents import Document
from junkfilter.features import N_DENSE, featurize, group_ids
from junkfilter.paragraph import Paragraph


def split_of(doc_id: str) -> str:
    """``"valid"`` for about one document in five (fixed by the id), else ``"train"``."""
    return "valid" if zlib.crc32(doc_id.encode("utf-8")) % 5 == 0 else "train"


def page_of(doc: Document) -> str:
    """The page a document renders (renderings of one page share it)."""
    return str(doc.meta.get("page", doc.id))


def doc_split(doc: Document) -> str:
    return doc.meta.get("split") or split_of(page_of(doc))


@dataclass
class TrainingSet:
    """Documents turned into feature rows, labels, groups and weights."""

    docs: list[Document]
    weights: list[float] = field(default_factory=list)

    def arrays(self):
        paragraphs = [
            [Paragraph(text=t, start=0, end=len(t), index=i) for i, t in enumerate(d.texts)]
            for d in self.docs
        ]
        rows = featurize(paragraphs)
        y = np.asarray([str(lab) for d in self.docs for lab in d.labels])
        groups = group_ids(paragraphs)
        lengths = [len(d.texts) for d in self.docs]
        w = np.repeat(np.asarray(self.weights, dtype=np.float64), lengths)
        pages = np.repeat(np.asarray([page_of(d) for d in self.docs]), lengths)
        return rows, y, groups, w, pages


STAGE2_LENGTH_POWER = 0.25
"""Stage 2 weighs a paragraph by ``length ** STAGE2_LENGTH_POWER``: long paragraphs carry most of
the prose the shingle F1 counts, while the short lines of a comment thread (names, timestamps)
are the context stage 2 reads. Validation shingle F1 (blocks / inscriptis / html2text) for the
power, shipped recipe, seeds 0 and 1: 0.5 -> 0.9268 / 0.9220 / 0.8359 and 0.9282 / 0.9222 / 0.8365,
0.25 -> 0.9280 / 0.9228 / 0.8378 and 0.9290 / 0.9223 / 0.8390; 0 (unweighted) 0.927 / 0.921 /
0.831; earlier, with a linear stage 2, 1 and 0.75 were below 0.5 (0.916 / 0.901, 0.920 / 0.902
vs 0.927 / 0.908) and no weighting below sqrt (0.878 vs 0.894 on blocks)."""


def document_weight(doc: Document, own_weight: float) -> float:
    """Hand-written documents (no ``source``) weigh ``own_weight``; silver pages weigh half."""
    if not doc.meta.get("source"):
        return own_weight
    return 0.5 if doc.meta.get("silver") else 1.0


def fit(docs: Sequence[Document], *, own_weight=3.0, params: dict | None = None, log=print):
    """Fit a :class:`StackedClassifier` on ``docs``; return it and a summary of the run."""
    from junkfilter.estimator import StackedClassifier

    t0 = time.perf_counter()
    data = TrainingSet(list(docs), [document_weight(d, own_weight) for d in docs])
    rows, y, groups, w, pages = data.arrays()
    X = rows.to_scipy()
    log(f"features: {X.shape[0]} paragraphs x {X.shape[1]} columns "
        f"({time.perf_counter() - t0:.1f} s)")  # fmt: skip
    estimator = StackedClassifier(**{"n_dense": N_DENSE, **(params or {})})
    lengths = np.asarray([len(t) for d in data.docs for t in d.texts], dtype=np.float64)
    estimator.fit(X, y, groups=groups, sample_weight=w, cv_groups=pages,
                  stage2_weight=w * np.maximum(lengths, 1.0) ** STAGE2_LENGTH_POWER)
    summary = {
        "documents": len(docs),
        "paragraphs": int(len(y)),
        "label_counts": dict(Counter(y.tolist())),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    log(f"fitted in {summary['seconds']} s")
    return estimator, summary
