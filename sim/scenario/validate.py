"""pydantic's errors → located messages in the words of the YAML file; :func:`validate_data`."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from sim.errors import LoadError
from sim.scenario.locator import Locator, describe
from sim.scenario.refs import RefProblem, closest, suggest

M = TypeVar("M", bound=BaseModel)

_KINDS = {dict: "mapping", list: "list", str: "string", int: "number", float: "number", bool: "true/false",
          type(None): "empty value"}


def _fields(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names expected at ``loc`` inside ``model`` (for 'did you mean')."""
    cur: Any = model
    keyed = False  # the part before was a mapping of models: this part is one of its keys
    for part in loc:
        if isinstance(part, int) or cur is None:
            continue
        if keyed:
            keyed = False
            continue
        info = getattr(cur, "model_fields", {})
        names = {(f.alias or n): f for n, f in info.items()}
        f = names.get(part)
        if f is None:
            cur = None
            break
        ann = f.annotation
        keyed = _is_mapping(ann)
        cur = _model_in(ann)
    if cur is None or not hasattr(cur, "model_fields"):
        return []
    return [(f.alias or n) for n, f in cur.model_fields.items()]


def _is_mapping(ann: Any) -> bool:
    """Whether ``ann`` (or what an optional ``ann`` holds) is a mapping type."""
    origin = get_origin(ann)
    if origin in (Union, UnionType):
        return any(_is_mapping(arg) for arg in get_args(ann))
    return isinstance(origin, type) and issubclass(origin, Mapping)


def _is_sequence(ann: Any) -> bool:
    """Whether ``ann`` (or what an optional ``ann`` holds) is a list or tuple type."""
    origin = get_origin(ann)
    if origin in (Union, UnionType):
        return any(_is_sequence(arg) for arg in get_args(ann))
    return isinstance(origin, type) and issubclass(origin, Sequence) and not issubclass(origin, str)


def _walk(model: type[BaseModel], prefix: str, depth: int) -> Iterator[tuple[str, str]]:
    """(field name, its path from the top) for every field under ``model``."""
    for n, f in model.model_fields.items():
        name = f.alias or n
        yield name, prefix + name
        inner = _model_in(f.annotation)
        if inner is None or depth >= 8:
            continue
        if _is_mapping(f.annotation):
            step = ".<key>."
        elif _is_sequence(f.annotation):
            step = ".<id>." if "id" in inner.model_fields else "[<n>]."
        else:
            step = "."
        yield from _walk(inner, prefix + name + step, depth + 1)


@functools.lru_cache(maxsize=8)
def _paths(model: type[BaseModel]) -> dict[str, tuple[str, ...]]:
    """Every field name in ``model``, to where it is written from the top (as --set writes it)."""
    out: dict[str, tuple[str, ...]] = {}
    for name, path in _walk(model, "", 0):
        out[name] = (*out.get(name, ()), path)
    return out


def _key_hint(model: type[BaseModel], loc: tuple, key: str) -> str:
    """' — did you mean …?' for an unknown ``key`` at ``loc``: a key that belongs elsewhere
    (``max_rounds`` at the top is ``clock.max_rounds``) is named by its full path."""
    fields = _fields(model, loc[:-1])
    paths = _paths(model)
    elsewhere = paths.get(key, ())
    if key not in fields and 0 < len(elsewhere) <= 3:
        return f" — did you mean {' or '.join(repr(p) for p in elsewhere)}?"
    near = closest(key, fields)
    # Only a near-certain match elsewhere, and closer than the nearest key here: a loose one
    # elsewhere in the model is more confusing than the list of keys.
    far = difflib.get_close_matches(key, [k for k in paths if k not in fields], n=1, cutoff=0.85)
    if far and len(paths[far[0]]) == 1 and (near is None or _ratio(key, far[0]) > _ratio(key, near)):
        return f" — did you mean '{paths[far[0]][0]}'?"
    return suggest(key, fields) if fields else ""


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _typo_of(err: ErrorDetails, model: type[BaseModel]) -> tuple[tuple, str] | None:
    """(where, the key it was meant to be) for an unknown key close to an expected one."""
    loc = tuple(err["loc"])
    if err["type"] != "extra_forbidden":
        return None
    close = closest(str(loc[-1]), _fields(model, loc[:-1]))
    return (loc[:-1], close) if close is not None else None


