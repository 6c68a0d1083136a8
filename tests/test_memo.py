"""The bounded memos the games of a batch share: bounded, least recently used out, owner-guarded."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sim.memo import Memo, canonical


def test_a_memo_holds_at_most_its_size_and_drops_the_least_recently_used():
    memo: Memo[int] = Memo(2)
    calls: list[str] = []

    def compute(k: str) -> int:
        calls.append(k)
        return len(k)

    for k in ("a", "bb", "a", "ccc"):  # "a" used again, so "bb" is the one dropped
        memo.get(k, (), lambda k=k: compute(k))
    assert len(memo) == 2
    assert memo.get("a", (), lambda: compute("a")) == 1 and memo.get("ccc", (), lambda: compute("ccc")) == 3
    assert calls == ["a", "bb", "ccc"]
    memo.get("bb", (), lambda: compute("bb"))
    assert calls[-1] == "bb", "dropped, so computed again"


def test_an_entry_is_used_only_for_the_very_same_owners():
    """Keys may hold id()s: a new object that reuses an id must not get the old object's answer."""
    memo: Memo[str] = Memo(8)
    first, second = object(), object()
    assert memo.get(1, (first,), lambda: "first's") == "first's"
    assert memo.get(1, (first,), lambda: "recomputed") == "first's"
    assert memo.get(1, (second,), lambda: "second's") == "second's"
    assert memo.get(1, (second, first), lambda: "both") == "both"


def test_threads_sharing_a_memo_get_right_answers_and_it_stays_bounded():
    memo: Memo[int] = Memo(16)

    def ask(n: int) -> bool:
        k = n % 40
        return memo.get(k, (), lambda: k * k) == k * k

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(ask, range(20_000)))
    assert len(memo) == 16


def test_canonical_shares_one_object_for_equal_values():
    a = tuple(("issue", str(n)) for n in range(3))
    b = tuple(("issue", str(n)) for n in range(3))
    assert a == b and a is not b
    assert canonical(a) is canonical(b)


def test_a_memo_never_keeps_its_owners_alive():
    """Sweeps make a scenario per point: memo entries must not hold every one of them in memory."""
    import gc
    import weakref

    class Owner:
        pass

    memo: Memo[int] = Memo(8)
    owner = Owner()
    memo.get(id(owner), (owner,), lambda: 1)
    gone = weakref.ref(owner)
    del owner
    gc.collect()
    assert gone() is None
    assert memo.get(0, ({"a dict": 1},), lambda: 2) == 2, "owners that can't be weakly held are held"


def test_a_token_stands_for_one_value_only_even_after_tokens_are_forgotten():
    import sim.memo as memo

    a, b = ("issue", "x"), ("issue", "y")
    ta = memo.token(a)
    assert memo.token(("issue", "x")) == ta != memo.token(b)
    for n in range(memo._TOKENS.size):  # fill the table: it forgets everything it held
        memo.token(("filler", n))
    assert a not in memo._TOKENS
    assert memo.token(b) != ta, "a forgotten value's number is never handed to another"
    assert memo.token(a) != ta, "and the value itself gets a new one (a miss, never a wrong hit)"


def test_canonical_hands_back_one_object_for_equal_values_until_the_table_fills():
    import sim.memo as memo

    first = memo.canonical(("issue", "x", int("1")))  # built at run time: two objects, one value
    twin = ("issue", "x", int("1"))
    assert twin is not first and memo.canonical(twin) is first
    for n in range(memo._CANONICAL.size):
        memo.canonical(("filler", n))
    fresh = ("issue", "x", int("1"))
    assert memo.canonical(fresh) is fresh, "a full table starts sharing afresh"
