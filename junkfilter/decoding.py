"""Bytes -> text for junkfilter's inputs: choosing an encoding, decoding losslessly, parts.

Encoding choice (:func:`choose_encoding`):

1. a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. else UTF-16/32 without BOM when the NUL-byte pattern of the first 4 KB says so;
3. else strict UTF-8 (checked over the whole input, streaming);
4. else charset-normalizer's best guess from :data:`SNIFF_BYTES` bytes around the first byte that
   is not UTF-8 (cp1252, GB18030, Shift-JIS, ...);
5. else, or when the decoded text is mostly control characters, the input is binary.

Bytes the chosen encoding cannot decode become lone surrogates U+DC80..U+DCFF (the
:data:`ESCAPE` error handler, like ``surrogateescape`` but never failing), which
:func:`junkfilter.outputs.to_bytes` turns back into the same bytes: no byte is lost.

Long texts are cut at blank lines (else line ends) into parts of at most about
:data:`PART_CHARS` characters and :data:`PART_LINES` lines (:func:`iter_parts`), in time linear
in the text; ``"".join(parts)`` is the text.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Callable, Iterable, Iterator

SNIFF_BYTES = 1 << 18
PART_CHARS = int(os.environ.get("JUNKFILTER_PART_CHARS", 8 << 20))
PART_LINES = int(os.environ.get("JUNKFILTER_PART_LINES", 50_000))
MAX_CONTROL_RATIO = 0.05
ESCAPE = "junkfilter-escape"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class BinaryInput(ValueError):
    """The bytes are not text in any encoding junkfilter recognises."""


def _escape(exc: UnicodeError) -> tuple[str, int]:
    """Undecodable bytes -> lone surrogates U+DC80..U+DCFF (ASCII bytes stay themselves)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return "".join(chr(0xDC00 + b) if b >= 0x80 else chr(b) for b in bad), exc.end


codecs.register_error(ESCAPE, _escape)


def control_ratio(text: str) -> float:
    """Share of control characters (other than whitespace and ESC) in the first part of text."""
    sample = text[:SNIFF_BYTES]
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if c < " " and c not in "\t\n\r\f\v\x1b")
    return bad / len(sample)


def check_text(sample: str) -> None:
    """Raise :class:`BinaryInput` when decoded text is mostly control characters."""
    if control_ratio(sample) > MAX_CONTROL_RATIO:
        raise BinaryInput("binary data (control characters), not text")


def utf16_32_guess(data: bytes) -> str | None:
    """UTF-16/32 (LE/BE) when the NUL bytes of the first 4 KB fall in the matching pattern."""
    head = data[:4096]
    head = head[: len(head) - len(head) % 4]
    if len(head) < 4 or head.count(0) < len(head) // 4:
        return None
    fifth = len(head) // 5
    if head[1::4].count(0) > fifth and head[2::4].count(0) > fifth:
        if head[3::4].count(0) > fifth:
            return "utf-32-le"
        if head[0::4].count(0) > fifth:
            return "utf-32-be"
    even_nuls, odd_nuls = head[0::2].count(0), head[1::2].count(0)
    if odd_nuls > 2 * even_nuls:
        return "utf-16-le"
    if even_nuls > 2 * odd_nuls:
        return "utf-16-be"
    return None


def first_invalid_utf8(chunks: Iterable[bytes]) -> int | None:
    """Byte offset of the first invalid UTF-8 byte of the stream, or None if it is all UTF-8."""
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    pos = 0
    try:
        for chunk in chunks:
            try:
                dec.decode(chunk)
            except UnicodeDecodeError as exc:
                return pos + max(exc.start, 0)
            pos += len(chunk)
        dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return pos
    return None


_PREFERRED = ("cp1252", "iso8859_15", "latin_1")
"""On a tie, the encodings of most Western web pages win (cp1250 and cp1252 often tie)."""


def _sniff(sample: bytes) -> str:
    from charset_normalizer import from_bytes

    results = from_bytes(sample)
    best = results.best()
    if best is None:
        raise BinaryInput("binary data: no text encoding fits")
    ties = {
        m.encoding
        for m in results
        if (m.percent_chaos, m.percent_coherence) == (best.percent_chaos, best.percent_coherence)
    }
    return next((enc for enc in _PREFERRED if enc in ties), best.encoding)


def _mostly_utf8(sample: bytes) -> bool:
    """True when valid multi-byte UTF-8 outnumbers the invalid bytes: UTF-8 with some damage."""
    text = sample.decode("utf-8", "surrogateescape")
    escaped = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    return sum(1 for c in text if c > "\x7f") - escaped >= escaped


