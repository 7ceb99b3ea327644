"""Benchmark of the incident record: listing a filtered page, reading one incident, creating one with
5,000 recipients, on a database seeded with 100,000 incidents and 1,000,000 recipients.

    .venv/bin/python bench/bench_records.py [--db sqlite|postgresql|both] [--incidents N] [--recipients M]

Baseline, measured in the same run on the same database: a primary-key look-up of one row in raw SQL
(the cheapest round trip the database offers). Figures are reported as p50/p95 in ms and as a ratio to
that baseline, since machines here are noisy.
Seeding writes rows directly (core INSERTs), not through the services: it builds the data set, it is not
what is measured.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] * 1000


def timed(fn, n):
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def prepare(kind: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if kind == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="bench-records-")) / "bench.db"
        return f"sqlite:///{path}"
    url = make_url(PG_ADMIN_URL)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text('DROP DATABASE IF EXISTS "bench_records" WITH (FORCE)'))
        c.execute(text('CREATE DATABASE "bench_records"'))
    admin.dispose()
    return url.set(database="bench_records").render_as_string(hide_password=False)


def seed(url: str, n_incidents: int, n_recipients: int) -> None:
    from sqlalchemy import insert

    from incidents.cases.models import Incident, Recipient
    from incidents.db import get_engine
    from incidents.people.models import Department, User

    rng = random.Random(7)
    engine = get_engine(url)
    types = ["wrong_recipient", "bcc_exposure", "wrong_attachment", "lookalike_domain", "distribution_list",
             "inappropriate_content", "other"]
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        conn.execute(insert(Department), [{"id": i, "name": f"部署{i:02d}"} for i in range(1, 51)])
        conn.execute(insert(User), [{"id": i, "email": f"user{i}@example.co.jp", "display_name": f"社員{i}",
                                     "department_id": (i % 50) + 1, "roles": "employee", "locale": "ja",
                                     "active": True, "created_at": now} for i in range(1, 501)])
    per = n_recipients // n_incidents
    batch = 5000
    for start in range(0, n_incidents, batch):
        rows, rrows = [], []
        for i in range(start + 1, min(n_incidents, start + batch) + 1):
            sent = now - timedelta(minutes=rng.randint(60, 3 * 365 * 24 * 60))
            reporter = rng.randint(1, 500)
            rows.append({"id": i, "title": f"誤送信 {i} 見積書の送付先誤り", "mistake_type": rng.choice(types),
                         "discovery_method": "self_noticed", "sent_at": sent, "sent_at_offset_min": 540,
                         "discovered_at": sent + timedelta(minutes=30), "discovered_at_offset_min": 540,
                         "reported_at": sent + timedelta(minutes=45), "subject": f"【ご案内】第{i}号",
                         "sender": f"user{reporter}@example.co.jp", "summary": "概要", "data_items": ["name"],
                         "affected_persons": rng.randint(1, 2000), "protection": "none", "key_exposed": False,
                         "improper_purpose": False, "jurisdictions": ["jp"],
                         "status": "open" if rng.random() < 0.3 else "closed", "reporter_id": reporter,
                         "department_id": (reporter % 50) + 1, "recipients_count": per, "updated_at": now})
            for k in range(per):
                rrows.append({"incident_id": i, "position": k, "address": f"r{i}-{k}@client{i % 997}.example",
                              "name": f"受信者{k}", "organization": "取引先", "field": "to",
                              "kind": "unintended" if k == 0 else "intended", "created_at": now})
        with engine.begin() as conn:
            conn.execute(insert(Incident), rows)
            conn.execute(insert(Recipient), rrows)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            from sqlalchemy import text

            conn.execute(text("SELECT setval('incidents_id_seq', (SELECT max(id) FROM incidents))"))
            conn.execute(text("SELECT setval('users_id_seq', 1000)"))
            conn.execute(text("SELECT setval('departments_id_seq', 100)"))
            conn.execute(text("ANALYZE"))
        else:
            conn.exec_driver_sql("ANALYZE")


def measure(url: str, n_incidents: int, rounds: int) -> dict:
    from sqlalchemy import text
    from sqlmodel import Session

    from incidents.cases import record
    from incidents.cases import service as cases
    from incidents.cases.queries import IncidentFilter
    from incidents.cases.schemas import IncidentCreate
    from incidents.db import get_engine
    from incidents.people.models import User

    engine = get_engine(url)
    rng = random.Random(11)
    with Session(engine) as s:
        manager = s.get(User, 7)
        manager.roles = "manager"
        officer = s.get(User, 8)
        officer.roles = "officer"
        s.commit()

    def baseline():
        with engine.connect() as c:
            c.execute(text("SELECT id, title FROM incidents WHERE id = :i"), {"i": rng.randint(1, n_incidents)}).one()

    def list_page():
        f = IncidentFilter(status="open", mistake_type=rng.choice(["wrong_recipient", "bcc_exposure"]))
        with Session(engine) as s:
            actor = s.get(User, 7)  # a manager: the scoped query, the common case
            page = cases.list_incidents(s, actor=actor, filters=f, page=rng.randint(1, 3), per_page=50)
            [i.model_dump(mode="json") for i in page.items]

    def list_page_officer():
        f = IncidentFilter(status="open", department=f"部署{rng.randint(1, 50):02d}")
        with Session(engine) as s:
            actor = s.get(User, 8)
            page = cases.list_incidents(s, actor=actor, filters=f, page=1, per_page=50)
            [i.model_dump(mode="json") for i in page.items]

    def read_one():  # the API's GET /incidents/{id}: one record, every recipient, as JSON
        with Session(engine) as s:
            actor = s.get(User, 8)
            rec = record.load(s, actor=actor, incident_id=rng.randint(1, n_incidents), recipients=record.ALL)
            cases.public(rec).model_dump(mode="json")

    jst = timezone(timedelta(hours=9))
    sent = datetime.now(jst) - timedelta(hours=2)
    body = {"title": "会員一斉メールのBcc漏れ", "mistake_type": "bcc_exposure", "discovery_method": "recipient_reported",
            "sent_at": sent.isoformat(), "discovered_at": (sent + timedelta(minutes=20)).isoformat(),
            "message": {"subject": "会員各位", "sender": "user8@example.co.jp", "summary": "",
                        "attachments": []},
            "data_items": ["email_address"], "affected_persons": 5000}

    mass: list[int] = []

    def create_5000():
        recipients = [{"address": f"member{k}@club{rng.randint(0, 10**9)}.example", "field": "to",
                       "kind": "unintended"} for k in range(5000)]
        data = IncidentCreate.model_validate({**body, "recipients": recipients})  # validation is part of it
        with Session(engine) as s:
            actor = s.get(User, 8)
            mass.append(cases.report(s, actor=actor, data=data).id)
            s.commit()

    def read_mass_record():  # what letters, pages and the response read: labels, times, counts; no recipients
        with Session(engine) as s:
            rec = record.load(s, actor=s.get(User, 8), incident_id=rng.choice(mass))
            assert rec.counts.total == 5000

    def read_mass_json():  # the whole contract of a 5,000-recipient incident
        with Session(engine) as s:
            rec = record.load(s, actor=s.get(User, 8), incident_id=rng.choice(mass), recipients=record.ALL)
            cases.public(rec).model_dump(mode="json")

    for fn in (baseline, list_page, read_one):  # warm caches
        timed(fn, 5)
    out = {
        "baseline": timed(baseline, rounds),
        "list_filtered_page_manager": timed(list_page, rounds),
        "list_filtered_page_officer": timed(list_page_officer, rounds),
        "read_one_incident": timed(read_one, rounds),
        "create_with_5000_recipients": timed(create_5000, 5),
    }
    out["read_5000_recipient_record"] = timed(read_mass_record, rounds)
    out["read_5000_recipient_json"] = timed(read_mass_json, max(5, rounds // 10))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--recipients", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=200)
    args = ap.parse_args()
    os.environ.setdefault("INCIDENTS_DATA_DIR", tempfile.mkdtemp(prefix="bench-var-"))
    from incidents import migrations, plugins

    plugins.load()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(f"incidents={args.incidents:,} recipients={args.recipients:,} rounds={args.rounds}")
    for kind in kinds:
        url = prepare(kind)
        migrations.upgrade(url)
        t = time.perf_counter()
        seed(url, args.incidents, args.recipients)
        print(f"\n[{kind}] seeded in {time.perf_counter() - t:.1f} s")
        results = measure(url, args.incidents, args.rounds)
        base95 = p(results["baseline"], 95)
        print(f"{'operation':32} {'p50 ms':>8} {'p95 ms':>8} {'p95/baseline':>13}")
        for name, values in results.items():
            print(f"{name:32} {p(values, 50):8.2f} {p(values, 95):8.2f} {p(values, 95) / base95:13.1f}")


if __name__ == "__main__":
    main()
