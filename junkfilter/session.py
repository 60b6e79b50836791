"""One ``junkfilter filter`` run: inputs -> workers -> writer, with progress and a summary.

Exit codes: 0 all input processed; 1 some input skipped (or, with ``--strict``, the first skip),
or output could not be written; 2 usage errors (:func:`check_paths`); 130 interrupted.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time

from junkfilter.clean import JunkFilter
from junkfilter.inputs import Item, Skip, iter_inputs
from junkfilter.outputs import deferred_signals
from junkfilter.runner import Summary, batches, classified
from junkfilter.writer import StrictStop, WriteOptions, Writer


def _progress(enabled: bool):
    """A rich progress display on stderr when it is a terminal, else None."""
    if not enabled or not sys.stderr.isatty():
        return None
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    return Progress(
        SpinnerColumn(),
        TextColumn(
            "{task.fields[docs]:,} docs  {task.fields[mb]:.1f} MB  {task.fields[rate]:.0f} docs/s"
        ),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )


def _inside(child: str, parent: str) -> bool:
    return child == parent or child.startswith(parent.rstrip(os.sep) + os.sep)


def _stdout_file() -> str | None:
    try:
        st = os.fstat(sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return f"{st.st_dev}:{st.st_ino}" if stat.S_ISREG(st.st_mode) else None


def check_paths(paths: list[str], opts: WriteOptions) -> str | None:
    """A usage error that would make output overwrite input, or None."""
    real = [os.path.realpath(p) for p in paths if p != "-"]
    if opts.output:
        out = os.path.realpath(opts.output)
        for raw, r in zip([p for p in paths if p != "-"], real, strict=True):
            if _inside(r, out):
                return f"--output {opts.output} contains the input {raw}; choose another folder"
    if opts.rejected:
        rej = os.path.realpath(opts.rejected)
        if any(r == rej for r in real):
            return f"--rejected {opts.rejected} is an input file"
        if opts.in_place and any(_inside(rej, r) for r in real if os.path.isdir(r)):
            return f"--rejected {opts.rejected} is inside a folder rewritten by --in-place"
    target = _stdout_file()
    if target and not opts.output and not opts.in_place:
        for r in real:
            with contextlib.suppress(OSError):
                st = os.stat(r)
                if f"{st.st_dev}:{st.st_ino}" == target:
                    return f"standard output is the input file {r}"
    return None


def _loop(paths, jf: JunkFilter, opts: WriteOptions, writer: Writer, progress, jsonl, jobs):
    summary = writer.summary
    exclude = [opts.output] if opts.output else []
    entries = iter_inputs(paths, jsonl, opts.text_field, exclude)
    task = progress.add_task("filter", docs=0, mb=0.0, rate=0.0) if progress is not None else None
    t0 = time.perf_counter()
    for batch, results in classified(batches(entries), jf, jobs, opts.rejected is not None):
        for entry, result in zip(batch, results, strict=True):
            if isinstance(entry, Skip):
                writer.skip(entry)
            else:
                assert isinstance(entry, Item) and result is not None
                writer.write(entry, result)
        if task is not None:
            elapsed = time.perf_counter() - t0
            progress.update(task, docs=summary.documents, mb=summary.chars_in / 1e6,
                            rate=summary.documents / max(elapsed, 1e-9))  # fmt: skip


def run_filter(paths, jf: JunkFilter, opts: WriteOptions, *, jsonl, jobs: int) -> int:
    """Run the filter over ``paths``; return the exit code (0 all processed, 1 some skipped)."""
    summary = Summary()
    writer: Writer | None = None
    progress = _progress(not opts.quiet)
    t0 = time.perf_counter()
    try:
        with deferred_signals():
            writer = Writer(opts, summary)
        if progress is not None:
            progress.start()
        _loop(paths, jf, opts, writer, progress, jsonl, jobs)
        writer.close()
    except StrictStop as exc:
        writer.close()
        print(f"junkfilter: stopped (--strict): {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # output failed (disk full, closed pipe, ...): nothing half-written
        if writer is not None:
            writer.abort()
        _quiet_stdout(exc)
        print(f"junkfilter: stopped: cannot write output: {exc}", file=sys.stderr)
        return 1
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        if progress is not None:
            progress.stop()
    summary.seconds = time.perf_counter() - t0
    if not opts.quiet:
        print(summary.line(), file=sys.stderr)
    return 1 if summary.skipped else 0


def _quiet_stdout(exc: OSError) -> None:
    """After a closed pipe, point stdout at /dev/null so Python's exit flush stays silent."""
    if isinstance(exc, BrokenPipeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())

