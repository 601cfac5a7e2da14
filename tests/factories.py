"""Small builders for test data (real database rows, no mocks)."""

from django.contrib.auth import get_user_model

from pok.models import Pok, PokStaff


def make_pok(**fields) -> Pok:
    values = {
        "name": "Test POK",
        "language": "pl",
        "imap_host": "127.0.0.1",
        "imap_port": 143,
        "imap_security": "none",
        "imap_user": "pok",
        "imap_password": "imap-secret",
        "smtp_host": "127.0.0.1",
        "smtp_port": 25,
        "smtp_security": "none",
        "from_address": "bok@shop.example",
        "from_name": "Shop BOK",
    }
    values.update(fields)
    return Pok.objects.create(**values)


def make_staff(username: str, *poks, superuser=False):
    user = get_user_model().objects.create_user(
        username, password="pass-" + username, is_staff=True, is_superuser=superuser
    )
    for pok in poks:
        PokStaff.objects.create(pok=pok, user=user)
    return user
