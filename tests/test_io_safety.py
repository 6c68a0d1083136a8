"""Hostile outputs, through the real CLI: devices, FIFOs, links and folders as outputs; a failed
write is a clear message, exit 1, the old file kept and no traceback (inputs: test_io_inputs.py)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time

import pytest

from sim.errors import MediateError, OutputError
from sim.files import atomic_write_text
from tests.conftest import ROOT
from tests.helpers import invoke
from tests.hostile import FLAG, TIMEOUT, clean, cli, device

# ---------------------------------------------------------------- 1. outputs


def test_dev_full_is_a_clear_failure_and_stays_a_device():
    full = device("/dev/full")
    r = invoke("run", FLAG, "--policy", "nash", "-q", "--report", full)
    assert r.exit_code == 1
    assert "cannot write /dev/full: No space left on device" in clean(r)
    assert stat.S_ISCHR(full.stat().st_mode)


def test_dev_null_is_written_through_not_replaced():
    null = device("/dev/null")
    r = invoke("schema", "-o", null)
    assert r.exit_code == 0, r.output
    assert stat.S_ISCHR(null.stat().st_mode)


def test_report_to_dev_stdout_reaches_stdout():
    r = cli("run", FLAG, "--policy", "nash", "-q", "--report", "/dev/stdout")
    assert r.returncode == 0, r.stderr
    assert "# Debrief: The energy truce" in r.stdout.decode()
    clean(r)


def _drain(fd: int, into: list[bytes]) -> None:
    """Read a FIFO opened non-blocking until its writer has written and closed it."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:  # a writer is connected, nothing to read yet
            time.sleep(0.01)
            continue
        if chunk:
            into.append(chunk)
        elif into:
            return  # end of file after the data
        else:
            time.sleep(0.01)  # no writer yet


def test_fifo_with_a_reader_is_written_through(tmp_path):
    os.mkfifo(fifo := tmp_path / "pipe.json")
    fd, got = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK), []
    (reader := threading.Thread(target=_drain, args=(fd, got))).start()
    r = invoke("schema", "-o", fifo)
    reader.join(TIMEOUT)
    os.close(fd)
    assert r.exit_code == 0, r.output
    assert json.loads(b"".join(got))["$id"].endswith("scenario-v1.json")
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_fifo_without_a_reader_fails_at_once(tmp_path):
    os.mkfifo(fifo := tmp_path / "nobody.jsonl")
    r = cli("run", FLAG, "--policy", "nash", "-q", "--json", fifo)
    assert r.returncode == 1
    assert "no program is reading from this FIFO" in clean(r)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_symlink_is_followed_and_stays_a_link(tmp_path):
    target = tmp_path / "real.md"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    r = invoke("run", FLAG, "--policy", "nash", "-q", "--report", link)
    assert r.exit_code == 0, r.output
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("# Debrief")


def test_every_output_option_refuses_a_folder_and_a_missing_folder(tmp_path, transcript):
    missing = tmp_path / "nope" / "out.txt"
    commands = [
        ("schema", "-o", "{}"),
        ("run", FLAG, "--policy", "nash", "-q", "--json", "{}"),
        ("run", FLAG, "--policy", "nash", "-q", "--report", "{}"),
        ("compare", str(transcript), "--csv", "{}"),
        ("batch", FLAG, "--policy", "nash", "--runs", "2", "--csv", "{}"),
    ]
    for command in commands:
        for bad, why in ((tmp_path, "it is a folder"),
                         (missing, f"folder {missing.parent} does not exist: create it first")):
            r = invoke(*(a.replace("{}", str(bad)) for a in command))
            assert r.exit_code == 1, (command, r.output)
            assert f"cannot write {bad}: {why}" in clean(r), (command, r.stderr)
    assert not missing.parent.exists()
    r = invoke("new", missing.with_suffix(".yaml"))
    assert r.exit_code == 1 and "does not exist: create it first" in clean(r)
    assert not missing.parent.exists()


def test_batch_checks_its_csv_path_before_any_run(tmp_path):
    # Ten million runs would take hours: refusing within the timeout proves nothing ran first.
    r = cli("batch", FLAG, "--policy", "nash", "--runs", "10000000", "--csv", tmp_path)
    assert r.returncode == 1
    assert "it is a folder" in clean(r)


def test_paths_in_messages_are_plain_text_not_markup(tmp_path):
    out = tmp_path / "sch[red].json"
    r = invoke("schema", "-o", out)
    assert r.exit_code == 0
    assert f"wrote {out}" in r.stderr
    bad = tmp_path / "[bold]x[/bold]" / "y.json"
    r = invoke("schema", "-o", bad)
    assert r.exit_code == 1 and f"cannot write {bad}" in clean(r)


def test_full_stdout_is_a_message_not_a_traceback():
    device("/dev/full")
    for command in (["schema"], ["list"], ["--help"], ["run", FLAG, "--policy", "nash"]):
        with open("/dev/full", "wb") as full:
            r = cli(*command, stdout=full)
        assert r.returncode == 1, command
        assert "cannot write to standard output: No space left on device" in clean(r), command


def test_closed_pipe_ends_quietly():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "sim.cli", "run", FLAG, "--policy", "nash"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head` having exited: the very first write meets a closed pipe
    err = proc.stderr.read().decode()
    assert proc.wait(TIMEOUT) == 1
    assert err == "", err


def test_output_error_is_a_mediate_error_and_an_os_error_for_renderers():
    with pytest.raises(OutputError, match="cannot write /dev/full: No space left on device") as exc:
        atomic_write_text(device("/dev/full"), "x" * 100_000)
    assert isinstance(exc.value, MediateError) and isinstance(exc.value, OSError)  # the TUI catches OSError


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path):
    old = tmp_path / "keep.md"
    old.write_text("mine\n", encoding="utf-8")
    with pytest.raises(OutputError):
        atomic_write_text(old, "\ud800")  # not encodable: the write fails part-way
    assert old.read_text(encoding="utf-8") == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.md"]
