import re

import pytest

from threads import public_ids
from threads.models import Thread
from threads.services import create_thread


def test_alphabet_has_no_look_alikes():
    for confusable in "0O1IL":
        assert confusable not in public_ids.ALPHABET


def test_random_ids_have_the_format():
    for _ in range(500):
        assert re.fullmatch(r"[A-HJKMNP-Z2-9]{7}", public_ids.random_public_id())


def test_ids_in_use_are_never_handed_out():
    fresh = public_ids.FreshIds()
    checks, in_use = [], set()

    def taken_among(candidates):
        checks.append(len(candidates))
        taken = set(sorted(candidates)[::2])  # half of each batch is "in use"
        in_use.update(taken)
        return taken

    handed_out = [fresh.take(taken_among) for _ in range(300)]
    assert len(set(handed_out)) == 300
    assert not set(handed_out) & in_use
    assert len(checks) <= 4, "one check per batch, not per id"


def test_gives_up_when_everything_is_taken():
    with pytest.raises(RuntimeError):
        public_ids.FreshIds().take(lambda candidates: candidates)


def test_tokens_are_found_anywhere_in_a_subject():
    assert public_ids.tokens_in("Re: [#ABCDEFG] order") == ["ABCDEFG"]
    assert public_ids.tokens_in("odp:#ABCDEFG") == ["ABCDEFG"]
    assert public_ids.tokens_in("#ABCDEFGH is too long") == []
    assert public_ids.tokens_in("#ABCDEF0 has a zero") == []


@pytest.mark.django_db
def test_threads_get_unique_ids(pok):
    threads = [create_thread(pok, subject=f"subject {n}", customer_email="a@example.com") for n in range(300)]
    ids = {t.public_id for t in threads}
    assert len(ids) == 300
    assert all(t.token == f"#{t.public_id}" for t in threads)
    assert Thread.objects.filter(public_id=threads[0].public_id).count() == 1
