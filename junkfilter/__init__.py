"""junkfilter: keep the article prose of scraped web text; drop comments, spam, bios, boilerplate.

>>> import junkfilter
>>> jf = junkfilter.load()                       # the shipped model, loaded once
>>> jf.clean(text)                               # kept prose
>>> jf.classify(text)                            # paragraphs with label, probability, keep
>>> for cleaned in jf.pipe(texts, batch_size=64): ...
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from junkfilter.config import Config
from junkfilter.labels import DEFAULT_KEEP, DESCRIPTIONS, LABELS, Label
from junkfilter.paragraph import Paragraph

if TYPE_CHECKING:
    from junkfilter.clean import JunkFilter

__version__ = "0.1.0"
__all__ = [
    "DEFAULT_KEEP", "DESCRIPTIONS", "LABELS", "Config", "Label", "Paragraph", "__version__", "load",
]  # fmt: skip


def load(
    path=None, *, config: Config | None = None, keep=None, threshold=None, trust_pickle=False
) -> JunkFilter:
    """Load a model (default: the shipped one) into a ready :class:`~junkfilter.clean.JunkFilter`.

    ``keep`` and ``threshold`` override fields of ``config``. Pickle/joblib files are refused
    unless ``trust_pickle=True``: loading them can run code on your machine.
    """
    from junkfilter.clean import JunkFilter
    from junkfilter.persist import load_model

    config = (config or Config()).with_(keep=keep, threshold=threshold)
    stack, card = load_model(path, trust_pickle=trust_pickle)
    return JunkFilter(model=stack, config=config, card=card)
