"""YAML 1.2 text → plain Python data, with the mark of every value and key recorded.

PyYAML composes the document into nodes that keep their marks; we build plain data from the
nodes ourselves, so we control tags, duplicate keys, control characters and size limits, and
the loader can locate every later problem by its path. Nothing here raises anything but
:class:`LoadError`.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml

from sim.errors import LoadError, Problem
from sim.scenario.locator import Locator, describe, mark
from sim.scenario.refs import Path

MAX_NODES = 100_000
MAX_ALIASES = 20
MAX_DEPTH = 64
MAX_INT_DIGITS = 100
"""Longest whole number read: no field takes one near 10**100 (and Python refuses to read ints
past 4,300 digits with a message about its own settings)."""
MAX_FLOAT_CHARS = 1000
EMPTY_SCENARIO = "start from `mediate new PATH`"
"""The advice when a scenario file holds nothing (a moves file gives its own)."""

_TAG = "tag:yaml.org,2002:"
CORE_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq")}


class CoreLoader(yaml.SafeLoader):
    """SafeLoader resolving plain scalars by YAML 1.2's core schema.

    Only ``true``/``false`` are booleans (``yes``, ``no``, ``on``, ``off`` stay strings), ints are
    decimal (``017`` is 17), and what YAML 1.1 would convert silently (``1:30`` as 90, ``3_5``,
    ``0x36``, ``0o17``, ``=``) stays a string, so a number field says what it got.
    """


CoreLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag in (_TAG + "null", _TAG + "merge", _TAG + "timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreLoader.add_implicit_resolver(_TAG + "bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
# The int resolver comes first: "17" matches the float pattern too.
CoreLoader.add_implicit_resolver(_TAG + "int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
CoreLoader.add_implicit_resolver(
    _TAG + "float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+.0123456789"))


class NumberTooLong(ValueError):
    """A number literal too long, or too large, for any field."""


def _bounded(text: str, limit: int) -> str:
    if len(text.lstrip("+-")) > limit:
        raise NumberTooLong(f"the number is too long ({len(text):,} characters), far out of range: write one "
                            "within the field's range (points run from 0 to 100)")
    return text


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    # Decimal only: no octal, hex or underscores.
    return int(_bounded(str(loader.construct_scalar(node)), MAX_INT_DIGITS), 10)


def _construct_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    value = _bounded(str(loader.construct_scalar(node)), MAX_FLOAT_CHARS).lower()
    if value.endswith(".inf"):
        return -math.inf if value.startswith("-") else math.inf
    if value == ".nan":
        return math.nan
    number = float(value)
    if math.isinf(number):  # 1e999 is not the .inf it would silently become
        raise NumberTooLong(f"the number {value[:20]}{'…' if len(value) > 20 else ''} is too large, far out of "
                            "range: write one within the field's range (points run from 0 to 100)")
    return number


CoreLoader.add_constructor(_TAG + "int", _construct_int)
CoreLoader.add_constructor(_TAG + "float", _construct_float)


def _fast_loader() -> Any:
    """The same rules over libyaml's C parser when PyYAML has it: the pure-Python scanner spends
    seconds on a large file (and the events are read twice: limits first, then the nodes)."""
    base = getattr(yaml, "CSafeLoader", None)
    if base is None:
        return CoreLoader
    fast: Any = type("CCoreLoader", (base,), {})
    fast.yaml_implicit_resolvers = CoreLoader.yaml_implicit_resolvers
    fast.add_constructor(_TAG + "int", _construct_int)
    fast.add_constructor(_TAG + "float", _construct_float)
    return fast


FastLoader = _fast_loader()

_BIDI_CHARS = "\u202a-\u202e\u2066-\u2069"
"""The bidirectional embeddings, overrides and isolates: they reorder how the text around them is
shown (in a terminal, the rest of the line), and right-to-left text needs none of them."""
_BIDI = re.compile(f"[{_BIDI_CHARS}]")
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI_CHARS}]")
"""Control characters other than tab and newline (and CR, which YAML folds away), and the
bidirectional ones."""
_UNREADABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters YAML forbids in a file's raw text (PyYAML would report them at 1:1)."""
_SHOWN_CHARS = 20


def _char_problem(ch: str, where: str) -> str:
    if _BIDI.match(ch):
        return (f"bidirectional control U+{ord(ch):04X} in {where}: remove it (it reorders how the text "
                "after it is shown; Arabic or Hebrew text needs none)")
    if _CONTROL.match(ch):
        return (f"control character U+{ord(ch):04X} in {where}: remove it "
                "(terminal escapes are not allowed in scenario text)")
    return f"character U+{ord(ch):04X} is not allowed in a YAML file: remove it"


def check_characters(text: str, name: str) -> None:
    """Refuse raw characters YAML can't hold, each at its own line and column."""
    problems = []
    for m in _UNREADABLE.finditer(text):
        at = m.start()
        line = text.count("\n", 0, at) + 1
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        problems.append(Problem(name, line, col, _char_problem(m.group(), "the file")))
        if len(problems) >= _SHOWN_CHARS:
            break
    if problems:
        raise LoadError(problems)


