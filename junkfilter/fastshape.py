"""Shape features of a whole batch of paragraphs at once (the fast path of :meth:`Paragraph.shape`).

:func:`shape_matrix` returns, row for row and value for value, ``[p.shape() for p in paragraphs]``
(``tests/test_features.py`` checks it against a frozen copy of the per-paragraph code). Instead of
~20 Python-level operations per paragraph it works on the heads of all paragraphs joined with
:data:`SEP`:

* characters are classified once per distinct code point (with the very ``str`` methods and
  regular expressions of :mod:`junkfilter.paragraph`) into bit flags, and per-paragraph counts are
  segment sums of those flags, several 10-bit counters packed into one integer;
* each pattern runs once over the joined heads of the paragraphs that can match it at all (a
  cheap necessary condition on characters picks them); :data:`SEP` starts and ends with a line
  break and holds a NUL, so no pattern can match across it (``\\S`` and ``\\w`` stop at the line
  break, ``\\s`` at the NUL), and ``\\b`` sees the same non-word boundary as at a string end.
"""

from __future__ import annotations

import math
import re

import numpy as np

from junkfilter import paragraph as para

SEP = "\n\x00\n"
_W, _D, _S = re.compile(r"\w"), re.compile(r"\d"), re.compile(r"\s")
ALPHA, UPPER, DIGIT, ALNUM, SPACE, WORD, DEC, SENT, SEPC, NL, RSPACE, BULLET = (
    1 << k for k in range(12)
)
WSTART, CAPSTART, TERM, UNKNOWN = 1 << 12, 1 << 13, 1 << 14, 1 << 15
_BULLET_FIRST = "-*+•·▪►»>|#"
_FIELDS = ((ALPHA, UPPER, DIGIT, ALNUM, SPACE, WORD), (WSTART, CAPSTART, SENT, SEPC, NL))


def _flags_of(c: str) -> int:
    """The flag bits of one character, from the same predicates the paragraph code uses."""
    tests = (
        c.isalpha(), c.isupper(), c.isdigit(), c.isalnum(), c.isspace(), _W.match(c),
        _D.match(c), c in ".!?。！？", c in para._SEPARATORS, c == "\n", _S.match(c),
        c in _BULLET_FIRST or _D.match(c),
    )  # fmt: skip
    bits = sum(1 << k for k, t in enumerate(tests) if t)
    return bits | (TERM if c in para._TERMINAL else 0)


_TABLE = np.full(0x110000, UNKNOWN, dtype=np.uint16)
_TABLE[:128] = [_flags_of(chr(i)) for i in range(128)]
_ASCII = _TABLE[:128].copy()


def _packer(fields: tuple[int, ...]) -> np.ndarray:
    f = np.arange(1 << 16, dtype=np.int64)
    return sum((((f & bit) != 0).astype(np.int64) << (10 * k) for k, bit in enumerate(fields)))


_PACK = [_packer(fields) for fields in _FIELDS]


def codepoints(text: str) -> np.ndarray:
    """The code points of ``text`` (uint8 for ASCII text, else uint32)."""
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def char_flags(cp: np.ndarray) -> np.ndarray:
    """Flag bits of each code point; code points not seen before are classified first."""
    if cp.dtype == np.uint8:
        return _ASCII[cp]
    f = _TABLE[cp]
    unknown = f >= UNKNOWN
    if unknown.any():
        for c in np.unique(cp[unknown]).tolist():
            _TABLE[c] = _flags_of(chr(c))
        f = _TABLE[cp]
    return f


def _log1p(values: np.ndarray) -> np.ndarray:
    """``math.log1p`` of integer values (exactly as the per-paragraph code computes it)."""
    uniq, inv = np.unique(values, return_inverse=True)
    return np.array([math.log1p(v) for v in uniq.tolist()], dtype=np.float64)[inv.ravel()]


