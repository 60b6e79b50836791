"""The batch featurizer gives exactly the features of the frozen reference implementation.

A model is trained on these features, so the fast paths (:mod:`junkfilter.fastshape`, the joined
``_hashed_block``) must not change a single value: same dense block, same hashed text block.
"""

import glob
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from junkfilter.features import featurize
from junkfilter.paragraph import Paragraph
from junkfilter.segment import segment
from tests import reference_features as ref
from tests.conftest import shared_data_dir

ROOT = Path(__file__).resolve().parents[1]


def assert_same_features(docs: list[list[str]]) -> None:
    new = featurize([[Paragraph(t, 0, len(t), i) for i, t in enumerate(d)] for d in docs])
    old = ref.reference_featurize(
        [[ref.ReferenceParagraph(t, 0, len(t), i) for i, t in enumerate(d)] for d in docs]
    )
    assert new.dense.shape == old.dense.shape
    assert np.array_equal(new.dense, old.dense), np.abs(new.dense - old.dense).max(axis=0)
    a, b = new.to_scipy(), old.to_scipy()
    a.sum_duplicates()
    b.sum_duplicates()
    assert np.array_equal(a.indptr, b.indptr) and np.array_equal(a.indices, b.indices)
    np.testing.assert_allclose(a.data, b.data, rtol=0, atol=1e-12)
    assert np.all(np.diff(new.rows) >= 0), "text entries sorted by row"
    weights = np.random.default_rng(0).standard_normal((3, a.shape[1] - new.dense.shape[1]))
    np.testing.assert_allclose(new.text_dot(weights.T.astype(np.float32)),
                               old.text_dot(weights.astype(np.float32)), rtol=0, atol=1e-4)


def _pages(name: str, limit: int) -> list[list[str]]:
    """Segmented pages of ``build/corpus/NAME.jsonl.gz``, or rendered now from ``../shared``."""
    path = ROOT / "build" / "corpus" / f"{name}.jsonl.gz"
    if path.exists():
        from junkfilter.documents import read_documents

        texts = [d.text for d in read_documents([str(path)])][:limit]
    else:
        shared = shared_data_dir()
        if shared is None:
            pytest.skip(f"{path} not built and ../shared data not available")
        pytest.importorskip("inscriptis")
        from junkfilter.corpus.render import RENDERERS
        from junkfilter.corpus.sources import read_source

        source, renderer = name.rsplit("-", 1)
        pages = read_source(shared.parent, source, limit=limit)
        texts = [RENDERERS[renderer](page.html) for page in pages]
    return [[p.text for p in segment(t)] for t in texts]


@pytest.mark.parametrize("name", ["dragnet-blocks", "cleaneval-inscriptis", "l3s-gn1-html2text"])
def test_rendered_pages(name):
    pages = _pages(name, 150)
    for i in range(0, len(pages), 50):
        assert_same_features(pages[i : i + 50])


def test_training_documents():
    files = sorted(glob.glob(str(ROOT / "training_data" / "*.jsonl")))
    if not files:
        pytest.skip("no training_data")
    docs = []
    for f in files:
        with open(f, encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                docs.append([p["text"] for p in rec.get("paragraphs", [])])
    assert_same_features(docs)


TRICKY = [
    "", " ", "\n", "\x00", "a\rb", "İSTANBUL İstanbul ΟΔΟΣ Σ", "x²³ ①②", "e\u0301te\u0301",
    "Posted 3 hours ago | 12 comments", "January 31, 2011 at 4:02 pm", "2011-01-31", "1.31.11",
    "Visit http://example.com or www.x.org, mail me@example.org", "(C) 2020 ©", "- item",
    "12) item", "3. ſeptember 12 ſhares", "ends with space  ", "word " * 300,
    "a" * 599 + " http://example.com/long", "x" * 598 + " 12:30", "K 12 Kelvin ſ",
    "12 mar" + " " * 700 + "tail",
    "Progress Trap said,", "dragoncar says:", "Anna SAID...", "Bob ſays…", "Jo replied :",
    "Marlene wrote:", "he said.", "Tom commented", "x said", "News", "w " * 400 + "said,",
]  # fmt: skip


def test_tricky_paragraphs():
    assert_same_features([TRICKY, [], TRICKY[::-1]])
    for t in TRICKY:
        assert_same_features([[t]])


_chars = st.sampled_from(list(" \n\r\t\x00\x0b.,:;-/@()©|»·0123456789²İıſKΣσάé\u0301aAmMjJsSgGo"))
_words = st.sampled_from(["Ann", "SAID", "said", "ſays", "wrote", "replied", ",", ":", "...", "…",
                          " ", "x", "12"])  # fmt: skip
_para = st.one_of(
    st.text(max_size=60),
    st.text(_chars, max_size=80),
    st.lists(_words, max_size=12).map(" ".join),
    st.builds(lambda a, n, b: a + " " * n + b, st.text(_chars), st.integers(500, 900), st.text()),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_para, max_size=8), max_size=4))
def test_any_documents(docs):
    assert_same_features(docs)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(min_size=700, max_size=1200), min_size=1, max_size=3))
def test_long_paragraphs(texts):
    assert_same_features([texts])


@pytest.mark.parametrize("empty_rows", [False, True])
def test_text_dot_equals_sparse_product(empty_rows):
    from junkfilter.features import N_HASH, Rows

    rng = np.random.default_rng(0)
    counts = rng.integers(0 if empty_rows else 1, 20, 50)
    if empty_rows:
        counts[[0, 7, 49]] = 0
    indptr = np.r_[0, np.cumsum(counts)]
    cols = rng.integers(0, N_HASH, indptr[-1])
    block = Rows(indptr=indptr, cols=cols, scale=rng.random(50), dense=np.zeros((50, 0)))
    weights = rng.standard_normal((3, N_HASH)).astype(np.float32)
    want = block.to_scipy() @ weights.T.astype(np.float64)
    np.testing.assert_allclose(block.text_dot(np.ascontiguousarray(weights.T)), want,
                               rtol=1e-5, atol=1e-5)  # fmt: skip


def test_distinct_texts_scored_once():
    from junkfilter.features import distinct, featurize_texts

    texts = ["Reply", "An article sentence.", "Reply", "Share", "Reply", "Share"]
    unique, inverse = distinct(texts)
    assert unique == ["Reply", "An article sentence.", "Share"]
    assert [unique[i] for i in inverse] == texts
    assert distinct(["a", "b"]) == (["a", "b"], None)
    rows = featurize_texts(texts, np.array([4, 2]))
    assert rows.n_rows == 6 and rows.n_text_rows == 3 and rows.rows.max() == 2
    X = rows.to_scipy().toarray()
    assert X.shape[0] == 6
    np.testing.assert_array_equal(X[0, : -rows.dense.shape[1]], X[2, : -rows.dense.shape[1]])
    assert not np.array_equal(X[0], X[2])  # same text, other place in its document
