"""The library stage's contract: classify, clean, explain, pipe, pickling."""

import pickle
from dataclasses import replace

import numpy as np

from junkfilter import Config, Label
from junkfilter import clean as clean_module
from junkfilter.clean import assemble, row_chunks
from junkfilter.segment import segment
from junkfilter.verdicts import rescue
from tests.conftest import training_texts

TEXT = (
    "Council approves new budget for the city's parks\n\n"
    "The city council voted on Tuesday to approve a budget that doubles the money for parks, "
    "after months of debate about how the extra funds should be spent across the districts.\n\n"
    "Residents had asked for more shade trees and better lighting along the river paths, and the "
    "plan includes both, the mayor said in a statement after the vote.\n\n"
    "Leave a Reply\n\n"
    "Your email address will not be published. Required fields are marked *\n"
)


def test_classify_fields(small_filter):
    paras = small_filter.classify(TEXT)
    assert [p.text for p in paras] == [p.text for p in segment(TEXT)]
    for p in paras:
        assert TEXT[p.start : p.end] == p.text
        assert isinstance(p.label, Label)
        assert 0.0 <= p.probability <= 1.0
        assert isinstance(p.keep, bool)
        assert (p.reason is None) == p.keep
        assert abs(sum(p.probabilities.values()) - 1.0) < 1e-6


def test_clean_is_subsequence_and_drops_form(default_filter):
    # the shipped model: the toy model's verdict on a five-paragraph text moves with its data
    out = default_filter.clean(TEXT)
    it = iter(TEXT)
    assert all(c in it for c in out)
    assert "Leave a Reply" not in out
    assert "The city council voted" in out


def test_keep_and_threshold(small_filter):
    everything = small_filter.clean(TEXT, keep=[str(lab) for lab in Label])
    assert everything.strip() == TEXT.strip()
    strict = replace(small_filter, config=Config(threshold=1.0, rescue=0.0))
    assert strict.clean(TEXT) == ""


def test_rescue_keeps_the_best_of_an_emptied_document(default_filter):
    strict = replace(default_filter, config=Config(threshold=1.0))
    paragraphs = strict.classify(TEXT)
    kept = [p for p in paragraphs if p.keep]
    assert kept, "rescue must keep something when no paragraph reaches the threshold"
    p_keep = [sum(p.probabilities[k] for k in strict.config.keep) for p in paragraphs]
    assert max(p_keep) == max(p_keep[p.index] for p in kept)
    assert any("rescued" in s for s in strict.explain(TEXT).steps)


def test_rescue_only_touches_documents_with_nothing_kept():
    p_keep = np.array([0.9, 0.1, 0.3, 0.2, 0.12, 0.4])
    keep = p_keep >= 0.5
    sizes = [2, 0, 3, 1]  # an empty document in the middle
    out = rescue(p_keep, keep, sizes, 0.5)
    assert out.tolist() == [True, False, True, True, False, True]
    assert rescue(p_keep, keep, sizes, 0.0).tolist() == keep.tolist()
    assert rescue(p_keep, keep, sizes, 1.0).tolist() == [True, False, True, False, False, True]
    assert rescue(p_keep, keep, sizes, 0.1).tolist() == [True, False, True, True, True, True]
    hopeless = np.array([0.08, 0.05])  # below the floor: the document stays empty
    assert not rescue(hopeless, hopeless >= 0.5, [2], 0.5).any()


def test_explain_steps(small_filter):
    exp = small_filter.explain(TEXT)
    assert any("segmented" in s for s in exp.steps)
    assert exp.text == small_filter.clean(TEXT)
    assert "drop (" in str(exp)


def test_explain_names_a_headline_kept_below_the_threshold(default_filter):
    from junkfilter import Config
    from junkfilter.clean import JunkFilter

    text = ("Home | News\n\nBig storm hits the coast\n\nBy Jane Doe\n\nThe storm arrived on "
            "Tuesday night, flooding streets across the region.\n")  # fmt: skip
    strict = JunkFilter(default_filter.model, Config(threshold=0.999, headline=0.0, rescue=0))
    exp = strict.explain(text)
    kept = [p.text for p in exp.paragraphs if p.keep]
    assert kept == ["Big storm hits the coast"], kept  # only the headline survives 0.999
    assert any("most likely headline" in s for s in exp.steps), exp.steps
    off = JunkFilter(default_filter.model, Config(threshold=0.999, headline=1.0, rescue=0))
    assert not any(p.keep for p in off.classify(text))


def test_pipe_is_lazy_and_ordered(small_filter):
    texts = [TEXT, "", "Just one line of text that says something.", TEXT]
    consumed = []

    def gen():
        for t in texts:
            consumed.append(t)
            yield t

    stream = small_filter.pipe(gen(), batch_size=2)
    first = next(stream)
    assert len(consumed) == 2
    assert [first, *stream] == [small_filter.clean(t) for t in texts]


def test_pickle_round_trip(small_filter):
    small_filter.clean(TEXT)  # builds the model's caches (fused networks, text weight table)
    data = pickle.dumps(small_filter)
    clone = pickle.loads(data)
    assert clone.clean(TEXT) == small_filter.clean(TEXT)
    assert clone.model._table is not None  # rebuilt on use
    assert len(data) < small_filter.model.coef1.nbytes * 1.5  # the caches are not pickled


def test_config_defaults_and_validation():
    cfg = Config()
    assert cfg.keep == {Label.CONTENT, Label.TITLE} and cfg.threshold == 0.5
    assert Config(keep="content,comment").keep == {Label.CONTENT, Label.COMMENT}
    for bad in ({"threshold": 1.5}, {"batch_size": 0}, {"keep": "contnet"}, {"rescue": -1}):
        try:
            Config(**bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad}")


def test_assemble_uses_input_separators():
    text = "a\r\n\r\nb\r\n\r\nc\r\n"
    paras = segment(text)
    for p, keep in zip(paras, (True, False, True)):
        p.keep = keep
    assert assemble(text, paras) == "a\r\n\r\nc\r\n"


def test_row_chunks_bound_rows_and_keep_documents_whole():
    chunks = list(row_chunks([3, 0, 5, 20, 2], 8))
    assert [(lo, hi, c.tolist()) for lo, hi, c in chunks] == [
        (0, 8, [3, 5]), (8, 16, [8]), (16, 24, [8]), (24, 30, [4, 2])
    ]  # fmt: skip


def test_long_documents_are_scored_in_chunks(small_filter, monkeypatch):
    """A document longer than MAX_ROWS paragraphs is scored as runs of MAX_ROWS; its verdicts
    do not depend on the other documents of its batch, and short documents are unaffected."""
    long_doc = "\n\n".join(training_texts()[:3])
    short = training_texts()[3]
    whole = small_filter.classify_many([short, long_doc], probabilities=True)
    monkeypatch.setattr(clean_module, "MAX_ROWS", 16)
    alone = small_filter.classify_many([long_doc], probabilities=True)[0]
    batch = small_filter.classify_many([short, long_doc], probabilities=True)
    assert len(alone) > 16
    assert [p.probabilities for p in batch[1]] == [p.probabilities for p in alone]
    if len(whole[0]) <= 16:
        assert [p.probabilities for p in batch[0]] == [p.probabilities for p in whole[0]]
    assert [p.probabilities for p in alone] != [p.probabilities for p in whole[1]]
