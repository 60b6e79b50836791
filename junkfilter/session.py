"""One ``junkfilter filter`` run: inputs -> workers -> writer, with progress and a summary."""

from __future__ import annotations

import sys
import time

from junkfilter.clean import JunkFilter
from junkfilter.inputs import Item, Skip
from junkfilter.runner import Summary, batches, classified, items_of
from junkfilter.writer import StrictStop, WriteOptions, Writer


def _progress(enabled: bool):
    """A rich progress display on stderr when it is a terminal, else None."""
    if not enabled or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn("{task.fields[docs]:,} docs  {task.fields[mb]:.1f} MB  {task.fields[rate]:.0f} docs/s"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def run_filter(paths, jf: JunkFilter, opts: WriteOptions, *, jsonl, jobs: int) -> int:
    """Run the filter over ``paths``; return the exit code (0 all processed, 1 some skipped)."""
    summary = Summary()
    writer = Writer(opts, summary)
    progress = _progress(not opts.quiet)
    t0 = time.perf_counter()
    entries = items_of(paths, jsonl, opts.text_field)
    try:
        task = None
        if progress is not None:
            progress.start()
            task = progress.add_task("filter", docs=0, mb=0.0, rate=0.0)
        for batch, results in classified(batches(entries), jf, jobs, opts.rejected is not None):
            for entry, result in zip(batch, results):
                if isinstance(entry, Skip):
                    writer.skip(entry)
                else:
                    assert isinstance(entry, Item) and result is not None
                    writer.write(entry, result)
            if task is not None:
                elapsed = time.perf_counter() - t0
                progress.update(task, docs=summary.documents, mb=summary.chars_in / 1e6,
                                rate=summary.documents / max(elapsed, 1e-9))
        writer.close()
    except StrictStop as exc:
        writer.close()
        print(f"junkfilter: stopped (--strict): {exc}", file=sys.stderr)
        return 1
    except BaseException:
        writer.abort()
        raise
    finally:
        if progress is not None:
            progress.stop()
    summary.seconds = time.perf_counter() - t0
    if not opts.quiet:
        print(summary.line(), file=sys.stderr)
    return 1 if summary.skipped else 0
