import pytest

from tests.factories import make_pok, make_staff


@pytest.fixture
def pok_a(db):
    return make_pok(name="Shop A", from_address="bok@shop-a.example")


@pytest.fixture
def pok_b(db):
    return make_pok(name="Shop B", from_address="bok@shop-b.example")


@pytest.fixture
def anna(pok_a):
    user = make_staff("anna", pok_a)
    user.first_name, user.last_name = "Anna", "Nowak"
    user.save()
    return user


@pytest.fixture
def bob(pok_b):
    """Staff of the other POK only."""
    return make_staff("bob", pok_b)


@pytest.fixture
def anna_client(client, anna):
    client.force_login(anna)
    return client


@pytest.fixture
def sending_pok(pok_a, smtp_server):
    """pok_a sending through the real test SMTP server."""
    pok_a.smtp_host, pok_a.smtp_port, pok_a.smtp_security = smtp_server.host, smtp_server.port, "none"
    pok_a.save()
    return pok_a
