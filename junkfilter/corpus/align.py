"""Label the paragraphs of a rendered page by aligning them with the gold text, in page order.

Both sides are normalised (:func:`normalise`: cp1252/UTF-8 mojibake repaired, Unicode NFKC,
markdown link targets and bare URLs removed, case-folded) and cut into tokens (:func:`tokenize`:
runs of letters/digits -- underscores excluded so html2text's ``_emphasis_`` still matches -- and
single CJK/kana/hangul characters, since those scripts have no spaces). The page token sequence
(all paragraphs, in order) is aligned with the gold token sequence (all gold segments, in order)
by :func:`match_tokens`, an order-preserving ``difflib.SequenceMatcher`` alignment:

1. anchors: ``SequenceMatcher(autojunk=True)`` over the whole sequences (fast: tokens frequent in
   the gold cannot *start* a match, but matches extend through them);
2. gap filling: each stretch between two anchors is aligned again with ``autojunk=False`` so runs
   of frequent words ("of the") are matched too, unless the gap is huge on both sides
   (> :data:`GAP_CELLS` token pairs), where that could go quadratic.

Because matching is in order, a short line such as "Great post!" that occurs in the article and
again in the comments gets the label of the occurrence at its position.

A paragraph takes the gold label covering most of its matched tokens when matched tokens cover at
least :data:`MIN_MATCH` (0.5) of its tokens; otherwise it gets the source's junk label
(boilerplate). 0.5 was chosen after measuring 0.3-0.7 on Dragnet and CleanEval: recovery changes
by < 0.005 over that range (paragraphs are almost always either nearly fully matched or hardly at
all), and 0.5 keeps stray stop-word matches in menus out of the article.

Recovery (the aligner's quality measure) counts gold *token characters*: a gold token is recovered
when it is matched into a page paragraph that received that token's label.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from junkfilter.labels import Label

MIN_MATCH = 0.5
"""Share of a paragraph's tokens that must be matched to gold for it to take a gold label."""

GAP_CELLS = 4_000_000
"""Largest gap (page tokens x gold tokens) re-aligned without autojunk."""

UNGLUE_MAX_PARTS = 6
"""Most words one glued token is split into."""

UNGLUE_MIN_PART = 2
"""Shortest piece of a split token (no splitting words into letters)."""

UNGLUE_MAX_CHARS = 80
"""Longer unknown tokens are not split (cost is quadratic in length)."""

SHINGLE = 3
"""Token n-gram size of the anchors."""

