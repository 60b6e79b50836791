"""The page-order aligner on hand-written pages and gold texts."""

from __future__ import annotations

from junkfilter.corpus.align import align, fix_mojibake, match_tokens, normalise, tokenize, unglue
from junkfilter.labels import Label

C, T, M, K, B = Label.CONTENT, Label.TITLE, Label.METADATA, Label.COMMENT, Label.BOILERPLATE

ARTICLE = [
    "Why we moved our build to a single machine",
    "Last spring our continuous integration bill passed the cost of the office coffee.",
    "Great post!",
    "That is what a colleague wrote when the first benchmark came back, and he meant it.",
]


def test_repeated_short_line_takes_label_by_position():
    page = [
        "Home", "About", *ARTICLE, "3 Comments", "Anna says:", "Great post!",
        "Leave a Reply", "Great post!",
    ]  # fmt: skip
    gold = [(T, ARTICLE[0]), *[(C, line) for line in ARTICLE[1:]], (K, "Anna says:"),
            (K, "Great post!")]  # fmt: skip
    result = align(page, gold)
    labels = dict(enumerate(result.labels))
    assert labels[0] == labels[1] == B
    assert labels[2] == T
    assert labels[4] == C  # "Great post!" inside the article
    assert labels[7] == K and labels[8] == K  # the comment's "Great post!"
    assert labels[10] == B  # the third copy has no gold counterpart left
    assert result.recovered() == 1.0


def test_unmatched_paragraphs_are_junk_and_threshold_applies():
    page = ["Subscribe to our newsletter for the best of the week", ARTICLE[1]]
    result = align(page, [(C, ARTICLE[1]), (C, "of the week")])
    assert result.labels == [B, C]
    low = align(["one two three four five six"], [(C, "one two")])
    assert low.labels == [B]  # 2 of 6 tokens matched < 0.5
    high = align(["one two three four"], [(C, "one two three")])
    assert high.labels == [C]


def test_majority_label_wins_in_mixed_paragraph():
    page = ["By Jane Doe on May 3 The council voted on Tuesday to close the old bridge for good"]
    gold = [
        (M, "By Jane Doe on May 3"),
        (C, "The council voted on Tuesday to close the old bridge for good"),
    ]
    assert align(page, gold).labels == [C]


def test_order_is_respected_over_bag_of_words():
    page = ["alpha beta gamma", "delta epsilon zeta", "alpha beta gamma"]
    gold = [(K, "delta epsilon zeta"), (K, "alpha beta gamma")]
    assert align(page, gold).labels == [B, K, K]


def test_recovery_counts_gold_characters():
    result = align(["hello world", "zzz"], [(C, "hello world"), (K, "missing comment")])
    assert result.recovered([C]) == 1.0
    assert result.recovered([K]) == 0.0
    assert abs(result.recovered() - 10 / 24) < 1e-9


def test_no_gold_text():
    result = align(["a b c"], [])
    assert result.labels == [B] and result.recovered() is None
    assert align([], [(C, "x")]).labels == []


def test_normalise_and_tokenize():
    assert tokenize("Don’t  STOP_now") == ["don", "t", "stop", "now"]
    assert tokenize("ﬁne Ｆｕｌｌ") == ["fine", "full"]  # NFKC
    assert tokenize("see [the docs](http://x.org/a_b) or www.example.com") == [
        "see",
        "the",
        "docs",
        "or",
    ]
    assert tokenize("**bold** and _it_") == ["bold", "and", "it"]
    assert tokenize("日本語です") == ["日", "本", "語", "で", "す"]
    assert normalise("ÀB") == "àb"


def test_fix_mojibake():
    assert fix_mojibake("donâ€™t") == "don’t"
    assert fix_mojibake("cafÃ© crÃ¨me") == "café crème"
    assert fix_mojibake("café déjà vu") == "café déjà vu"  # correct text untouched
    assert fix_mojibake("Â£5") == "£5"
    assert tokenize("donâ€™t") == tokenize("don’t")


def test_mojibake_gold_still_aligns():
    page = ["The café’s crème brûlée won the prize again this year"]
    gold = [(C, "The cafÃ©â€™s crÃ¨me brÃ»lÃ©e won the prize again this year")]
    assert align(page, gold).recovered() == 1.0


def test_unglue_splits_glued_gold_words():
    vocab = {"subscribe", "ar", "views", "they", "fit"}
    toks, origin = unglue(["subscribear", "views", "theyfit", "unknown"], vocab)
    assert toks == ["subscribe", "ar", "views", "they", "fit", "unknown"]
    assert origin == [0, 0, 1, 2, 2, 3]
    page = ["willing to subscribe AR-Views, but who are not sure, if they fit the list"]
    gold = [(C, "willing to subscribeAR-Views, but who are not sure, if theyfit the list")]
    assert align(page, gold).recovered() == 1.0


def test_interleaved_columns_keep_the_long_article():
    menu = [f"menu{k} item{k} entry{k}" for k in range(10)]
    body = [f"body sentence number {k} tells the story of chapter {k} in detail" for k in range(10)]
    page = [f"{m} {b}" for m, b in zip(menu, body, strict=True)]  # two table columns side by side
    gold = [(B, " ".join(menu)), (C, " ".join(body))]
    assert align(page, gold).labels == [C] * 10


def test_match_tokens_is_ordered_and_handles_big_inputs():
    a = [f"w{k % 997}" for k in range(20000)]
    b = a[5000:9000]
    blocks = match_tokens(a, b)
    assert sum(n for _, _, n in blocks) == 4000
    assert blocks == sorted(blocks)
