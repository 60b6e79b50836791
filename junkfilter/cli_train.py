"""CLI commands for people who build models: ``train``, ``evaluate`` and ``corpus``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from junkfilter.cli import (
    KeepOpt,
    ModelOpt,
    RescueOpt,
    ThresholdOpt,
    TrustOpt,
    _filter_obj,
    app,
    fail,
)

DataArg = Annotated[
    list[str],
    typer.Argument(help="Labelled JSON Lines files or folders (training_data/, corpora)."),
]
SplitOpt = Annotated[
    str,
    typer.Option(help="Which documents: train, valid or all (see `junkfilter.train.split_of`)."),
]


def _documents(paths: list[str], split: str = "all"):
    from junkfilter.documents import read_documents
    from junkfilter.train import doc_split

    if split not in ("train", "valid", "all"):
        raise fail(f"--split must be train, valid or all, not {split!r}", 2)
    try:
        docs = [d for d in read_documents(paths) if split == "all" or doc_split(d) == split]
    except (OSError, ValueError) as exc:
        raise fail(str(exc)) from None
    if not docs:
        raise fail(f"no labelled documents found in {', '.join(paths)} (split {split})")
    return docs


def _print_evaluation(result: dict) -> dict:
    typer.echo(result["classes"].table())
    typer.echo("\ncontent shingle F1 (per-page P and R averaged; F1 of the means):")
    out = {"classes": result["classes"].as_dict(), "shingle_f1": {}}
    for name, acc in result["shingle_f1"].items():
        d = acc.as_dict()
        out["shingle_f1"][name] = d
        typer.echo(f"  {name:<11} P {d['precision']:.3f}  R {d['recall']:.3f}  F1 {d['f1']:.3f}  "
                   f"({d['pages']} pages)")  # fmt: skip
    return out


@app.command()
def train(
    data: DataArg,
    output: Annotated[Path, typer.Option("--output", "-o", help="Model file to write (.skops).")],
    seed: Annotated[int, typer.Option(help="Random seed (training is deterministic).")] = 0,
    own_weight: Annotated[float, typer.Option(help="Weight of hand-written documents (no "
                          "'source') relative to corpus pages.")] = 3.0,
    alpha: Annotated[float, typer.Option(help="Stage-1 L2 strength.")] = 2e-6,
    max_iter: Annotated[int, typer.Option(help="Stage-1 SGD epochs.")] = 15,
    hidden: Annotated[int, typer.Option(help="Stage-2 hidden units (0: linear stage 2).")] = 80,
    networks: Annotated[int, typer.Option(help="Stage-2 networks averaged (seeds).")] = 5,
    epochs: Annotated[int, typer.Option(help="Stage-2 training epochs.")] = 20,
    all_docs: Annotated[bool, typer.Option("--all", help="Train on validation documents too "
                        "(no held-out metrics).")] = False,
) -> None:
    """Train a model on labelled documents; print validation metrics; write model and card."""
    from junkfilter import Config
    from junkfilter.clean import JunkFilter
    from junkfilter.evaluate import evaluate_documents
    from junkfilter.persist import save
    from junkfilter.train import doc_split, fit

    docs = _documents(data)
    train_docs = docs if all_docs else [d for d in docs if doc_split(d) == "train"]
    valid_docs = [] if all_docs else [d for d in docs if doc_split(d) == "valid"]
    typer.echo(f"{len(train_docs)} training documents, {len(valid_docs)} validation documents")
    params = {"alpha": alpha, "max_iter": max_iter, "random_state": seed, "hidden": hidden,
              "epochs": epochs, "n_networks": networks}  # fmt: skip
    estimator, summary = fit(train_docs, own_weight=own_weight, params=params, log=typer.echo)
    card = {"name": output.stem, "training": summary, "data": [str(p) for p in data],
            "own_weight": own_weight}  # fmt: skip
    if valid_docs:
        jf = JunkFilter(model=estimator.stack(), config=Config())
        result = evaluate_documents(valid_docs, jf.classify_many, Config().keep)
        card["validation"] = _print_evaluation(result)
    card = save(estimator, output, card)
    typer.echo(f"wrote {output.with_suffix('.skops')} (+ .npz run-time image, .card.json)")


@app.command()
def evaluate(
    data: DataArg,
    model: ModelOpt = None,
    keep: KeepOpt = None,
    threshold: ThresholdOpt = None,
    rescue: RescueOpt = None,
    split: SplitOpt = "all",
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the figures "
                        "here as JSON.")] = None,
    trust_pickle: TrustOpt = False,
) -> None:
    """Per-class precision/recall/F1, confusion matrix and content shingle F1 on labelled data."""
    from junkfilter.evaluate import evaluate_documents

    jf = _filter_obj(model, keep, threshold, trust_pickle, rescue)
    docs = _documents(data, split)
    result = evaluate_documents(docs, jf.classify_many, jf.config.keep)
    out = _print_evaluation(result)
    if json_out:
        json_out.write_text(json.dumps(out, indent=2) + "\n")


@app.command()
def corpus(
    shared: Annotated[Path | None, typer.Option(help="The shared data folder [default: "
                      "$JUNKFILTER_SHARED or ../shared].")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the labelled "
                      "documents.")] = Path("build/corpus"),
    renderers: Annotated[str, typer.Option(help="Comma-separated renderers.")] = (
        "blocks,inscriptis"
    ),
    sources: Annotated[str | None, typer.Option(help="Comma-separated sources [default: "
                       "all].")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many pages a source.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes.")] = 2,
    comments: Annotated[Path | None, typer.Option(help="Also write real comment threads "
                        "(comments.jsonl.gz) here.")] = Path("build/extra/comments.jsonl.gz"),
) -> None:
    """Render real pages (HTML + gold text) and align them into labelled paragraphs."""
    try:
        from junkfilter.corpus.build import build_corpus, default_shared_dir
    except ImportError as exc:
        hint = "pip install 'junkfilter[corpus]'"
        raise fail(f"the corpus tools need extras: {hint} ({exc})") from None
    shared = shared or default_shared_dir()
    if not Path(shared, "data").is_dir():
        raise fail(f"no data folder under {shared}", 2)
    report = build_corpus(
        Path(shared), output,
        sources=sources.split(",") if sources else None,
        renderers=tuple(renderers.split(",")),
        limit=limit, jobs=jobs,
    )  # fmt: skip
    typer.echo(json.dumps(report, indent=2))
    if comments is not None:
        from junkfilter.corpus.comments import comment_threads
        from junkfilter.documents import check, write_documents

        threads = [d for d in comment_threads(shared) if not check(d)]
        typer.echo(f"{write_documents(comments, threads)} comment threads -> {comments}")
