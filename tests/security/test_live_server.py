"""What a live server does with a failure and with secrets: a 500 keeps the connection open and is logged
once, without the values it carried; the access log holds no feed token and no search term."""

from __future__ import annotations

import socket

import httpx
import pytest

from tests.security.crashing_app import SECRET_VALUES
from tests.security.live_server import live_server


def _request(sock: socket.socket, path: str) -> bytes:
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data  # the server closed the connection
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(next(l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")))
    while len(body) < length:
        body += sock.recv(65536)
    return head


@pytest.fixture
def crashing_server(db_url, tmp_path):
    log = tmp_path / "server.log"
    with live_server(db_url, tmp_path / "var", log, app="tests.security.crashing_app:create_app",
                     access_log=True) as base:
        yield base, log


def test_a_500_keeps_the_connection_and_logs_no_values(crashing_server):
    base, log = crashing_server
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        first = _request(sock, "/test/boom")
        assert first.startswith(b"HTTP/1.1 500"), first
        second = _request(sock, "/test/boom-db")
        assert second.startswith(b"HTTP/1.1 500"), second  # same socket: the server kept it open
        third = _request(sock, "/api/v1/health")
        assert third.startswith(b"HTTP/1.1 200"), third
        assert b"cache-control: no-store" in third.lower()
    text = log.read_text(errors="replace")
    assert text.count("unexpected error in GET /test/boom:") == 1
    assert text.count("unexpected error in GET /test/boom-db:") == 1
    assert "INSERT INTO no_such_table" in text  # the statement (placeholders) helps; its values never appear
    for value in SECRET_VALUES:
        assert value not in text, value
    assert "Traceback" not in text  # uvicorn did not log it a second time


def test_the_access_log_holds_no_token_and_no_search_term(crashing_server, make_user, auth_headers):
    base, log = crashing_server
    h = auth_headers(make_user("officer", department="Compliance"))
    token = "Zq3x9KpL2mN8vB4cD7fG1hJ6kS0aW5eR"
    httpx.get(f"{base}/api/v1/calendar/feed/{token}.ics")
    httpx.get(f"{base}/api/v1/incidents", params={"q": "鈴木一郎 090-1234-5678"}, headers=h)
    httpx.get(f"{base}/api/v1/nearmiss/cases", params={"q": "山田花子"}, headers=h)
    text = log.read_text(errors="replace")
    assert "/api/v1/calendar/feed/[redacted].ics" in text
    assert "/api/v1/incidents?q=[redacted]" in text
    assert token not in text
    for term in ("鈴木", "%E9%88%B4", "090-1234", "山田", "%E5%B1%B1"):
        assert term not in text, term
