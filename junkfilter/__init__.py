"""junkfilter: keep the article prose of scraped web text, drop comments, spam, bios and boilerplate."""

from junkfilter.labels import DEFAULT_KEEP, LABELS, Label
from junkfilter.paragraph import Paragraph

__version__ = "0.1.0"
__all__ = ["DEFAULT_KEEP", "LABELS", "Label", "Paragraph", "__version__"]
