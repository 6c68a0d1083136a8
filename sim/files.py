"""Files the user named: read with a bound, written atomically.

Every output of mediate (reports, transcripts, CSV, saves, templates) goes through
:func:`atomic_write_text`, and every input file through the loader's bounded reads.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from sim.errors import LoadError, Problem


def read_bytes_bounded(path: Path, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a LoadError saying why not.

    Devices, FIFOs and folders are refused before opening (``/dev/zero`` would never end, a FIFO
    or ``/dev/tty`` would block), and at most ``limit + 1`` bytes are read, so a file that grows
    while being read is still refused rather than exhausting memory.
    """
    name = str(path)
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise LoadError([Problem(name, 1, 1, f"is a folder, not a {what}: name a file")])
        if not stat.S_ISREG(info.st_mode):
            raise LoadError([Problem(name, 1, 1, f"is not a regular file (a device, FIFO or socket): "
                                                 f"give a {what} on disk")])
        if info.st_size > limit:
            raise LoadError([Problem(name, 1, 1, f"{what} is {info.st_size:,} bytes; the limit is {limit:,}")])
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise LoadError([Problem(name, 1, 1, f"no such {what}: check the path")]) from None
    except OSError as exc:
        raise LoadError([Problem(name, 1, 1, f"cannot read the {what}: {exc.strerror or exc}")]) from None
    if len(data) > limit:
        raise LoadError([Problem(name, 1, 1, f"{what} is over the limit of {limit:,} bytes")])
    return data


def atomic_write_text(path: Path, text: str) -> None:
    """Temp file in the same folder + fsync + rename: a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report or save is an ordinary file
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
