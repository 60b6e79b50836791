"""Where cleaned text goes: stdout, a mirrored folder, or the input file itself (atomically).

Files are written through :class:`AtomicFile`: a temporary file in the destination's folder,
flushed and fsynced, then renamed over the destination. An interrupted run (Ctrl-C, SIGTERM, a
crash) leaves the destination either untouched or fully written, never half-written. Output text
is UTF-8; characters that stood for undecodable input bytes (``surrogateescape``) are written
back as those bytes, so nothing is lost.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path


def to_bytes(text: str) -> bytes:
    """UTF-8 bytes; surrogate-escaped input bytes are restored, other lone surrogates kept."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


class AtomicFile:
    """A file written to a temporary name and renamed into place on :meth:`commit`."""

    def __init__(self, dest: str | Path, *, backup: str | None = None, gz: bool = False):
        self.dest = Path(dest)
        self.backup = backup
        self.dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{self.dest.name}.", suffix=".tmp", dir=self.dest.parent)
        self.tmp = Path(tmp)
        raw = os.fdopen(fd, "wb")
        self._raw = raw
        self._fh = gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) if gz else raw

    def write(self, text: str) -> None:
        self._fh.write(to_bytes(text))

    def commit(self) -> None:
        if self._fh is not self._raw:
            self._fh.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        if self.dest.exists():
            shutil.copymode(self.dest, self.tmp)
            if self.backup:
                shutil.copy2(self.dest, self.dest.with_name(self.dest.name + self.backup))
        os.replace(self.tmp, self.dest)

    def abort(self) -> None:
        for fh in (self._fh, self._raw):
            try:
                fh.close()
            except (OSError, ValueError):
                pass
        self.tmp.unlink(missing_ok=True)


class Stdout:
    """Standard output as a sink (bytes, so undecodable input bytes survive)."""

    def __init__(self) -> None:
        self._out = sys.stdout.buffer

    def write(self, text: str) -> None:
        self._out.write(to_bytes(text))

    def commit(self) -> None:
        self._out.flush()

    def abort(self) -> None:
        self._out.flush()


class JsonLines:
    """A JSON Lines file (gzipped when its name ends in ``.gz``), written atomically."""

    def __init__(self, path: str | Path) -> None:
        self._file = AtomicFile(path, gz=str(path).endswith(".gz"))

    def write(self, record: dict) -> None:
        self._file.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self._file.commit()

    def abort(self) -> None:
        self._file.abort()


def same_file(a: str | Path, b: str | Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
