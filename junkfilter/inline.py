"""Inline junk: tracking tags inside article sentences, which no paragraph verdict can drop.

Syndicated news carries link tags in the middle of its prose ("Sprint Nextel (News - Alert)
announced today ..."): the paragraph is article text and is kept, the tag is metadata. After the
paragraph verdicts, kept text loses the tags of :data:`TAGS` (with the space before them); each
removal is a drop with reason ``inline`` (label ``metadata``) in counters and ``--rejected``.

The list is short on purpose: only tags seen in the corpora and documented here, whose removal
never takes a word of the sentence with it. ``Config(inline=False)`` keeps them.
"""

from __future__ import annotations

import re

CUE = "Alert)"
"""A substring every tag holds: texts without it are passed through untouched (a C-speed scan)."""

TAGS = re.compile(r" ?\((?:News|Quote|Stock) ?- ?Alert\)")
"""TMCnet's link tags after company names ("Verizon (News - Alert) Wireless"), seen on L3S-GN1
pages of several sites that syndicate its stories."""

REASON = "inline"
"""The drop reason of a removed tag."""


def remove(text: str) -> str:
    """``text`` without its inline tags."""
    return TAGS.sub("", text) if CUE in text else text


def spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` offsets of the inline tags in ``text`` (the space before included)."""
    return [m.span() for m in TAGS.finditer(text)] if CUE in text else []


def count(text: str) -> int:
    """The number of inline tags in ``text``."""
    return len(spans(text))
