"""Reading what users point junkfilter at: files, folders, stdin, JSON Lines.

Everything here yields either an :class:`Item` (a document to clean) or a :class:`Skip` (what
could not be read, with a one-line reason); nothing raises for bad input. Bytes become text as
:mod:`junkfilter.decoding` describes (encoding detection, lossless escapes, parts).

Regular files are read twice, in chunks: once to choose the encoding, once to decode, and their
text is cut into parts, each classified on its own, so memory does not grow with the file (only a
single line longer than a part is held whole). Offsets of parts are absolute character offsets in
the decoded text. Files ending in ``.gz`` are decompressed. Stdin and pipes are read whole (they
cannot be read twice); devices and sockets are refused.
"""

from __future__ import annotations

import codecs
import gzip
import json
import os
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from junkfilter.decoding import (
    ESCAPE,
    SNIFF_BYTES,
    BinaryInput,
    check_text,
    choose_encoding,
    decode,
    iter_parts,
    split_parts,
)

CHUNK_BYTES = 1 << 20
TEXT_SUFFIXES_SKIPPED = {".gz", ".zip", ".png", ".jpg", ".jpeg", ".gif", ".pdf", ".skops", ".npz"}
READ_ERRORS = (OSError, EOFError, zlib.error)
"""What reading a file can raise (gzip.BadGzipFile is an OSError)."""


@dataclass(slots=True)
class Item:
    """A document (or one part of a long one) to clean; ``record`` is its JSON Lines object."""

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
    plain_json: bool = False  # the record needed the standard library's parser (and writer)


@dataclass(slots=True)
class Skip:
    """Input that could not be processed, with the reason (one line).

    ``source`` is the file it came from; ``line`` the raw bytes of a JSON Lines line that could not
    be used (kept verbatim by ``--in-place``); ``whole`` says the whole file is unusable even if
    parts of it were already read; ``counted`` is False for blank JSON Lines lines, which are not
    reported (they carry no data) but are kept by ``--in-place``.
    """

    doc: str
    reason: str
    raw: str | None = None
    source: str = ""
    line: bytes | None = None
    whole: bool = False
    counted: bool = True


def _reason(exc: BaseException) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())[:200]


# -- plain text ----------------------------------------------------------------------------------
def _open(path: str):
    if path.endswith(".gz"):
        return gzip.open(path, "rb")
    return open(path, "rb")


def _chunks(path: str, skip: int = 0) -> Iterator[bytes]:
    with _open(path) as fh:
        if skip:
            fh.read(skip)
        while block := fh.read(CHUNK_BYTES):
            yield block


