"""Source batches are written together, up to a number of rows; a repeated key or a failure ends a group."""

import pytest

from customers.importing.importer import _Batch, _grouped


def batch(*keys, mark=None):
    return _Batch(rows={(key,): {"id": key} for key in keys}, mark=mark, read=len(keys), warnings=[f"w{keys[0]}"])


def test_batches_are_joined_up_to_the_row_count_keeping_the_last_mark():
    groups = list(_grouped(iter([batch(1, 2), batch(3, 4, mark="m1"), batch(5), batch(6, mark="m2")]), rows=4))
    assert [list(group.rows) for group in groups] == [[(1,), (2,), (3,), (4,)], [(5,), (6,)]]
    assert [(group.mark, group.read, group.warnings) for group in groups] == [
        ("m1", 4, ["w1", "w3"]),
        ("m2", 2, ["w5", "w6"]),
    ]


def test_a_key_that_comes_again_starts_a_new_group():
    groups = list(_grouped(iter([batch(1, 2), batch(2, 3), batch(4)]), rows=100))
    assert [list(group.rows) for group in groups] == [[(1,), (2,)], [(2,), (3,), (4,)]]


def test_what_was_read_before_a_failure_is_yielded_before_the_failure():
    def failing():
        yield batch(1)
        yield batch(2)
        raise ConnectionError("shop gone")

    received = []
    with pytest.raises(ConnectionError):
        for group in _grouped(failing(), rows=100):
            received.append(list(group.rows))
    assert received == [[(1,), (2,)]]