def _model_in(ann: Any) -> Any:
    if isinstance(ann, type) and issubclass(ann, BaseModel):
        return ann
    for arg in getattr(ann, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _message(err: ErrorDetails, model: type[BaseModel]) -> tuple[str, bool]:
    loc = tuple(err["loc"])
    kind = err["type"]
    where = describe(loc)
    got = err.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        return f"unknown key '{key}'{_key_hint(model, loc, key)}", True
    if kind == "missing":
        return f"{describe(loc[:-1]) or 'the document'} is missing required key '{loc[-1]}'", False
    if kind in ("model_type", "model_attributes_type", "dict_type") and isinstance(got, (list, str, int, float)):
        found = _KINDS.get(type(got), type(got).__name__)
        fields = _fields(model, loc)
        keys = f" with keys {', '.join(fields[:8])}" if fields else ""
        return f"{where or 'the document'} must be a mapping{keys}; found a {found}", False
    if isinstance(got, bool):
        shown = "true" if got else "false"  # as the YAML file writes it
    elif isinstance(got, (str, int, float)) or got is None:
        shown = repr(got)
    else:
        shown = _KINDS.get(type(got), "value")
    if isinstance(got, str) and len(got) > 40:
        shown = repr(got[:37] + "...")
    elif isinstance(got, (int, float)) and len(shown) > 40:
        shown = f"{shown[:20]}… ({len(shown):,} characters)"
    plain = _text_message(kind, err, loc, got)
    if plain is not None:
        return f"{where}: {plain} (got {shown})", False
    msg = err["msg"]
    # Say it in the words of the YAML file, not of Python.
    msg = (msg.replace("a valid tuple", "a list").replace("Tuple", "List").replace("Dictionary", "Mapping")
           .replace("a valid dictionary", "a mapping").replace(" after validation", "").replace("Input should", "should")
           .replace("a valid number", "a number").replace("a valid integer", "a whole number")
           .replace("be a valid boolean", "be true or false").replace("Value error, ", ""))
    if kind == "too_short":
        msg = f"needs at least {err.get('ctx', {}).get('min_length', 1)} item(s)"
    elif kind == "timezone_aware":
        msg = "give the time with its UTC offset, e.g. 2025-03-18T18:00:00+03:00"
    if kind == "string_pattern_mismatch":
        msg = "ids are lowercase letters, digits, '-' and '_', starting with a letter or digit"
    elif kind == "literal_error" and loc == ("schema",):
        msg = "this version of mediate reads scenario schema 1"
    return f"{where}: {msg} (got {shown})", False


def _text_message(kind: str, err: ErrorDetails, loc: tuple, got: Any) -> str | None:
    """The message and its fix for a text or id field given the wrong thing; None for others."""
    ctx = err.get("ctx", {})
    if kind == "string_too_short" and got == "":
        return "is empty: write some text (quotes alone, '', are empty)"
    if kind == "string_too_long" and isinstance(got, str):
        return f"is {len(got):,} characters long; at most {ctx.get('max_length', 0):,} are allowed: shorten it"
    key = loc[-1] if loc and isinstance(loc[-1], str) else None
    if kind == "string_type" and got is None:
        return f"has no value: write it after '{key}:'" if key else "has no value: write one"
    if kind == "string_type" and isinstance(got, (bool, int, float)):
        # YAML reads true, 3 or 2.5 as a value of their own: only quotes make them text.
        value = ("true" if got else "false") if isinstance(got, bool) else str(got)
        example = f"{key}: \"{value}\"" if key else f"\"{value}\""
        kind_of = "true/false value" if isinstance(got, bool) else "number"
        return f"should be text, not a {kind_of}: put it in quotes, e.g. {example}"
    if kind == "literal_error" and loc and loc[-1] == "hint":
        return "takes no value: write `- hint` alone (a hint takes no game time, so it can't repeat)"
    return None


def validate_data(data: Any, loc: Locator, model: type[M],
                  checker: Callable[[M], list[RefProblem]] | None = None) -> M:
    """The frozen model for ``data``, or a LoadError with every problem located."""
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        problems = []
        errors = exc.errors(include_url=False)
        deeper = [tuple(e["loc"]) for e in errors]
        # A misspelt key also leaves the key it meant missing: the typo's message says both.
        typos = {t for t in (_typo_of(e, model) for e in errors) if t is not None}
        for err in errors:
            here = tuple(err["loc"])
            if err["type"] == "missing" and (here[:-1], str(here[-1])) in typos:
                continue
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
