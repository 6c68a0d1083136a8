"""Building blocks of the scenario model: strict field types, the base model, and :func:`added`.

Kept apart from :mod:`sim.scenario.model` so the model's parts can live in modules of their
own (see :mod:`sim.scenario.incident_kinds`).
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, Strict
from pydantic.json_schema import JsonDict

# Numbers and booleans are strict: `weight: true` or `weight: "3"` is a mistake to report, not
# a value to convert. Dates and times stay lax: the YAML reader hands them over as strings.
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


def _not_blank(text: str) -> str:
    # min_length counts spaces: "   " would show as an empty title.
    if not text.strip():
        raise ValueError("is blank (only spaces): write some text")
    return text


Text = Annotated[str, Field(min_length=1, max_length=20_000), AfterValidator(_not_blank)]
Points = Annotated[float, Strict(), Field(ge=0, le=100)]
Unit = Annotated[float, Strict(), Field(ge=0, le=1)]
Delta = Annotated[float, Strict(), Field(ge=-100, le=100)]
UnitDelta = Annotated[float, Strict(), Field(ge=-1, le=1)]
Flag = Annotated[bool, Strict()]


ADDED: JsonDict = {"x-added": "schema 1, second edition"}
"""``json_schema_extra`` of fields added to schema 1 after its first edition: left out of
:func:`scenario_hash` while they hold their default, so saves and transcripts of files written
for the first edition keep their hash."""


def added(default: Any = None, **kw: Any) -> Any:
    """A field added to schema 1 after its first edition (see :data:`ADDED`)."""
    return Field(default, json_schema_extra=ADDED, **kw)


class Frozen(BaseModel):
    # Attribute docstrings become JSON Schema descriptions: editors show them on hover.
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, use_attribute_docstrings=True)


def added_at_default(value: Any) -> Any:
    """The nested ``exclude`` spec of every added field that holds its default (None: none)."""
    if isinstance(value, BaseModel):
        spec: dict[Any, Any] = {}
        for name, info in type(value).model_fields.items():
            v = getattr(value, name)
            if info.json_schema_extra == ADDED and v == info.default:
                spec[name] = True
            else:
                inner = added_at_default(v)
                if inner:
                    spec[name] = inner
        return spec or None
    if isinstance(value, (tuple, list)):
        items = {n: inner for n, v in enumerate(value) if (inner := added_at_default(v))}
        return items or None
    if isinstance(value, dict):
        items = {k: inner for k, v in value.items() if (inner := added_at_default(v))}
        return items or None
    return None
