"""Hugging Face ``datasets`` adapter: a batched callable for ``Dataset.map``.

Install with ``pip install junkfilter[hf]``::

    from datasets import load_dataset
    from junkfilter.adapters.hf import HFCleaner

    ds = load_dataset("json", data_files="pages.jsonl", split="train")
    ds = ds.map(HFCleaner(), batched=True, num_proc=8)                      # rewrites "text"
    ds = ds.map(HFCleaner(output_column="clean", stats=True), batched=True)  # adds columns

:class:`HFCleaner` holds only a model path and a configuration: it pickles small to the
``num_proc`` workers, each of which loads the model once, and it hashes to the same fingerprint
in every run (``datasets`` reuses its cache until the model file or the settings change). It also
works unbatched (one example at a time), but batched is much faster.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from junkfilter.adapters._lazy import LazyFilter
from junkfilter.config import Config

STAT_COLUMNS = ("chars_in", "chars_out", "paragraphs", "kept", "dropped")
"""Stats columns added with ``stats=True`` (prefixed ``junkfilter_``); ``kept`` and ``dropped``
are JSON objects (label -> paragraphs) stored as strings, so the schema is fixed."""


@dataclass(frozen=True, init=False)
class HFCleaner:
    """``ds.map(HFCleaner(...), batched=True)``: clean ``text_column`` of every example.

    ``model`` is a model path, ``None`` for the shipped model, or a
    :class:`~junkfilter.adapters.LazyFilter`. The cleaned text replaces ``text_column`` or goes to
    ``output_column``; ``stats=True`` adds the :data:`STAT_COLUMNS` prefixed ``junkfilter_``.
    Missing texts (``None``) stay ``None``.
    """

    lazy: LazyFilter
    text_column: str
    output_column: str | None
    stats: bool

    def __init__(
        self,
        model=None,
        *,
        text_column: str = "text",
        output_column: str | None = None,
        stats: bool = False,
        config: Config | None = None,
        keep=None,
        threshold=None,
    ) -> None:
        lazy = LazyFilter.create(model, config=config, keep=keep, threshold=threshold)
        object.__setattr__(self, "lazy", lazy)
        object.__setattr__(self, "text_column", text_column)
        object.__setattr__(self, "output_column", output_column)
        object.__setattr__(self, "stats", stats)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        """Cleaned columns for a batch (dict of lists) or one example (dict of values)."""
        texts = batch[self.text_column]
        single = isinstance(texts, str) or texts is None
        results = list(self.lazy.results([texts] if single else texts))
        out: dict[str, list] = {self.output_column or self.text_column: [
            None if r is None else r[0] for r in results
        ]}  # fmt: skip
        if self.stats:
            for name in STAT_COLUMNS:
                values = [None if r is None else r[1][name] for r in results]
                if name in ("kept", "dropped"):
                    values = [None if v is None else json.dumps(v, sort_keys=True) for v in values]
                out[f"junkfilter_{name}"] = values
        if single:
            return {k: v[0] for k, v in out.items()}
        return out
