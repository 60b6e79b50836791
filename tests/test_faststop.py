"""The vectorised stopword lookup answers exactly ``word.lower() in stopwords()``."""

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from junkfilter.fastshape import codepoints
from junkfilter.faststop import stopword_flags
from junkfilter.paragraph import stopwords

STOP = sorted(w for w in stopwords() if re.fullmatch(r"\w+", w))  # words are \w+ runs
WORDS = st.one_of(st.sampled_from(STOP), st.text(alphabet="abcdeéßøœ日_9", min_size=1, max_size=20))


def check(words: list[str]) -> None:
    joined = " ".join(words)
    lowered = joined.lower()
    if len(lowered) != len(joined):  # the caller handles length-changing case folds itself
        return
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    lens = np.array([len(w) for w in words], dtype=np.int64)
    got = stopword_flags(codepoints(lowered, narrow=True), np.array(starts, dtype=np.int64), lens)
    assert got.tolist() == [w.lower() in stopwords() for w in words]


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=30))
def test_flags_equal_set_lookup(words):
    check(words)


def test_all_stopwords_and_near_misses():
    words = STOP
    check(words)
    check([w + "x" for w in words] + [w[:-1] for w in words if len(w) > 1])
    check([w.upper() for w in words[:500]])


def test_each_width_of_code_points():
    for sample in (["the", "and", "cats"], ["the", "café", "über"], ["the", "😀", "und"]):
        check(sample)
