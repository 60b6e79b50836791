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
from junkfilter.faststop import stopword_flags

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


def codepoints(text: str, narrow: bool = False) -> np.ndarray:
    """The code points of ``text`` (uint8 for ASCII text, else uint32; with ``narrow``, uint16
    for text of the Basic Multilingual Plane)."""
    if text.isascii():
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    if narrow:
        raw = text.encode("utf-16-le", "surrogatepass")
        if len(raw) == 2 * len(text):
            return np.frombuffer(raw, dtype=np.uint16)
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def char_flags(cp: np.ndarray) -> np.ndarray:
    """Flag bits of each code point; code points not seen before are classified first."""
    if cp.dtype == np.uint8:
        return np.take(_ASCII, cp)  # np.take: about 2x faster than [ ] here
    f = np.take(_TABLE, cp)
    unknown = f >= UNKNOWN
    if unknown.any():
        for c in set(cp[unknown].tolist()):
            _TABLE[c] = _flags_of(chr(c))
        f = np.take(_TABLE, cp)
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


def _any_at(pos: np.ndarray, starts: np.ndarray, n: int) -> np.ndarray:
    """Per head: is one of the positions ``pos`` in it (or in the separator after it)?"""
    out = np.zeros(n, dtype=bool)
    out[_owner(pos, starts)] = True
    return out


def _stop_counts(joined: str, word: np.ndarray, wstart: np.ndarray, starts: np.ndarray,
                 n: int) -> np.ndarray:  # fmt: skip
    """Per head, the number of its ``\\w+`` words whose lower case is a stopword (``word`` and
    ``wstart`` flag the word characters and the first character of each word)."""
    lowered = joined.lower()
    ws = np.flatnonzero(wstart)
    if len(lowered) != len(joined):  # a character lowered to several: word by word
        stop = para.stopwords()
        flags = np.array([w.lower() in stop for w in para._WORD.findall(joined)], dtype=bool)
    else:
        we = np.flatnonzero(word & ~np.r_[word[1:], False]) + 1
        flags = stopword_flags(codepoints(lowered, narrow=True), ws, we - ws)
    return np.bincount(_owner(ws[flags], starts), minlength=n)


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


