"""``build --engine spark`` on a real Spark standalone cluster: a master and a worker started
from the pyspark package's own ``bin/spark-class`` on 127.0.0.1, the build run as the CLI in
its own process against ``spark://127.0.0.1:PORT``. The executors, not the driver, read every
file (``.zst`` text included), and the exports must be byte-identical to the DuckDB path's.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import zstandard

from starchart.engine.readers import write_table
from tests.engine.test_spark_parity import EXPORTS, duckdb_path, generated_inputs

pytestmark = pytest.mark.spark

LOCALHOST = "127.0.0.1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCALHOST, 0))
        return int(sock.getsockname()[1])


def _wait(what: str, ready: object, timeout: float, logs: list[Path]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():  # type: ignore[operator]
            return
        time.sleep(0.5)
    tails = "\n".join(p.read_text(errors="replace")[-2000:] for p in logs if p.exists())
    raise AssertionError(f"{what} did not come up in {timeout:.0f} s:\n{tails}")


def _alive_workers(ui_port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://{LOCALHOST}:{ui_port}/json/", timeout=2) as r:
            state = json.load(r)
    except OSError:
        return 0
    return sum(1 for w in state.get("workers", []) if w.get("state") == "ALIVE")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop one process we started, and its children (its own session), by its id."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A standalone master and one worker on 127.0.0.1; yields the master URL and the
    environment a driver needs; both processes are stopped however the tests end."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        pytest.skip("a Spark cluster needs Java 17: apt-get install openjdk-17-jre-headless")
    import pyspark

    home = Path(pyspark.__file__).resolve().parent
    spark_class = home / "bin" / "spark-class"
    if not spark_class.exists():
        pytest.skip(f"the pyspark package has no {spark_class}")
    root = tmp_path_factory.mktemp("spark-cluster")
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": LOCALHOST,
           "PYSPARK_PYTHON": sys.executable, "SPARK_NO_DAEMONIZE": "1"}
    port, ui_port, worker_ui = _free_port(), _free_port(), _free_port()
    master_log, worker_log = root / "master.log", root / "worker.log"
    started: list[subprocess.Popen[bytes]] = []
    try:
        with master_log.open("wb") as log:
            started.append(subprocess.Popen(
                [str(spark_class), "org.apache.spark.deploy.master.Master", "--host",
                 LOCALHOST, "--port", str(port), "--webui-port", str(ui_port)],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True))
        url = f"spark://{LOCALHOST}:{port}"
        _wait("the Spark master", lambda: _alive_workers(ui_port) == 0 and _listening(port),
              120, [master_log])
        with worker_log.open("wb") as log:
            started.append(subprocess.Popen(
                [str(spark_class), "org.apache.spark.deploy.worker.Worker", "--host",
                 LOCALHOST, "--cores", "2", "--memory", "2g", "--webui-port", str(worker_ui),
                 "--work-dir", str(root / "work"), url],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True))
        _wait("a Spark worker", lambda: _alive_workers(ui_port) >= 1, 120,
              [master_log, worker_log])
        yield url, env
    finally:
        for process in reversed(started):
            _stop(process)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((LOCALHOST, port)) == 0


def test_build_on_a_standalone_cluster_matches_duckdb(
    cluster: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    url, env = cluster
    catalog, events = generated_inputs(tmp_path / "in", n_events=2000)
    # Three formats after one --events: plain CSV, zstd JSON Lines (read on an executor) and
    # typed Parquet.
    lines = events.read_text().splitlines()
    header, rows = lines[0].split(","), [line.split(",") for line in lines[1:]]
    part_a = tmp_path / "in" / "a.csv"
    part_a.write_text("\n".join(lines[:701]) + "\n")
    part_b = tmp_path / "in" / "b.jsonl.zst"
    part_b.write_bytes(zstandard.ZstdCompressor().compress("".join(
        json.dumps(dict(zip(header, r, strict=True))) + "\n" for r in rows[700:1400]).encode()))
    import pyarrow as pa

    rest = rows[1400:]
    part_c = write_table(tmp_path / "in" / "c.parquet", pa.table(
        {h: [r[i] for r in rest] for i, h in enumerate(header)}))
    files = [part_a, part_b, part_c]
    duck, info = duckdb_path(catalog, files, tmp_path, round_to=1)
    out = tmp_path / "cluster-out"
    result = subprocess.run(
        [sys.executable, "-m", "starchart.cli", "build", "--engine", "spark", "--spark-master",
         url, "--catalog", str(catalog), "--events", *map(str, files), "--out", str(out),
         "--round-to", "1", "--json"],
        capture_output=True, text=True, env=env, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["master"] == url
    assert report["inputs"]["read"] == len(rows)
    assert report["weeks"] == info["build"]["weeks"] and len(report["weeks"]) == 8
    for name in EXPORTS:
        assert (out / name).read_bytes() == (duck / name).read_bytes(), name
    assert len((out / EXPORTS[0]).read_text().splitlines()) > 100
    # the build trained the viewing model on the cluster too, beside the exports
    training = report["training"]
    assert training["trained"] and training["db"] == str(out / "discovery.duckdb")
    assert training["rows"] > 0 and training["models"][0]["profiles"] > 0
