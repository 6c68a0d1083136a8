"""Bytes of a file the user named → text, refusing what is not UTF-8 text, located."""

from __future__ import annotations

from pathlib import Path as FsPath

from sim.errors import LoadError, Problem
from sim.files import read_bytes_bounded

_BOMS = {b"\xff\xfe\x00\x00": "UTF-32", b"\x00\x00\xfe\xff": "UTF-32", b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


def decode(data: bytes, name: str) -> str:
    """UTF-8 text (a BOM allowed), or a LoadError at the first byte that is not."""
    for bom, enc in _BOMS.items():
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
        col = at - (text.rfind("\n", 0, at) + 1) + 1
        raise LoadError([Problem(name, line, col, "file contains NUL bytes: it is not a text file")])
    return text


def read_bounded_text(path: FsPath, limit: int, what: str = "file") -> str:
    """The text of a regular file of at most ``limit`` bytes (devices, FIFOs, folders refused)."""
    return decode(read_bytes_bounded(path, limit, what, too_large="trim its text or split it"), str(path))
