"""A real server process on the test database, for tests that must talk HTTP to a live service
(schemathesis, keep-alive). The database is the suite's (SQLite file or PostgreSQL); the server gets its
own data directory and a free port on the loopback interface, and is stopped by pid at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(db_url: str, data_dir: Path, log_path: Path, extra_env: dict[str, str] | None = None,
                app: str = "incidents.app:create_app", access_log: bool = False):
    port = free_port()
    env = {**os.environ, "INCIDENTS_DATABASE_URL": db_url, "INCIDENTS_DATA_DIR": str(data_dir),
           "INCIDENTS_BASE_URL": f"http://127.0.0.1:{port}", **(extra_env or {})}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", app, "--factory", "--host", "127.0.0.1", "--port", str(port),
             "--log-level", "info" if access_log else "warning", "--access-log" if access_log else "--no-access-log"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):  # the server imports the app (~2-5 s on a busy machine)
                if proc.poll() is not None:
                    raise RuntimeError(f"the server exited: {log_path.read_text(errors='replace')[-2000:]}")
                try:
                    if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                raise RuntimeError("the server did not answer /api/v1/health")
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
