"""Frozen dataclasses that are quick to build: :func:`quick_init`.

A game builds hundreds of frozen records (events, views, answers). The ``__init__`` that
``dataclass(frozen=True)`` writes sets each field through ``object.__setattr__``, one call per
field, which made building them about a tenth of a game. :func:`quick_init` gives such a
class an ``__init__`` with the very same signature that fills the instance's ``__dict__`` in one
update. Everything else (``fields``, ``asdict``, ``replace``, equality, hashing, pickling, the
``FrozenInstanceError`` on assignment) is the dataclass's own.
"""

from __future__ import annotations

import dataclasses
import inspect
from typing import Any, TypeVar

T = TypeVar("T")


class _Factory:
    """The default of an argument whose field has a default_factory (shown as the dataclass shows it)."""

    def __repr__(self) -> str:
        return "<factory>"


FACTORY = _Factory()


def quick_init(cls: type[T]) -> type[T]:
    """Give the frozen dataclass ``cls`` a one-update ``__init__``; apply it above ``@dataclass``."""
    klass: Any = cls  # a dataclass, which the type of T can't say
    params = getattr(klass, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__name__}: quick_init is for frozen dataclasses")
    if getattr(cls, "__slots__", None) is not None:
        raise TypeError(f"{cls.__name__}: quick_init needs an instance __dict__ (no slots)")
    missing = dataclasses.MISSING
    namespace: dict[str, object] = {"FACTORY": FACTORY}
    args: list[str] = []
    before: list[str] = []
    fields = dataclasses.fields(klass)
    for f in fields:
        if f.default is not missing:
            namespace[f"_d_{f.name}"] = f.default
        elif f.default_factory is not missing:
            namespace[f"_f_{f.name}"] = f.default_factory
        if not f.init:  # set from its default, as the dataclass does
            value = f"_d_{f.name}" if f.default is not missing else f"_f_{f.name}()"
            before.append(f"    {f.name} = {value}")
        elif f.default is not missing:
            args.append(f"{f.name}=_d_{f.name}")
        elif f.default_factory is not missing:
            args.append(f"{f.name}=FACTORY")
            before.append(f"    if {f.name} is FACTORY:\n        {f.name} = _f_{f.name}()")
        else:
            args.append(f.name)
    body = [*before, "    self.__dict__.update({" + ", ".join(f"{f.name!r}: {f.name}" for f in fields) + "})"]
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(args)}):\n" + "\n".join(body) + "\n"
    exec(source, namespace)  # noqa: S102 - the source is built above from the class's own fields
    init: Any = namespace["__init__"]
    if _shape(inspect.signature(init)) != _shape(inspect.signature(cls.__init__)):  # kw-only, InitVar, …
        raise TypeError(f"{cls.__name__}: quick_init can't build its __init__ with the same signature")
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = klass.__init__.__doc__
    init.__annotations__ = dict(klass.__init__.__annotations__)  # the same signature, types included
    klass.__init__ = init
    return cls


def _shape(sig: inspect.Signature) -> list[tuple[str, object, bool]]:
    return [(p.name, p.kind, p.default is inspect.Parameter.empty) for p in sig.parameters.values()]
