"""Tables of runs on disk: CSV (streamed, written atomically) or Parquet (when pyarrow is installed).

A table is written to a temp file beside the target and renamed into place on commit (the
output rules of :mod:`sim.files`), also when resuming: the rows already there are copied
first, then the new ones appended, so the named file is always whole. Resume reads the ids of
the runs a table holds, and refuses a table whose columns are not this batch's.
"""

from __future__ import annotations

import csv
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sim.errors import MediateError, OutputError
from sim.files import Output, ordinary_mode

BATCH_ROWS = 1024


class TableError(MediateError):
    """An output table that cannot be resumed or written in the format asked for."""


def is_parquet(path: Path) -> bool:
    return Path(path).suffix.lower() in (".parquet", ".pq")


def require_pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401  (a submodule: imported for pyarrow.parquet below)
    except ImportError:
        raise TableError("writing Parquet needs pyarrow: pip install pyarrow, or write a .csv") from None
    return pyarrow


def _existing(path: Path) -> bool:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(info.st_mode):
        raise TableError(f"cannot resume {path}: it is not a regular file (a device or FIFO has nothing to read back)")
    return True


def read_done(path: Path, header: list[str]) -> Iterator[dict[str, Any]]:
    """The rows of the table at ``path`` (none if it does not exist yet), checked against ``header``."""
    for _, row in read_done_lines(path, header):
        yield row


def read_done_lines(path: Path, header: list[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, row) for each row of the table at ``path``: the CSV line it ends on, or for
    Parquet its row number counting the header as 1, so a message can point at it."""
    path = Path(path)
    if not _existing(path):
        return
    if is_parquet(path):
        pq = require_pyarrow().parquet
        table = pq.read_table(path)
        if table.column_names != header:
            raise TableError(f"cannot resume {path}: its columns are not this batch's (another scenario, "
                             f"sweep or policy?): name a new output file")
        number = 1
        for batch in table.to_batches():
            for row in batch.to_pylist():
                number += 1
                yield number, row
        return
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        first = next(reader, None)
        if first is None:
            return
        if first != header:
            raise TableError(f"cannot resume {path}: its columns are not this batch's (another scenario, "
                             f"sweep or policy?): name a new output file")
        for fields in reader:
            if len(fields) == len(header):  # a line cut short is not a finished run
                yield reader.line_num, dict(zip(header, fields, strict=True))


class CsvTable:
    def __init__(self, path: Path, header: list[str], resume: bool = False):
        self.path = Path(path)
        self.header = header
        old = resume and _existing(self.path)
        self._out = Output(self.path)
        self._buf = io.StringIO()
        self._writer = csv.DictWriter(self._buf, fieldnames=header, lineterminator="\n")
        self._writer.writeheader()
        if old:
            for row in read_done(self.path, header):
                self._writer.writerow(row)
                if self._buf.tell() > 1 << 16:
                    self._flush()
        self._flush()

    def _flush(self) -> None:
        self._out.write(self._buf.getvalue())
        self._buf.seek(0)
        self._buf.truncate()

    def write(self, row: dict[str, Any]) -> None:
        self._writer.writerow(row)
        self._flush()

    def commit(self) -> None:
        self._out.commit()

    def discard(self) -> None:
        self._out.discard()


def _arrow_type(pa: Any, value: Any) -> Any:
    if isinstance(value, bool):
        return pa.bool_()
    if isinstance(value, int):
        return pa.int64()
    if isinstance(value, float):
        return pa.float64()
    return pa.string()


class ParquetTable:
    """Rows in batches of :data:`BATCH_ROWS`; the schema is taken from the first batch's values."""

    def __init__(self, path: Path, header: list[str], resume: bool = False):
        self.pa = require_pyarrow()
        self.path = Path(path)
        self.header = header
        self._rows: list[dict[str, Any]] = []
        self._writer: Any = None
        self._schema: Any = None
        self._old = list(read_done(self.path, header)) if resume else []
        real = Path(os.path.realpath(self.path))
        fd, self._tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
        os.close(fd)
        ordinary_mode(self._tmp)  # mkstemp makes 0600: a table is an ordinary file, as a CSV is
        self._real = real
        if resume and self._old:
            self._schema = self.pa.parquet.read_schema(self.path)
        for row in self._old:
            self.write(row)
        self._old = []

    def _open(self) -> None:
        if self._schema is None:
            fields = []
            for name in self.header:
                value = next((r[name] for r in self._rows if r[name] not in ("", None)), "")
                fields.append(self.pa.field(name, _arrow_type(self.pa, value)))
            self._schema = self.pa.schema(fields)
        self._writer = self.pa.parquet.ParquetWriter(self._tmp, self._schema)

    def _flush(self) -> None:
        if not self._rows and self._writer is not None:
            return
        if self._writer is None:
            self._open()
        strings = {f.name for f in self._schema if f.type == self.pa.string()}
        data = {n: [r[n] if n in strings or r[n] != "" else None for r in self._rows] for n in self.header}
        if strings:
            for n in strings:
                data[n] = [None if v is None else str(v) for v in data[n]]
        self._writer.write_table(self.pa.Table.from_pydict(data, schema=self._schema))
        self._rows = []

    def write(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        if len(self._rows) >= BATCH_ROWS:
            self._flush()

    def commit(self) -> None:
        try:
            self._flush()
            self._writer.close()
            os.replace(self._tmp, self._real)
        except OSError as exc:
            self.discard()
            raise OutputError(self.path, exc.strerror or str(exc)) from None

    def discard(self) -> None:
        try:
            if self._writer is not None:
                self._writer.close()
        except OSError:
            pass  # the write already failed; what matters is that nothing is left behind
        try:
            os.unlink(self._tmp)
        except OSError:
            pass


def open_table(path: Path, header: list[str], resume: bool = False) -> CsvTable | ParquetTable:
    return ParquetTable(path, header, resume) if is_parquet(path) else CsvTable(path, header, resume)
