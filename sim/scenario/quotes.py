"""Quotes checked verbatim against the articles' texts (``mediate validate --sources DIR``)."""

from __future__ import annotations

import re
from pathlib import Path as FsPath

from sim.errors import LoadError, Problem
from sim.scenario.locator import Locator, describe
from sim.scenario.model import Scenario, Source, iter_quotes
from sim.scenario.text import read_bounded_text

MAX_SOURCE_BYTES = 5_000_000
"""Largest article text read (a long article is well under 1 MB)."""

_TYPO = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u2018": "'", "\u2019": "'",
                       "\u201a": "'", "\u2032": "'", "\u00a0": " "})


def normalise(text: str) -> str:
    """Whitespace collapsed, typographic quotes made plain: how quotes are compared."""
    return re.sub(r"\s+", " ", text.translate(_TYPO)).strip()


def _source_file(src: Source, n: int, loc: Locator, sources: FsPath) -> FsPath | Problem:
    """The source's text file inside ``sources``, or the located problem why there is none."""
    root = sources.resolve()
    if src.file:
        cand = (sources / src.file).resolve()
        if not cand.is_relative_to(root):
            # A `file:` like ../../etc/passwd must not make validate read outside the folder.
            return loc.problem(("sources", n, "file"), f"source '{src.id}': file '{src.file}' is outside {sources}: "
                                                       "name a file inside the --sources folder")
        if cand.exists():
            return cand  # the bounded read refuses it if it is not a regular file
    named = [c for c in sorted(sources.glob(f"{src.id}.*")) if c.is_file()]
    found = next((c for c in named if c.resolve().is_relative_to(root)), None)
    if found is None:
        at = ("sources", n, "file" if src.file else "id")
        if named:  # there, but a link out of the folder: say so, not "no file"
            return loc.problem(at, f"source '{src.id}': {named[0].name} links outside {sources}: "
                                   "copy the article's text into the folder")
        want = f"'{src.file}' (nor {src.id}.*)" if src.file else f"{src.id}.* (e.g. {src.id}.txt)"
        return loc.problem(at, f"source '{src.id}': no file {want} in {sources}; set its 'file' field")
    return found


def verify_quotes(s: Scenario, loc: Locator, sources: FsPath) -> list[Problem]:
    """Every quote checked verbatim against its source's text found in ``sources``."""
    problems: list[Problem] = []
    texts: dict[str, str] = {}
    if not sources.is_dir():
        return [Problem(str(sources), 1, 1, "--sources must be a folder holding the articles' text files")]
    for n, src in enumerate(s.sources):
        found = _source_file(src, n, loc, sources)
        if isinstance(found, Problem):
            problems.append(found)
            continue
        try:
            texts[src.id] = normalise(read_bounded_text(found, MAX_SOURCE_BYTES, "source text"))
        except LoadError as exc:
            problems.extend(exc.problems)
    for path, q in iter_quotes(s):
        if q.source in texts and normalise(q.text) not in texts[q.source]:
            problems.append(loc.problem((*path, "text"), f"{describe(path)}: quote not found verbatim in source "
                                                         f"'{q.source}': copy the exact words from the article"))
    return problems