def _next_after(pos: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """For each position of ``pos``, the nearest later position in the sorted ``marks`` (-1 if
    none). Applied to the few digit positions, this replaces a forward fill over every character:
    ``i`` is the next mark after ``d`` exactly when ``d`` is the last mark before ``i``."""
    k = np.searchsorted(marks, pos, side="right")
    return np.where(k < len(marks), marks[np.minimum(k, len(marks) - 1)] if len(marks) else -1, -1)


def _last_upto(pos: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """For each position of ``pos``, the nearest position ``<= pos`` in the sorted ``marks``
    (-1 if none)."""
    k = np.searchsorted(marks, pos, side="right") - 1
    return np.where(k >= 0, marks[np.maximum(k, 0)] if len(marks) else -1, -1)


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


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_COUNTED = ("com", "art", "pos", "rep", "res", "sha", "vie", "lik", "fol", "rev", "vot")


class _Chars:
    """The joined heads as sparse position lists that the pattern candidates are built from."""

    def __init__(self, cp: np.ndarray, f: np.ndarray) -> None:
        self.cp, self.f, self.n = cp, f, len(cp)
        self.nonspace = (f & RSPACE) == 0
        self.digits = np.flatnonzero(f & DEC)
        self.solid = np.flatnonzero(self.nonspace)  # positions of non-whitespace characters
        after = _next_after(self.digits, self.solid)
        self.after_digit = after[after >= 0]  # the first non-space character after each digit

    def at(self, pos: np.ndarray, offset: int) -> np.ndarray:
        """Code points at ``pos + offset`` (0 outside the text)."""
        q = pos + offset
        inside = (q >= 0) & (q < self.n)
        return np.where(inside, self.cp[np.clip(q, 0, self.n - 1)], 0)

    def spells(self, pos: np.ndarray, prefixes: tuple[str, ...]) -> np.ndarray:
        """Whether the letters at ``pos`` begin with one of ``prefixes`` (lower-case, all of one
        length), compared as ``re.IGNORECASE`` does (:data:`_FOLD`)."""
        key = np.zeros(len(pos), dtype=np.int64)
        for j in range(len(prefixes[0])):
            code = self.at(pos, j)
            code = code if code.dtype == np.uint8 else np.minimum(code, 0x180)
            key |= _FOLD[code].astype(np.int64) << (8 * j)
        want = [sum(ord(c) << (8 * j) for j, c in enumerate(p)) for p in prefixes]
        return np.isin(key, want)

    def flag_at(self, pos: np.ndarray, offset: int, bit: int) -> np.ndarray:
        q = pos + offset
        inside = (q >= 0) & (q < self.n)
        return inside & ((self.f[np.clip(q, 0, self.n - 1)] & bit) != 0)


def _dates(ch: _Chars, starts, heads) -> np.ndarray:
    """has_date: each alternative of the pattern on the heads that can match it."""
    n, cp, d = len(heads), ch.cp, ch.digits
    # "(month)[a-z]{0,6}.? 12": a digit after spaces after a word that starts with a month
    short = ~ch.flag_at(d, 1, WORD) | (ch.flag_at(d, 1, DEC) & ~ch.flag_at(d, 2, WORD))
    i = d[ch.flag_at(d, -1, RSPACE) & short]
    before = _last_upto(i - 1, ch.solid)
    last = np.where(cp[before] == 46, before - 1, before)
    ok = (before >= 0) & (last >= 0)
    ok &= (ch.f[np.maximum(last, 0)] & ALPHA) != 0
    # the word holding ``last`` is a month name plus at most 6 letters: its start is near
    wstart = np.full(len(i), -1, dtype=np.int64)
    for back in range(10):
        q = last - back
        wstart = np.where((wstart < 0) & (q >= 0) & ch.flag_at(q, 0, WSTART), q, wstart)
    i = i[ok & (wstart >= 0) & ch.spells(np.maximum(wstart, 0), _MONTHS)]
    hits = _hits(_DATE_MONTH_DAY, _any_at(i, starts, n), heads)
    # "12 (month)": a month after spaces after a digit
    j = ch.after_digit
    j = j[ch.flag_at(j, -1, RSPACE) & ch.spells(j, _MONTHS)]
    hits += _hits(_DATE_DAY_MONTH, _any_at(j, starts, n), heads)
    # "2011-01-31", "31/01/2011": digit, one of -./, digit
    k = d[_in(ch.at(d, 1), "-./") & ch.flag_at(d, 2, DEC)]
    return (hits + _hits(_DATE_NUMERIC_RE, _any_at(k, starts, n), heads)) > 0


def _pattern_columns(cp, f, starts, heads) -> list[np.ndarray]:
    """n_urls, has_email, has_clock, has_ago, has_date, has_counter for each head.

    Each pattern runs only on heads holding characters that every one of its matches holds,
    found from the positions of the few dots, colons, at signs and digits.
    """
    n = len(heads)
    ch = _Chars(cp, f)
    d = ch.digits
    dots, colons = np.flatnonzero(cp == 46), np.flatnonzero(cp == 58)
    url = np.r_[dots[_in(ch.at(dots, 1), "cnorib") & (dots < ch.n - 1)],
                dots[ch.at(dots, -1) == 119] - 1, colons[ch.at(colons, 1) == 47]]  # fmt: skip
    clock = colons[ch.flag_at(colons, -1, DEC) & ch.flag_at(colons, 1, DEC)] - 1
    go = np.flatnonzero(((cp[:-1] | 32) == 103) & ((cp[1:] | 32) == 111))
    ago = ch.after_digit
    ago = ago[ch.spells(ago, ("se", "mi", "ho", "hr", "da", "we", "mo", "ye"))]
    counter = _next_after(d, np.flatnonzero(ch.nonspace & (cp != 46) & (cp != 44)))
    counter = counter[counter >= 0]
    counter = counter[ch.spells(counter, _COUNTED)]
    return [
        _hits(para._URL, _any_at(url, starts, n), heads),
        _hits(para._EMAIL, _any_at(np.flatnonzero(cp == 64), starts, n), heads) > 0,
        _hits(para._CLOCK, _any_at(clock, starts, n), heads) > 0,
        _hits(para._AGO, _any_at(ago, starts, n) & _any_at(go, starts, n), heads) > 0,
        _dates(ch, starts, heads),
        _hits(para._COUNTER, _any_at(counter, starts, n), heads) > 0,
    ]


def _flag_counts(f: np.ndarray, starts: np.ndarray) -> list[np.ndarray]:
    """Per head, counts of each flag of :data:`_FIELDS` (the separator after it subtracted)."""
    sep = char_flags(codepoints(SEP))
    out = []
    for fields, pack in zip(_FIELDS, _PACK, strict=True):
        sums = np.add.reduceat(np.take(pack, f), starts)
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


_WORD_ENDS = sorted({ord(v[-2]) << 8 | ord(v[-1]) for v in para.ATTRIBUTION_VERBS})
"""The last two letters of the attribution verbs, as ``first << 8 | second``."""


def _attribution(texts, cp, f, starts, lens, nw) -> np.ndarray:
    """``attribution`` (a commenter line: "X said,"): the regex runs only on texts with
    :data:`~junkfilter.paragraph.ATTRIBUTION_WORDS` words whose last two letters before a final
    ``,`` ``:`` ``...`` or ``…`` could end one of its verbs (a space there, or a text longer than
    its head, also sends it to the regex)."""
    out = np.zeros(len(texts), dtype=bool)
    lo, hi = para.ATTRIBUTION_WORDS
    idx = np.flatnonzero((nw >= lo) & (nw <= hi))
    if not len(idx):
        return out
    end = starts[idx] + np.minimum(lens[idx], para.WINDOW) - 1
    c = cp[end]
    dots = (c == 46) & (cp[end - 1] == 46) & (cp[end - 2] == 46)
    k = end - np.where((c == 44) | (c == 58) | (c == 0x2026), 1, np.where(dots, 3, 0))
    k = np.maximum(k, 1)
    fold = [cp[k - j] if cp.dtype == np.uint8 else np.minimum(cp[k - j], 0x180) for j in (1, 0)]
    pair = _FOLD[fold[0]].astype(np.int64) << 8 | _FOLD[fold[1]]
    maybe = np.isin(pair, _WORD_ENDS) | ((f[k] & SPACE) != 0) | (lens[idx] > para.WINDOW)
    for i in idx[maybe].tolist():
        out[i] = para.ends_attributed(texts[i])
    return out


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
    joined = SEP.join(heads) + SEP
    cp = codepoints(joined)
    f = char_flags(cp)
    word = (f & WORD) != 0
    wstart = word.copy()
    wstart[1:] &= ~word[:-1]
    f |= wstart.astype(np.uint16) << 12
    f |= (wstart & ((f & UPPER) != 0)).astype(np.uint16) << 13
    letters, upper, digits, alnum, space, wchars, nw, caps, sent, sepc, nl = _flag_counts(f, starts)
    stop = _stop_counts(joined, word, wstart, starts, n)
    term, lines = _ends_and_lines(texts, f, starts, lens, nl)
    first = np.where(hl > 0, f[starts], 0)
    bullet = [
        i for i in np.flatnonzero(first & BULLET).tolist() if para._BULLET.match(texts[i][:8])
    ]
    copy = cp == 0xA9
    copy[:-2] |= (cp[:-2] == 40) & ((cp[1:-1] == 67) | (cp[1:-1] == 99)) & (cp[2:] == 41)
    cols = [
        _log1p(lens) / 10.0, _log1p(nw) / 7.0, np.minimum(_ratio(wchars, nw), 20.0) / 10.0,
        _ratio(stop, nw), _ratio(caps, nw), _ratio(upper, letters), _ratio(digits, hl),
        _ratio(hl - alnum - space, hl), term, _log1p(sent) / 3.0, _log1p(lines) / 3.0,
    ]  # fmt: skip
    urls, *flags = _pattern_columns(cp, f, starts, heads)
    is_bullet = np.zeros(n, dtype=bool)
    is_bullet[bullet] = True
    cols += [_log1p(urls), *flags, is_bullet, _log1p(sepc) / 3.0]
    cols += [_any_at(np.flatnonzero(copy), starts, n), nw <= 3, (first & UPPER) != 0]
    cols.append(_attribution(texts, cp, f, starts, lens, nw))
    return np.column_stack(cols).astype(np.float64)