def _around(path: str):
    def around(pos: int) -> bytes:
        with _open(path) as fh:
            fh.seek(max(0, pos - SNIFF_BYTES // 2))
            return fh.read(SNIFF_BYTES)

    return around


def _file_kind(path: str) -> str:
    """``"file"``, ``"pipe"`` (read whole) or a reason to refuse the path."""
    mode = os.stat(path).st_mode
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISFIFO(mode):
        return "pipe"
    if stat.S_ISDIR(mode):
        return "is a directory"
    what = "socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        what = "device"
    return f"not a regular file ({what})"


def _stream_items(path: str, name: str) -> Iterator[Item | Skip]:
    with _open(path) as fh:
        head = fh.read(SNIFF_BYTES)
    enc, skip, note = choose_encoding(head, _chunks(path), _around(path))
    decoder = codecs.getincrementaldecoder(enc)(errors=ESCAPE)
    decoded = (decoder.decode(block) for block in _chunks(path, skip))
    first = next(decoded, "")
    check_text(first)
    yield from _items(iter_parts(_chain(first, decoded, decoder)), path, name, note)


def _chain(first: str, rest: Iterator[str], decoder) -> Iterator[str]:
    yield first
    yield from rest
    yield decoder.decode(b"", final=True)


def _items(parts: Iterator[str], path: str, name: str, note: str) -> Iterator[Item]:
    notes = [] if note == "utf-8" else [f"decoded as {note}"]
    offset, index = 0, 0
    part = next(parts)
    for following in parts:
        yield Item(name, part, source=path, rel=name, part=index, offset=offset, last_part=False,
                   encoding=note, notes=notes)  # fmt: skip
        offset += len(part)
        index += 1
        part = following
    yield Item(name, part, source=path, rel=name, part=index, offset=offset, encoding=note,
               notes=notes)  # fmt: skip


def _read_whole(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    with _open(path) as fh:
        return fh.read()


def read_text(path: Path | str, name: str) -> Iterator[Item | Skip]:
    """One plain-text file (``-`` for stdin; ``.gz`` decompressed) as one or more parts."""
    path = str(path)
    try:
        kind = "pipe" if path == "-" else _file_kind(path)
        if kind not in ("file", "pipe"):
            yield Skip(name, kind, source=path)
            return
        if kind == "file":
            yield from _stream_items(path, name)
            return
        text, note = decode(_read_whole(path))
        yield from _items(iter(split_parts(text)), path, name, note)
    except BinaryInput as exc:
        yield Skip(name, str(exc), source=path, whole=True)
    except READ_ERRORS as exc:
        yield Skip(name, f"cannot read: {_reason(exc)}", source=path, whole=True)


# -- JSON Lines ----------------------------------------------------------------------------------
def read_jsonl(path: Path | str, name: str, text_field: str = "text") -> Iterator[Item | Skip]:
    """Records of a JSON Lines file (gzip allowed; ``-`` for stdin), streamed line by line."""
    path = str(path)
    lineno = 0
    try:
        kind = "pipe" if path == "-" else _file_kind(path)
        if kind not in ("file", "pipe"):
            yield Skip(name, kind, source=path)
            return
        fh = sys.stdin.buffer if path == "-" else _open(path)
        try:
            for lineno, raw in enumerate(fh, 1):  # noqa: B007 - lineno used after the loop
                yield _record(raw, name, lineno, path, text_field)
        finally:
            if fh is not sys.stdin.buffer:
                fh.close()
    except READ_ERRORS as exc:
        where = f"{name}:{lineno + 1}" if lineno else name
        yield Skip(where, f"cannot read: {_reason(exc)}", source=path, whole=True)


def _record(raw: bytes, rel: str, lineno: int, source: str, text_field: str) -> Item | Skip:
    doc = f"{rel}:{lineno}"

    def skip(reason: str, counted: bool = True) -> Skip:
        return Skip(doc, reason, raw=raw.decode("utf-8", ESCAPE).rstrip("\r\n"), source=source,
                    line=raw, counted=counted)  # fmt: skip

    if not raw.strip():
        return skip("blank line", counted=False)
    plain = False
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError:  # NaN, integers beyond 64 bits, escaped lone surrogates ...
        plain = True
        try:
            record = json.loads(raw)
        except (ValueError, RecursionError) as exc:
            return skip(f"bad JSON: {_reason(exc)[:120]}")
    if not isinstance(record, dict):
        return skip(f"not a JSON object ({type(record).__name__})")
    text = record.get(text_field)
    if not isinstance(text, str):
        what = "missing" if text_field not in record else f"not a string ({type(text).__name__})"
        return skip(f"field {text_field!r} {what}")
    doc_id = record.get("id")
    name = f"{doc} ({doc_id})" if isinstance(doc_id, (str, int)) else doc
    return Item(name, text, source=source, rel=rel, record=record, plain_json=plain)


def is_jsonl(path: str) -> bool:
    return path.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz"))


# -- paths ---------------------------------------------------------------------------------------
def expand(paths: list[str], exclude: Iterable[str] = ()) -> Iterator[tuple[str, str, str] | Skip]:
    """Paths -> ``(path, name relative to its argument, root)``; folders are walked, sorted.

    A file named twice (or reached twice) is read once; folders in ``exclude`` (e.g. the output
    folder) are not walked.
    """
    seen: set[str] = set()
    skipped = {os.path.realpath(p) for p in exclude}
    for raw in paths:
        if raw == "-":
            yield raw, "<stdin>", ""
            continue
        p = Path(raw)
        if p.is_dir():
            found = _walk(p, skipped)
        elif p.exists() or p.is_symlink():
            found = iter([(raw, p.name, str(p.parent))])
        else:
            yield Skip(raw, "no such file or directory", source=raw)
            continue
        for entry in found:
            if not isinstance(entry, Skip):
                real = os.path.realpath(entry[0])
                if real in seen:
                    continue
                seen.add(real)
            yield entry


def _wanted(name: str) -> bool:
    if name.startswith("."):
        return False
    lower = name.lower()
    if lower.endswith((".jsonl.gz", ".ndjson.gz", ".txt.gz")):
        return True
    return Path(lower).suffix not in TEXT_SUFFIXES_SKIPPED


def _walk(root: Path, exclude: set[str]) -> Iterator[tuple[str, str, str] | Skip]:
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=errors.append):
        dirnames.sort()
        dirnames[:] = [
            d for d in dirnames
            if not d.startswith(".") and os.path.realpath(os.path.join(dirpath, d)) not in exclude
        ]  # fmt: skip
        for fn in sorted(filenames):
            if _wanted(fn):
                full = Path(dirpath) / fn
                yield _found(str(full), str(full.relative_to(root)), str(root))
        yield from _drain(errors)
    yield from _drain(errors)


def _found(path: str, rel: str, root: str) -> tuple[str, str, str] | Skip:
    """A file met in a folder walk; pipes there are not read (they could block forever)."""
    try:
        kind = _file_kind(path)
    except OSError:
        kind = "file"  # reading it will say what is wrong
    if kind == "pipe":
        reason = "not a regular file (pipe); name it as an argument to read it"
        return Skip(rel, reason, source=path)
    return path, rel, root


def _drain(errors: list[OSError]) -> Iterator[Skip]:
    while errors:
        err = errors.pop()
        where = str(err.filename)
        yield Skip(where, f"cannot list folder: {_reason(err)}", source=where)


def iter_inputs(
    paths: list[str], jsonl: bool | None, text_field: str, exclude: Iterable[str] = ()
) -> Iterator[Item | Skip]:
    """Every item (or skip) of the given paths, in order."""
    for entry in expand(paths, exclude):
        if isinstance(entry, Skip):
            yield entry
            continue
        path, name, _root = entry
        if is_jsonl(path) if jsonl is None else jsonl:
            yield from read_jsonl(path, name, text_field)
        else:
            yield from read_text(path, name)
