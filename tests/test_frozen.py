"""quick_init: a frozen dataclass built by one dict update behaves as the dataclass it is."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from dataclasses import dataclass, field

import pytest

from sim.engine.events import Responded
from sim.engine.view import MediatorView
from sim.frozen import quick_init


def record(name: str, quick: bool) -> type:
    """The same frozen dataclass, quick-built or as the dataclass module builds it (named as the
    module-level name it is given, so that it pickles)."""

    @dataclass(frozen=True)
    class Point:
        x: int
        y: float = 0.5
        tags: dict[str, int] = field(default_factory=dict)
        seen: list[int] = field(default_factory=list, init=False, compare=False)

        def __post_init__(self) -> None:
            self.seen.append(self.x)

    Point.__qualname__ = Point.__name__ = name
    return quick_init(Point) if quick else Point


Point, Plain = record("Point", True), record("Plain", False)


def test_a_quick_init_record_is_the_dataclass_it_was():
    p = Point(1, tags={"a": 1})
    assert (p.x, p.y, p.tags, p.seen) == (1, 0.5, {"a": 1}, [1])  # defaults, and __post_init__ ran
    assert dataclasses.asdict(p) == dataclasses.asdict(Plain(1, tags={"a": 1}))
    assert p == Point(1, 0.5, {"a": 1}) and p != Point(2)
    assert Point(3).tags is not Point(3).tags, "each instance gets its own default_factory value"
    assert dataclasses.replace(p, x=4) == Point(4, tags={"a": 1})
    assert pickle.loads(pickle.dumps(p)) == p
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 9
    with pytest.raises(TypeError):
        Point()
    with pytest.raises(TypeError):
        Point(1, 2.0, {}, [])  # an init=False field is no argument
    assert str(inspect.signature(Point)) == str(inspect.signature(Plain))


def test_quick_init_refuses_what_it_cannot_build_the_same():
    @dataclass
    class Mutable:
        x: int

    @dataclass(frozen=True, slots=True)
    class Slotted:
        x: int

    @dataclass(frozen=True, kw_only=True)
    class KeywordOnly:
        x: int

    for cls in (Mutable, Slotted, KeywordOnly):
        with pytest.raises(TypeError):
            quick_init(cls)


def test_the_engines_records_are_quick_built_and_still_frozen():
    for cls in (Responded, MediatorView):
        names = cls.__init__.__code__.co_names
        assert "update" in names and "__setattr__" not in names, "one dict update, not a setattr per field"
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
    e = Responded(t=1.0, round=0, party="a", accept=True, utility=60.0, threshold=55.0)
    assert e.to_dict() == {"kind": "response", "t": 1.0, "round": 0, "party": "a", "accept": True,
                           "utility": 60.0, "threshold": 55.0, "red_lines": (), "gaps": ()}
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.accept = False  # type: ignore[misc]
