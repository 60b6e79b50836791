"""Batch runs: input items -> (optionally parallel) classification -> ordered outputs + summary.

The main process reads inputs (:mod:`junkfilter.inputs`), groups them into batches and hands the
batches to worker processes that each hold one loaded :class:`~junkfilter.clean.JunkFilter`
(sent once, at worker start). At most ``2 * jobs`` batches are in flight, so memory does not grow
with the input, and results are written in input order (:mod:`junkfilter.outputs`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice

from junkfilter import inline as inline_tags
from junkfilter.clean import JunkFilter, assemble, verdict_counts
from junkfilter.inputs import Item, Skip
from junkfilter.labels import Label
from junkfilter.verdicts import Verdicts

BATCH_CHARS = 1 << 18
BATCH_ITEMS = 256


@dataclass(slots=True)
class Result:
    """What a worker returns for one item."""

    cleaned: str
    paragraphs: int
    kept: dict[str, int]
    dropped: dict[str, int]
    rejected: list[dict] | None = None

    def stats(self, text: str) -> dict:
        """Per-document stats (``filter --stats`` and the adapters) for input ``text``."""
        return {"chars_in": len(text), "chars_out": len(self.cleaned),
                "paragraphs": self.paragraphs, "kept": self.kept,
                "dropped": self.dropped}  # fmt: skip


def results_of(v: Verdicts) -> list[Result]:
    """A :class:`Result` per document of a batch's verdicts (the array path)."""
    return [Result(v.cleaned(i), v.n_paragraphs(i), kept, dropped)
            for i, (kept, dropped) in enumerate(v.counts())]  # fmt: skip


_WORKER: dict = {}


def _one_blas_thread() -> None:
    """One BLAS thread in a worker: N workers already use the cores, and idle BLAS threads
    spinning beside them doubled the workers' CPU time when the parent had not set
    ``OPENBLAS_NUM_THREADS`` (the CLI does) before importing numpy."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return
    threadpool_limits(1)


def _init_worker(jf: JunkFilter, want_rejected: bool, in_child: bool = False) -> None:
    if in_child:  # the parent handles Ctrl-C and SIGTERM and then terminates its workers
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _one_blas_thread()
    _WORKER["jf"] = jf
    _WORKER["rejected"] = want_rejected


def _rejected_records(item: Item, paragraphs, inline: bool) -> list[dict]:
    """A record per dropped paragraph and (with ``inline``) per inline tag of a kept one."""
    out = []
    for p in paragraphs:
        if not p.keep:
            out.append({"doc": item.doc, "index": p.index, "start": p.start + item.offset,
                        "end": p.end + item.offset, "label": str(p.label), "reason": p.reason,
                        "probability": round(p.probability, 4), "text": p.text})  # fmt: skip
            continue
        for s, e in inline_tags.spans(p.text) if inline else ():
            at = p.start + item.offset
            out.append({"doc": item.doc, "index": p.index, "start": at + s, "end": at + e,
                        "label": str(Label.METADATA), "reason": inline_tags.REASON,
                        "probability": None, "text": p.text[s:e]})  # fmt: skip
    return out


def process_batch(items: list[Item]) -> list[Result]:
    """Classify a batch of items with this worker's filter.

    Without ``--rejected`` the cheap array path (:meth:`JunkFilter.verdicts`) is taken; the
    rejected records need every dropped paragraph's text, so that path builds paragraphs.
    """
    jf: JunkFilter = _WORKER["jf"]
    texts = [it.text for it in items]
    if not _WORKER["rejected"]:
        return results_of(jf.verdicts(texts))
    out = []
    for item, text, paras in zip(items, texts, jf.classify_many(texts)):
        kept, dropped = verdict_counts(paras, jf.config.inline)
        rejected = _rejected_records(item, paras, jf.config.inline)
        out.append(Result(assemble(text, paras, jf.config.inline), len(paras), kept, dropped,
                          rejected))  # fmt: skip
    return out


@dataclass
class Summary:
    """Counters of a run, built from paragraph verdicts and skips."""

    documents: int = 0
    skipped: int = 0
    paragraphs: int = 0
    kept: dict[str, int] = field(default_factory=dict)
    dropped: dict[str, int] = field(default_factory=dict)
    chars_in: int = 0
    chars_out: int = 0
    seconds: float = 0.0

    def add(self, item: Item, result: Result) -> None:
        self.documents += item.part == 0
        self.paragraphs += result.paragraphs
        self.chars_in += len(item.text)
        self.chars_out += len(result.cleaned)
        for src, dst in ((result.kept, self.kept), (result.dropped, self.dropped)):
            for k, v in src.items():
                dst[k] = dst.get(k, 0) + v

    def line(self) -> str:
        def fmt(d: dict) -> str:
            return ", ".join(f"{k} {v:,}" for k, v in sorted(d.items(), key=lambda kv: -kv[1]))

        mb = self.chars_in / 1e6
        rate = mb / self.seconds if self.seconds else 0.0
        paras = {k: v for k, v in self.dropped.items() if k != inline_tags.REASON}
        kept, dropped = sum(self.kept.values()), sum(paras.values())
        tags = self.dropped.get(inline_tags.REASON, 0)
        return (
            f"junkfilter: {self.documents:,} documents ({self.skipped:,} skipped), "
            f"{self.paragraphs:,} paragraphs: kept {kept:,} ({fmt(self.kept)}), "
            f"dropped {dropped:,} ({fmt(paras)})"
            + (f", {tags:,} inline tags removed" if tags else "")
            + f"; {mb:.1f} M chars in {self.seconds:.1f} s ({rate:.1f} M chars/s)"
        )


def batches(entries: Iterable[Item | Skip]) -> Iterator[list[Item | Skip]]:
    """Group entries into batches of bounded size (characters and count)."""
    batch: list[Item | Skip] = []
    size = 0
    for entry in entries:
        batch.append(entry)
        size += len(entry.text) if isinstance(entry, Item) else 0
        if size >= BATCH_CHARS or len(batch) >= BATCH_ITEMS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _run_batch(batch: list[Item | Skip | None]) -> list[Result | None]:
    """Results of a batch's items (``None`` for a :class:`Skip`, or ``None`` standing for one)."""
    items = [e for e in batch if isinstance(e, Item) and e.text]
    results = iter(process_batch(items)) if items else iter(())
    empty = Result("", 0, {}, {}, [] if _WORKER.get("rejected") else None)
    return [
        None if not isinstance(e, Item) else (next(results) if e.text else empty) for e in batch
    ]


