"""Values drawn or compiled once per process and key, in a bounded memory."""

from collections.abc import Callable, Hashable
from typing import TypeVar

Value = TypeVar("Value")


def kept(cache: dict, key: Hashable, build: Callable[[], Value], size: int) -> Value:
    """cache[key], built the first time it is asked for. At most `size` are kept: when full, all are dropped
    (keys can come without end, from query strings or page numbers)."""
    value = cache.get(key)
    if value is None:
        if len(cache) >= size:
            cache.clear()
        value = cache[key] = build()
    return value
