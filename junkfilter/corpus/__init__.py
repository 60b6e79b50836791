"""Turn real labelled web pages into labelled paragraphs: render, segment, align, build."""

from junkfilter.corpus.align import Alignment, align, normalise, tokenize
from junkfilter.corpus.render import RENDERERS, render
from junkfilter.corpus.sources import SOURCES, Page, read_comments, read_source, split_of


def __getattr__(name: str):
    """``build_corpus`` is imported lazily so ``python -m junkfilter.corpus.build`` runs cleanly."""
    if name == "build_corpus":
        from junkfilter.corpus.build import build_corpus

        return build_corpus
    raise AttributeError(name)


__all__ = [
    "RENDERERS",
    "SOURCES",
    "Alignment",
    "Page",
    "align",
    "build_corpus",
    "normalise",
    "read_comments",
    "read_source",
    "render",
    "split_of",
    "tokenize",
]
