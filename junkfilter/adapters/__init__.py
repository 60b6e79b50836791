"""Adapters for the engines users run junkfilter in: Dask, datatrove, Hugging Face ``datasets``.

Each adapter is an optional extra (``pip install junkfilter[dask]``, ``[datatrove]``, ``[hf]``)
and lives in its own module, imported only when used::

    from junkfilter.adapters.dask import clean_bag, clean_dataframe
    from junkfilter.adapters.datatrove import JunkFilterFormatter, ProseFilter
    from junkfilter.adapters.hf import HFCleaner

This package itself imports no engine: the names below resolve lazily. All adapters hold a
:class:`LazyFilter` (model path + config) that pickles small and loads the model at most once per
worker process. See ``docs/adapters.md``.
"""

from __future__ import annotations

import importlib

from junkfilter.adapters._lazy import LazyFilter, clean_records, clear_cache, load_counts

_LAZY = {
    "clean_bag": "dask",
    "clean_dataframe": "dask",
    "clean_partition": "dask",
    "JunkFilterFormatter": "datatrove",
    "ProseFilter": "datatrove",
    "HFCleaner": "hf",
}

__all__ = ["LazyFilter", "clean_records", "clear_cache", "load_counts", *_LAZY]


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
