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
    rescue:
        A document in which no paragraph reaches ``threshold`` is not emptied: its paragraphs
        whose probability is at least ``rescue`` times the document's best are kept instead
        (the model is sure the page has junk but not that it has no article; short posts and
        pages with an unusual layout are the usual victims). ``0`` turns this off, so such
        documents come out empty. On the validation pages it lifts shingle F1 by about 0.01.
    headline:
        A document's most likely headline -- its paragraph with the highest P(title) -- is kept
        when P(title) is at least this, even below ``threshold`` (only while ``title`` is a kept
        label). A page has one headline, and the model is more often unsure *which* line it is
        (the headline, or a related story's title in the menu above it) than whether there is
        one: on the validation pages, titles are a sixth of the article characters it drops.
        ``1`` turns this off. Validation shingle F1 +0.0007 (blocks) and +0.0009 (inscriptis) on
        two seeds and on both halves of the pages; html2text unchanged.
    shortcut:
        Stage 2 (the context networks, a fifth of the run time) is skipped for a paragraph that
        stage 1 gives its label with at least this probability while the three paragraphs on
        each side, all in its document, get the same label at 0.99 or more
        (:func:`junkfilter.model.sure_rows`): half the paragraphs of a typical page, at no
        measured cost in F1 (validation pages: within 0.0006 on every renderer). ``1`` runs
        stage 2 on every paragraph, as training and ``evaluate`` of a fitted estimator do.
    inline:
        Remove inline tags such as "(News - Alert)" from kept paragraphs (:mod:`junkfilter.inline`;
        counted as drops with reason ``inline``).
    batch_size:
        Documents scored together by :meth:`JunkFilter.pipe` (larger batches vectorise better).
    """

    keep: frozenset[Label] = field(default=DEFAULT_KEEP)
    threshold: float = 0.5
    rescue: float = 0.5
    headline: float = 0.2
    shortcut: float = 0.999
    inline: bool = True
    batch_size: int = 64

    def __post_init__(self) -> None:
        if not isinstance(self.keep, frozenset) or not all(isinstance(k, Label) for k in self.keep):
            object.__setattr__(self, "keep", parse_labels(self.keep))
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {self.threshold}")
        if not 0.0 <= self.rescue <= 1.0:
            raise ValueError(f"rescue must be between 0 and 1, got {self.rescue}")
        if not 0.0 <= self.headline <= 1.0:
            raise ValueError(f"headline must be between 0 and 1, got {self.headline}")
        if not 0.0 <= self.shortcut <= 1.0:
            raise ValueError(f"shortcut must be between 0 and 1, got {self.shortcut}")
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be at least 1, got {self.batch_size}")

    def with_(self, **changes) -> Config:
        """A copy with some fields changed; ``None`` values are ignored."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})
