"""Erasure: exactly the person's threads, messages and stored files go, after the address is typed again;
a record proves it without keeping the address."""

from pathlib import Path

import pytest
from django.urls import reverse

from customers.models import Customer, Disclosure, Erasure
from tests.threads.gdpr.conftest import JAN, ZOFIA
from tests.threads.gdpr.test_gdpr_views import client_for, csrf_post
from threads.gdpr import collect as gdpr
from threads.models import Attachment, Message, Thread

ERASE = reverse("gdpr:erase")


def stored_files(*threads) -> list[Path]:
    messages = Message.objects.filter(thread__in=threads)
    names = [m.raw.path for m in messages if m.raw]
    names += [a.file.path for a in Attachment.objects.filter(message__in=messages)]
    return [Path(name) for name in names]


def erase_through_http(world, django_capture_on_commit_callbacks, typed=JAN):
    with django_capture_on_commit_callbacks(execute=True):
        return csrf_post(client_for(world.admin), ERASE, {"email": JAN, "confirm_email": typed})


def test_erasure_removes_exactly_the_persons_data(world, django_capture_on_commit_callbacks):
    jan_files = stored_files(world.jan_thread) + [Path(world.jan_in_zofia.raw.path)]
    kept_files = stored_files(world.grzegorz_thread) + [Path(world.cc_jan_in_zofia.raw.path)]
    assert jan_files and all(path.exists() for path in jan_files + kept_files)
    zofia_messages = world.zofia_thread.messages.count()

    response = erase_through_http(world, django_capture_on_commit_callbacks, typed="  JAN.Kowalski@example.com ")

    assert response.status_code == 302
    assert not Thread.objects.filter(pk__in=[world.jan_thread.pk, world.stray_thread.pk]).exists()
    assert not Message.objects.filter(pk__in=[world.jan_in_zofia.pk, world.to_jan_in_zofia.pk]).exists()
    assert not Message.objects.filter(from_address=JAN).exists()
    assert not any(path.exists() for path in jan_files)
    # Zofia's thread stays, with her mail (also the one copying Jan) and its figures recounted.
    zofia_thread = Thread.objects.get(pk=world.zofia_thread.pk)
    assert Message.objects.filter(pk=world.cc_jan_in_zofia.pk).exists()
    assert zofia_thread.messages.count() == zofia_messages - 2
    assert zofia_thread.message_count == zofia_thread.messages.exclude(direction="note").count()
    assert Thread.objects.filter(pk=world.grzegorz_thread.pk).exists()
    assert all(path.exists() for path in kept_files)
    # The disclosure log of Jan goes; Zofia's and the shop mirror stay.
    assert list(Disclosure.objects.values_list("email", flat=True)) == [ZOFIA]
    assert Customer.objects.filter(id_customer__in=[1, 2]).count() == 2


def test_erasure_is_recorded_without_the_address(world, django_capture_on_commit_callbacks):
    erase_through_http(world, django_capture_on_commit_callbacks)

    record = Erasure.objects.get()
    assert record.email_hash == gdpr.email_hash("Jan.Kowalski@example.com") != gdpr.email_hash(ZOFIA)
    assert JAN not in record.email_hash and len(record.email_hash) == 64
    assert (record.performed_by, record.performed_by_name) == (world.admin, "admin")
    # Jan's thread (incoming, reply, note) and the stray thread; his mail and our answer in Zofia's thread.
    assert (record.threads_removed, record.messages_removed, record.attachments_removed) == (2, 6, 1)
    assert (record.disclosures_removed, record.disclosure_recipients) == (1, "Kurier DPD Polska")
    assert record.shop_customers_kept == 2
    assert all(JAN not in str(value).lower() for value in vars(record).values())

    # Looking the address up again shows the erasure.
    page = client_for(world.admin).get(reverse("gdpr:person"), {"email": JAN}).content.decode()
    assert "This address was erased from the CRM" in page
    assert gdpr.collect(JAN).threads == []


def test_erasure_needs_the_address_typed_again(world, django_capture_on_commit_callbacks):
    client = client_for(world.admin)
    confirmation = client.get(ERASE, {"email": JAN})
    assert confirmation.status_code == 200
    assert "Kurier DPD Polska" in confirmation.content.decode()  # to be told of the erasure

    response = erase_through_http(world, django_capture_on_commit_callbacks, typed=ZOFIA)

    assert response.status_code == 200
    assert "This is not the address being erased." in response.content.decode()
    assert Thread.objects.filter(pk=world.jan_thread.pk).exists()
    assert not Erasure.objects.exists()


def test_erasure_is_refused_to_everyone_but_superusers(world):
    for user in (world.dpo, world.clerk):
        client = client_for(user)
        client.get(reverse("overview"))
        response = client.post(
            ERASE, {"email": JAN, "confirm_email": JAN, "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
        )
        assert response.status_code == 403 and b"CSRF" not in response.content
    assert Thread.objects.filter(pk=world.jan_thread.pk).exists()
    assert not Erasure.objects.exists()


def test_erasure_needs_the_csrf_token(world):
    response = client_for(world.admin).post(ERASE, {"email": JAN, "confirm_email": JAN})
    assert response.status_code == 403
    assert Thread.objects.filter(pk=world.jan_thread.pk).exists()
    assert not Erasure.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_erasure_of_an_invalid_address_goes_back_to_the_page(world, method):
    client = client_for(world.admin)
    client.get(reverse("overview"))
    response = getattr(client, method)(
        ERASE, {"email": "", "confirm_email": "", "csrfmiddlewaretoken": client.cookies["csrftoken"].value}
    )
    assert response.status_code == 302 and response["Location"] == reverse("gdpr:person")
    assert Thread.objects.count() == 4
