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
    # stage 2 weighs paragraphs by sqrt(length): long paragraphs carry most of the prose
    # (validation, linear stage 2: shingle F1 0.878 -> 0.894 on blocks, 0.853 -> 0.869 on
    # inscriptis)
    lengths = np.asarray([len(t) for d in data.docs for t in d.texts], dtype=np.float64)
    estimator.fit(X, y, groups=groups, sample_weight=w, cv_groups=pages,
                  stage2_weight=w * np.sqrt(np.maximum(lengths, 1.0)))
    summary = {
        "documents": len(docs),
        "paragraphs": int(len(y)),
        "label_counts": dict(Counter(y.tolist())),
        "seconds": round(time.perf_counter() - t0, 1),
    }
    log(f"fitted in {summary['seconds']} s")
    return estimator, summary
