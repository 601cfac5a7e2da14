"""Reply stripping over a corpus of real client reply formats (corpus/replies/)."""

import time
from pathlib import Path

import pytest

from threads.splitting import MARKERS, html_to_text, split_html, split_text

REPLIES = Path(__file__).parent / "corpus" / "replies"
TEXT_SAMPLES = sorted(REPLIES.glob("*.txt"))
HTML_SAMPLES = sorted(REPLIES.glob("*.html"))


def expected_for(sample: Path) -> str:
    return sample.with_name(sample.name + ".expected").read_text(encoding="utf-8").rstrip("\n")


@pytest.mark.parametrize("sample", TEXT_SAMPLES, ids=lambda p: p.name)
def test_text_reply_keeps_exactly_what_the_customer_wrote(sample):
    text = sample.read_text(encoding="utf-8")
    reply, signature, rest = split_text(text)
    assert reply == expected_for(sample)
    if rest:
        assert text.startswith(reply)
        assert rest in text[len(reply) :], "the cut-off part is kept verbatim"
    else:
        assert reply == text.rstrip("\n")


@pytest.mark.parametrize("sample", HTML_SAMPLES, ids=lambda p: p.name)
def test_html_reply_keeps_what_the_customer_wrote(sample):
    html = sample.read_text(encoding="utf-8")
    reply, signature, rest, reply_text = split_html(html)
    assert html_to_text(reply) == reply_text == expected_for(sample)
    parts = "\n".join(html_to_text(part) for part in (reply, signature, rest) if part)
    assert parts.split() == html_to_text(html).split(), "nothing is lost, only split"


CLIENT_FORMATS = {
    "gmail_pl.txt", "gmail_pl_oneline.txt", "gmail_en.txt", "gmail_pl.html", "gmail_en.html",
    "thunderbird_pl.txt", "thunderbird_en.txt", "thunderbird_pl.html",
    "outlook_original_en.txt", "outlook_original_pl.txt", "outlook_block_pl.txt", "outlook_block_en.txt",
    "outlook_od_data_pl.txt", "outlook_web_pl.html", "outlook_desktop_en.html",
    "apple_en.txt", "apple_pl.txt", "apple_en.html",
    "onet_dnia_pl.txt", "onet_block_pl.txt", "interia_temat_pl.txt", "wp_original_message.txt",
}  # fmt: skip


def test_corpus_covers_every_client_format():
    assert {p.name for p in TEXT_SAMPLES + HTML_SAMPLES} >= CLIENT_FORMATS


@pytest.mark.parametrize(
    "marker_line",
    [
        "-- Wpisz odpowiedź powyżej tej linii --",
        "---- Type your reply above this line ----",
        "> -- Type your reply above this line --",
        ">> === WPISZ ODPOWIEDŹ POWYŻEJ TEJ LINII ===",
        "## Type your reply above this line ##",
    ],
)
def test_marker_is_found_whatever_its_decoration(marker_line):
    assert split_text(f"Ok.\n\n{marker_line}\nold text\n") == ("Ok.", "", f"\n{marker_line}\nold text\n")


def test_marker_constant_holds_both_languages():
    assert MARKERS == ("Wpisz odpowiedź powyżej tej linii", "Type your reply above this line")


def test_text_without_quote_is_returned_whole_minus_trailing_blank_lines():
    assert split_text("Hello  \n  indented\n\n \n") == ("Hello  \n  indented", "", "")


def test_whole_message_being_a_quote_is_kept():
    text = "> quoted only\n> more\n"
    assert split_text(text) == ("> quoted only\n> more", "", "")


def test_empty_text():
    assert split_text("") == ("", "", "")
    assert split_html("") == ("", "", "", "")


def test_header_line_in_prose_without_a_date_is_not_a_cut():
    text = "On the other hand, my wife wrote:\nplease send it on Friday."
    assert split_text(text) == (text, "", "")


def test_very_long_lines_do_not_slow_the_split():
    text = "On " + "1" * 200_000 + "\nsecond line"
    assert split_text(text) == (text, "", "")


def test_html_marker_written_with_entities_is_cut_before_its_element():
    quoted = '<div class="x">--&nbsp;Type your reply above this line&nbsp;--</div><p>old</p>'
    own, signature, rest, text = split_html("<p>Yes.</p>" + quoted)
    assert (own, signature, text) == ("<p>Yes.</p>", "", "Yes.")
    assert rest == '<div class="x">--\xa0Type your reply above this line\xa0--</div><p>old</p>'


def test_crlf_text_is_split_the_same_way():
    text = (REPLIES / "outlook_original_pl.txt").read_text(encoding="utf-8")
    reply, signature, rest = split_text(text.replace("\n", "\r\n"))
    assert reply == expected_for(REPLIES / "outlook_original_pl.txt").replace("\n", "\r\n")
    assert rest.startswith("\r\n-----Oryginalna wiadomość-----")


def test_a_huge_body_is_split_in_linear_time():
    text = "Reply.\n" + "From: someone\n" * 200_000  # header-like lines that never make a block
    started = time.monotonic()
    assert split_text(text) == (text.rstrip("\n"), "", "")
    assert time.monotonic() - started < 5  # quadratic scanning would take minutes


