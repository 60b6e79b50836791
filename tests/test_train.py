"""Training on the project's own documents gives a model that beats keeping everything."""

from junkfilter import Config
from junkfilter.clean import JunkFilter
from junkfilter.documents import check, read_documents
from junkfilter.evaluate import evaluate_documents
from junkfilter.train import doc_split, fit, split_of

from .conftest import TRAINING_DATA


def test_training_data_is_well_formed_and_covers_every_label():
    docs = list(read_documents([TRAINING_DATA]))
    assert len(docs) >= 100
    problems = [p for d in docs for p in check(d)]
    assert not problems, problems[:5]
    counts = {}
    for d in docs:
        for lab in set(d.labels):
            counts[lab] = counts.get(lab, 0) + 1
    assert all(counts.get(lab, 0) >= 20 for lab in Config().keep | {"comment", "bio", "spam"})
    assert len({d.id for d in docs}) == len(docs)


def test_split_is_fixed_and_about_a_fifth():
    ids = [f"doc-{i}" for i in range(2000)]
    share = sum(split_of(i) == "valid" for i in ids) / len(ids)
    assert 0.17 < share < 0.23
    assert split_of("doc-1") == split_of("doc-1")


def test_model_beats_keep_all_on_held_back_documents(small_filter):
    docs = [d for d in read_documents([TRAINING_DATA]) if doc_split(d) == "valid"]
    assert len(docs) >= 15
    result = evaluate_documents(docs, small_filter.classify_many, Config().keep)
    f1 = {k: v.f1 for k, v in result["shingle_f1"].items()}
    assert f1["junkfilter"] > f1["keep-all"] + 0.05, f1
    assert f1["junkfilter"] > f1["c4-lines"], f1
    assert result["classes"].as_dict()["accuracy"] > 0.7


def test_training_is_deterministic():
    docs = [d for d in read_documents([TRAINING_DATA]) if doc_split(d) == "train"][:30]
    a, _ = fit(docs, params={"max_iter": 3, "random_state": 7}, log=lambda *_: None)
    b, _ = fit(docs, params={"max_iter": 3, "random_state": 7}, log=lambda *_: None)
    text = docs[0].text
    pa = JunkFilter(a.stack()).classify(text)
    pb = JunkFilter(b.stack()).classify(text)
    assert [(p.label, p.probability) for p in pa] == [(p.label, p.probability) for p in pb]
