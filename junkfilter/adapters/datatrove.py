"""datatrove adapter: a formatter step that rewrites ``doc.text`` and a filter that drops leftovers.

Install with ``pip install junkfilter[datatrove]``::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from junkfilter.adapters.datatrove import JunkFilterFormatter, ProseFilter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("pages/"),
        JunkFilterFormatter(),            # the shipped model; or JunkFilterFormatter("m.skops")
        ProseFilter(min_chars=200),       # drop documents left with too little prose
        JsonlWriter("clean/"),
    ], tasks=8, workers=4).run()

The steps hold a :class:`~junkfilter.adapters.LazyFilter` (model path + config), so they pickle
small to every worker; each worker process loads the model once, on first use. The formatter
classifies documents in batches (vectorised) and reports ``model_loads``, ``chars_in`` and
``chars_out`` in datatrove's stats.
"""

from __future__ import annotations

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.formatters.base import BaseFormatter
from datatrove.utils.batching import batched
from datatrove.utils.typeshelper import StatHints

from junkfilter.adapters._lazy import LazyFilter, load_counts
from junkfilter.config import Config

METADATA_KEY = "junkfilter"
"""``doc.metadata`` key of the per-document stats written by the formatter."""


class JunkFilterFormatter(BaseFormatter):
    """Replace ``doc.text`` by its kept prose (content and title paragraphs by default).

    ``model`` is a model path (it must exist on every worker), ``None`` for the shipped model, or
    a :class:`~junkfilter.adapters.LazyFilter`. With ``metadata=True`` (default) the per-document
    stats (characters in/out, paragraphs kept/dropped by label) go to
    ``doc.metadata["junkfilter"]``, where :class:`ProseFilter` can read them.
    """

    name = "🧹 junkfilter"

    def __init__(
        self,
        model=None,
        *,
        config: Config | None = None,
        keep=None,
        threshold=None,
        batch_size: int = 64,
        metadata: bool = True,
    ):
        super().__init__()
        self.lazy = LazyFilter.create(model, config=config, keep=keep, threshold=threshold)
        self.batch_size = batch_size
        self.metadata = metadata

    def format(self, text: str) -> str:
        """The kept prose of one text (:meth:`run` batches documents instead)."""
        return self.lazy.clean_many([text])[0]

    def _loads(self) -> int:
        return load_counts().get(repr(self.lazy.key), 0)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        """Clean documents ``batch_size`` at a time, in order."""
        loads_before = self._loads()
        for batch in batched(data, self.batch_size):
            with self.track_time("batch"):
                results = list(self.lazy.results([doc.text for doc in batch]))
            for doc, res in zip(batch, results, strict=True):
                self.stat_update(StatHints.total)
                if res is None:  # not a string: leave the document as it is
                    yield doc
                    continue
                doc.text, stats = res
                self.stat_update("chars_in", value=stats["chars_in"])
                self.stat_update("chars_out", value=stats["chars_out"])
                if self.metadata:
                    doc.metadata[METADATA_KEY] = stats
                yield doc
        self.stat_update("model_loads", value=self._loads() - loads_before)


class ProseFilter(BaseFilter):
    """Drop documents left with too little prose after :class:`JunkFilterFormatter`.

    A document is dropped when its (cleaned) text has fewer than ``min_chars`` characters
    (reason ``too_little_prose``), or when the formatter's stats say that less than
    ``min_kept_ratio`` of its characters were kept (reason ``mostly_junk``).
    """

    name = "🧹 junkfilter prose"

    def __init__(self, min_chars: int = 200, min_kept_ratio: float = 0.0, exclusion_writer=None):
        super().__init__(exclusion_writer)
        self.min_chars = min_chars
        self.min_kept_ratio = min_kept_ratio

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        if len(doc.text.strip()) < self.min_chars:
            return False, "too_little_prose"
        stats = doc.metadata.get(METADATA_KEY)
        ratio = (stats["chars_out"] / stats["chars_in"]
                 if isinstance(stats, dict) and stats.get("chars_in") else 1.0)  # fmt: skip
        if ratio < self.min_kept_ratio:
            return False, "mostly_junk"
        return True