@pytest.mark.parametrize(
    ("text", "own", "signature"),
    [
        ("Thanks\n\n2012/7/19 Mailgun <xyz@mailgun.com>\n\n> hi\n", "Thanks", ""),
        ("Hi\n\n2014-10-17 11:28 GMT+03:00 Bob <bob@example.com>:\n\n> Test\n", "Hi", ""),
        ("Here\n\nSent from my Verizon Wireless BlackBerry", "Here", "Sent from my Verizon Wireless BlackBerry"),
        (
            "Here\n\nSent from my desk, is much easier then my mobile phone.",
            "Here\n\nSent from my desk, is much easier then my mobile phone.",
            "",
        ),
        (
            "Ok.\n\nOn Dec 16, 2011, at 12:47 PM, Corey Donohoe\n<reply@reply.github.com>\nwrote:\n\n> Was it?\n",
            "Ok.",
            "",
        ),
        ("Thanks! On Mon, 23 Nov 2026 at 10:00, Shop <s@shop.example> wrote:\n> Hello\n", "Thanks!", ""),
        (
            "On your host run:\n\n  telnet 127.0.0.1 52698\n\nOn 9 Jan 2014, at 2:47, G <g@x.example> wrote:\n> Hi",
            "On your host run:\n\n  telnet 127.0.0.1 52698",
            "",
        ),
    ],
)
def test_forms_other_libraries_know(text, own, signature):
    assert split_text(text)[:2] == (own, signature)


def test_prose_with_a_date_ending_in_a_colon_does_not_cut_unquoted_text():
    text = "Kurier napisał, że dostawa będzie 25.11 o 10:00:\nproszę potwierdzić adres.\nJan"
    assert split_text(text) == (text, "", "")


def test_a_customer_quoting_one_line_sees_the_whole_message():
    text = "> Which size?\nXL please.\n\nSent from my iPhone\n"
    assert split_text(text) == ("> Which size?\nXL please.", "Sent from my iPhone", "")


def test_an_empty_signature_container_above_the_reply_folds_nothing():
    html = '<div id="Signature"></div><div>Please send it today.</div><div>Thanks</div>'
    own, signature, rest, text = split_html(html)
    assert (text, signature, rest) == ("Please send it today.\nThanks", "", "")


def test_a_reply_header_container_never_takes_the_line_it_starts_on():
    html = '<div>Thanks <span class="OutlookMessageHeader">From: Shop</span></div><div>old</div>'
    assert split_html(html)[3].startswith("Thanks")


@pytest.mark.parametrize(
    "html",
    [
        '<div dir="ltr">See below<br><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">'
        "---------- Forwarded message ---------<br>From: <b>DPD</b> &lt;info@dpd.example&gt;<br>"
        "Date: Mon, 23 Nov 2026 at 09:00<br>Subject: Parcel<br></div><br><br><div>Your parcel waits.</div></div></div>",
        '<div>See below</div><div><br><blockquote type="cite"><div>Begin forwarded message:</div><br>'
        "<div><b>From: </b>DPD &lt;info@dpd.example&gt;</div><div><b>Subject: </b>Parcel</div><br>"
        "<div>Your parcel waits.</div></blockquote></div>",
    ],
)
def test_a_message_forwarded_inside_the_clients_quote_container_is_shown(html):
    own, signature, rest, text = split_html(html)
    assert (rest, "Your parcel waits." in text, text.startswith("See below")) == ("", True, True)


@pytest.mark.parametrize(
    "html",
    [
        "<div>Thanks! On Mon, 23 Nov 2026 at 10:00, Shop &lt;s@shop.example&gt; wrote:</div><blockquote>Hi</blockquote>",
        "<div><b>Thanks!</b>   Will   wait. On Mon, 23 Nov 2026 at 10:00, Shop &lt;s@shop.example&gt; wrote:<br></div>"
        "<blockquote>Hi</blockquote>",
    ],
)
def test_an_html_attribution_on_the_line_of_the_reply_is_cut_inside_the_line(html):
    own, signature, rest, text = split_html(html)
    assert text in ("Thanks!", "Thanks! Will wait.") and html_to_text(own) == text
    assert html_to_text(rest).startswith("On Mon, 23 Nov 2026") and "Hi" in rest


def test_a_header_like_list_without_an_address_is_the_customers_text():
    text = "Route of the parcel:\nFrom: Warsaw\nTo: Berlin\nDate: 5.11\n\nWhere is it now?"
    assert split_text(text) == (text, "", "")


def test_an_outlook_header_block_of_names_only_is_still_history():
    text = "Ok.\n\nFrom: John Smith\nSent: Monday, 2 March 2026 10:00\nTo: Jane Doe\nSubject: RE: order\n\nold"
    assert split_text(text)[0] == "Ok."


def test_gmail_indented_text_is_not_a_quote():
    html = '<div>Hello</div><blockquote style="margin:0 0 0 40px;border:none;padding:0px"><div>My address</div></blockquote>'
    assert split_html(html)[2:] == ("", "Hello\nMy address")


def test_a_header_block_whose_recipients_wrap_over_lines():
    text = (
        "Fine.\n\nFrom: Shop <s@shop.example>\nTo: a@x.example;\n b@x.example;\n c@x.example\nSubject: RE: order\n\nold"
    )
    own, signature, rest = split_text(text)
    assert own == "Fine." and rest.strip().startswith("From: Shop")
