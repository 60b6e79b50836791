"""Reading what users point junkfilter at: files, folders, stdin, JSON Lines; bytes -> text.

Everything here yields either an :class:`Item` (a document to clean) or a :class:`Skip` (what
could not be read, with a one-line reason); nothing raises for bad input. Decoding:

1. a byte-order mark decides (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. else strict UTF-8;
3. else UTF-16/32 without BOM when the NUL-byte pattern says so;
4. else charset-normalizer's best guess from the first :data:`SNIFF_BYTES` bytes (cp1252,
   GB18030, Shift-JIS, ...), decoded with ``surrogateescape`` so no byte is lost;
5. else the input is binary and is skipped.

Large plain-text files are cut at blank lines into parts of about :data:`PART_CHARS` characters,
each classified on its own, so memory stays flat.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SNIFF_BYTES = 1 << 18
PART_CHARS = 8 << 20
MAX_CONTROL_RATIO = 0.05
TEXT_SUFFIXES_SKIPPED = {".gz", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".skops", ".npz"}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(slots=True)
class Item:
    """A document to clean. ``record`` is the JSON object for JSON Lines input."""

    doc: str
    text: str
    source: str = ""
    rel: str = ""
    record: dict | None = None
    part: int = 0
    offset: int = 0
    last_part: bool = True
    encoding: str = "utf-8"
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Skip:
    """Input that could not be processed, with the reason (one line)."""

    doc: str
    reason: str
    raw: str | None = None


class BinaryInput(ValueError):
    """The bytes are not text in any encoding junkfilter recognises."""


def _control_ratio(text: str) -> float:
    sample = text[:SNIFF_BYTES]
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if c < " " and c not in "\t\n\r\f\v\x1b")
    return bad / len(sample)


def _utf16_32_guess(data: bytes) -> str | None:
    head = data[:4096]
    if len(head) < 4 or head.count(0) < len(head) // 4:
        return None
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    if head[2::4].count(0) > len(head) // 5 and head[1::4].count(0) > len(head) // 5:
        return "utf-32-le" if head[3::4].count(0) > len(head) // 5 else "utf-32-be"
    if odd_nuls > 2 * even_nuls:
        return "utf-16-le"
    if even_nuls > 2 * odd_nuls:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding used). Raises :class:`BinaryInput` for binary data."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(enc, errors="surrogateescape" if enc == "utf-8" else "replace")
            return text, f"{enc} (BOM)"
    try:
        text, enc = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        guess = _utf16_32_guess(data)
        if guess:
            text, enc = data.decode(guess, errors="replace"), f"{guess} (detected)"
        else:
            text, enc = _sniffed(data)
    if _control_ratio(text) > MAX_CONTROL_RATIO:
        raise BinaryInput("binary data (control characters), not text")
    return text, enc


def _sniffed(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:SNIFF_BYTES]).best()
    if best is None:
        raise BinaryInput("binary data: no text encoding fits")
    enc = best.encoding
    return data.decode(enc, errors="surrogateescape"), f"{enc} (detected)"


def split_parts(text: str, part_chars: int = PART_CHARS) -> list[str]:
    """Cut a huge text at blank lines (or line ends) into parts near ``part_chars``."""
    if len(text) <= part_chars:
        return [text]
    parts, pos = [], 0
    while len(text) - pos > part_chars:
        cut = text.rfind("\n\n", pos + part_chars // 2, pos + part_chars)
        if cut < 0:
            cut = text.rfind("\n", pos + part_chars // 2, pos + part_chars)
        if cut < 0:
            cut = text.find("\n", pos + part_chars)
        if cut < 0:
            break
        parts.append(text[pos : cut + 1])
        pos = cut + 1
    parts.append(text[pos:])
    return parts


def read_text(path: Path | str, name: str) -> Iterator[Item | Skip]:
    """One plain-text file (or ``-`` for stdin) as one or more :class:`Item` parts."""
    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as fh:
                data = fh.read()
    except OSError as exc:
        yield Skip(name, f"cannot read: {exc.strerror or exc}")
        return
    try:
        text, enc = decode(data)
    except BinaryInput as exc:
        yield Skip(name, str(exc))
        return
    del data
    notes = [] if enc == "utf-8" else [f"decoded as {enc}"]
    parts = split_parts(text)
    del text
    offset = 0
    for i, part in enumerate(parts):
        yield Item(name, part, source=str(path), rel=name, part=i, offset=offset,
                   last_part=i == len(parts) - 1, encoding=enc, notes=notes)  # fmt: skip
        offset += len(part)


def _open_binary(path: Path | str):
    if str(path) == "-":
        return sys.stdin.buffer
    if str(path).endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def read_jsonl(path: Path | str, name: str, text_field: str = "text") -> Iterator[Item | Skip]:
    """Records of a JSON Lines file (gzip allowed; ``-`` for stdin), streamed line by line."""
    try:
        fh = _open_binary(path)
    except OSError as exc:
        yield Skip(name, f"cannot read: {exc.strerror or exc}")
        return
    try:
        lineno = 0
        for lineno, raw in enumerate(fh, 1):  # noqa: B007 - lineno used after the loop
            if raw.strip():  # blank lines carry no data
                yield _record(raw, name, lineno, str(path), text_field)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield Skip(f"{name}:{lineno + 1}", f"read error: {exc}")
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def _record(raw: bytes, rel: str, lineno: int, source: str, text_field: str) -> Item | Skip:
    doc = f"{rel}:{lineno}"
    try:
        record = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        msg = str(exc).splitlines()[0][:120]
        return Skip(doc, f"bad JSON: {msg}", raw=raw.decode("utf-8", "replace"))
    if not isinstance(record, dict):
        return Skip(doc, f"not a JSON object ({type(record).__name__})", raw=raw.decode("utf-8", "replace"))
    text = record.get(text_field)
    if not isinstance(text, str):
        what = "missing" if text_field not in record else f"not a string ({type(text).__name__})"
        return Skip(doc, f"field {text_field!r} {what}", raw=raw.decode("utf-8", "replace"))
    doc_id = record.get("id")
    name = f"{doc} ({doc_id})" if isinstance(doc_id, (str, int)) else doc
    return Item(name, text, source=source, rel=rel, record=record)


def is_jsonl(path: str) -> bool:
    return path.endswith((".jsonl", ".jsonl.gz", ".ndjson"))


def expand(paths: list[str]) -> Iterator[tuple[str, str, str] | Skip]:
    """Paths -> ``(path, name relative to its argument, root)``; folders are walked, sorted."""
    for raw in paths:
        if raw == "-":
            yield raw, "<stdin>", ""
            continue
        p = Path(raw)
        if p.is_dir():
            yield from _walk(p)
        elif p.exists() or p.is_symlink():
            yield raw, p.name, str(p.parent)
        else:
            yield Skip(raw, "no such file or directory")


def _walk(root: Path) -> Iterator[tuple[str, str, str] | Skip]:
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames.sort()
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for fn in sorted(filenames):
            if fn.startswith(".") or Path(fn).suffix.lower() in TEXT_SUFFIXES_SKIPPED:
                if not fn.endswith(".jsonl.gz"):
                    continue
            full = Path(dirpath) / fn
            yield str(full), str(full.relative_to(root)), str(root)
        yield from _drain(errors)
    yield from _drain(errors)


def _drain(errors: list[OSError]) -> Iterator[Skip]:
    while errors:
        err = errors.pop()
        yield Skip(str(err.filename), f"cannot list folder: {err.strerror or err}")