def _ratio(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    return np.where(whole > 0, part / np.maximum(whole, 1), 0.0)


def _owner(pos, starts: np.ndarray) -> np.ndarray:
    """Index of the head (by start offset) each joined-string position lies in."""
    return np.searchsorted(starts, pos, side="right") - 1


def _any_at(mask: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Per head: does ``mask`` hold anywhere in it (or in the separator after it)?"""
    out = np.zeros(n, dtype=bool)
    out[_owner(np.flatnonzero(mask), starts)] = True
    return out


class _StopMemo(dict):
    """word -> is ``word.lower()`` a stopword, filled on first sight (bounded)."""

    def __missing__(self, word: str) -> bool:
        if len(self) > 1 << 20:
            self.clear()
        is_stop = self[word] = word.lower() in para.stopwords()
        return is_stop


_STOP_MEMO = _StopMemo()


def _stop_flags(words: list[str]) -> np.ndarray:
    """1 where ``word.lower()`` is a stopword."""
    return np.fromiter(map(_STOP_MEMO.__getitem__, words), dtype=np.bool_, count=len(words))


def _hits(pattern: re.Pattern, cand: np.ndarray, heads: list[str]) -> np.ndarray:
    """Per head: the number of non-overlapping matches of ``pattern`` (only ``cand`` heads run)."""
    out = np.zeros(len(cand), dtype=np.int64)
    idx = np.flatnonzero(cand)
    if not len(idx):
        return out
    sub = [heads[i] for i in idx.tolist()]
    lens = np.fromiter(map(len, sub), dtype=np.int64, count=len(sub))
    starts = np.zeros(len(sub), dtype=np.int64)
    starts[1:] = np.cumsum(lens + len(SEP))[:-1]
    pos = [m.start() for m in pattern.finditer(SEP.join(sub))]
    if pos:
        np.add.at(out, idx[_owner(pos, starts)], 1)
    return out


def _fold_table() -> np.ndarray:
    """Code point (clipped to 0x180) -> the ASCII lower-case letter it matches under
    ``re.IGNORECASE`` (``ſ`` -> ``s``, ``İ``/``ı`` -> ``i``), else 0. (The Kelvin sign matches
    ``k``, which no initial below uses.)"""
    table = np.zeros(0x181, dtype=np.uint8)
    for c in "abcdefghijklmnopqrstuvwxyz":
        table[[ord(c), ord(c.upper())]] = ord(c)
    table[0x17F], table[0x130], table[0x131] = ord("s"), ord("i"), ord("i")
    return table


_FOLD = _fold_table()


def _in(codes: np.ndarray, chars: str) -> np.ndarray:
    """Is each (ASCII or folded) code one of ``chars``?"""
    table = np.zeros(256, dtype=bool)
    table[list(chars.encode("ascii"))] = True
    return table[np.minimum(codes, 255)]


def _last_before(skip: np.ndarray) -> np.ndarray:
    """For each position, the nearest earlier position outside ``skip`` (-1 if none)."""
    last = np.maximum.accumulate(np.where(skip, -1, np.arange(len(skip))))
    return np.r_[-1, last[:-1]]


def _split_alternatives(pattern: re.Pattern) -> list[re.Pattern]:
    """The top-level alternatives of a pattern, compiled with its flags (``search`` of the
    whole pattern succeeds exactly when one of theirs does)."""
    parts, depth, cur, esc = [], 0, "", False
    for ch in pattern.pattern:
        if not esc and ch == "|" and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += 0 if esc else (ch == "(") - (ch == ")")
        esc = not esc and ch == "\\"
        cur += ch
    return [re.compile(p, pattern.flags) for p in [*parts, cur]]


_DATE_MONTH_DAY, _DATE_DAY_MONTH, *_DATE_NUMERIC = _split_alternatives(para._DATE)
_DATE_NUMERIC_RE = re.compile("|".join(p.pattern for p in _DATE_NUMERIC), para._DATE.flags)


def _dates(cp, f, fold, starts, heads) -> np.ndarray:
    """has_date: each alternative of the pattern on the heads that can match it."""
    n = len(heads)
    dec, rsp, word = (f & DEC) != 0, (f & RSPACE) != 0, (f & WORD) != 0
    after_space = np.r_[False, rsp[:-1]]
    before = _last_before(rsp)
    month = _in(fold, "jfmasond")
    # "(month)[a-z]{0,6}.? 12": a 1-2 digit number after spaces after a word starting a month
    word_start = _last_before(~(f & WSTART).astype(bool))
    word_start = np.r_[word_start[1:], word_start[-1]]  # index of the word start at/before i
    short = ~np.r_[word[1:], False] | (np.r_[dec[1:], False] & ~np.r_[word[2:], False, False])
    last = np.where(cp[before] == 46, before - 1, before)  # the letter before an optional dot
    ok = (before >= 0) & (last >= 0) & ((f[last] & ALPHA) != 0)
    month_day = dec & after_space & short & ok & month[np.maximum(word_start[last], 0)]
    day_month = month & after_space & (before >= 0) & dec[before]
    numeric = _in(cp[1:-1], "-./") & dec[:-2] & dec[2:]
    hits = _hits(_DATE_MONTH_DAY, _any_at(month_day, starts, n), heads)
    hits += _hits(_DATE_DAY_MONTH, _any_at(day_month, starts, n), heads)
    return (hits + _hits(_DATE_NUMERIC_RE, _any_at(numeric, starts, n), heads)) > 0


def _pattern_columns(cp, f, starts, heads) -> list[np.ndarray]:
    """n_urls, has_email, has_clock, has_ago, has_date, has_counter for each head.

    Each pattern runs only on heads holding characters that every one of its matches holds.
    """
    n = len(heads)
    dec, rsp = (f & DEC) != 0, (f & RSPACE) != 0
    fold = _FOLD[cp if cp.dtype == np.uint8 else np.minimum(cp, 0x180)]
    dot, colon = cp == 46, cp == 58
    url = (dot[:-1] & _in(cp[1:], "cnorib")) | (dot[1:] & (cp[:-1] == 119))
    url |= colon[:-1] & (cp[1:] == 47)
    clock = colon[1:-1] & dec[:-2] & dec[2:]
    go = (fold[:-1] == 103) & (fold[1:] == 111)
    before = _last_before(rsp)
    ago = _in(fold, "smhdwy") & (before >= 0) & dec[before]
    before = _last_before(rsp | dot | (cp == 44))
    counter = _in(fold, "caprsvlf") & (before >= 0) & dec[before]
    return [
        _hits(para._URL, _any_at(url, starts, n), heads),
        _hits(para._EMAIL, _any_at(cp == 64, starts, n), heads) > 0,
        _hits(para._CLOCK, _any_at(clock, starts, n), heads) > 0,
        _hits(para._AGO, _any_at(ago, starts, n) & _any_at(go, starts, n), heads) > 0,
        _dates(cp, f, fold, starts, heads),
        _hits(para._COUNTER, _any_at(counter, starts, n), heads) > 0,
    ]


def _flag_counts(f: np.ndarray, starts: np.ndarray) -> list[np.ndarray]:
    """Per head, counts of each flag of :data:`_FIELDS` (the separator after it subtracted)."""
    sep = char_flags(codepoints(SEP))
    out = []
    for fields, pack in zip(_FIELDS, _PACK, strict=True):
        sums = np.add.reduceat(pack[f], starts)
        sep_sum = int(pack[sep].sum())
        for k in range(len(fields)):
            out.append(((sums >> (10 * k)) & 1023) - ((sep_sum >> (10 * k)) & 1023))
    return out


def _ends_and_lines(texts, f, starts, lens, nl) -> tuple[np.ndarray, np.ndarray]:
    """``ends_terminal`` and the line count, from the heads where the head is the whole text."""
    short = (lens <= para.WINDOW) & (lens > 0)
    last = f[np.where(short, starts + lens - 1, 0)]
    ok = short & ((last & SPACE) == 0)
    term = ok & ((last & TERM) != 0)
    for i in np.flatnonzero(~ok & (lens > 0)).tolist():
        term[i] = texts[i].rstrip()[-1:] in para._TERMINAL
    lines = nl + 1
    for i in np.flatnonzero(lens > para.WINDOW).tolist():
        lines[i] = texts[i].count("\n") + 1
    return term, lines


def shape_matrix(texts: list[str]) -> np.ndarray:
    """``np.array([Paragraph(t, ...).shape() for t in texts])``, computed for all texts at once."""
    n = len(texts)
    if not n:
        return np.zeros((0, len(para.SHAPE_NAMES)), dtype=np.float64)
    heads = [t[: para.WINDOW] for t in texts]
    lens = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    hl = np.minimum(lens, para.WINDOW)
    starts = np.zeros(n, dtype=np.int64)
    starts[1:] = np.cumsum(hl + len(SEP))[:-1]
    cp = codepoints(SEP.join(heads) + SEP)
    f = char_flags(cp)
    word = (f & WORD) != 0
    wstart = word.copy()
    wstart[1:] &= ~word[:-1]
    f |= wstart.astype(np.uint16) << 12
    f |= (wstart & ((f & UPPER) != 0)).astype(np.uint16) << 13
    letters, upper, digits, alnum, space, wchars, nw, caps, sent, sepc, nl = _flag_counts(f, starts)
    words = para._WORD.findall(SEP.join(heads))
    assert len(words) == nw.sum()
    stop = np.r_[0, np.cumsum(_stop_flags(words), dtype=np.int64)][np.r_[0, np.cumsum(nw)]]
    term, lines = _ends_and_lines(texts, f, starts, lens, nl)
    first = np.where(hl > 0, f[starts], 0)
    bullet = [
        i for i in np.flatnonzero(first & BULLET).tolist() if para._BULLET.match(texts[i][:8])
    ]
    copy = cp == 0xA9
    copy[:-2] |= (cp[:-2] == 40) & ((cp[1:-1] == 67) | (cp[1:-1] == 99)) & (cp[2:] == 41)
    cols = [
        _log1p(lens) / 10.0, _log1p(nw) / 7.0, np.minimum(_ratio(wchars, nw), 20.0) / 10.0,
        _ratio(np.diff(stop), nw), _ratio(caps, nw), _ratio(upper, letters), _ratio(digits, hl),
        _ratio(hl - alnum - space, hl), term, _log1p(sent) / 3.0, _log1p(lines) / 3.0,
    ]  # fmt: skip
    urls, *flags = _pattern_columns(cp, f, starts, heads)
    is_bullet = np.zeros(n, dtype=bool)
    is_bullet[bullet] = True
    cols += [_log1p(urls), *flags, is_bullet, _log1p(sepc) / 3.0]
    cols += [_any_at(copy, starts, n), nw <= 3, (first & UPPER) != 0]
    return np.column_stack(cols).astype(np.float64)