def _lean(batch: list[Item | Skip]) -> list[Item | None]:
    """What a worker needs of a batch: each item's name, text and offset, ``None`` for a skip.
    The JSON record (which holds the text a second time) and a skipped line's bytes stay in this
    process, which keeps the batch to write the results (half as much to pickle and send)."""
    return [Item(e.doc, e.text, offset=e.offset) if isinstance(e, Item) else None for e in batch]


def start_context():
    """How to start worker processes: ``fork`` (fast, the loaded model shared copy-on-write)
    when this process runs a single thread; otherwise ``forkserver`` (or ``spawn``), because a
    fork copies locks that other threads may hold at that moment and can hang the child."""
    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return mp.get_context("fork")
    return mp.get_context("forkserver" if "forkserver" in methods else "spawn")


class _Done:
    """A batch classified in this process, shaped like the pool's ``AsyncResult``."""

    __slots__ = ("value",)

    def __init__(self, value: list[Result | None]) -> None:
        self.value = value

    def ready(self) -> bool:
        return True

    def get(self) -> list[Result | None]:
        return self.value


def classified(
    groups: Iterable[list[Item | Skip]], jf: JunkFilter, jobs: int, want_rejected: bool
) -> Iterator[tuple[list[Item | Skip], list[Result | None]]]:
    """(batch, results) pairs in input order, computed in ``jobs`` processes.

    ``jobs - 1`` worker processes classify batches; this process reads and writes, and whenever
    the workers already have two batches each queued it classifies the next batch itself (so
    ``-j 2`` on two cores runs two busy processes, not three, and half the batches never
    cross a pipe).
    """
    _init_worker(jf, want_rejected)
    groups = iter(groups)
    head = list(islice(groups, 2))
    if jobs <= 1 or len(head) < 2:  # a single batch is not worth starting workers for
        for batch in chain(head, groups):
            yield batch, _run_batch(batch)
        return
    ctx = start_context()
    pool = ctx.Pool(jobs - 1, initializer=_init_worker, initargs=(jf, want_rejected, True))
    _widen_pipes(pool)
    pending: deque = deque()
    try:
        for batch in chain(head, groups):
            queued = sum(not res.ready() for _, res in pending)
            if queued < 2 * (jobs - 1):
                pending.append((batch, pool.apply_async(_run_batch, (_lean(batch),))))
            else:
                pending.append((batch, _Done(_run_batch(batch))))
            while pending and (pending[0][1].ready() or len(pending) > 4 * jobs):
                b, res = pending.popleft()
                yield b, res.get()
        while pending:
            b, res = pending.popleft()
            yield b, res.get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()


PIPE_BYTES = 1 << 20
"""Capacity asked for the pool's pipes (Linux's default is 64 KB; 1 MB is its usual ceiling)."""


def _widen_pipes(pool) -> None:
    """Let a whole batch (about 300 KB going out, 200 KB of results coming back) sit in the
    pool's pipes. With 64 KB pipes a worker that finished a batch waited for the rest of the next
    one to be written by a thread of the busy main process, and for its own results to be read
    back: 3 ms a batch, 7 % of a worker's time; with 1 MB pipes half of that (``-j 2`` about
    2.5 % faster). A best effort: platforms or pool internals without it keep their pipes."""
    try:
        import fcntl

        for queue in (pool._inqueue, pool._outqueue):
            for conn in (queue._reader, queue._writer):
                fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):  # pragma: no cover - not Linux, or capped
        pass


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)

