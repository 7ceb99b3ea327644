"""Benchmark of the online deletion confirmations: queue and deliver 4,500 personalised request mails to a
local SMTP server (aiosmtpd, in this process), and serve the confirmation page to 50 concurrent readers.

    .venv/bin/python bench/bench_confirm.py [--recipients 4500] [--readers 50] [--requests 2000] [--letters 20]

Baselines, measured in the same run on the same machine:
- mails: a plain `smtplib` loop sending the same number of comparable mails over one connection (no database,
  no personalisation, no outbox): what the mail server and the network cost;
- page: a bare FastAPI app answering one small HTML page under the same uvicorn, the same load.
Figures: mails/s (queue + delivery through the outbox, as `incidents deletion send --all` and
`incidents scheduler --once` do it) and page p50/p95 and requests/s, each with its ratio to its baseline.
Letters (PDF) are linked from the mail and rendered on first open (then kept): measured on a sample.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import smtplib
import socket
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="bench-confirm-"))
os.environ.setdefault("INCIDENTS_DATA_DIR", str(_TMP))
os.environ.setdefault("INCIDENTS_DATABASE_URL", f"sqlite:///{_TMP / 'bench.db'}")
os.environ.setdefault("INCIDENTS_SECRET_KEY", "bench-secret-key")
os.environ["INCIDENTS_CONFIRM_RATE_PER_ADDRESS"] = "1000000 per minute"  # every reader comes from 127.0.0.1 here
os.environ["INCIDENTS_CONFIRM_RATE_PER_TOKEN"] = "1000000 per minute"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] * 1000


class Counting:
    def __init__(self):
        self.n = 0

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        return "250 OK"


def smtp_server():
    from aiosmtpd.controller import Controller

    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return handler, controller


def baseline_smtplib(port: int, n: int, body: str) -> float:
    t = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as client:
        for i in range(n):
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = "incidents@localhost", f"reader{i}@example.jp", f"削除のお願い {i}"
            msg.set_content(body, charset="utf-8")
            client.send_message(msg)
    return n / (time.perf_counter() - t)


def seed(n: int):
    from incidents.cases import service as cases
    from incidents.cases.schemas import IncidentCreate
    from incidents.db import session_scope
    from incidents.people import service as people
    from incidents.response import actions
    from datetime import datetime, timedelta, timezone

    with session_scope() as s:
        manager = people.add_user(s, actor=None, email="bucho@example.co.jp", display_name="部長", roles="manager",
                                  department_name="教務部", password=None, locale="ja")
    now = datetime.now(timezone(timedelta(hours=9))).replace(microsecond=0)
    recipients = [{"address": f"s{i:05d}@students.example.ac.jp", "name": f"学生 {i:05d}", "field": "bcc",
                   "kind": "unintended"} for i in range(n)]
    data = IncidentCreate.model_validate({
        "title": "学生4,500名のアドレスをBCCでなくTOで送信", "mistake_type": "bcc_exposure",
        "discovery_method": "self_noticed", "sent_at": (now - timedelta(hours=3)).isoformat(),
        "discovered_at": (now - timedelta(hours=2)).isoformat(),
        "message": {"subject": "【教務部】履修登録のお知らせ", "sender": "kyomu@example.ac.jp", "summary": "", "attachments": []},
        "recipients": recipients, "data_items": ["name", "email_address"], "affected_persons": n,
        "protection": "none", "key_exposed": False, "improper_purpose": False, "jurisdictions": ["jp"]})
    with session_scope() as s:
        inc = cases.report(s, actor=manager, data=data)
    with session_scope() as s:
        actions.decide(s, actor=manager, incident_id=inc.id, note="全員にメールで削除を依頼する")
    return manager, inc


def serve(app, port: int):
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    return server, thread


async def load(base: str, paths: list[str], readers: int, total: int) -> tuple[list[float], float]:
    import httpx

    latencies: list[float] = []
    queue = list(range(total))

    async def reader(client):
        while queue:
            i = queue.pop()
            t = time.perf_counter()
            r = await client.get(paths[i % len(paths)])
            latencies.append(time.perf_counter() - t)
            assert r.status_code == 200, r.status_code

    t0 = time.perf_counter()
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await asyncio.gather(*(reader(client) for _ in range(readers)))
    return latencies, total / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipients", type=int, default=4500)
    ap.add_argument("--readers", type=int, default=50)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--letters", type=int, default=20)
    args = ap.parse_args()

    handler, controller = smtp_server()
    os.environ["INCIDENTS_SMTP_HOST"] = "127.0.0.1"
    os.environ["INCIDENTS_SMTP_PORT"] = str(controller.port)
    from incidents import migrations, plugins
    from incidents.config import get_settings

    get_settings.cache_clear()
    migrations.upgrade()
    plugins.load()
    from sqlalchemy import select

    from incidents.confirmations import service, tokens
    from incidents.confirmations.models import ConfirmationToken, DeletionRequest
    from incidents.db import session_scope
    from incidents.notify.scheduled import deliver

    manager, inc = seed(args.recipients)
    n = args.recipients
    with session_scope() as s:
        plan = service.preview(s, actor=manager, incident_id=inc.id, everyone=True)
    base_rate = baseline_smtplib(controller.port, n, plan.sample_body)
    handler.n = 0

    t0 = time.perf_counter()
    with session_scope() as s:
        service.send(s, actor=manager, incident_id=inc.id, everyone=True)
    queued_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    sent = 0
    while sent < n:
        got = deliver()["sent"]
        if not got:
            break
        sent += got
    deliver_s = time.perf_counter() - t1
    assert handler.n >= n, (handler.n, n)
    ours_rate = n / (queued_s + deliver_s)

    with session_scope() as s:
        rows = s.execute(select(DeletionRequest.id, ConfirmationToken.nonce)
                         .join(ConfirmationToken, ConfirmationToken.request_id == DeletionRequest.id)).all()
    paths = [f"/c/{tokens.token_for(rid, nonce)}" for rid, nonce in rows]

    from fastapi import FastAPI
    from fastapi.responses import HTMLResponse

    from incidents.app import create_app

    bare = FastAPI()

    @bare.get("/c/{token}", response_class=HTMLResponse)
    def page(token: str):
        return "<!doctype html><html lang='ja'><title>x</title><h1>削除のご確認</h1><p>" + token + "</p></html>"

    port_bare, port_app = free_port(), free_port()
    bare_server, _ = serve(bare, port_bare)
    app_server, _ = serve(create_app(), port_app)
    asyncio.run(load(f"http://127.0.0.1:{port_bare}", paths, args.readers, 200))  # warm-up
    asyncio.run(load(f"http://127.0.0.1:{port_app}", paths, args.readers, 200))
    bare_lat, bare_rps = asyncio.run(load(f"http://127.0.0.1:{port_bare}", paths, args.readers, args.requests))
    app_lat, app_rps = asyncio.run(load(f"http://127.0.0.1:{port_app}", paths, args.readers, args.requests))

    import httpx

    letter_times = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port_app}", timeout=120) as client:
        for path in paths[: args.letters]:
            t = time.perf_counter()
            r = client.get(path + "/letter.pdf")
            letter_times.append(time.perf_counter() - t)
            assert r.status_code == 200 and r.content.startswith(b"%PDF")
        t = time.perf_counter()
        client.get(paths[0] + "/letter.pdf")
        again = time.perf_counter() - t
    bare_server.should_exit = app_server.should_exit = True
    controller.stop()

    print(f"mails: {n:,} personalised requests")
    print(f"  baseline smtplib loop      {base_rate:8.0f} mails/s")
    print(f"  queue (deletion send --all) {queued_s:7.1f} s")
    print(f"  deliver (outbox, scheduler) {deliver_s:7.1f} s")
    print(f"  ours, queue + deliver      {ours_rate:8.0f} mails/s  ({ours_rate / base_rate:.2f}× the baseline)")
    print(f"page /c/<token>: {args.readers} concurrent readers, {args.requests:,} requests")
    print(f"  baseline bare FastAPI      p50 {pct(bare_lat, 50):6.1f} ms  p95 {pct(bare_lat, 95):6.1f} ms  {bare_rps:6.0f} req/s")
    print(f"  confirmation page          p50 {pct(app_lat, 50):6.1f} ms  p95 {pct(app_lat, 95):6.1f} ms  {app_rps:6.0f} req/s"
          f"  (p95 {pct(app_lat, 95) / pct(bare_lat, 95):.1f}× the baseline)")
    print(f"letters (PDF) on first open: p50 {pct(letter_times, 50):.0f} ms, p95 {pct(letter_times, 95):.0f} ms "
          f"({len(letter_times)} readers); opened again {again * 1000:.0f} ms")


if __name__ == "__main__":
    main()
