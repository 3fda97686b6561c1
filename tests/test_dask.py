"""The same scan on a Dask distributed cluster gives byte-identical findings."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from redactor.cli import app

from .conftest import FIXTURES

distributed = pytest.importorskip("distributed")


def test_dask_cluster_gives_the_same_findings_as_a_local_run(tmp_path):
    runner = CliRunner()
    records = FIXTURES / "records"
    local = tmp_path / "local.json"
    result = runner.invoke(
        app, ["scan", str(records), "--json", str(local), "-q", "--no-cache", "--workers", "1"]
    )
    assert result.exit_code == 1, result.output
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        remote = tmp_path / "dask.json"
        result = runner.invoke(
            app,
            [
                "scan",
                str(records),
                "--json",
                str(remote),
                "-q",
                "--no-cache",
                "--executor",
                "dask",
                "--scheduler",
                cluster.scheduler_address,
            ],
        )
        assert result.exit_code == 1, result.output
    assert json.loads(local.read_text())["documents"] == json.loads(remote.read_text())["documents"]
    assert local.read_bytes() == remote.read_bytes()
