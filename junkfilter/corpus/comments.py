"""Real reader comments (``comments.jsonl.gz``) as labelled comment-thread documents.

The comments come without their pages, so consecutive comments of the same origin are grouped
into threads of :data:`THREAD_SIZE`; each comment's paragraphs are labelled ``spam`` or
``comment``. These documents teach spam against genuine comments with real text; the split of a
thread follows :func:`junkfilter.train.split_of` of its id, like every other document.
"""

from __future__ import annotations

from pathlib import Path

from junkfilter.corpus.sources import _records, data_dir
from junkfilter.documents import Document
from junkfilter.labels import Label
from junkfilter.segment import segment

THREAD_SIZE = 12


def comment_threads(shared_dir: str | Path, size: int = THREAD_SIZE) -> list[Document]:
    """Threads of real comments, in file order, grouped by origin."""
    path = data_dir(shared_dir) / "comments.jsonl.gz"
    by_origin: dict[str, list[dict]] = {}
    for record in _records(path):
        by_origin.setdefault(record.get("where", ""), []).append(record)
    docs = []
    for rows in by_origin.values():
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            texts, labels = [], []
            for r in chunk:
                label = Label.SPAM if r.get("spam") else Label.COMMENT
                for p in segment(str(r.get("text", ""))):
                    texts.append(p.text)
                    labels.append(label)
            if texts:
                doc_id = f"comments/{chunk[0]['id']}"
                docs.append(Document(doc_id, texts, labels, meta={"source": "comments"}))
    return docs


def main() -> None:
    import argparse

    from junkfilter.documents import check, write_documents

    ap = argparse.ArgumentParser(description="Write real comment threads as labelled documents.")
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--out", default="build/extra/comments.jsonl.gz")
    args = ap.parse_args()
    docs = [d for d in comment_threads(args.shared) if not check(d)]
    print(f"{write_documents(args.out, docs)} comment threads -> {args.out}")


if __name__ == "__main__":
    main()