SHINGLE_MAX_OCC = 4
"""An n-gram occurring more often than this in the gold is no anchor (too ambiguous)."""

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
_MD_LINK_TARGET = re.compile(r"\]\([^)\s]{0,2000}(?:\s+\"[^\"\n]{0,500}\")?\)")
_URL = re.compile(r"(?:https?://|www\.)\S{1,2000}")
_MOJIBAKE_RUN = re.compile(
    r"[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d"
    r"\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022"
    r"\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)
_MOJIBAKE_HINT = re.compile(r"[\u00c2-\u00f4]")


def cp1252_byte(ch: str) -> int:
    """The byte a character came from when UTF-8 bytes were decoded as cp1252/latin-1."""
    code = ord(ch)
    if code < 256:
        return code
    return ch.encode("cp1252")[0]


def _fix_run(match: re.Match) -> str:
    run = match.group(0)
    try:
        return bytes(cp1252_byte(c) for c in run).decode("utf-8")
    except (UnicodeError, ValueError):
        return run


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 text that was decoded as cp1252/latin-1 ("donâ€™t" -> "don’t").

    Each run "lead byte + continuation bytes" is re-encoded and decoded as UTF-8; a run that is
    not valid UTF-8 (real accented text such as "é" before a letter) is left alone, so correct
    text passes through unchanged. No new dependency (an ftfy-like heuristic).
    """
    if not _MOJIBAKE_HINT.search(text):
        return text
    return _MOJIBAKE_RUN.sub(_fix_run, text)


def normalise(text: str) -> str:
    """Matching form of a text: mojibake fixed, NFKC, link targets/URLs removed, case-folded."""
    text = unicodedata.normalize("NFKC", fix_mojibake(text))
    text = _URL.sub(" ", _MD_LINK_TARGET.sub("] ", text))
    return text.casefold()


def tokenize(text: str) -> list[str]:
    """Tokens of the normalised text (see the module docs)."""
    return _TOKEN.findall(normalise(text))


def _blocks(a: list[int], b: list[int], autojunk: bool) -> list[tuple[int, int, int]]:
    sm = SequenceMatcher(None, a, b, autojunk=autojunk)
    return [blk for blk in sm.get_matching_blocks() if blk[2]]


def _shingle_runs(a: list[int], b: list[int]) -> list[tuple[int, int, int]]:
    """Diagonal runs ``(i, j, n)`` of shared :data:`SHINGLE`-grams (rare in the gold)."""
    k = SHINGLE
    index: dict[tuple, list[int]] = {}
    for j in range(len(b) - k + 1):
        index.setdefault(tuple(b[j : j + k]), []).append(j)
    runs: list[tuple[int, int, int]] = []
    prev: dict[int, int] = {}  # j of a hit at i-1 -> index of its run
    for i in range(len(a) - k + 1):
        hits = index.get(tuple(a[i : i + k]))
        cur: dict[int, int] = {}
        if hits and len(hits) <= SHINGLE_MAX_OCC:
            for j in hits:
                r = prev.get(j - 1)
                if r is None:
                    runs.append((i, j, k))
                    r = len(runs) - 1
                else:
                    ri, rj, rn = runs[r]
                    runs[r] = (ri, rj, rn + 1)
                cur[j] = r
        prev = cur
    return runs


def _heaviest_chain(runs: list[tuple[int, int, int]], nb: int) -> list[tuple[int, int, int]]:
    """The in-order, non-crossing subset of ``runs`` with the most matched tokens.

    Unlike SequenceMatcher's longest-block-first greed, this survives page layouts that
    interleave two gold passages (inscriptis puts table columns side by side): one 40-token menu
    block can no longer lock out a 1,000-token article. Weighted LIS in O(R log R) with a
    Fenwick tree of prefix maxima over gold end positions. Consecutive runs may overlap by up to
    ``SHINGLE - 1`` tokens (a run broken by one ambiguous n-gram); the overlap is trimmed.
    """
    if not runs:
        return []
    slack = SHINGLE - 1
    size = nb + 1
    tree_val = [0] * (size + 1)
    tree_arg = [-1] * (size + 1)
    best = [0] * len(runs)
    back = [-1] * len(runs)
    events = sorted(
        [(i + n - slack, 0, r) for r, (i, _j, n) in enumerate(runs)]
        + [(i, 1, r) for r, (i, _j, _n) in enumerate(runs)]
    )
    for _pos, kind, r in events:
        i, j, n = runs[r]
        if kind == 1:  # query: best chain whose gold end (minus slack) is <= j
            val, arg, x = 0, -1, j + 1
            while x > 0:
                if tree_val[x] > val:
                    val, arg = tree_val[x], tree_arg[x]
                x -= x & -x
            best[r], back[r] = val + n, arg
        else:  # insert the finished run at its gold end j + n - slack
            x = j + n - slack + 1
            while x <= size:
                if best[r] > tree_val[x]:
                    tree_val[x], tree_arg[x] = best[r], r
                x += x & -x
    r = max(range(len(runs)), key=best.__getitem__)
    chain = []
    while r != -1:
        chain.append(runs[r])
        r = back[r]
    return _trim(chain[::-1])


def _trim(chain: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Cut the start of each run that overlaps its predecessor."""
    out: list[tuple[int, int, int]] = []
    for i, j, n in chain:
        if out:
            pi, pj, pn = out[-1]
            cut = max(pi + pn - i, pj + pn - j, 0)
            i, j, n = i + cut, j + cut, n - cut
        if n > 0:
            out.append((i, j, n))
    return out


def match_tokens(a: list, b: list) -> list[tuple[int, int, int]]:
    """Order-preserving matching blocks ``(i, j, n)`` between token lists ``a`` and ``b``."""
    if not a or not b:
        return []
    ids: dict = {}
    ai = [ids.setdefault(t, len(ids)) for t in a]
    bi = [ids.setdefault(t, len(ids)) for t in b]
    anchors = _heaviest_chain(_shingle_runs(ai, bi), len(bi))
    out: list[tuple[int, int, int]] = []
    pi = pj = 0
    for i, j, n in [*anchors, (len(a), len(b), 0)]:
        if i > pi and j > pj:
            autojunk = (i - pi) * (j - pj) > GAP_CELLS
            for gi, gj, gn in _blocks(ai[pi:i], bi[pj:j], autojunk=autojunk):
                out.append((pi + gi, pj + gj, gn))
        if n:
            out.append((i, j, n))
        pi, pj = i + n, j + n
    return out


@dataclass(slots=True)
class Alignment:
    """Paragraph labels of one page plus the recovery counts (gold token characters)."""

    labels: list[Label]
    matched: list[float]
    recovered_chars: Counter = field(default_factory=Counter)
    gold_chars: Counter = field(default_factory=Counter)

    def recovered(self, labels=None) -> float | None:
        """Share of gold chars (of ``labels``; default all but boilerplate) recovered."""
        keys = [k for k in self.gold_chars if (k in labels if labels else k != Label.BOILERPLATE)]
        total = sum(self.gold_chars[k] for k in keys)
        if not total:
            return None
        return sum(self.recovered_chars[k] for k in keys) / total


def _split_known(tok: str, vocab: set[str] | frozenset[str]) -> list[str] | None:
    """``tok`` as the fewest ``vocab`` words (at most :data:`UNGLUE_MAX_PARTS`), or ``None``."""
    n = len(tok)
    if n > UNGLUE_MAX_CHARS:
        return None
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for end in range(1, n + 1):
        for start in range(end):
            prev = best[start]
            if prev is None or len(prev) >= UNGLUE_MAX_PARTS or end - start < UNGLUE_MIN_PART:
                continue
            if tok[start:end] not in vocab:
                continue
            if best[end] is None or len(prev) + 1 < len(best[end]):
                best[end] = [*prev, tok[start:end]]
    parts = best[n]
    return parts if parts and len(parts) > 1 else None


def unglue(tokens: list[str], vocab: set[str] | frozenset[str]) -> tuple[list[str], list[int]]:
    """Split tokens that are several ``vocab`` words glued together; also return each new
    token's index in ``tokens``.

    CleanEval's gold often drops the spaces where the HTML source wrapped a line
    ("subscribeAR-Views", "andoccasionallyinto"); html2text splits words at emphasis edges
    ("**wor** ld"). A token unknown to the other side that is a concatenation of known tokens
    (fewest parts) is matched as those parts.
    """
    out: list[str] = []
    origin: list[int] = []
    cache: dict[str, list[str] | None] = {}
    for k, tok in enumerate(tokens):
        parts = None
        if tok not in vocab and len(tok) >= 3:
            if tok not in cache:
                cache[tok] = _split_known(tok, vocab)
            parts = cache[tok]
        parts = parts or [tok]
        out.extend(parts)
        origin.extend([k] * len(parts))
    return out, origin


def _gold_tokens(gold: list[tuple[Label, str]]) -> tuple[list[str], list[Label]]:
    toks: list[str] = []
    labels: list[Label] = []
    for label, text in gold:
        seg = tokenize(text)
        toks.extend(seg)
        labels.extend([Label(label)] * len(seg))
    return toks, labels


def _vote(
    para_of: list[int], n_paras: int, pairs: list[tuple[int, int]], gold_labels: list[Label]
) -> list[Counter]:
    votes = [Counter() for _ in range(n_paras)]
    for i, j in pairs:
        votes[para_of[i]][gold_labels[j]] += 1
    return votes


def _page_tokens(paragraphs: list[str]) -> tuple[list[str], list[int]]:
    """All tokens of the page in order, and the paragraph index of each."""
    page: list[str] = []
    para_of: list[int] = []
    for k, text in enumerate(paragraphs):
        toks = tokenize(text)
        page.extend(toks)
        para_of.extend([k] * len(toks))
    return page, para_of


def align(
    paragraphs: list[str],
    gold: list[tuple[Label | str, str]],
    *,
    junk: Label = Label.BOILERPLATE,
    min_match: float = MIN_MATCH,
) -> Alignment:
    """Give each paragraph text a label by aligning it with the ordered gold segments."""
    page, para_of = _page_tokens(paragraphs)
    gold_toks, gold_labels = _gold_tokens([(Label(lab), txt) for lab, txt in gold])
    gold_toks, origin = unglue(gold_toks, set(page))
    gold_labels = [gold_labels[o] for o in origin]
    page, origin = unglue(page, set(gold_toks))
    para_of = [para_of[o] for o in origin]
    sizes = Counter(para_of)
    pairs = [(i + d, j + d) for i, j, n in match_tokens(page, gold_toks) for d in range(n)]
    votes = _vote(para_of, len(paragraphs), pairs, gold_labels)
    labels, matched = [], []
    for k, vote in enumerate(votes):
        share = sum(vote.values()) / sizes[k] if sizes[k] else 0.0
        matched.append(share)
        labels.append(vote.most_common(1)[0][0] if vote and share >= min_match else junk)
    result = Alignment(labels=labels, matched=matched)
    for tok, lab in zip(gold_toks, gold_labels, strict=True):
        result.gold_chars[lab] += len(tok)
    for i, j in pairs:
        if labels[para_of[i]] == gold_labels[j]:
            result.recovered_chars[gold_labels[j]] += len(gold_toks[j])
    return result
