"""Where cleaned text goes: stdout, a mirrored folder, or the input file itself (atomically).

Files are written through :class:`AtomicFile`: a temporary file in the destination's folder,
flushed and fsynced, then renamed over the destination (and the folder fsynced). An interrupted
run (Ctrl-C, SIGTERM, a crash) leaves the destination either untouched or fully written, never
half-written; a backup (``--backup``) is a hard link to the original made before the rename (a copy
where links are impossible), itself put in place by a rename. Output text is UTF-8; characters
that stood for undecodable input bytes (lone surrogates U+DC80..U+DCFF) are written back as those
bytes, so nothing is lost.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

import orjson


def to_bytes(text: str) -> bytes:
    """UTF-8 bytes; surrogate-escaped input bytes are restored, other lone surrogates kept."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


def json_line(record: dict, plain: bool = False) -> str:
    """One compact JSON Lines line; always valid UTF-8 (lone surrogates are written as
    ``\\udcXX``).

    orjson writes it (3x faster than the standard library) unless ``plain`` (a record read by
    the standard library's parser: it may hold NaN, which orjson would write as ``null``) or
    orjson refuses the record (lone surrogates, integers beyond 64 bits).
    """
    if not plain:
        try:
            return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError
            pass
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(record, separators=(",", ":"))
    return line + "\n"


def one_line(text: str) -> str:
    """``text`` safe for a one-line message: control characters and surrogates escaped."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


_CRITICAL = {"depth": 0, "pending": False}


@contextlib.contextmanager
def deferred_signals():
    """Hold an interruption (see :func:`interrupt`) until the block is done, then raise it.

    Used around creating, committing and aborting files, so that Ctrl-C or SIGTERM never leaves
    a temporary file behind or a destination half-replaced.
    """
    _CRITICAL["depth"] += 1
    try:
        yield
    finally:
        _CRITICAL["depth"] -= 1
        if not _CRITICAL["depth"] and _CRITICAL["pending"]:
            _CRITICAL["pending"] = False
            raise KeyboardInterrupt


def interrupt(signum, frame) -> None:
    """Signal handler for Ctrl-C and SIGTERM: the first one unwinds the run (outside critical
    blocks), later ones are ignored so the clean-up finishes."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _CRITICAL["depth"]:
        _CRITICAL["pending"] = True
        return
    raise KeyboardInterrupt


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temp_in(folder: Path, name: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    return Path(tmp)


def make_backup(src: Path, backup: Path) -> None:
    """Put a copy of ``src`` at ``backup`` atomically: hard link if possible, else copy."""
    tmp = _temp_in(backup.parent, backup.name)
    try:
        tmp.unlink()
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copy2(src, tmp)
        os.replace(tmp, backup)
    finally:
        tmp.unlink(missing_ok=True)


class AtomicFile:
    """A file written to a temporary name and renamed into place on :meth:`commit`.

    A symbolic link as destination is followed: its target is rewritten, the link stays.
    """

    def __init__(self, dest: str | Path, *, backup: str | None = None, gz: bool = False):
        self.tmp: Path | None = None
        try:
            with deferred_signals():
                self._open(dest, backup, gz)
        except BaseException:
            if self.tmp is not None:
                self.tmp.unlink(missing_ok=True)
            raise

    def _open(self, dest: str | Path, backup: str | None, gz: bool) -> None:
        self.dest = Path(os.path.realpath(dest)) if os.path.islink(dest) else Path(dest)
        self.backup = backup
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        if self.dest.is_dir():
            raise IsADirectoryError(f"{self.dest} is a folder")
        self.tmp = _temp_in(self.dest.parent, self.dest.name)
        raw = open(self.tmp, "wb")  # noqa: SIM115 - closed by commit/abort
        self._raw = raw
        self._fh = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if gz else raw

    def write(self, text: str) -> None:
        self._fh.write(to_bytes(text))

    def write_bytes(self, data: bytes) -> None:
        self._fh.write(data)

    def commit(self) -> None:
        with deferred_signals():
            self._commit()

    def _commit(self) -> None:
        if self._fh is not self._raw:
            self._fh.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        if not self.dest.exists():
            os.chmod(self.tmp, 0o666 & ~_umask())
        else:
            shutil.copymode(self.dest, self.tmp)
            if self.backup:
                make_backup(self.dest, self.dest.with_name(self.dest.name + self.backup))
        os.replace(self.tmp, self.dest)
        _fsync_dir(self.dest.parent)

    def abort(self) -> None:
        with deferred_signals():
            for fh in (self._fh, self._raw):
                with contextlib.suppress(OSError, ValueError):
                    fh.close()
            self.tmp.unlink(missing_ok=True)


class Stdout:
    """Standard output as a sink (bytes, so undecodable input bytes survive)."""

    def __init__(self) -> None:
        self._out = sys.stdout.buffer

    def write(self, text: str) -> None:
        self._out.write(to_bytes(text))

    def write_bytes(self, data: bytes) -> None:
        self._out.write(data)

    def commit(self) -> None:
        self._out.flush()

    def abort(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._out.flush()


class JsonLines:
    """A JSON Lines file (gzipped when its name ends in ``.gz``), written atomically."""

    def __init__(self, path: str | Path) -> None:
        self._file = AtomicFile(path, gz=str(path).endswith(".gz"))

    def write(self, record: dict) -> None:
        self._file.write(json_line(record))

    def close(self) -> None:
        self._file.commit()

    def abort(self) -> None:
        self._file.abort()


def same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
