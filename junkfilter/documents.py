"""Labelled documents: the JSON Lines format of ``training_data/`` and of corpora built from pages.

One JSON object per line::

    {"id": "blog-017", "style": "wordpress recipe blog", "joiner": "\\n\\n",
     "paragraphs": [{"label": "title", "text": "..."}, {"label": "content", "text": "..."}]}

``joiner`` (default ``"\\n\\n"``) glues the paragraph texts into the document text; segmenting that
text must give back exactly the listed paragraphs (:func:`check` verifies it). Optional fields:
``source`` and ``renderer`` (for corpora built from pages), ``split`` (``"train"``/``"valid"``),
and ``gold`` (the human gold article text, for the shingle-F1 benchmark). Files may be gzipped.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from junkfilter.labels import Label


@dataclass(slots=True)
class Document:
    """A document whose paragraphs carry gold labels."""

    id: str
    texts: list[str]
    labels: list[Label]
    joiner: str = "\n\n"
    meta: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.joiner.join(self.texts)

    def to_json(self) -> dict:
        record = {"id": self.id, **self.meta, "joiner": self.joiner}
        record["paragraphs"] = [
            {"label": str(label), "text": text} for label, text in zip(self.labels, self.texts)
        ]
        return record

    @classmethod
    def from_json(cls, record: dict) -> Document:
        paras = record["paragraphs"]
        meta = {k: v for k, v in record.items() if k not in ("id", "joiner", "paragraphs")}
        return cls(
            id=str(record["id"]),
            texts=[p["text"] for p in paras],
            labels=[Label(p["label"]) for p in paras],
            joiner=record.get("joiner", "\n\n"),
            meta=meta,
        )


def _open(path: Path, mode: str):
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, mode[0] + "b"), encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def data_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders into their ``*.jsonl`` / ``*.jsonl.gz`` files, sorted."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(path.rglob("*.jsonl")) + sorted(path.rglob("*.jsonl.gz")))
        else:
            out.append(path)
    return out


def read_documents(paths: Iterable[str | Path]) -> Iterator[Document]:
    """Yield the documents of every file (folders are searched for JSON Lines files)."""
    for path in data_files(paths):
        with _open(path, "r") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield Document.from_json(json.loads(line))
                except (ValueError, KeyError, TypeError) as exc:
                    raise ValueError(f"{path}:{lineno}: not a labelled document: {exc}") from exc


def write_documents(path: str | Path, docs: Iterable[Document]) -> int:
    """Write documents as JSON Lines (gzipped if the name ends in ``.gz``); return the count."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with _open(path, "w") as fh:
        for doc in docs:
            fh.write(json.dumps(doc.to_json(), ensure_ascii=False) + "\n")
            n += 1
    return n


def check(doc: Document) -> list[str]:
    """Problems with a document: paragraphs that do not survive segmentation of its text."""
    from junkfilter.segment import segment

    got = [p.text for p in segment(doc.text)]
    if got == doc.texts:
        return []
    problems = []
    for i, (a, b) in enumerate(zip(got, doc.texts)):
        if a != b:
            problems.append(f"{doc.id}: paragraph {i} segments as {a[:60]!r}, labelled {b[:60]!r}")
            break
    if len(got) != len(doc.texts):
        n_got, n_given = len(got), len(doc.texts)
        problems.append(f"{doc.id}: {n_got} paragraphs after segmentation, {n_given} given")
    return problems
