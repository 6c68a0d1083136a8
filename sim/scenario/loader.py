"""Read YAML documents into validated, frozen models, with every problem located.

PyYAML composes the document into nodes that keep their marks; we build plain Python
data from the nodes ourselves (so we control tags, duplicate keys and limits) and record
the mark of every value and key by its path. pydantic's errors and the model's
cross-reference problems carry paths, which map back to ``file:line:col``.
All problems of a file are reported together. Nothing here raises anything but
:class:`LoadError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sim.errors import LoadError, Problem
from sim.scenario.model import Path, RefProblem, Scenario, cross_check, iter_quotes, suggest

MAX_BYTES = 1_000_000
MAX_NODES = 100_000
MAX_ALIASES = 20
MAX_DEPTH = 64

CORE_TAGS = {
    "tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq")
}

M = TypeVar("M", bound=BaseModel)


class CoreLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema booleans: only true/false, so an option named
    ``yes``, ``no``, ``on`` or ``off`` stays a string (YAML 1.1 would make it a bool)."""


CoreLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
CoreLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


@dataclass
class Locator:
    """Marks (1-based line and column) of every value and mapping key, by document path."""

    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def at(self, path: Path, at_key: bool = False) -> tuple[int, int]:
        path = tuple(path)
        while True:
            if at_key and path in self.keys:
                return self.keys[path]
            if path in self.values:
                return self.values[path]
            if not path:
                return (1, 1)
            path = path[:-1]
            at_key = False

    def problem(self, path: Path, message: str, at_key: bool = False) -> Problem:
        line, col = self.at(path, at_key)
        return Problem(self.file, line, col, message)


