"""Dask adapter: clean a ``dask.bag`` of texts or records, or a ``dask.dataframe`` text column.

Install with ``pip install junkfilter[dask]``. Works with any scheduler: the local default, a
``distributed.LocalCluster`` or a real cluster (``Client("tcp://scheduler:8786")``). Each task
receives a :class:`~junkfilter.adapters.LazyFilter` (the model path and configuration, a few
hundred bytes, never the model arrays); the model is loaded on first use in each worker process
and cached there, so every worker loads it once however many partitions it runs::

    import dask.bag as db
    from junkfilter.adapters.dask import clean_bag, clean_dataframe

    cleaned = clean_bag(db.read_text("pages/*.jsonl").map(json.loads), text_field="text")
    ddf = clean_dataframe(ddf, "text", output_column="clean", stats=True)

On a cluster, pass ``model=`` a path that exists on every worker (or rely on the shipped model
of a junkfilter installed on the workers).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import dask.bag as db
import dask.dataframe as dd
import pandas as pd

from junkfilter.adapters._lazy import LazyFilter, clean_records
from junkfilter.config import Config

STAT_COLUMNS = ("chars_in", "chars_out", "paragraphs", "kept", "dropped")
"""Stats columns added by :func:`clean_dataframe` with ``stats=True`` (prefixed ``junkfilter_``);
``kept`` and ``dropped`` are JSON objects (label -> paragraphs) stored as strings."""


def _handle(model, config, keep, threshold) -> LazyFilter:
    return LazyFilter.create(model, config=config, keep=keep, threshold=threshold)


def _clean_texts(texts: Iterable[str | None], lazy: LazyFilter) -> list[str | None]:
    return lazy.clean_many(list(texts))


def _clean_record_partition(
    records: Iterable[dict], lazy: LazyFilter, text_field: str, output_field, stats: bool
) -> list[dict]:
    return list(clean_records(lazy, records, text_field, output_field, stats))


def clean_bag(
    bag: db.Bag,
    *,
    text_field: str | None = None,
    output_field: str | None = None,
    stats: bool = False,
    model=None,
    config: Config | None = None,
    keep=None,
    threshold=None,
) -> db.Bag:
    """A bag of cleaned items, partition by partition, order kept.

    Items are texts (``text_field=None``; ``None`` items stay ``None``) or dict records whose
    ``text_field`` is cleaned into ``output_field`` (default: the same field), every other field
    untouched; ``stats`` adds a ``"junkfilter"`` field as ``junkfilter filter --stats`` does.
    ``model`` is a model path, ``None`` for the shipped model, or a ``LazyFilter``.
    """
    lazy = _handle(model, config, keep, threshold)
    if text_field is None:
        if output_field or stats:
            raise ValueError("output_field and stats need records: pass text_field")
        return bag.map_partitions(_clean_texts, lazy)
    return bag.map_partitions(_clean_record_partition, lazy, text_field, output_field, stats)


def clean_partition(
    frame: pd.DataFrame,
    lazy: LazyFilter,
    column: str = "text",
    output_column: str | None = None,
    stats: bool = False,
) -> pd.DataFrame:
    """One pandas partition with ``column`` cleaned into ``output_column`` (a copy)."""
    values = [v if isinstance(v, str) else None for v in frame[column].tolist()]
    results = list(lazy.results(values))
    out = frame.copy()
    cleaned = [None if r is None else r[0] for r in results]
    out[output_column or column] = pd.Series(cleaned, index=frame.index, dtype=frame[column].dtype)
    if stats:
        for name in STAT_COLUMNS:
            col = [None if r is None else r[1][name] for r in results]
            if name in ("kept", "dropped"):
                col = [None if c is None else json.dumps(c, sort_keys=True) for c in col]
                out[f"junkfilter_{name}"] = pd.Series(col, index=frame.index, dtype="object")
            else:
                out[f"junkfilter_{name}"] = pd.Series(col, index=frame.index, dtype="Int64")
    return out


def clean_dataframe(
    frame: dd.DataFrame,
    column: str = "text",
    output_column: str | None = None,
    *,
    stats: bool = False,
    model=None,
    config: Config | None = None,
    keep=None,
    threshold=None,
) -> dd.DataFrame:
    """A Dask dataframe with ``column`` cleaned (via ``map_partitions``), other columns kept.

    ``output_column`` (default: ``column``) receives the cleaned text; ``stats`` adds the
    :data:`STAT_COLUMNS` prefixed with ``junkfilter_``.
    """
    lazy = _handle(model, config, keep, threshold)
    meta = clean_partition(frame._meta, lazy, column, output_column, stats)
    return frame.map_partitions(clean_partition, lazy, column, output_column, stats, meta=meta)
