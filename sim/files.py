"""Files the user named: read with a bound, written atomically or written through.

Every output of mediate (reports, transcripts, CSV, saves, templates) goes through
:func:`atomic_write_text` or :class:`Output`, and every input file through :func:`read_bytes_bounded`.

Output rules, the same for every command:

* a regular file or a new path is written atomically (temp file in the same folder, fsync, rename):
  a crash or a full disk never leaves half a file, and the old file stays until the new one is whole;
* a symlink is followed: the file it points to is written, the link stays a link;
* a device, FIFO or ``/dev/stdout`` is written through (opened for writing, never replaced);
* a folder is refused, and so is a path whose folder does not exist (it is never created).

Every failure is an :class:`sim.errors.OutputError` (a ``MediateError``) whose message is
``cannot write PATH: reason``; no ``OSError`` escapes.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from sim.errors import LoadError, OutputError, Problem


def read_bytes_bounded(path: Path, limit: int, what: str = "file", too_large: str = "") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or a LoadError saying why not
    (``too_large``, when given, is the fix added to the message for a file over the limit).

    Devices, FIFOs and folders are refused before opening (``/dev/zero`` would never end, a FIFO
    or ``/dev/tty`` would block), and at most ``limit + 1`` bytes are read, so a file that grows
    while being read is still refused rather than exhausting memory.
    """
    name = str(path)
    fix = f": {too_large}" if too_large else ""
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise LoadError([Problem(name, 1, 1, f"is a folder, not a {what}: name a file")])
        if not stat.S_ISREG(info.st_mode):
            raise LoadError([Problem(name, 1, 1, f"is not a regular file (a device, FIFO or socket): "
                                                 f"give a {what} on disk")])
        if info.st_size > limit:
            raise LoadError([Problem(name, 1, 1, f"{what} is {info.st_size:,} bytes; the limit is {limit:,}"
                                                 f"{fix}")])
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise LoadError([Problem(name, 1, 1, f"no such {what}: check the path")]) from None
    except OSError as exc:
        raise LoadError([Problem(name, 1, 1, f"cannot read the {what}: {exc.strerror or exc}")]) from None
    if len(data) > limit:
        raise LoadError([Problem(name, 1, 1, f"{what} is over the limit of {limit:,} bytes{fix}")])
    return data


# Paths that name one of this process's file descriptors: replacing what they resolve to would
# cut the link between the process and its output, so they are always written through.
_FD_ALIASES = ("/dev/stdout", "/dev/stderr", "/dev/stdin", "/dev/tty")
_FD_FOLDERS = ("/dev/fd/", "/proc/")


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EPIPE:
        return "the program reading it has closed the pipe"
    if exc.errno == errno.ENXIO:
        return "no program is reading from this FIFO: start the reader first"
    return exc.strerror or str(exc)


def _target(path: Path) -> tuple[Path, bool]:
    """Where to write for ``path``, and whether to write through (True) rather than replace."""
    try:
        info: os.stat_result | None = os.stat(path)  # follows symlinks: their target decides
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(path, _reason(exc)) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(path, "it is a folder: name a file inside it")
    absolute = os.path.abspath(path)
    if info is not None and (not stat.S_ISREG(info.st_mode) or absolute in _FD_ALIASES
                             or absolute.startswith(_FD_FOLDERS)):
        return path, True
    real = Path(os.path.realpath(path))
    if not real.parent.is_dir():
        folder = path.parent if str(real) == absolute else real.parent
        raise OutputError(path, f"folder {folder} does not exist: create it first")
    return real, False


def check_output(path: Path) -> None:
    """Raise the OutputError that writing ``path`` would meet, before any work is done.

    Catches a folder, a missing folder and a folder one may not write to; a full disk or a
    closed pipe can only show when writing.
    """
    real, through = _target(Path(path))
    if not through and not os.access(real.parent, os.W_OK | os.X_OK):
        raise OutputError(path, f"no permission to create files in folder {real.parent}")


def ordinary_mode(path: str | Path) -> None:
    """Give a file the mode a new file gets here (0666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


class Output:
    """One output file, written in pieces (for streamed CSV) and then committed or discarded.

    Use as a context manager (commits on success, discards on an exception), or call
    :meth:`commit` / :meth:`discard`. Every failure raises :class:`OutputError`.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._real, self._through = _target(self.path)
        self._tmp: str | None = None
        self._fh: BinaryIO
        try:
            if self._through:
                self._fh = self._open_through()
            else:
                fd, self._tmp = tempfile.mkstemp(prefix=f".{self._real.name}.", suffix=".tmp",
                                                 dir=self._real.parent)
                self._fh = os.fdopen(fd, "wb")
        except OSError as exc:
            raise OutputError(self.path, _reason(exc)) from None

    def _open_through(self) -> BinaryIO:
        # Non-blocking open so a FIFO nobody reads fails at once (ENXIO) instead of hanging;
        # append so a file behind /dev/stdout keeps what was printed before.
        flags = os.O_WRONLY | os.O_APPEND | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
        fd = os.open(self._real, flags)
        os.set_blocking(fd, True)
        return os.fdopen(fd, "wb")

    def write(self, text: str) -> None:
        try:
            self._fh.write(text.encode("utf-8"))
        except (OSError, UnicodeEncodeError) as exc:
            self.discard()
            raise OutputError(self.path, _reason(exc) if isinstance(exc, OSError) else str(exc)) from None

    def commit(self) -> None:
        """Finish the file: flush, and for a regular file fsync and rename it into place."""
        try:
            self._fh.flush()
            if self._tmp is not None:
                os.fsync(self._fh.fileno())
            self._fh.close()
            if self._tmp is not None:
                ordinary_mode(self._tmp)  # mkstemp makes 0600; a report or save is an ordinary file
                os.replace(self._tmp, self._real)
                self._tmp = None
        except OSError as exc:
            self.discard()
            raise OutputError(self.path, _reason(exc)) from None

    def discard(self) -> None:
        """Give up: remove the temp file (the target is untouched). Never raises."""
        try:
            self._fh.close()
        except OSError:
            pass  # the write already failed; what matters is that nothing is left behind
        if self._tmp is not None:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            self._tmp = None

    def __enter__(self) -> Output:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` by the output rules above; raises OutputError (only) on failure."""
    with Output(Path(path)) as out:
        out.write(text)
