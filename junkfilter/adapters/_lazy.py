"""A picklable handle on a model that loads it at most once per process, and record helpers.

Pipeline engines (Dask, datatrove, Hugging Face ``datasets``) ship the callables they run to
worker processes by pickling them, often once per task. :class:`LazyFilter` pickles as a model
path plus a :class:`~junkfilter.config.Config` (a few hundred bytes), and loads the model on
first use in each process into a module-level cache keyed by ``(path, config, trust_pickle)``.
Later tasks in the same process, and other handles with the same key, reuse the loaded
:class:`~junkfilter.clean.JunkFilter`. :func:`load_counts` tells how often each key was loaded
in this process (tests use it to check "once per worker").
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from junkfilter.config import Config

if TYPE_CHECKING:
    from junkfilter.clean import JunkFilter

_CACHE: dict[tuple, JunkFilter] = {}
_LOADS: dict[tuple, int] = {}
_LOCK = threading.Lock()


def load_counts() -> dict[str, int]:
    """How many times each model key was loaded in this process (``repr(key) -> count``)."""
    with _LOCK:
        return {repr(key): n for key, n in _LOADS.items()}


def clear_cache() -> None:
    """Forget every model loaded in this process (and the load counts)."""
    with _LOCK:
        _CACHE.clear()
        _LOADS.clear()


def _model_digest(path: str | None) -> str:
    """SHA-256 of the model file (the shipped one for ``None``), or ``""`` if it is absent here."""
    from junkfilter.persist import ModelError, default_model_path, sha256

    try:
        resolved = default_model_path() if path is None else Path(path)
        return sha256(resolved) if resolved.is_file() else ""
    except (ModelError, OSError):
        return ""


@dataclass(frozen=True)
class LazyFilter:
    """A model path and a configuration; :meth:`get` loads the model once per process.

    ``path=None`` means the shipped model *as installed on the process that uses it*. On a
    cluster, give a path that exists on every worker (or install junkfilter there).
    ``digest`` is the SHA-256 of the model file where the handle was made; it takes part in
    equality, pickles and hashes (``datasets`` caches results by the hash of the callable, so a
    retrained model at the same path invalidates the cache).
    """

    path: str | None = None
    config: Config = field(default_factory=Config)
    trust_pickle: bool = False
    digest: str = ""

    @classmethod
    def create(
        cls, model=None, *, config: Config | None = None, keep=None, threshold=None,
        trust_pickle: bool = False,
    ) -> LazyFilter:  # fmt: skip
        """A handle on ``model`` (a path, ``None`` for the shipped model, or a ``LazyFilter``)."""
        if isinstance(model, LazyFilter):
            return model
        path = None if model is None else str(Path(model).expanduser().resolve())
        config = (config or Config()).with_(keep=keep, threshold=threshold)
        return cls(path, config, trust_pickle, _model_digest(path))

    def __reduce__(self):
        # Deterministic bytes whatever the hash seed (a frozenset's pickle is not): Dask tokens
        # and ``datasets`` fingerprints stay the same from one run to the next.
        c = self.config
        keep = tuple(sorted(str(k) for k in c.keep))
        state = (self.path, keep, c.threshold, c.batch_size, self.trust_pickle, self.digest)
        return _rebuild, state

    @property
    def key(self) -> tuple:
        """Cache key; its ``repr`` is the same in every process (``keep`` sorted, not a set)."""
        c = self.config
        keep = tuple(sorted(str(k) for k in c.keep))
        return (self.path, keep, c.threshold, c.batch_size, self.trust_pickle)

    def get(self) -> JunkFilter:
        """The loaded filter: from this process's cache, else loaded now (once)."""
        jf = _CACHE.get(self.key)
        if jf is not None:
            return jf
        with _LOCK:  # threads of one worker (Dask) must not load the same model twice
            jf = _CACHE.get(self.key)
            if jf is None:
                import junkfilter

                jf = junkfilter.load(self.path, config=self.config, trust_pickle=self.trust_pickle)
                _CACHE[self.key] = jf
                _LOADS[self.key] = _LOADS.get(self.key, 0) + 1
        return jf

    # -- batch helpers shared by the adapters -----------------------------------------------------
    def clean_many(self, texts: Sequence[str | None]) -> list[str | None]:
        """Cleaned texts in order; ``None`` stays ``None``."""
        return [None if r is None else r[0] for r in self.results(texts)]

    def results(self, texts: Iterable[str | None]) -> Iterator[tuple[str, dict] | None]:
        """``(cleaned, stats)`` per text in order (``None`` for ``None``), batch by batch, on
        the array path (:meth:`JunkFilter.verdicts`, as ``junkfilter filter`` takes it)."""
        from junkfilter.runner import results_of

        it = iter(texts)
        while batch := list(islice(it, self.config.batch_size)):
            todo = [t for t in batch if isinstance(t, str)]
            results = iter(results_of(self.get().verdicts(todo)) if todo else ())
            for text in batch:
                if not isinstance(text, str):
                    yield None
                    continue
                result = next(results)
                yield result.cleaned, result.stats(text)


def _rebuild(path, keep, threshold, batch_size, trust_pickle, digest) -> LazyFilter:
    config = Config(keep=frozenset(keep), threshold=threshold, batch_size=batch_size)
    return LazyFilter(path, config, trust_pickle, digest)


def clean_records(
    lazy: LazyFilter,
    records: Iterable[dict],
    text_field: str = "text",
    output_field: str | None = None,
    stats: bool = False,
) -> Iterator[dict]:
    """Copies of ``records`` with the text cleaned into ``output_field`` (default: in place).

    Every other field is kept. A record whose text is missing or not a string passes through
    unchanged. With ``stats``, a ``"junkfilter"`` field holds the counts that
    ``junkfilter filter --stats`` writes.
    """
    out_field = output_field or text_field
    pending: list[dict] = []

    def flush() -> Iterator[dict]:
        texts = [r.get(text_field) for r in pending]
        for record, res in zip(pending, lazy.results(texts), strict=True):
            if res is None:
                yield record
                continue
            new = dict(record)
            new[out_field] = res[0]
            if stats:
                new["junkfilter"] = res[1]
            yield new
        pending.clear()

    for record in records:
        pending.append(record)
        if len(pending) >= lazy.config.batch_size:
            yield from flush()
    yield from flush()