def choose_encoding(
    head: bytes, chunks: Iterable[bytes], around: Callable[[int], bytes]
) -> tuple[str, int, str]:
    """``(codec, BOM length, note)`` for a stream whose first bytes are ``head``.

    ``chunks`` iterates over the whole stream (for the UTF-8 check); ``around(pos)`` returns up to
    :data:`SNIFF_BYTES` bytes near byte ``pos``, for charset-normalizer.
    """
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc, len(bom), f"{enc} (BOM)"
    guess = utf16_32_guess(head) if 0 in head[:4096] else None
    if guess:
        return guess, 0, f"{guess} (detected, no BOM)"
    bad = first_invalid_utf8(chunks)
    if bad is None:
        return "utf-8", 0, "utf-8"
    sample = around(bad)
    try:
        enc = "utf-8" if _mostly_utf8(sample) else _sniff(sample)
    except BinaryInput:  # no encoding fits: keep the bytes; mostly-control input is refused later
        enc = "utf-8"
    if codecs.lookup(enc).name in ("utf-8", "ascii"):
        return "utf-8", 0, "utf-8 (undecodable bytes kept as they are)"
    return enc, 0, f"{enc} (detected)"


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding note). Raises :class:`BinaryInput` for binary data."""

    def around(pos: int) -> bytes:
        return data[max(0, pos - SNIFF_BYTES // 2) : pos + SNIFF_BYTES // 2]

    enc, skip, note = choose_encoding(data[:SNIFF_BYTES], [data], around)
    text = data[skip:].decode(enc, errors=ESCAPE)
    check_text(text)
    return text, note


# -- parts ---------------------------------------------------------------------------------------
def _line_limit(text: str, lines: int) -> int:
    """Index just past the ``lines``-th newline of ``text`` (len(text) if there are fewer)."""
    pos = -1
    for _ in range(lines):
        pos = text.find("\n", pos + 1)
        if pos < 0:
            return len(text)
    return pos + 1


def _over(text: str, part_chars: int, part_lines: int) -> bool:
    return len(text) > part_chars or text.count("\n", 0, part_chars + 1) > part_lines


def _find_cut(text: str, part_chars: int, part_lines: int) -> int:
    """Where the first part of ``text`` ends (just after a line break), or -1 if nowhere."""
    limit = min(len(text), part_chars, _line_limit(text, part_lines))
    for nl in ("\n", "\r"):
        for sep in (nl + nl, nl):
            cut = text.rfind(sep, limit // 2, limit)
            if cut >= 0:
                return cut + 1
        cut = text.find(nl, limit)
        if cut < 0:
            cut = text.rfind(nl, 0, limit)
        if cut >= 0:
            return cut + 1
    return -1


def _cut_all(buf: str, part_chars: int, part_lines: int) -> tuple[list[str], str, bool]:
    """Cut parts off ``buf`` while it is too long: (parts, rest, whether no cut was possible)."""
    parts: list[str] = []
    while _over(buf, part_chars, part_lines):
        cut = _find_cut(buf, part_chars, part_lines)
        if cut < 0:
            return parts, buf, True
        parts.append(buf[:cut])
        buf = buf[cut:]
    return parts, buf, False


def iter_parts(
    chunks: Iterable[str], part_chars: int | None = None, part_lines: int | None = None
) -> Iterator[str]:
    """Join decoded chunks and cut them into parts: at least one part (maybe empty)."""
    part_chars = part_chars or PART_CHARS
    part_lines = part_lines or PART_LINES
    pending: list[str] = []
    size = lines = 0
    stuck = False
    for chunk in chunks:
        pending.append(chunk)
        size += len(chunk)
        lines += chunk.count("\n")
        if size <= part_chars and lines <= part_lines:
            continue
        if stuck and "\n" not in chunk and "\r" not in chunk:
            continue  # one long line: collect its chunks without joining them again
        parts, buf, stuck = _cut_all("".join(pending), part_chars, part_lines)
        yield from parts
        pending, size, lines = [buf], len(buf), buf.count("\n")
    parts, buf, _ = _cut_all("".join(pending), part_chars, part_lines)
    yield from parts
    yield buf


def split_parts(
    text: str, part_chars: int | None = None, part_lines: int | None = None
) -> list[str]:
    """Cut a long text at blank lines (or line ends) into parts; ``"".join(parts) == text``."""
    return list(iter_parts([text], part_chars, part_lines))
