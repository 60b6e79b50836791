"""Build the labelled paragraph corpus: every source page x renderer -> a :class:`Document`.

For each page (:mod:`junkfilter.corpus.sources`) and renderer (:mod:`junkfilter.corpus.render`):
render the HTML, split it with :func:`junkfilter.segment.segment`, label the paragraphs by
aligning them with the gold segments (:func:`junkfilter.corpus.align.align`) and write
``out_dir/{source}-{renderer}.jsonl.gz``. Each document has ``joiner="\\n\\n"`` and meta
``source, renderer, split, gold`` (title + content gold text), ``recovered`` (share of
non-boilerplate gold characters recovered on this page), plus source extras (``silver`` for
Readability).

Pages are skipped (and counted in the report) when the rendering is empty, the gold has no
non-boilerplate text, a page takes longer than :data:`PAGE_TIMEOUT` seconds, or a document would
not survive re-segmentation (:func:`junkfilter.documents.check`).

Usage: ``python -m junkfilter.corpus.build --shared ../shared --out build/corpus``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from junkfilter.corpus.align import align
from junkfilter.corpus.render import RENDERERS
from junkfilter.corpus.sources import SOURCES, Page, read_source, split_of
from junkfilter.documents import Document, check, write_documents
from junkfilter.labels import Label
from junkfilter.order import reading_order
from junkfilter.runner import start_context
from junkfilter.segment import segment

PAGE_TIMEOUT = 120
"""Seconds one page (all renderers) may take before it is skipped."""

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_shared_dir() -> Path:
    """``$JUNKFILTER_SHARED`` or ``<project root>/../shared``."""
    env = os.environ.get("JUNKFILTER_SHARED")
    return Path(env) if env else PROJECT_ROOT.parent / "shared"


def _gold_text(page: Page) -> str:
    keep = (Label.TITLE, Label.CONTENT)
    return "\n\n".join(text for label, text in page.gold if label in keep)


def _document(source: str, renderer: str, page: Page) -> tuple[Document | None, dict]:
    """Render, segment and align one page; the document (or None) and its statistics."""
    text = RENDERERS[renderer](page.html)
    paragraphs = segment(text)
    order = reading_order(text, [p.start for p in paragraphs])  # side-by-side columns
    texts = [paragraphs[i].text for i in (order or range(len(paragraphs)))]
    if not texts:
        return None, {"skip": "empty rendering"}
    result = align(texts, page.gold)
    recovered = result.recovered()
    if recovered is None:
        return None, {"skip": "no gold text"}
    meta = {
        "source": source,
        "renderer": renderer,
        "split": split_of(page.id),
        "gold": _gold_text(page),
        "recovered": round(recovered, 4),
        **page.extra,
    }
    doc = Document(id=page.id, texts=texts, labels=result.labels, joiner="\n\n", meta=meta)
    if check(doc):
        return None, {"skip": "fails re-segmentation"}
    stats = {
        "paragraphs": len(texts),
        "labels": Counter(map(str, result.labels)),
        "gold_chars": {str(k): v for k, v in result.gold_chars.items()},
        "recovered_chars": {str(k): v for k, v in result.recovered_chars.items()},
        "recovered": recovered,
    }
    return doc, stats


def _on_timeout(signum, frame):  # pragma: no cover - only on pathological pages
    raise TimeoutError


def _work(task: tuple[str, Page, tuple[str, ...]]) -> tuple[str, str, list]:
    """Worker: all renderers of one page, guarded by an alarm."""
    source, page, renderers = task
    out = []
    signal.signal(signal.SIGALRM, _on_timeout)
    signal.alarm(PAGE_TIMEOUT)
    try:
        for renderer in renderers:
            start = time.perf_counter()
            doc, stats = _document(source, renderer, page)
            stats["seconds"] = time.perf_counter() - start
            out.append((renderer, doc, stats))
    except TimeoutError:
        out = [(r, None, {"skip": "timeout", "seconds": PAGE_TIMEOUT}) for r in renderers]
    finally:
        signal.alarm(0)
    return source, page.id, out


def _new_entry() -> dict:
    return {
        "pages": 0,
        "skipped": Counter(),
        "paragraphs": 0,
        "labels": Counter(),
        "gold_chars": Counter(),
        "recovered_chars": Counter(),
        "page_recovered": [],
        "seconds": 0.0,
    }


def _add(entry: dict, stats: dict) -> None:
    entry["seconds"] += stats.get("seconds", 0.0)
    if "skip" in stats:
        entry["skipped"][stats["skip"]] += 1
        return
    entry["pages"] += 1
    entry["paragraphs"] += stats["paragraphs"]
    entry["labels"].update(stats["labels"])
    entry["gold_chars"].update(stats["gold_chars"])
    entry["recovered_chars"].update(stats["recovered_chars"])
    entry["page_recovered"].append(stats["recovered"])


def _share(entry: dict, labels: tuple[str, ...]) -> float | None:
    total = sum(entry["gold_chars"][k] for k in labels)
    return round(sum(entry["recovered_chars"][k] for k in labels) / total, 4) if total else None


def _summary(entry: dict) -> dict:
    """The JSON-ready report of one source x renderer."""
    non_junk = tuple(str(k) for k in Label if k != Label.BOILERPLATE)
    pages = entry["page_recovered"]
    return {
        "pages": entry["pages"],
        "skipped": dict(entry["skipped"]),
        "paragraphs": entry["paragraphs"],
        "labels": dict(entry["labels"]),
        "gold_chars": dict(entry["gold_chars"]),
        "recovered": _share(entry, non_junk),
        "recovered_content": _share(entry, ("content", "title")),
        "recovered_comment": _share(entry, ("comment",)),
        "recovered_page_mean": round(sum(pages) / len(pages), 4) if pages else None,
        "seconds": round(entry["seconds"], 1),
    }


def _tasks(shared_dir: Path, sources, renderers, limit):
    for source in sources:
        for page in read_source(shared_dir, source, limit):
            yield source, page, tuple(renderers)


def build_corpus(
    shared_dir: Path,
    out_dir: Path,
    *,
    sources=None,
    renderers=("blocks", "inscriptis"),
    limit=None,
    jobs=2,
) -> dict:
    """Build ``out_dir/{source}-{renderer}.jsonl.gz`` and ``report.json``; return the report."""
    shared_dir, out_dir = Path(shared_dir), Path(out_dir)
    sources = list(sources or SOURCES)
    for name in [*sources, *renderers]:
        if name not in SOURCES and name not in RENDERERS:
            raise KeyError(f"unknown source or renderer {name!r}")
    started = time.perf_counter()
    docs: dict[tuple[str, str], list[Document]] = defaultdict(list)
    entries: dict[tuple[str, str], dict] = defaultdict(_new_entry)
    tasks = _tasks(shared_dir, sources, renderers, limit)
    with start_context().Pool(jobs) if jobs > 1 else _Serial() as pool:
        for source, _page_id, results in pool.imap(_work, tasks, chunksize=2):
            for renderer, doc, stats in results:
                _add(entries[source, renderer], stats)
                if doc is not None:
                    docs[source, renderer].append(doc)
    out_dir.mkdir(parents=True, exist_ok=True)
    report: dict = {"sources": {}, "renderers": list(renderers)}
    for source in sources:
        report["sources"][source] = {}
        for renderer in renderers:
            write_documents(out_dir / f"{source}-{renderer}.jsonl.gz", docs[source, renderer])
            report["sources"][source][renderer] = _summary(entries[source, renderer])
    report["seconds"] = round(time.perf_counter() - started, 1)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


class _Serial:
    """A stand-in for ``multiprocessing.Pool`` that runs in this process (``jobs=1``)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def imap(self, func, iterable, chunksize=1):
        return map(func, iterable)


