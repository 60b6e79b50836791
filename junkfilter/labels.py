"""The label taxonomy: what a paragraph of scraped article text can be."""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from enum import StrEnum
else:  # pragma: no cover - Python 3.10
    from enum import Enum

    class StrEnum(str, Enum):
        def __str__(self) -> str:
            return str(self.value)


class Label(StrEnum):
    """What a paragraph is. Compare with plain strings: ``p.label == "content"``."""

    CONTENT = "content"
    TITLE = "title"
    METADATA = "metadata"
    COMMENT = "comment"
    SPAM = "spam"
    BIO = "bio"
    BOILERPLATE = "boilerplate"


LABELS: tuple[Label, ...] = tuple(Label)
"""Every label, in a fixed order (the model's class order)."""

DEFAULT_KEEP: frozenset[Label] = frozenset({Label.CONTENT, Label.TITLE})
"""Labels kept by default: the article's prose and headline."""

DESCRIPTIONS: dict[Label, str] = {
    Label.CONTENT: "Article body: paragraphs, in-body sub-headings, lists, block quotes.",
    Label.TITLE: "The article's headline.",
    Label.METADATA: "Front matter, bylines, datelines, tags, captions and credits, "
    '"Edited by", "Original Page".',
    Label.COMMENT: 'Reader comments and their name, timestamp and "Reply" lines.',
    Label.SPAM: "Promotional or link spam anywhere: pharma keyword strings, bare shop links.",
    Label.BIO: 'Author bio boxes: "About NAME", "NAME 316 Articles", "NAME is a reporter at X".',
    Label.BOILERPLATE: "Comment forms, share/subscribe blocks, related posts, cookie notices, "
    "menus, breadcrumbs, footers, ads.",
}
"""One line per label, shown by ``junkfilter labels`` and the README."""


def parse_labels(spec: str | list[str] | frozenset | set | tuple) -> frozenset[Label]:
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    out = set()
    for item in items:
        name = str(item).strip().lower()
        if not name:
            continue
        try:
            out.add(Label(name))
        except ValueError:
            known = ", ".join(LABELS)
            raise ValueError(f"unknown label {item!r}; known labels: {known}") from None
    if not out:
        raise ValueError("no labels given")
    return frozenset(out)