def describe(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


# ---------------------------------------------------------------- reading


def read_text(path: FsPath, max_bytes: int = MAX_BYTES) -> str:
    """The file's text, or a LoadError naming what is wrong with its bytes."""
    name = str(path)
    try:
        if path.is_dir():
            raise LoadError([Problem(name, 1, 1, "is a folder, not a file: name a .yaml file")])
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError([Problem(name, 1, 1, f"file is {size:,} bytes; the limit is {max_bytes:,}: "
                                                 "trim its text")])
        data = path.read_bytes()
    except FileNotFoundError:
        raise LoadError([Problem(name, 1, 1, "no such file: check the path")]) from None
    except OSError as exc:
        raise LoadError([Problem(name, 1, 1, f"cannot read the file: {exc.strerror or exc}")]) from None
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    boms = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16",
            b"\xfe\xff": "UTF-16"}
    for bom, enc in boms.items():
        if data.startswith(bom):
            raise LoadError([Problem(name, 1, 1, f"file is {enc}-encoded; save it as UTF-8")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise LoadError([Problem(name, line, col, f"byte 0x{data[exc.start]:02x} is not UTF-8 (the file looks like "
                                                  "Latin-1 or Windows-1252): save it as UTF-8")]) from None
    if "\x00" in text:
        at = text.index("\x00")
        line = text.count("\n", 0, at) + 1
        raise LoadError([Problem(name, line, 1, "file contains NUL bytes: it is not a text file")])
    return text


# ---------------------------------------------------------------- YAML → data with marks


def _check_events(text: str, name: str) -> None:
    """Walk the event stream (iterative, cheap) to enforce limits before composing nodes,
    whose recursion would otherwise overflow on deep nesting."""
    depth = nodes = aliases = docs = 0
    try:
        for ev in yaml.parse(text, Loader=CoreLoader):
            if isinstance(ev, yaml.DocumentStartEvent):
                docs += 1
                if docs > 1:
                    raise LoadError([Problem(name, *_mark(ev.start_mark),
                                             "a scenario file holds one YAML document; remove the extra '---'")])
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise LoadError([Problem(name, *_mark(ev.start_mark),
                                             f"nesting is deeper than {MAX_DEPTH} levels: flatten the structure")])
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            if isinstance(ev, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    raise LoadError([Problem(name, *_mark(ev.start_mark),
                                             f"more than {MAX_NODES:,} YAML nodes: the file is too large")])
                if getattr(ev, "anchor", None) is not None or isinstance(ev, yaml.AliasEvent):
                    if isinstance(ev, yaml.AliasEvent):
                        aliases += 1
                        if aliases > MAX_ALIASES:
                            raise LoadError([Problem(name, *_mark(ev.start_mark),
                                                     f"more than {MAX_ALIASES} aliases (*name): write the values out")])
            tag = getattr(ev, "tag", None)
            if tag is not None and tag not in ("!", *CORE_TAGS):
                raise LoadError([Problem(name, *_mark(ev.start_mark),
                                         f"YAML tag '{tag}' is not allowed: scenarios use plain values only; "
                                         "remove the tag")])
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _mark(mark) if mark else (1, 1)
        what = exc.problem or exc.context or "invalid YAML"
        raise LoadError([Problem(name, *where, f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise LoadError([Problem(name, 1, 1, f"YAML error: {exc}")]) from None
    except RecursionError:
        raise LoadError([Problem(name, 1, 1, "YAML nesting is too deep to read: flatten the structure")]) from None


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Control characters other than tab and newline (and CR, which YAML folds away)."""


class _Builder:
    def __init__(self, name: str):
        self.loc = Locator(name)
        self.problems: list[Problem] = []
        self.count = 0
        self.ctor = CoreLoader("")

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES * 2:
            raise LoadError([Problem(self.loc.file, *_mark(node.start_mark),
                                     "aliases expand to too many values: write the values out")])
        self.loc.values.setdefault(path, _mark(node.start_mark))
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for knode, vnode in node.value:
                if knode.tag == "tag:yaml.org,2002:merge":
                    self.problems.append(Problem(self.loc.file, *_mark(knode.start_mark),
                                                 "merge keys ('<<') are not supported: write the keys out"))
                    continue
                if not isinstance(knode, yaml.ScalarNode):
                    self.problems.append(Problem(self.loc.file, *_mark(knode.start_mark),
                                                 "a mapping key must be a plain name, not a list or mapping"))
                    continue
                key = knode.value
                if key in out:
                    self.problems.append(Problem(self.loc.file, *_mark(knode.start_mark),
                                                 f"duplicate key '{key}': remove one of them"))
                    continue
                self.loc.keys[(*path, key)] = _mark(knode.start_mark)
                out[key] = self.build(vnode, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(v, (*path, n)) for n, v in enumerate(node.value)]
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # pydantic parses dates itself
        if node.tag in CORE_TAGS:
            bad = _CONTROL.search(node.value)
            if bad:
                self.problems.append(Problem(self.loc.file, *_mark(node.start_mark),
                                             f"control character U+{ord(bad.group()):04X} in text: remove it "
                                             "(terminal escapes are not allowed in scenario text)"))
                return None
            try:
                return self.ctor.construct_object(node)
            except (yaml.YAMLError, ValueError) as exc:
                self.problems.append(Problem(self.loc.file, *_mark(node.start_mark), f"bad value: {exc}"))
                return None
        self.problems.append(Problem(self.loc.file, *_mark(node.start_mark),
                                     f"value of type '{node.tag}' is not allowed; use a plain string or number"))
        return None


def parse_yaml(text: str, name: str) -> tuple[Any, Locator]:
    """Plain data and the marks of a one-document YAML text."""
    _check_events(text, name)
    try:
        node = yaml.compose(text, Loader=CoreLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise LoadError([Problem(name, *(_mark(mark) if mark else (1, 1)),
                                 f"YAML error: {exc.problem or exc.context}")]) from None
    except (yaml.YAMLError, RecursionError) as exc:
        raise LoadError([Problem(name, 1, 1, f"YAML error: {exc}")]) from None
    if node is None:
        raise LoadError([Problem(name, 1, 1, "the file is empty: start from `mediate new PATH`")])
    b = _Builder(name)
    try:
        data = b.build(node, ())
    except RecursionError:
        raise LoadError([Problem(name, 1, 1, "YAML nesting is too deep to read: flatten the structure")]) from None
    if b.problems:
        raise LoadError(b.problems)
    return data, b.loc


# ---------------------------------------------------------------- validation


_KINDS = {dict: "mapping", list: "list", str: "string", int: "number", float: "number", bool: "true/false",
          type(None): "empty value"}


def _fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names expected at ``loc`` inside ``model`` (for 'did you mean')."""
    cur: Any = model
    for part in loc:
        if isinstance(part, int) or cur is None:
            continue
        info = getattr(cur, "model_fields", {})
        names = {(f.alias or n): f for n, f in info.items()}
        f = names.get(part)
        if f is None:
            cur = None
            break
        ann = f.annotation
        cur = _model_in(ann)
    if cur is None or not hasattr(cur, "model_fields"):
        return []
    return [(f.alias or n) for n, f in cur.model_fields.items()]


def _model_in(ann: Any) -> Any:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _message(err: dict, model: type[BaseModel]) -> tuple[str, bool]:
    loc = tuple(err["loc"])
    kind = err["type"]
    where = describe(loc)
    got = err.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        fields = _fields(model, loc[:-1])
        hint = suggest(key, fields) if fields else ""
        return f"unknown key '{key}'{hint}", True
    if kind == "missing":
        return f"{describe(loc[:-1]) or 'the document'} is missing required key '{loc[-1]}'", False
    if kind in ("model_type", "model_attributes_type", "dict_type") and isinstance(got, (list, str, int, float)):
        found = _KINDS.get(type(got), type(got).__name__)
        fields = _fields(model, loc)
        keys = f" with keys {', '.join(fields[:8])}" if fields else ""
        return f"{where or 'the document'} must be a mapping{keys}; found a {found}", False
    shown = repr(got) if isinstance(got, (str, int, float, bool)) or got is None else _KINDS.get(type(got), "value")
    if isinstance(got, str) and len(got) > 40:
        shown = repr(got[:37] + "...")
    msg = err["msg"]
    # Say it in the words of the YAML file, not of Python.
    msg = (msg.replace("a valid tuple", "a list").replace("Tuple", "List").replace("Dictionary", "Mapping")
           .replace("a valid dictionary", "a mapping").replace(" after validation", "").replace("Input should", "should"))
    if kind == "too_short":
        msg = f"needs at least {err.get('ctx', {}).get('min_length', 1)} item(s)"
    elif kind == "timezone_aware":
        msg = "give the time with its UTC offset, e.g. 2025-03-18T18:00:00+03:00"
    if kind == "string_pattern_mismatch":
        msg = "ids are lowercase letters, digits, '-' and '_', starting with a letter or digit"
    elif kind == "literal_error" and loc == ("schema",):
        msg = "this version of mediate reads scenario schema 1"
    return f"{where}: {msg} (got {shown})", False


def validate_data(data: Any, loc: Locator, model: type[M],
                  checker: Callable[[M], list[RefProblem]] | None = None) -> M:
    """The frozen model for ``data``, or a LoadError with every problem located."""
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        errors = exc.errors(include_url=False)
        deeper = [tuple(e["loc"]) for e in errors]
        for err in errors:
            here = tuple(err["loc"])
            if err["type"] == "too_short" and any(len(d) > len(here) and d[: len(here)] == here for d in deeper):
                given = err.get("input")
                if isinstance(given, list | dict) and len(given) >= err.get("ctx", {}).get("min_length", 0):
                    continue  # judged short only because an item in it failed
            message, at_key = _message(err, model)
            problems.append(loc.problem(tuple(err["loc"]), message, at_key))
        raise LoadError(problems) from None
    if checker is not None:
        refs = checker(obj)
        if refs:
            raise LoadError([loc.problem(r.path, f"{describe(r.path)}: {r.message}", r.at_key) for r in refs])
    return obj


def load_model(path: str | FsPath, model: type[M],
               checker: Callable[[M], list[RefProblem]] | None = None) -> tuple[M, Locator]:
    path = FsPath(path)
    text = read_text(path)
    data, loc = parse_yaml(text, str(path))
    return validate_data(data, loc, model, checker), loc


def load_scenario_located(path: str | FsPath, overrides: Sequence[str] = ()) -> tuple[Scenario, Locator]:
    """Load a scenario; ``overrides`` are ``path.to.field=value`` changes made before validation."""
    path = FsPath(path)
    data, loc = parse_yaml(read_text(path), str(path))
    if isinstance(data, dict) and "moves" in data and "issues" not in data:
        raise LoadError([Problem(str(path), 1, 1, "this is a moves file, not a scenario: play it with "
                                                  f"`mediate run SCENARIO --script {path}`")])
    for item in overrides:
        apply_override(data, item)
    return validate_data(data, loc, Scenario, cross_check), loc


def apply_override(data: Any, item: str) -> None:
    """Set one field of parsed scenario data from ``a.b.c=value`` (for what-if runs).

    Path parts walk mappings by key and lists by an element's ``id`` (or its index); the
    value is read as YAML (``60``, ``-0.2``, ``[energy, rail]``, ``true``). Problems are
    reported against the ``--set`` argument, column-located.
    """
    where = f"--set {item}"
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise LoadError([Problem(where, 1, 1, "write --set PATH=VALUE, e.g. --set parties.russia.reservation=60")])
    value, _ = parse_yaml(raw.strip() or "''", where) if raw.strip() else ("", None)
    parts = key.strip().split(".")
    cur = data
    col = 1
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        if isinstance(cur, dict):
            if last:
                cur[part] = value
                return
            if part not in cur:
                raise LoadError([Problem(where, 1, col, f"no '{part}' here{suggest(part, list(cur))}")])
            cur = cur[part]
        elif isinstance(cur, list):
            ids = [x.get("id") for x in cur if isinstance(x, dict)]
            if part in ids:
                idx = ids.index(part)
            elif part.isdigit() and int(part) < len(cur):
                idx = int(part)
            else:
                raise LoadError([Problem(where, 1, col, f"no item '{part}' in this list"
                                                        f"{suggest(part, [str(i) for i in ids if i])}")])
            if last:
                cur[idx] = value
                return
            cur = cur[idx]
        else:
            raise LoadError([Problem(where, 1, col, f"'{'.'.join(parts[:n])}' is a single value, not a mapping or list")])
        col += len(part) + 1


def load_scenario(path: str | FsPath) -> Scenario:
    """Load, validate and freeze a scenario file (raises LoadError)."""
    return load_scenario_located(path)[0]


# ---------------------------------------------------------------- bundled scenarios


def scenarios_dir() -> FsPath:
    sim_dir = FsPath(__file__).resolve().parent.parent
    # Inside an installed wheel the scenarios ship as sim/scenarios; in a checkout they sit at the top.
    for cand in (sim_dir / "scenarios", sim_dir.parent / "scenarios"):
        if cand.is_dir():
            return cand
    return sim_dir / "scenarios"


DEFAULT_SCENARIO = "energy-truce-2025-03"


def bundled() -> list[FsPath]:
    """Bundled scenario files (templates and move scripts excluded), sorted by name."""
    return sorted(p for p in scenarios_dir().glob("*.yaml")
                  if not p.name.startswith("_") and p.name.count(".") == 1)


def resolve(name: str) -> FsPath:
    """A bundled scenario id or a path → the file's path (LoadError if neither)."""
    p = FsPath(name)
    if p.suffix in (".yaml", ".yml") or p.exists() or "/" in name:
        return p
    cand = scenarios_dir() / f"{name}.yaml"
    if cand.exists():
        return cand
    ids = [b.stem for b in bundled()]
    raise LoadError([Problem(name, 1, 1, f"no bundled scenario '{name}'{suggest(name, ids)}; "
                                         "give a path to a .yaml file or see `mediate list`")])


# ---------------------------------------------------------------- quotes against sources


_TYPO = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u2018": "'", "\u2019": "'",
                       "\u201a": "'", "\u2032": "'", "\u00a0": " "})


def normalise(text: str) -> str:
    """Whitespace collapsed, typographic quotes made plain: how quotes are compared."""
    return re.sub(r"\s+", " ", text.translate(_TYPO)).strip()


def verify_quotes(s: Scenario, loc: Locator, sources: FsPath) -> list[Problem]:
    """Every quote checked verbatim against its source's text found in ``sources``."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    if not sources.is_dir():
        return [Problem(str(sources), 1, 1, "--sources must be a folder holding the articles' text files")]
    for n, src in enumerate(s.sources):
        cands = [sources / src.file] if src.file else []
        cands += sorted(sources.glob(f"{src.id}.*"))
        found = next((c for c in cands if c.is_file()), None)
        if found is None:
            want = src.file or f"{src.id}.txt"
            problems.append(loc.problem(("sources", n, "file" if src.file else "id"),
                                        f"source '{src.id}': no file '{want}' in {sources}; set its 'file' field"))
            continue
        try:
            texts[src.id] = normalise(decode(found.read_bytes(), str(found)))
        except LoadError as exc:
            problems.extend(exc.problems)
    for path, q in iter_quotes(s):
        if q.source in texts and normalise(q.text) not in texts[q.source]:
            problems.append(loc.problem((*path, "text"), f"{describe(path)}: quote not found verbatim in source "
                                                         f"'{q.source}': copy the exact words from the article"))
    return problems
