"""Executors: a dask.distributed LocalCluster (2 worker processes, loopback) and a process pool give the
same rows, byte for byte, as a run in this process."""

from __future__ import annotations

import socket
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import distributed  # the [dask] extra; the test extras install it
import pytest
from click.testing import CliRunner

from sim.cli import main
from sim.runs.batch import Cell, run_batch
from sim.scenario import loader
from tests.conftest import TEMPLATE

STEADY = f"{Path(__file__).resolve().parents[1] / 'docs' / 'example_policy.py'}:Steady"
SWEEP = ["--runs", "40", "--seed", "3", "--sweep", "parties.north.reservation=30,60"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as c:
        yield c


def rows_with(executor, policy="incremental"):
    s = loader.load_scenario(TEMPLATE)
    got: list[dict] = []
    run_batch([Cell(s, policy), Cell(s, "nash")], "", 70, 5, executor, got.append)
    return got


def test_the_cli_on_a_dask_cluster_matches_a_local_run(cluster, tmp_path):
    local, remote = tmp_path / "local.csv", tmp_path / "dask.csv"
    for extra, out in [([], local), (["--executor", "dask", "--scheduler", cluster.scheduler_address], remote)]:
        r = CliRunner().invoke(main, ["batch", str(TEMPLATE), "--policy", STEADY, *SWEEP, *extra, "--csv", str(out)])
        assert r.exit_code == 0, r.output
    assert remote.read_bytes() == local.read_bytes() and len(local.read_text().splitlines()) == 81
    with distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2


def test_any_concurrent_futures_executor_through_the_api(cluster):
    here = rows_with(None)
    with distributed.Client(cluster) as client:
        assert rows_with(client.get_executor()) == here
    with ProcessPoolExecutor(2) as pool:
        assert rows_with(pool) == here
    assert len(here) == 140 and here[69]["run"] == 69 and here[70]["run"] == 0


def test_dask_errors_are_clean():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again on exit: nobody listens there
    r = CliRunner().invoke(main, ["batch", str(TEMPLATE), "--policy", "nash", "--runs", "2", "--executor", "dask",
                                  "--scheduler", f"tcp://127.0.0.1:{port}"])
    assert r.exit_code == 1 and "cannot reach the dask scheduler" in r.stderr
    r = CliRunner().invoke(main, ["batch", str(TEMPLATE), "--policy", "nash", "--runs", "2", "--executor", "dask"])
    assert r.exit_code == 2 and "--scheduler" in r.output
