"""Parallel runs give the results of a serial run, in input order, from both kinds of process."""

import pytest

from junkfilter import runner
from junkfilter.inputs import Item, Skip
from tests.conftest import training_texts


def _batches(n_batches: int) -> list[list]:
    texts = training_texts()
    out = []
    for b in range(n_batches):
        batch = [Item(f"doc-{b}-{i}", texts[(b * 3 + i) % len(texts)]) for i in range(3)]
        batch.append(Skip(f"skip-{b}", "not a document"))
        out.append(batch)
    return out


def _cleaned(pairs) -> list:
    return [[None if r is None else r.cleaned for r in results] for _, results in pairs]


def test_two_and_three_processes_equal_one(small_filter, monkeypatch):
    batches = _batches(24)
    serial = _cleaned(runner.classified(iter(batches), small_filter, 1, False))
    inline = []

    class Counted(runner._Done):  # made only for batches classified in this process
        def __init__(self, value):
            inline.append(value)
            super().__init__(value)

    monkeypatch.setattr(runner, "_Done", Counted)
    for jobs in (2, 3):
        inline.clear()
        pairs = list(runner.classified(iter(batches), small_filter, jobs, False))
        assert [b[0].doc for b, _ in pairs] == [b[0].doc for b in batches]
        assert _cleaned(pairs) == serial
        assert 0 < len(inline) < len(batches)  # the main process took some, the workers the rest


def test_pool_pipes_hold_a_whole_batch():
    """The pool's pipes are widened to PIPE_BYTES where the platform allows it (Linux)."""
    import multiprocessing as mp

    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_GETPIPE_SZ"):
        pytest.skip("no F_GETPIPE_SZ on this platform")
    pool = mp.get_context("spawn").Pool(1)
    try:
        runner._widen_pipes(pool)
        sizes = {fcntl.fcntl(c.fileno(), fcntl.F_GETPIPE_SZ)
                 for q in (pool._inqueue, pool._outqueue) for c in (q._reader, q._writer)}
    finally:
        pool.terminate()
        pool.join()
    assert sizes == {runner.PIPE_BYTES}


def test_workers_receive_lean_items():
    """A worker gets each item's name, text and offset only; skips become None."""
    item = Item("a.jsonl:3", "Some text.", record={"text": "Some text.", "id": 3}, offset=5)
    lean = runner._lean([item, Skip("a.jsonl", "bad line")])
    assert lean[1] is None
    got = (lean[0].doc, lean[0].text, lean[0].offset, lean[0].record)
    assert got == ("a.jsonl:3", "Some text.", 5, None)
