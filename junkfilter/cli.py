"""The ``junkfilter`` command line (typer). Heavy imports happen inside commands, not at start-up.

Exit codes: 0 all input processed; 1 some input skipped or a failure; 2 usage error.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

# One BLAS thread per process (set before numpy is first imported, by a command): the matrices
# are small, and -j N already runs N processes.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

app = typer.Typer(
    help="Keep the article prose of scraped web text; drop comments, spam, bios and boilerplate.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ModelOpt = Annotated[
    str | None, typer.Option("--model", "-m", help="Model file (.skops/.npz); default: shipped.")
]
KeepOpt = Annotated[
    str | None,
    typer.Option("--keep", "-k", help="Labels to keep, comma-separated [default: content,title]."),
]
ThresholdOpt = Annotated[
    float | None,
    typer.Option(help="Keep a paragraph when P(kept labels) >= this [default: 0.5].", min=0, max=1),
]
RescueOpt = Annotated[
    float | None,
    typer.Option(help="A document with nothing kept keeps its paragraphs scoring >= this x its "
                 "best; 0: leave it empty [default: 0.5].", min=0, max=1),  # fmt: skip
]
TrustOpt = Annotated[
    bool,
    typer.Option("--trust-pickle", help="Allow a pickle/joblib model: this file can run code on "
                 "your machine."),  # fmt: skip
]
PathsArg = Annotated[
    list[str] | None, typer.Argument(help="Files or folders; '-' (or nothing) reads stdin.")
]


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"junkfilter: {message}", err=True)
    return typer.Exit(code)


def _filter_obj(model, keep, threshold, trust_pickle, rescue=None):
    """Load the model; warnings (version mismatch, changed file) become one-line messages."""
    import warnings

    from junkfilter import Config, load
    from junkfilter.persist import ModelError

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            config = Config().with_(rescue=rescue)
            jf = load(model, config=config, keep=keep, threshold=threshold,
                      trust_pickle=trust_pickle)  # fmt: skip
    except ValueError as exc:  # bad --keep
        raise fail(str(exc), 2) from None
    except ModelError as exc:
        raise fail(str(exc), 1) from None
    for w in caught:
        typer.echo(f"junkfilter: warning: {w.message}", err=True)
    return jf


@app.command("filter")
def filter_cmd(
    paths: PathsArg = None,
    output: Annotated[str | None, typer.Option("--output", "-o", help="Write cleaned files "
                      "under this folder, mirroring input names (default: stdout).")] = None,
    model: ModelOpt = None,
    keep: KeepOpt = None,
    threshold: ThresholdOpt = None,
    rescue: RescueOpt = None,
    jsonl: Annotated[bool | None, typer.Option("--jsonl/--text", help="Treat inputs as JSON Lines "
                     "or plain text [default: by name: .jsonl, .jsonl.gz, .ndjson].")] = None,
    text_field: Annotated[str, typer.Option(help="JSON field holding the text.")] = "text",
    output_field: Annotated[str | None, typer.Option(help="JSON field for the cleaned text "
                            "[default: the text field].")] = None,
    stats: Annotated[bool, typer.Option(help="Add per-record stats (JSON Lines).")] = False,
    rejected: Annotated[str | None, typer.Option(help="Write every dropped paragraph and "
                        "skipped input here as JSON Lines.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Processes that classify: N-1 "
                    "workers plus this one [default: all cores].", min=0)] = 0,
    in_place: Annotated[bool, typer.Option(help="Rewrite input files atomically.")] = False,
    backup: Annotated[str | None, typer.Option(help="With --in-place, keep the original as "
                      "NAME+SUFFIX.")] = None,
    strict: Annotated[bool, typer.Option(help="Stop at the first input that must be "
                      "skipped.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, notes or "
                     "summary.")] = False,
    trust_pickle: TrustOpt = False,
) -> None:
    """Clean files, folders, stdin or JSON Lines dumps: print or write the kept prose."""
    from junkfilter.runner import default_jobs
    from junkfilter.writer import WriteOptions

    paths = paths or ["-"]
    if in_place and output:
        raise fail("--in-place and --output exclude each other", 2)
    if backup and not in_place:
        raise fail("--backup needs --in-place", 2)
    if in_place and "-" in paths:
        raise fail("--in-place cannot rewrite stdin", 2)
    if backup is not None and (not backup or "/" in backup):
        raise fail("--backup needs a non-empty suffix without '/'", 2)
    opts = WriteOptions(output=output, in_place=in_place, backup=backup, output_field=output_field,
                        text_field=text_field, stats=stats, rejected=rejected, strict=strict,
                        quiet=quiet)  # fmt: skip
    from junkfilter.session import check_paths, run_filter

    problem = check_paths(paths, opts)
    if problem:
        raise fail(problem, 2)
    from junkfilter.outputs import interrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    jf = _filter_obj(model, keep, threshold, trust_pickle, rescue)
    code = run_filter(paths, jf, opts, jsonl=jsonl, jobs=jobs or default_jobs())
    raise typer.Exit(code)


@app.command()
def classify(
    paths: PathsArg = None,
    model: ModelOpt = None,
    keep: KeepOpt = None,
    threshold: ThresholdOpt = None,
    rescue: RescueOpt = None,
    trust_pickle: TrustOpt = False,
) -> None:
    """Print one JSON line per paragraph: doc, index, start, end, label, probability, keep."""
    from junkfilter.inputs import Skip, iter_inputs
    from junkfilter.outputs import Stdout, json_line, one_line

    jf = _filter_obj(model, keep, threshold, trust_pickle, rescue)
    out, skipped, base = Stdout(), 0, 0
    try:
        for entry in iter_inputs(paths or ["-"], None, "text"):
            if isinstance(entry, Skip):
                if entry.counted:
                    reason = f"{one_line(entry.doc)}: {entry.reason}"
                    typer.echo(f"junkfilter: skipped {reason}", err=True)
                    skipped += 1
                continue
            base = 0 if entry.part == 0 else base
            paragraphs = jf.classify(entry.text)
            for p in paragraphs:
                out.write(json_line({"doc": entry.doc, "index": p.index + base,
                                     "start": p.start + entry.offset, "end": p.end + entry.offset,
                                     "label": str(p.label), "probability": round(p.probability, 4),
                                     "keep": p.keep, "reason": p.reason}))  # fmt: skip
            base += len(paragraphs)
        out.commit()
    except BrokenPipeError:  # `junkfilter classify ... | head`
        from junkfilter.session import _quiet_stdout

        _quiet_stdout(BrokenPipeError())
        raise typer.Exit(1) from None
    raise typer.Exit(1 if skipped else 0)


@app.command()
def explain(
    path: Annotated[str, typer.Argument(help="A text file, or '-' for stdin.")] = "-",
    model: ModelOpt = None,
    keep: KeepOpt = None,
    threshold: ThresholdOpt = None,
    rescue: RescueOpt = None,
) -> None:
    """Show the steps taken on one document and the verdict on each paragraph."""
    from junkfilter.inputs import Skip, read_text
    from junkfilter.outputs import one_line

    jf = _filter_obj(model, keep, threshold, False, rescue)
    for entry in read_text(path, path):
        if isinstance(entry, Skip):
            raise fail(f"{one_line(entry.doc)}: {one_line(entry.reason)}")
        if entry.part == 0:
            for note in entry.notes:
                typer.echo(f"junkfilter: {entry.doc}: {note}", err=True)
        else:
            typer.echo(f"- part {entry.part + 1}, from character {entry.offset}")
        typer.echo(str(jf.explain(entry.text)))


@app.command()
def labels() -> None:
    """List the label taxonomy and the labels kept by default."""
    from junkfilter.labels import DEFAULT_KEEP, DESCRIPTIONS

    for label, text in DESCRIPTIONS.items():
        mark = "*" if label in DEFAULT_KEEP else " "
        typer.echo(f"{mark} {label:<12} {text}")
    typer.echo("(* kept by default)")


@app.command()
def info(model: ModelOpt = None, trust_pickle: TrustOpt = False) -> None:
    """Print the model card of a model (default: the shipped one)."""
    import json

    jf = _filter_obj(model, None, None, trust_pickle)
    typer.echo(json.dumps(jf.card, indent=2))


from junkfilter import cli_train  # noqa: E402,F401 - registers train/evaluate/corpus


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("junkfilter: interrupted", err=True)
        sys.exit(130)


if __name__ == "__main__":
    main()

__all__ = ["app", "main", "Path"]
