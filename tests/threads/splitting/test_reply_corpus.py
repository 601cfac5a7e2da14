"""The reply corpus (reply_corpus/): every client's text and HTML layout, in every language, split the same way."""

import pytest

from tests.threads.splitting.reply_corpus import cases, normal
from threads.html import clean_mail_html
from threads.splitting import html_to_text, split_html, split_text

CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_text_variant_shows_exactly_what_the_customer_wrote(case):
    own, signature, history = split_text(case.text)
    assert normal(own) == normal(case.expected)
    assert normal(signature) == normal(case.signature)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_html_variant_shows_exactly_what_the_customer_wrote(case):
    own, signature, history, text = split_html(case.html)
    assert normal(text) == normal(case.expected)
    assert normal(html_to_text(signature)) == normal(case.signature)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_what_the_page_shows_is_what_is_stored(case):
    own, signature, history, text = split_html(case.html)
    shown = html_to_text(clean_mail_html(own, {}).html)
    assert shown == text, "the sanitised HTML on the page reads as the stored reply_text"
    assert normal(text) == normal(split_text(case.text)[0]), "text and HTML variants agree"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_nothing_is_lost_only_folded(case):
    parts = split_html(case.html)[:3]
    assert normal("\n".join(html_to_text(part) for part in parts)).split() == normal(html_to_text(case.html)).split()
    assert normal("\n".join(split_text(case.text))).split() == normal(case.text).split()


def test_corpus_spans_clients_and_languages():
    assert len(CASES) >= 150
    assert len({case.client for case in CASES}) >= 25
    assert len({case.lang for case in CASES}) >= 12
    assert {"onet", "wp", "interia", "o2"} <= {case.client for case in CASES}
