"""CRC-32 of many byte spans at once, in numpy: ``zlib.crc32`` of each span, without a Python
call (or a ``bytes`` object) per span.

The table-driven CRC is run one byte position at a time over all spans still that long (spans
sorted by length, so the active ones are a prefix); the few spans longer than :data:`LONG` bytes
go to ``zlib.crc32`` one by one. :mod:`junkfilter.features` hashes its text tokens with it.
"""

from __future__ import annotations

import zlib

import numpy as np

LONG = 40
"""Spans longer than this many bytes are hashed by ``zlib.crc32`` one at a time."""


def _crc_table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1)
    return table.astype(np.uint32)


TABLE = _crc_table()
_ONES = np.uint32(0xFFFFFFFF)


def crc32_spans(buf: bytes, starts: np.ndarray, lens: np.ndarray, init: int = 0) -> np.ndarray:
    """``[zlib.crc32(buf[s:s + n], init) for s, n in zip(starts, lens)]`` as a uint64 array."""
    n = len(starts)
    if not n:
        return np.zeros(0, dtype=np.uint64)
    data = np.frombuffer(buf, dtype=np.uint8)
    long = lens > LONG
    short = np.where(long, 0, lens).astype(np.uint8)
    order = np.argsort(LONG - short, kind="stable")  # longest first
    counts = np.searchsorted(short[order][::-1], np.arange(1, int(short.max(initial=0)) + 1))
    counts = n - counts  # spans longer than k, for k = 0, 1, ...
    pos = starts[order].astype(np.int64)
    state = np.full(n, np.uint32(init) ^ _ONES, dtype=np.uint32)
    for m in counts.tolist():
        s = state[:m]
        state[:m] = np.take(TABLE, (s ^ data[pos[:m]]) & 0xFF) ^ (s >> 8)  # take: 3x [ ]
        pos[:m] += 1
    out = np.empty(n, dtype=np.uint64)
    out[order] = state ^ _ONES
    for i in np.flatnonzero(long).tolist():
        s = int(starts[i])
        out[i] = zlib.crc32(buf[s : s + int(lens[i])], init)
    return out


def crc32_append(crcs: np.ndarray, byte: int) -> np.ndarray:
    """``zlib.crc32(bytes([byte]), c)`` for each ``c`` of ``crcs`` (uint64 in, uint64 out)."""
    state = crcs.astype(np.uint32) ^ _ONES
    state = np.take(TABLE, (state ^ np.uint32(byte)) & 0xFF) ^ (state >> 8)
    return (state ^ _ONES).astype(np.uint64)


def utf8_offsets(cp: np.ndarray, positions: np.ndarray) -> np.ndarray | None:
    """Byte offset in the UTF-8 encoding (``surrogatepass``) of ``cp`` at each of the (sorted)
    code point ``positions`` (``len(cp)`` allowed); None for ASCII (offsets equal positions).

    Only the few non-ASCII code points are looked at: an offset is the position plus the extra
    bytes of the wide characters before it.
    """
    if cp.dtype == np.uint8:
        return None
    wide = np.flatnonzero(cp >= 0x80)
    w = cp[wide]
    extra = 1 + (w >= 0x800).astype(np.int64) + (w >= 0x10000)
    before = np.r_[0, np.cumsum(extra)]
    return positions + before[np.searchsorted(wide, positions)]
