"""Quality benchmark: content shingle F1 on the held-out validation pages, per renderer and source.

For every renderer's corpus (``junkfilter corpus`` output, default ``build/corpus``) it scores, in
one run and on the same validation pages (``split == "valid"``, never trained on):

* junkfilter (the model given by ``--model``, default: the shipped one),
* keep-all (the rendered text as is),
* a C4-style line filter (:func:`junkfilter.evaluate.c4_line_filter`),

and reports per-class F1 on the pages that have comments. The ``blocks`` pages are also scored
flattened onto one line each (all whitespace collapsed, as some scrapers and dataset dumps give
text). The table is printed, written to
``benchmarks/out/quality.json`` and, with ``--readme``, into README.md between the markers
``<!-- quality:start -->`` and ``<!-- quality:end -->``.

Each F1 comes with a 95 % bootstrap interval over the pages; ``--against MODEL`` scores a second
model on the same pages and prints the difference with a paired-bootstrap interval (retrains of
one recipe differ by up to 0.003, so a difference is read against its interval).

    python benchmarks/quality.py [--corpus build/corpus] [--model PATH] [--against PATH] [--readme]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

import junkfilter
from junkfilter.documents import Document, read_documents
from junkfilter.evaluate import evaluate_documents, keep_labels_text
from junkfilter.paragraph import Paragraph
from junkfilter.train import doc_split

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("junkfilter", "keep-all", "c4-lines")


def corpus_files(corpus: Path) -> dict[str, list[Path]]:
    """Corpus files grouped by renderer (file names are ``{source}-{renderer}.jsonl.gz``)."""
    out: dict[str, list[Path]] = defaultdict(list)
    for path in sorted(corpus.glob("*.jsonl.gz")):
        source, renderer = path.name.removesuffix(".jsonl.gz").rsplit("-", 1)
        out[renderer].append(path)
    return dict(out)


def flattened(doc: Document, keep) -> Document:
    """The page with all whitespace collapsed to single spaces (one line, as some scrapers and
    dataset dumps give text), scored against the same gold article text."""
    gold = doc.meta.get("gold") or keep_labels_text(doc.texts, doc.labels, keep)
    return Document(id=doc.id, texts=[" ".join(doc.text.split())], labels=doc.labels[:1],
                    meta={**doc.meta, "gold": gold})  # fmt: skip


THREAD_LINES = 3
"""Gold-content lines that are commenter or timestamp lines, from which a page's gold is taken to
hold a reader-comment thread (see :func:`disputed`)."""


def _thread_line(text: str) -> bool:
    p = Paragraph(text=text, start=0, end=len(text))
    return len(text) < 80 and ((p.has_clock() and p.has_date()) or p.is_attribution()
                               or p.has_ago())  # fmt: skip


def disputed(doc: Document) -> str | None:
    """Why a page's gold and the taxonomy disagree, if they do: the gold article text (its
    lines) holds a reader-comment thread (CleanEval's guidelines count comments as content, and
    some Dragnet pages put the thread in the article's gold), or the renderer lost the gold
    text. Found from the gold alone, never from the model."""
    if doc.meta.get("recovered", 1.0) < 0.5:
        return "renderer lost the gold"
    gold = doc.meta.get("gold")
    texts = [t.strip() for t in gold.splitlines()] if gold else [
        t for t, lab in zip(doc.texts, doc.labels) if lab == "content"]
    lines = sum(map(_thread_line, filter(None, texts)))
    return "gold holds a comment thread" if lines >= THREAD_LINES else None


BOOTSTRAP = 2000
"""Resamples of the pages behind the 95 % interval of the pooled F1."""


def _f1(p, r):
    return 2 * p * r / np.maximum(p + r, 1e-12)


def _draws(n: int, reps: int) -> np.ndarray:
    """``reps`` resamples of ``n`` pages (row = page indices), fixed seed: reruns print the same."""
    return np.random.default_rng(0).integers(0, n, size=(reps, n))


def _resampled(ps, rs, draws: np.ndarray) -> np.ndarray:
    """The pooled F1 of each resample (a page's precision and recall are drawn together)."""
    return _f1(np.asarray(ps)[draws].mean(axis=1), np.asarray(rs)[draws].mean(axis=1))


def _percentiles(values: np.ndarray) -> list[float]:
    return [round(float(x), 4) for x in np.percentile(values, [2.5, 97.5])]


def _interval(ps: list[float], rs: list[float], reps: int = BOOTSTRAP) -> list[float]:
    """A 95 % percentile-bootstrap interval of the pooled F1, the pages drawn with replacement."""
    return _percentiles(_resampled(ps, rs, _draws(len(ps), reps))) if ps else [0.0, 0.0]


def paired_difference(a: tuple[list, list], b: tuple[list, list],
                      reps: int = BOOTSTRAP) -> dict:  # fmt: skip
    """Pooled F1 of model ``a`` minus model ``b`` on the same pages (per-page precision and
    recall lists of each), with a 95 % paired-bootstrap interval: both models' pages are drawn
    together, so the interval measures the difference, not the spread of the pages."""
    if not len(a[0]) or len(a[0]) != len(b[0]):
        raise ValueError("paired_difference needs the same non-empty pages for both models")
    draws = _draws(len(a[0]), reps)
    diff = float(_f1(np.mean(a[0]), np.mean(a[1])) - _f1(np.mean(b[0]), np.mean(b[1])))
    return {"f1_difference": round(diff, 4),
            "ci95": _percentiles(_resampled(*a, draws) - _resampled(*b, draws))}  # fmt: skip


def _pooled(ps: list[float], rs: list[float]) -> dict:
    """Per-page precisions and recalls averaged; F1 of the two means, with its interval."""
    p, r = sum(ps) / max(len(ps), 1), sum(rs) / max(len(rs), 1)
    return {"pages": len(ps), "precision": round(p, 4), "recall": round(r, 4),
            "f1": round(float(_f1(p, r)), 4), "ci95": _interval(ps, rs)}  # fmt: skip


def _agreeing(pooled: list, flags: list) -> dict:
    """Shingle F1 over the pages whose gold agrees with the taxonomy (``flags`` None)."""
    ps = [p for p, f in zip(pooled[0], flags, strict=True) if f is None]
    rs = [r for r, f in zip(pooled[1], flags, strict=True) if f is None]
    left_out = {k: flags.count(k) for k in set(flags) - {None}}
    f1 = float(_f1(np.mean(ps), np.mean(rs))) if ps else 0.0  # no interval: it is not printed
    return {"pages": len(ps), "f1": round(f1, 4), "left_out": left_out}


def score(jf, files: list[Path], flatten: bool = False) -> dict:
    """Shingle F1 per source and pooled; class report on pages with comments (not when the
    pages are ``flatten``-ed: one paragraph a page has no labels to compare)."""
    pooled: dict[str, list] = {m: [[], []] for m in METHODS}
    per_source, comment_docs, flags = {}, [], []
    for path in files:
        source = path.name.removesuffix(".jsonl.gz").rsplit("-", 1)[0]
        docs = [d for d in read_documents([path]) if doc_split(d) == "valid"]
        flags += [disputed(d) for d in docs]
        if flatten:
            docs = [flattened(d, jf.config.keep) for d in docs]
        res = evaluate_documents(docs, jf.classify_many, jf.config.keep)
        per_source[source] = {m: res["shingle_f1"][m].as_dict() for m in METHODS}
        for m in METHODS:
            pooled[m][0] += res["shingle_f1"][m].precisions
            pooled[m][1] += res["shingle_f1"][m].recalls
        comment_docs += [] if flatten else [d for d in docs if "comment" in d.labels]
    overall = {}
    for m, (ps, rs) in pooled.items():
        overall[m] = _pooled(ps, rs)
    classes = {}
    if comment_docs:
        comments = evaluate_documents(comment_docs, jf.classify_many, jf.config.keep)
        classes = comments["classes"].as_dict()["per_class"]
    return {"overall": overall, "per_source": per_source,
            "comment_pages": {"pages": len(comment_docs), "per_class": classes},
            "gold_agrees": _agreeing(pooled["junkfilter"], flags),
            "_pages": pooled["junkfilter"]}  # fmt: skip


def table(results: dict, trained_on: list[str]) -> str:
    lines = ["| renderer | pages | junkfilter F1 (P / R) | 95 % interval | keep-all F1 | "
             "C4-style F1 | comment F1 (comment pages) |",
             "|---|---|---|---|---|---|---|"]  # fmt: skip
    for renderer, res in results.items():
        o = res["overall"]
        held = "" if renderer in trained_on else " (held out)"
        comment = res["comment_pages"]["per_class"].get("comment")
        cf1 = f"{comment['f1']:.3f}" if comment else "–"
        lo, hi = o["junkfilter"]["ci95"]
        lines.append(
            f"| {renderer}{held} | {o['junkfilter']['pages']} | {o['junkfilter']['f1']:.3f} "
            f"({o['junkfilter']['precision']:.3f} / {o['junkfilter']['recall']:.3f}) | "
            f"{lo:.3f}–{hi:.3f} | {o['keep-all']['f1']:.3f} | {o['c4-lines']['f1']:.3f} | {cf1} |"
        )
    lines += ["", "| renderer | source | pages | junkfilter | keep-all | C4-style |",
              "|---|---|---|---|---|---|"]  # fmt: skip
    for renderer, res in results.items():
        for source, s in res["per_source"].items():
            lines.append(f"| {renderer} | {source} | {s['junkfilter']['pages']} | "
                         f"{s['junkfilter']['f1']:.3f} | {s['keep-all']['f1']:.3f} | "
                         f"{s['c4-lines']['f1']:.3f} |")  # fmt: skip
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = ROOT / "README.md"
    body = readme.read_text()
    block = f"<!-- quality:start -->\n{text}\n<!-- quality:end -->"
    new = re.sub(r"<!-- quality:start -->.*?<!-- quality:end -->", lambda _: block, body,
                 flags=re.S)  # fmt: skip
    readme.write_text(new)


def _print_against(other, files: dict[str, list[Path]], results: dict) -> None:
    """The paired F1 difference between the model scored in ``results`` and ``other``."""
    for renderer, paths in files.items():
        theirs = score(other, paths)
        d = paired_difference(results[renderer]["_pages"], theirs["_pages"])
        lo, hi = d["ci95"]
        print(f"{renderer}: F1 {results[renderer]['overall']['junkfilter']['f1']:.4f} against "
              f"{theirs['overall']['junkfilter']['f1']:.4f}: {d['f1_difference']:+.4f} "
              f"(95 % paired interval {lo:+.4f} to {hi:+.4f})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=ROOT / "build" / "corpus")
    ap.add_argument("--model", default=None)
    ap.add_argument("--readme", action="store_true", help="write the table into README.md")
    ap.add_argument("--against", default=None, metavar="MODEL",
                    help="also score MODEL and print the paired difference of F1 per renderer")
    args = ap.parse_args()
    jf = junkfilter.load(args.model)
    files = corpus_files(args.corpus)
    if not files:
        raise SystemExit(f"no corpus in {args.corpus}; run `junkfilter corpus` first")
    trained_on = [r for r in files if any(r in d for d in jf.card.get("data", []))]
    t0 = time.perf_counter()
    results = {renderer: score(jf, paths) for renderer, paths in files.items()}
    if "blocks" in files:  # the same pages on one line each
        results["blocks, flattened"] = score(jf, files["blocks"], flatten=True)
    text = table(results, trained_on)
    print(text)
    for renderer, res in results.items():
        agree = res["gold_agrees"]
        print(f"{renderer}: F1 {agree['f1']:.3f} on the {agree['pages']} pages whose gold agrees "
              f"with the taxonomy (left out: {agree['left_out']})")
    if args.against:
        _print_against(junkfilter.load(args.against), files, results)
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    for res in results.values():
        res.pop("_pages")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "quality.json").write_text(json.dumps(results, indent=2) + "\n")
    if args.readme:
        write_readme(text)


if __name__ == "__main__":
    main()
