"""'My threads' and the INBOX walk of 'Next thread needing an answer'; navigation links."""

from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from crm.permissions import sees_personal_data
from pok.models import PokStaff
from tests.factories import make_pok, make_staff
from tests.threads.ui.mails import BASE_TIME, receive, receive_threads
from threads import services
from threads.models import Status


def subjects(response) -> list[str]:
    return [row.record.subject for row in response.context["table"].page.object_list]


def test_my_threads_across_poks_new_and_waiting_oldest_first(anna_client, pok_a, anna):
    pok_c = make_pok(name="Shop C", from_address="bok@shop-c.example")
    PokStaff.objects.create(pok=pok_c, user=anna)
    piotr = make_staff("piotr", pok_a)
    late = receive(pok_c, subject="Late", when=BASE_TIME + timedelta(days=2)).thread
    early = receive(pok_a, subject="Early", when=BASE_TIME).thread
    waiting = receive(pok_a, subject="Waiting", when=BASE_TIME + timedelta(days=1)).thread
    done = receive(pok_a, subject="Done").thread
    others = receive(pok_a, subject="Piotr's").thread
    receive(pok_a, subject="Nobody's")
    for thread in (late, early, waiting, done):
        services.assign_owner(thread, owner=anna)
    services.assign_owner(others, owner=piotr)
    services.change_status(waiting, status=Status.WAITING)
    services.change_status(done, status=Status.ARCHIVED)

    url = reverse("threads:mine")
    response = anna_client.get(url)
    assert subjects(response) == ["Early", "Waiting", "Late"]
    page = response.content.decode()
    assert "Shop C" in page and 'name="owner"' not in page, "a POK column, no owner filter"
    assert subjects(anna_client.get(url, {"status": "archived"})) == ["Done"]
    assert subjects(anna_client.get(url, {"status": "waiting"})) == ["Waiting"]
    assert subjects(anna_client.get(url, {"sort": "-last_message_at"})) == ["Late", "Waiting", "Early"]
    assert subjects(anna_client.get(url, {"subject": "ear"})) == ["Early"]

    # Threads of a POK she no longer works for are not hers to see.
    PokStaff.objects.filter(pok=pok_c, user=anna).delete()
    assert subjects(anna_client.get(url)) == ["Early", "Waiting"]


def walk(client, pok, after=None):
    params = {"after": after.public_id} if after else {}
    return client.get(reverse("threads:next", args=[pok.pk]), params, follow=True)


def landed_on(response):
    return response.context["thread"].subject if "thread" in response.context else None


def flash(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_next_walks_the_new_threads_oldest_first_and_wraps(anna_client, pok_a, pok_b):
    first, second, third, fourth = receive_threads(pok_a, 4)
    services.change_status(third, status=Status.WAITING)
    receive(pok_b, subject="Elsewhere", when=BASE_TIME - timedelta(days=1))

    assert landed_on(walk(anna_client, pok_a)) == first.subject
    assert landed_on(walk(anna_client, pok_a, after=first)) == second.subject
    assert landed_on(walk(anna_client, pok_a, after=second)) == fourth.subject, "waiting threads are skipped"
    assert landed_on(walk(anna_client, pok_a, after=third)) == fourth.subject, "a waiting thread keeps its place"
    wrapped = walk(anna_client, pok_a, after=fourth)
    assert landed_on(wrapped) == first.subject
    assert "back to the oldest thread" in flash(wrapped)


def test_next_says_when_no_other_thread_needs_an_answer(anna_client, pok_a):
    only = receive(pok_a).thread
    response = walk(anna_client, pok_a, after=only)
    assert response.redirect_chain[-1][0] == reverse("threads:inbox", args=[pok_a.pk])
    assert "No other thread in Shop A needs an answer." in flash(response)
    services.change_status(only, status=Status.ARCHIVED)
    assert "No other thread" in flash(walk(anna_client, pok_a))


def test_next_ignores_a_thread_of_another_pok_named_as_the_start(anna_client, pok_a, pok_b):
    mine = receive_threads(pok_a, 2)
    foreign = receive(pok_b, when=BASE_TIME + timedelta(hours=1)).thread
    assert landed_on(walk(anna_client, pok_a, after=foreign)) == mine[0].subject


def test_next_buttons_on_the_lists_and_the_thread(anna_client, pok_a):
    thread = receive(pok_a).thread
    walk_url = reverse("threads:next", args=[pok_a.pk])
    assert walk_url in anna_client.get(reverse("threads:inbox", args=[pok_a.pk])).content.decode()
    assert walk_url in anna_client.get(reverse("threads:archive", args=[pok_a.pk])).content.decode()
    detail = anna_client.get(reverse("threads:detail", args=[thread.public_id])).content.decode()
    assert f"{walk_url}?after={thread.public_id}" in detail


def test_navigation_links_my_threads_statistics_and_personal_data_by_permission(anna_client, anna, pok_a):
    page = anna_client.get(reverse("overview")).content.decode()
    assert reverse("threads:mine") in page and reverse("stats:overview") in page
    assert reverse("gdpr:person") not in page
    card = anna_client.get(reverse("customer_card"), {"email": "jan@example.com"}).content.decode()
    assert reverse("gdpr:person") not in card

    anna.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    assert reverse("gdpr:person") in anna_client.get(reverse("threads:mine")).content.decode()
    card = anna_client.get(reverse("customer_card"), {"email": "jan@example.com"}).content.decode()
    assert f"{reverse('gdpr:person')}?email=jan%40example.com" in card


def test_the_personal_data_link_follows_a_groups_permission_too(anna_client, anna, pok_a):
    group = Group.objects.create(name="Data protection")
    group.permissions.add(Permission.objects.get(codename="view_personal_data"))
    assert reverse("gdpr:person") not in anna_client.get(reverse("overview")).content.decode()
    anna.groups.add(group)
    assert reverse("gdpr:person") in anna_client.get(reverse("overview")).content.decode()
    anna.is_active = False
    assert not sees_personal_data(anna)
