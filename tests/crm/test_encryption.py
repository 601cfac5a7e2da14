import pytest
from django.db import connection

from crm.crypto import EncryptedSecret
from pok.forms import PokForm
from pok.models import Pok
from tests.factories import make_pok

pytestmark = pytest.mark.django_db


def raw_column(pok_id, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM pok_pok WHERE id = %s", [pok_id])
        return cursor.fetchone()[0]


def test_passwords_are_not_stored_in_clear():
    pok = make_pok(imap_password="Tajne-hasło-IMAP", smtp_password="Tajne-hasło-SMTP")
    for column, secret in (("imap_password", "Tajne-hasło-IMAP"), ("smtp_password", "Tajne-hasło-SMTP")):
        stored = raw_column(pok.pk, column)
        assert stored and secret not in stored
        assert "Tajne" not in stored
    fresh = Pok.objects.get(pk=pok.pk)
    assert fresh.imap_password.reveal() == "Tajne-hasło-IMAP"
    assert fresh.smtp_password.reveal() == "Tajne-hasło-SMTP"


def test_the_same_password_encrypts_differently_each_time():
    first = make_pok(imap_password="same")
    second = make_pok(imap_password="same")
    assert raw_column(first.pk, "imap_password") != raw_column(second.pk, "imap_password")


def test_a_secret_never_shows_in_str_or_repr():
    pok = make_pok(imap_password="visible?")
    fresh = Pok.objects.get(pk=pok.pk)
    assert "visible" not in str(fresh.imap_password)
    assert "visible" not in repr(fresh.imap_password)
    assert isinstance(fresh.imap_password, EncryptedSecret)


def test_form_never_renders_a_password_and_blank_keeps_it():
    pok = make_pok(imap_password="keep-me", smtp_password="keep-me-too")
    form = PokForm(instance=Pok.objects.get(pk=pok.pk))
    html = form.as_p()
    assert "keep-me" not in html
    data = {name: value for name, value in form.initial.items() if value is not None and name not in ("staff",)}
    data.update(imap_password="", smtp_password="new-smtp")
    bound = PokForm(data=data, instance=Pok.objects.get(pk=pok.pk))
    assert bound.is_valid(), bound.errors
    bound.save()
    fresh = Pok.objects.get(pk=pok.pk)
    assert fresh.imap_password.reveal() == "keep-me"
    assert fresh.smtp_password.reveal() == "new-smtp"
