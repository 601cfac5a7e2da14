"""The stored thread counts stay equal to a full recount through any sequence of the actions that move them."""

import random
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from mailsync.storing import store_message
from tests.factories import make_pok, make_staff
from tests.threads.ui.mails import customer_mail
from threads import services
from threads.models import UNDELIVERED_REPLY, Delivery, Message, Status, Thread, ThreadCount
from threads.selectors import owned_counts, pok_panels

STEPS = 200


def full_recount() -> Counter:
    rows = Thread.objects.values_list("pok_id", "status", "owner_id").annotate(n=Count("id")).order_by()
    return Counter({(pok_id, status, owner_id or 0): n for pok_id, status, owner_id, n in rows})


def stored_counts() -> Counter:
    rows = ThreadCount.objects.filter(kind="threads").exclude(count=0)
    return Counter({(row.pok_id, row.status, row.owner_key): row.count for row in rows})


class World:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.poks = [
            make_pok(name="Shop A", from_address="bok@a.example"),
            make_pok(name="Shop B", from_address="bok@b.example"),
        ]
        self.staff = [make_staff(f"staff{n}", *self.poks) for n in range(3)]
        # Works in one shop only: a bulk hand-over to them refuses the other shop's threads.
        self.staff.append(make_staff("only_a", self.poks[0]))
        self.mails = 0
        self.people = 0

    def thread(self) -> Thread | None:
        ids = list(Thread.objects.values_list("pk", flat=True))
        return Thread.objects.select_related("pok", "owner").get(pk=self.rng.choice(ids)) if ids else None

    def some_threads(self) -> list[Thread]:
        """A random handful, as a list page loaded them (possibly several times the same thread)."""
        ids = list(Thread.objects.values_list("pk", flat=True))
        picked = [self.rng.choice(ids) for _ in range(self.rng.randint(1, 6))] if ids else []
        return list(Thread.objects.select_related("pok", "owner").filter(pk__in=picked))

    def new_mail(self) -> None:
        self.mails += 1
        pok = self.rng.choice(self.poks)
        existing = Thread.objects.filter(pok=pok).first() if self.rng.random() < 0.4 else None
        subject = f"Re: {existing.subject} {existing.token}" if existing else f"Question {self.mails}"
        sender = f"Customer {self.mails} <c{self.mails % 5}@example.com>"
        extra = {"Auto-Submitted": "auto-replied"} if self.rng.random() < 0.1 else None
        store_message(pok, customer_mail(pok, sender=sender, subject=subject, extra_headers=extra))

    def reply(self) -> None:
        thread = self.thread()
        if thread:
            author = self.rng.choice(self.staff)
            then = self.rng.choice([Status.WAITING, Status.ARCHIVED])
            services.reply(thread, author=author, text="Hello", then_status=then)

    def status(self) -> None:
        thread = self.thread()
        if thread:
            services.change_status(thread, status=self.rng.choice(Status.values), actor=self.staff[0])

    def bulk_status(self) -> None:
        services.change_statuses(self.some_threads(), status=self.rng.choice(Status.values), actor=self.staff[0])

    def bulk_owner(self) -> None:
        owner = self.rng.choice([None, *self.staff])
        services.assign_owners(self.some_threads(), owner=owner, actor=self.staff[0])

    def spam(self) -> None:
        if self.rng.random() < 0.5:
            services.mark_spams(self.some_threads(), actor=self.staff[0])
        elif thread := self.thread():
            services.mark_spam(thread, actor=self.staff[0])

    def not_spam(self) -> None:
        thread = Thread.objects.filter(status=Status.SPAM).select_related("pok").first()
        if thread:
            services.not_spam(thread, actor=self.staff[0])

    def settle(self) -> None:
        """A reply's delivery settles as the outbox would leave it: sent (the chosen status applies), failed for
        good or bounced (the thread is new again), or given up."""
        reply = Message.objects.filter(UNDELIVERED_REPLY).order_by("?").first()
        if reply is None:
            return
        outcome = self.rng.choice(["sent", "failed", "cancelled", "bounced"])
        if outcome == "bounced":
            Message.objects.filter(pk=reply.pk).update(delivery=Delivery.SENT)
            services.settle_delivery(Message.objects.get(pk=reply.pk))
            services.record_bounce(reply, recipient=reply.to, reason="550 no such user", kind="recipient")
            return
        delivery = {"sent": Delivery.SENT, "failed": Delivery.FAILED, "cancelled": Delivery.CANCELLED}[outcome]
        Message.objects.filter(pk=reply.pk).update(delivery=delivery, next_attempt_at=None)
        services.settle_delivery(Message.objects.get(pk=reply.pk))

    def assign(self) -> None:
        thread = self.thread()
        if thread:
            services.assign_owner(thread, owner=self.rng.choice([None, *self.staff]), actor=self.staff[0])

    def stale_status(self) -> None:
        """Two people act on the same thread from pages loaded before either change."""
        thread = self.thread()
        if thread:
            stale = Thread.objects.get(pk=thread.pk)
            services.change_statuses([thread], status=Status.ARCHIVED)
            services.assign_owner(thread, owner=self.staff[1])
            services.change_statuses([stale], status=Status.WAITING)
            services.assign_owners([stale], owner=self.staff[2])

    def erase(self) -> None:
        thread = self.thread()
        if thread:
            others = list(Message.objects.exclude(thread=thread).order_by("?")[:1])
            services.erase_mail([thread], messages=others)

    def delete_user(self) -> None:
        if len(self.staff) > 1:
            self.staff.pop(self.rng.randrange(len(self.staff))).delete()
            self.people += 1
            self.staff.append(make_staff(f"late{self.people}", *self.poks))


