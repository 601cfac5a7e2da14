"""Reading the shop ahead of writing the mirror.

The importer waits on the shop's database (or Webservice) and on our own
database in turn; reading and converting the next batches in a thread while the
current one is written overlaps the two waits and the conversion. The thread only ever touches the
source: Django's connections belong to the thread that writes.
"""

import queue
import sys
import threading
from collections.abc import Iterator

_DONE = object()
# While the producer converts rows (Python, holding the GIL), the writing thread that
# PostgreSQL has just answered waits for the GIL up to the switch interval (5 ms by
# default) at each of a batch's round trips: a shorter one while both threads run.
SWITCH_INTERVAL = 0.0005


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


def prefetched(items: Iterator, depth: int = 2) -> Iterator:
    """Yield what `items` yields, produced up to `depth` items ahead in a background thread.

    An exception raised by `items` is raised here, in the consuming thread; a consumer
    that stops early stops the producer at its next item.
    """
    ready: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _put(ready, item, stop):
                    return
            _put(ready, _DONE, stop)
        except BaseException as error:  # handed to the consumer, which raises it
            _put(ready, _Failure(error), stop)
        finally:
            close = getattr(items, "close", None)
            if close:
                close()  # a source's generator releases its cursor in the thread that used it

    producer = threading.Thread(target=produce, name="import-prefetch", daemon=True)
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(switch_interval, SWITCH_INTERVAL))
    producer.start()
    try:
        while (item := ready.get()) is not _DONE:
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        producer.join()
        sys.setswitchinterval(switch_interval)


def _put(ready: queue.Queue, item, stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            ready.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False
