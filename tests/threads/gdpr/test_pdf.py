"""The printable report: a valid PDF whose text holds the person's data with Polish letters."""

import io

from django.utils import translation
from pypdf import PdfReader

from customers.models import Order
from tests.threads.gdpr.conftest import JAN
from threads.gdpr import collect as gdpr
from threads.gdpr.pdf import render_report


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_report_is_a_pdf_with_everything_in_polish_letters(world):
    with translation.override("pl"):
        pdf = render_report(gdpr.collect(JAN), "admin")

    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    reference = Order.objects.filter(customer_id=1).order_by("date_add").first().reference
    for expected in (
        JAN,
        "Kowalski",
        "Gęś i Syn sp. z o.o.",
        "Łódź",
        "ul. Piotrkowska 12",
        reference,
        "Gdzie jest moja paczka?",
        "Paczka wyszła wczoraj.",
        "Klient prosił o kontakt po 16.",
        "faktura-jan.pdf",
        "Piszę w sprawie Zofii.",
        "Kurier DPD Polska",
        "Polska",
    ):
        assert expected in text, expected


def test_the_report_holds_no_one_else(world):
    text = pdf_text(render_report(gdpr.collect(JAN), "admin"))
    assert "Grzegorz" not in text
    assert "Biuro rachunkowe" not in text  # Zofia's disclosure
    assert "Nie Jan." not in text  # the look-alike address


def test_an_empty_report_still_renders(db):
    text = pdf_text(render_report(gdpr.collect("nobody@example.org"), "admin"))
    assert "nobody@example.org" in text
    assert "The shop holds no account with this e-mail address." in text