ACTIONS = ["new_mail"] * 5 + ["reply", "reply", "status", "assign", "stale_status", "erase", "delete_user"]
ACTIONS += ["bulk_status", "bulk_owner", "spam", "not_spam", "settle", "settle"]


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2])
def test_random_actions_keep_the_counts_equal_to_a_recount(seed):
    rng = random.Random(seed)
    world = World(rng)
    done = Counter()
    seen = set()
    for _step in range(STEPS):
        action = rng.choice(ACTIONS)
        try:
            getattr(world, action)()
        except services.ActionRefused:  # e.g. a thread with a reply not delivered stays new
            done["refused"] += 1
        done[action] += 1
        recount = full_recount()
        assert stored_counts() == recount, f"after {done}"
        seen |= {status for _pok, status, _owner in recount}
    assert Thread.objects.count() >= 5 and all(done[action] for action in ACTIONS)
    assert seen == set(Status.values)


@pytest.mark.django_db
def test_panels_and_owned_counts_read_the_counters(django_assert_num_queries):
    world = World(random.Random(3))
    for _ in range(8):
        world.new_mail()
    anna = world.staff[0]
    thread = Thread.objects.filter(pok=world.poks[0]).first()
    services.assign_owner(thread, owner=anna)
    services.change_status(thread, status=Status.WAITING)
    with django_assert_num_queries(1):
        panels = {panel.pok.pk: panel for panel in pok_panels(anna)}
    for pok in world.poks:
        by_status = Counter(Thread.objects.filter(pok=pok).values_list("status", flat=True))
        assert (panels[pok.pk].new, panels[pok.pk].waiting, panels[pok.pk].archived) == (
            by_status[Status.NEW],
            by_status[Status.WAITING],
            by_status[Status.ARCHIVED],
        )
    with django_assert_num_queries(1):
        assert owned_counts(anna) == {Status.WAITING: 1}


@pytest.mark.django_db
def test_repair_command_fixes_wrong_counters(capsys):
    world = World(random.Random(5))
    for _ in range(6):
        world.new_mail()
    pok = world.poks[0]
    ThreadCount.objects.filter(pok=pok, kind="threads").update(count=999)
    ThreadCount.objects.create(pok=pok, kind="threads", status=Status.WAITING, owner_key=424242, count=3)
    call_command("repair_thread_counts")
    out = capsys.readouterr().out
    assert stored_counts() == full_recount()
    assert f"[1/2] {pok.name}: " in out and "counters repaired" in out
    assert "2 POKs checked, 1 repaired" in out
    call_command("repair_thread_counts")
    assert "0 repaired" in capsys.readouterr().out


@pytest.mark.django_db
def test_user_deletion_moves_their_counts_to_nobody():
    world = World(random.Random(6))
    for _ in range(4):
        world.new_mail()
    leaving = get_user_model().objects.get(username="staff1")
    for thread in Thread.objects.all():
        services.assign_owner(thread, owner=leaving)
    leaving.delete()
    assert stored_counts() == full_recount()
    assert not ThreadCount.objects.filter(owner_key=leaving.pk).exclude(count=0).exists()


@pytest.mark.django_db
def test_panels_count_unread_inbox_threads_up_to_the_cap_and_undelivered_ones(monkeypatch):
    world = World(random.Random(7))
    world.poks = world.poks[:1]
    for _ in range(6):
        world.new_mail()
    anna = world.staff[0]
    threads = list(Thread.objects.filter(status=Status.NEW).order_by("pk"))
    services.mark_read(threads[:1], user=anna)
    services.change_status(threads[1], status=Status.ARCHIVED)
    services.reply(threads[2], author=anna, text="On its way", then_status=Status.WAITING)
    unread = Thread.objects.filter(status__in=[Status.NEW, Status.WAITING], last_customer_at__isnull=False)
    expected = unread.exclude(pk=threads[0].pk).count()
    panel = pok_panels(anna)[0]
    assert (panel.unread, panel.unread_capped, panel.undelivered) == (expected, False, 1)
    monkeypatch.setattr("threads.selectors.COUNT_CAP", expected - 1)
    panel = pok_panels(anna)[0]
    assert (panel.unread, panel.unread_capped) == (expected - 1, True)


@pytest.mark.django_db(transaction=True)
def test_a_failed_savepoint_inside_a_group_drops_its_count_moves():
    """sync_inbox stores a group of messages in one transaction, each in a savepoint: one that fails must
    take back what it moved, the others' moves are written once at the end of the group."""
    world = World(random.Random(8))
    pok = world.poks[0]
    with transaction.atomic(), services.grouped_counts():
        services.create_thread(pok, subject="kept", customer_email="a@example.com")
        with pytest.raises(RuntimeError), transaction.atomic(), services.grouped_counts():
            services.create_thread(pok, subject="rolled back", customer_email="b@example.com")
            raise RuntimeError("the message could not be stored")
        assert not ThreadCount.objects.filter(pok=pok).exists()  # written when the group ends
    assert stored_counts() == full_recount() == Counter({(pok.pk, Status.NEW, 0): 1})
