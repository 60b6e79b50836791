"""Flattened renderings of corpus documents: the page on one line, cut into sentences.

Some scrapers and dataset dumps collapse all whitespace, so a page arrives as one line. Rule 5
of :mod:`junkfilter.segment` cuts such a line into sentences; this module makes training
documents of that shape from the ``blocks`` corpus: the document's words joined by single
spaces, cut by :func:`junkfilter.segment.span_iter`, each piece labelled with the gold label
that holds most of its characters (whitespace never joins two paragraphs' words, so every word
keeps its paragraph's label).

Pages are left out when the flat text is not cut (a page of one piece teaches nothing about
pieces) or when a piece is labelled as a reader comment: on one line a comment thread has
neither its breaks nor short commenter lines, and trained on such pages the model took comments
for the article (comment F1 on the validation comment pages 0.89 -> 0.79).

    python -m junkfilter.corpus.flat build/corpus/*-blocks.jsonl.gz -o build/flat
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from junkfilter.documents import Document, read_documents, write_documents
from junkfilter.labels import Label
from junkfilter.segment import span_iter


def flatten(doc: Document) -> Document | None:
    """``doc`` on one line and cut by the segmentation, or None if left out (see above)."""
    words: list[str] = []
    labels: list[Label] = []
    for text, label in zip(doc.texts, doc.labels, strict=True):
        parts = text.split()
        words += parts
        labels += [label] * len(parts)
    flat = " ".join(words)
    spans = list(span_iter(flat))
    if len(spans) < 2:
        return None
    texts, piece_labels, at = [], [], 0
    for start, end in spans:
        piece = flat[start:end]
        count = len(piece.split())
        weight: Counter = Counter()
        for word, label in zip(words[at : at + count], labels[at : at + count]):
            weight[label] += len(word)
        at += count
        texts.append(piece)
        piece_labels.append(weight.most_common(1)[0][0])
    if Label.COMMENT in piece_labels:
        return None
    meta = {**doc.meta, "renderer": "flat"}
    return Document(id=doc.id, texts=texts, labels=piece_labels, joiner=" ", meta=meta)


def flatten_file(src: Path, out_dir: Path) -> tuple[int, int, Path]:
    """Write ``out_dir/{source}-flat.jsonl.gz`` from ``src`` (``{source}-blocks.jsonl.gz``);
    return the documents read and written and the path."""
    source = src.name.removesuffix(".jsonl.gz").rsplit("-", 1)[0]
    docs = list(read_documents([src]))
    flat = [f for f in map(flatten, docs) if f is not None]
    dst = Path(out_dir) / f"{source}-flat.jsonl.gz"
    write_documents(dst, flat)
    return len(docs), len(flat), dst


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m junkfilter.corpus.flat", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    ap.add_argument("files", nargs="+", type=Path, help="{source}-blocks.jsonl.gz corpus files")
    ap.add_argument("-o", "--output", type=Path, default=Path("build/flat"))
    args = ap.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    for src in args.files:
        read, written, dst = flatten_file(src, args.output)
        print(f"{src} -> {dst}: {written} of {read} documents")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
