"""Reading the shop ahead in a thread: order, failures and early stops reach the importer."""

import threading

import pytest

from customers.importing.prefetch import prefetched


def test_items_arrive_in_order_from_another_thread():
    threads = []

    def items():
        for number in range(50):
            threads.append(threading.current_thread())
            yield number

    assert list(prefetched(items(), depth=3)) == list(range(50))
    assert all(thread is not threading.current_thread() for thread in threads)


def test_a_failure_of_the_source_is_raised_in_the_consumer_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ConnectionError("shop database gone")

    received = []
    with pytest.raises(ConnectionError, match="shop database gone"):
        for item in prefetched(items()):
            received.append(item)
    assert received == [1, 2]


def test_a_consumer_that_stops_early_stops_and_closes_the_source():
    produced, closed = [], threading.Event()

    def items():
        try:
            for number in range(1000):
                produced.append(number)
                yield number
        finally:
            closed.set()

    for item in prefetched(items(), depth=2):
        if item == 5:
            break
    assert closed.is_set()
    assert len(produced) <= 5 + 1 + 2 + 1  # the item being consumed, the queue's depth, one being put
