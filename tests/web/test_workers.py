"""Several processes, one PostgreSQL: stateless web workers serve the same register, and see changes."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from json import dumps
from pathlib import Path

import pytest
from fixtures import REPO, real_geodata_ready
from test_register_pages import dataset_label, sheet  # noqa: E402  (same folder)

from dashboard.data.loader import load_builtin_cached
from dashboard.store.database import open_database
from dashboard.store.registers import RegisterStore

START_TIMEOUT_SECONDS = 90
ROWS = (
    "Glåmdal barnevernvakt;barnevernvakt;;Kongsvinger, Eidskog, Grue, Åsnes, Nord-Odal, Sør-Odal;Kongsvinger;vertskommune;2010;",
    "Glåmdal IKT;IKT;;Kongsvinger, Grue;;IKS;2015;",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Answer:
    status_code: int
    body: bytes

    def get_json(self):
        return json.loads(self.body)

    def get_data(self, as_text: bool = False):
        return self.body.decode() if as_text else self.body


class HttpClient:
    """Just enough of Flask's test client (post json) to send the same request over real HTTP."""

    def __init__(self, base: str) -> None:
        self.base = base

    def post(self, path: str, json: dict) -> Answer:
        request = urllib.request.Request(self.base + path, data=dumps(json).encode(), headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, response.read())


def start(port: int, database_url: str, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "60", "app:server"],
        cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/registre", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"gunicorn on port {port} did not answer in {START_TIMEOUT_SECONDS} s")


@pytest.mark.skipif(not real_geodata_ready(), reason="the app serves the real survey")
def test_wrk001_two_gunicorn_processes_on_one_postgresql_serve_the_same_register(postgres, tmp_path: Path) -> None:
    database_url = postgres.new_database()
    store = RegisterStore(open_database(database_url), load_builtin_cached())
    store.ensure_survey()
    store.apply_import(store.plan_import(sheet(*ROWS), "glamdal.csv", name="Glåmdal", slug="glamdal"), "test")
    ports = [free_port(), free_port()]
    servers = [start(port, database_url, tmp_path / f"gunicorn-{port}.log") for port in ports]
    try:
        for port in ports:
            wait_until_up(port)
        clients = [HttpClient(f"http://127.0.0.1:{port}") for port in ports]
        assert [dataset_label(client, "/r/glamdal/") for client in clients] == ["Viser: Glåmdal (2 ordninger, 6 kommuner)"] * 2
        store.apply_import(store.plan_import(sheet(ROWS[1]), "glamdal-2.csv", slug="glamdal"), "kommandolinje")
        assert [dataset_label(client, "/r/glamdal/") for client in clients] == ["Viser: Glåmdal (1 ordning, 2 kommuner)"] * 2
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
