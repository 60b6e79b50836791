"""The numpy CRC-32 of many spans equals ``zlib.crc32`` of each span."""

import zlib

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from junkfilter.fasthash import LONG, crc32_append, crc32_spans, utf8_offsets


def _spans(buf: bytes, cuts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    cuts = sorted(min(c, len(buf)) for c in cuts)
    starts = np.array(cuts[0::2], dtype=np.int64)
    ends = np.array(cuts[1::2] + [len(buf)] * (len(cuts) % 2), dtype=np.int64)
    return starts, ends - starts


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=300), st.lists(st.integers(0, 300), max_size=40), st.integers(0, 2**32 - 1)
)
def test_spans_equal_zlib(buf, cuts, init):
    starts, lens = _spans(buf, cuts)
    got = crc32_spans(buf, starts, lens, init)
    want = [zlib.crc32(buf[s : s + n], init) for s, n in zip(starts.tolist(), lens.tolist())]
    assert got.dtype == np.uint64
    assert got.tolist() == want


def test_long_and_empty_spans():
    buf = bytes(range(256)) * 4
    starts = np.array([0, 5, 7, 100, 0], dtype=np.int64)
    lens = np.array([LONG + 1, 0, LONG, 700, len(buf)], dtype=np.int64)
    want = [zlib.crc32(buf[s : s + n]) for s, n in zip(starts.tolist(), lens.tolist())]
    assert crc32_spans(buf, starts, lens).tolist() == want
    assert crc32_spans(buf, starts[:0], lens[:0]).tolist() == []


def test_append_one_byte():
    crcs = np.array([zlib.crc32(w) for w in (b"", b"word", b"\xc3\xa9t\xc3\xa9")], dtype=np.uint64)
    got = crc32_append(crcs, ord("$"))
    assert got.tolist() == [zlib.crc32(w + b"$") for w in (b"", b"word", b"\xc3\xa9t\xc3\xa9")]


def test_utf8_offsets():
    text = "aé€😀\udc80b"
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    want = [len(text[:i].encode("utf-8", "surrogatepass")) for i in range(len(text) + 1)]
    everywhere = np.arange(len(text) + 1)
    assert utf8_offsets(cp, everywhere).tolist() == want
    assert utf8_offsets(cp, everywhere[::3]).tolist() == want[::3]
    assert utf8_offsets(np.frombuffer(b"abc", dtype=np.uint8), everywhere[:4]) is None