def format_report(report: dict) -> str:
    """A plain-text table of the report (source x renderer)."""
    head = (
        f"{'source':<12} {'renderer':<11} {'pages':>5} {'paras':>7} {'overall':>7} "
        f"{'content':>7} {'comment':>7} {'skipped'}"
    )
    rows = [head]
    for source, by_renderer in report["sources"].items():
        for renderer, s in by_renderer.items():
            cells = [s["recovered"], s["recovered_content"], s["recovered_comment"]]
            shown = ["-" if v is None else f"{v:.3f}" for v in cells]
            rows.append(
                f"{source:<12} {renderer:<11} {s['pages']:>5} {s['paragraphs']:>7} "
                f"{shown[0]:>7} {shown[1]:>7} {shown[2]:>7} {s['skipped'] or ''}"
            )
    rows.append(f"total {report['seconds']} s")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Command line: build the corpus and print the recovery table."""
    ap = argparse.ArgumentParser(
        prog="python -m junkfilter.corpus.build",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--shared",
        type=Path,
        default=default_shared_dir(),
        help="the shared/ folder (default: $JUNKFILTER_SHARED or ../shared)",
    )
    ap.add_argument("--out", type=Path, default=PROJECT_ROOT / "build" / "corpus")
    ap.add_argument("--sources", nargs="*", choices=list(SOURCES), default=None)
    ap.add_argument(
        "--renderers", nargs="*", choices=list(RENDERERS), default=["blocks", "inscriptis"]
    )
    ap.add_argument("--limit", type=int, default=None, help="pages per source")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    report = build_corpus(
        args.shared,
        args.out,
        sources=args.sources,
        renderers=tuple(args.renderers),
        limit=args.limit,
        jobs=args.jobs,
    )
    print(format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
