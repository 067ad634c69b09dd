"""deploy/nginx.conf in front of two sync gunicorn workers: slow clients don't stall the app."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from fixtures import REPO, real_geodata_ready

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SLOW_CLIENTS = 8


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(url)


@pytest.mark.skipif(not real_geodata_ready(), reason="the app serves the real survey")
def test_prx001_slow_clients_are_held_by_nginx_not_by_gunicorn_workers(sqlite_url: str) -> None:
    assert Path(NGINX).exists(), "nginx is installed by scripts/setup.sh"
    app_port, proxy_port = free_port(), free_port()
    folder = Path(tempfile.mkdtemp(prefix="samarbeid-nginx-"))
    config = (REPO / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    config = config.replace("server 127.0.0.1:8050;", f"server 127.0.0.1:{app_port};").replace("listen 8080;", f"listen 127.0.0.1:{proxy_port};")
    config = re.sub(r"^worker_processes 1;", f"worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\ndaemon off;", config, flags=re.M)
    config = config.replace("http {", f"http {{\n    access_log off;\n    client_body_temp_path {folder}/body;\n    proxy_temp_path {folder}/proxy;")
    (folder / "nginx.conf").write_text(config, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": sqlite_url}
    gunicorn = subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{app_port}", "app:server"],
                                cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    nginx = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    slow: list[socket.socket] = []
    try:
        wait_for(f"http://127.0.0.1:{proxy_port}/registre")
        for _ in range(SLOW_CLIENTS):  # requests that never finish their headers
            client = socket.create_connection(("127.0.0.1", proxy_port))
            client.sendall(b"POST /_dash-update-component HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n")
            slow.append(client)
        start = time.perf_counter()
        for _ in range(10):
            with urllib.request.urlopen(f"http://127.0.0.1:{proxy_port}/registre", timeout=10) as response:
                assert response.status == 200
                headers = response.headers
        assert time.perf_counter() - start < 5, "ten requests answered while eight clients hang"
        assert headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in headers
    finally:
        for client in slow:
            client.close()
        nginx.terminate()
        gunicorn.terminate()
        nginx.wait(timeout=30)
        gunicorn.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
