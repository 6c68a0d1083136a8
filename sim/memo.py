"""Bounded memos for pure answers about frozen things, shared by every game in a process.

A batch plays thousands of games of one scenario, and they pass through the same states again
and again (the same moves, the same states of knowledge). :class:`Memo` remembers an answer by
a key, at most ``size`` of them, least recently used first out, so memory stays flat however
many games are played. Keys may hold ``id()`` of frozen objects; each entry also remembers those
objects (its *owners*) and is used only while they are the very same, so an id reused by a new
object never hands back an old answer. Owners are held weakly where they can be (a scenario,
a move), so a memo never keeps a scenario alive. :func:`canonical` lets equal keys share one object.

Safe under threads: a race at worst computes an answer twice.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")
T = TypeVar("T", bound=Hashable)

class Memo(Generic[V]):
    """Answers by key, the ``size`` most recently used (see the module's docstring)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: dict[Hashable, tuple[tuple[Callable[[], object], ...], V]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def get(self, key: Hashable, owners: tuple[object, ...], compute: Callable[[], V]) -> V:
        """The answer remembered for ``key`` and these very ``owners``, else ``compute()``'s."""
        entries = self._entries
        # A hit takes no lock (a game asks hundreds of times): each dict operation is atomic,
        # and a hit moved by two threads at once is at worst moved twice.
        hit = entries.pop(key, None)
        if hit is not None:
            entries[key] = hit  # most recently used last
            held = hit[0]
            if len(held) == len(owners):
                if len(owners) == 1:  # the common case, without a loop
                    if held[0]() is owners[0]:
                        return hit[1]
                else:
                    for h, o in zip(held, owners, strict=True):
                        if h() is not o:
                            break
                    else:
                        return hit[1]
        value = compute()
        with self._lock:
            entries[key] = (tuple(_held(o) for o in owners), value)
            while len(entries) > self.size:
                try:
                    entries.pop(next(iter(entries)), None)
                except RuntimeError:  # a hit in another thread moved an entry meanwhile
                    continue
        return value


_STRONG: set[type] = set()
"""Types whose objects can't be weakly referenced (learnt once: the exception is slow)."""


def _held(owner: object) -> Callable[[], object]:
    """A weak reference to ``owner``, or (a dict, a mapping proxy) a strong one: small, and
    bounded by the memo's size."""
    if type(owner) not in _STRONG:
        try:
            return weakref.ref(owner)
        except TypeError:
            _STRONG.add(type(owner))
    return lambda: owner


class _Table(dict):
    """A bounded table of what stands for a value, cleared when full (the memos keep their own
    references, so a clear only costs the sharing, or the numbers, from then on)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, value: Hashable, new: object) -> object:
        """Remember ``new`` for ``value`` (unless another thread just did) and return what is held."""
        if len(self) >= self.size:
            self.clear()
        return self.setdefault(value, new)


_CANONICAL = _Table(4096)
_TOKENS = _Table(4096)
_NEXT_TOKEN = itertools.count(1)


def canonical(value: T) -> T:
    """One shared object for every equal ``value`` (hashable), so the keys and answers that many
    memo entries hold are stored once."""
    hit = _CANONICAL.get(value)  # the hit is the hot path: policies ask for every package
    return hit if hit is not None else _CANONICAL.put(value, value)  # type: ignore[return-value]


def token(value: Hashable) -> int:
    """A number that stands for ``value`` in memo keys: equal values get the same number, and
    no number ever stands for two values in one process (a forgotten value gets a new one), so
    a key holds a number, cheap to hash, instead of a large tuple hashed at every ask."""
    hit = _TOKENS.get(value)
    return hit if hit is not None else _TOKENS.put(value, next(_NEXT_TOKEN))  # type: ignore[return-value]