def _limit_problem(ev: yaml.Event, counts: dict[str, int], name: str) -> Problem | None:
    """A problem if this event breaks one of the limits (updating the counts)."""
    where = mark(ev.start_mark)
    if isinstance(ev, yaml.DocumentStartEvent):
        counts["docs"] += 1
        if counts["docs"] > 1:
            return Problem(name, *where, "a scenario file holds one YAML document; remove the extra '---'")
    if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
        counts["depth"] += 1
        if counts["depth"] > MAX_DEPTH:
            return Problem(name, *where, f"nesting is deeper than {MAX_DEPTH} levels: flatten the structure")
    elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
        counts["depth"] -= 1
    if isinstance(ev, yaml.NodeEvent):
        counts["nodes"] += 1
        if counts["nodes"] > MAX_NODES:
            return Problem(name, *where, f"more than {MAX_NODES:,} YAML nodes: the file is too large")
    if isinstance(ev, yaml.AliasEvent):
        counts["aliases"] += 1
        if counts["aliases"] > MAX_ALIASES:
            return Problem(name, *where, f"more than {MAX_ALIASES} aliases (*name): write the values out")
    tag = getattr(ev, "tag", None)
    if tag is not None and tag not in ("!", *CORE_TAGS):
        return Problem(name, *where, f"YAML tag '{tag}' is not allowed: scenarios use plain values only; "
                                     "remove the tag")
    return None


def _check_events(text: str, name: str) -> None:
    """Walk the event stream (iterative, cheap) to enforce limits before composing nodes,
    whose recursion would otherwise overflow on deep nesting."""
    counts = {"docs": 0, "depth": 0, "nodes": 0, "aliases": 0}
    try:
        for ev in yaml.parse(text, Loader=FastLoader):
            problem = _limit_problem(ev, counts, name)
            if problem is not None:
                raise LoadError([problem])
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in what:  # libyaml's own depth guard trips before ours on flow collections
            what = f"nesting is deeper than {MAX_DEPTH} levels: flatten the structure"
        raise LoadError([Problem(name, *(mark(m) if m else (1, 1)), f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise LoadError([Problem(name, 1, 1, f"YAML error: {exc}")]) from None
    except RecursionError:
        raise LoadError([Problem(name, 1, 1, "YAML nesting is too deep to read: flatten the structure")]) from None


class _Builder:
    """Plain data from composed nodes, recording marks and collecting every problem."""

    def __init__(self, name: str):
        self.loc = Locator(name)
        self.problems: list[Problem] = []
        self.count = 0
        self.ctor = CoreLoader("")

    def refuse(self, node: yaml.Node, message: str) -> None:
        self.problems.append(Problem(self.loc.file, *mark(node.start_mark), message))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES * 2:
            raise LoadError([Problem(self.loc.file, *mark(node.start_mark),
                                     "aliases expand to too many values: write the values out")])
        self.loc.values.setdefault(path, mark(node.start_mark))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(v, (*path, n)) for n, v in enumerate(node.value)]
        return self.scalar(node, path)

    def mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for knode, vnode in node.value:
            if knode.tag == _TAG + "merge":
                self.refuse(knode, "merge keys ('<<') are not supported: write the keys out")
                continue
            if not isinstance(knode, yaml.ScalarNode):
                self.refuse(knode, "a mapping key must be a plain name, not a list or mapping")
                continue
            key = knode.value
            bad = _CONTROL.search(key)
            if bad:
                self.refuse(knode, _char_problem(bad.group(), "a key"))
                continue
            if key in out:
                self.refuse(knode, f"duplicate key '{key}': remove one of them")
                continue
            self.loc.keys[(*path, key)] = mark(knode.start_mark)
            out[key] = self.build(vnode, (*path, key))
        return out

    def scalar(self, node: yaml.Node, path: Path) -> Any:
        if node.tag == _TAG + "timestamp":
            return node.value  # pydantic parses dates itself
        if node.tag not in CORE_TAGS:
            self.refuse(node, f"value of type '{node.tag}' is not allowed; use a plain string or number")
            return None
        bad = _CONTROL.search(node.value)
        if bad:
            self.refuse(node, _char_problem(bad.group(), "text"))
            return None
        try:
            return self.ctor.construct_object(node)
        except NumberTooLong as exc:
            self.refuse(node, f"{describe(path)}: {exc}" if path else str(exc))
            return None
        except (yaml.YAMLError, ValueError) as exc:
            self.refuse(node, f"bad value: {exc}")
            return None


def parse_yaml(text: str, name: str, empty: str | None = EMPTY_SCENARIO) -> tuple[Any, Locator]:
    """Plain data and the marks of a one-document YAML text.

    A text holding nothing, or only ``~``/``null``, is refused as an empty file with the advice
    ``empty``; with ``empty=None`` (a ``--set`` value) it is read as None.
    """
    check_characters(text, name)
    _check_events(text, name)
    try:
        node = yaml.compose(text, Loader=FastLoader)
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark or exc.context_mark
        raise LoadError([Problem(name, *(mark(m) if m else (1, 1)),
                                 f"YAML error: {exc.problem or exc.context}")]) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise LoadError([Problem(name, 1, 1, f"YAML error: {exc}")]) from None
    blank = node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null")
    if blank and empty is not None:
        raise LoadError([Problem(name, 1, 1, f"the file is empty: {empty}")])
    if node is None:
        return None, Locator(name)
    b = _Builder(name)
    try:
        data = b.build(node, ())
    except RecursionError:
        raise LoadError([Problem(name, 1, 1, "YAML nesting is too deep to read: flatten the structure")]) from None
    if b.problems:
        raise LoadError(b.problems)
    return data, b.loc
