"""One configuration object for classification and cleaning, with documented defaults."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from junkfilter.labels import DEFAULT_KEEP, Label, parse_labels


@dataclass(frozen=True, slots=True)
class Config:
    """How junkfilter decides what to keep.

    Attributes
    ----------
    keep:
        Labels whose paragraphs are kept (default: ``content`` and ``title``).
    threshold:
        A paragraph is kept when the model's probability that it belongs to one of the ``keep``
        labels is at least this. Lower keeps more (higher recall of prose), higher keeps less.
    batch_size:
        Documents scored together by :meth:`JunkFilter.pipe` (larger batches vectorise better).
    """

    keep: frozenset[Label] = field(default=DEFAULT_KEEP)
    threshold: float = 0.5
    batch_size: int = 64

    def __post_init__(self) -> None:
        if not isinstance(self.keep, frozenset) or not all(isinstance(k, Label) for k in self.keep):
            object.__setattr__(self, "keep", parse_labels(self.keep))
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self.threshold}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")

    def with_(self, **changes) -> Config:
        """A copy with some fields changed; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
