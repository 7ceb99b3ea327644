"""Benchmark of the register export: 10,000 incidents (and their obligations) as XLSX and CSV.

    .venv/bin/python bench/bench_register.py [--db sqlite|postgresql|both] [--incidents N] [--rounds R]

Baselines, measured in the same run on the same machine:
- `read_floor`: reading the same incident and obligation rows in raw SQL (the cheapest the database allows);
- `write_floor`: openpyxl writing a grid of the same shape (rows × columns of plain values) in write-only mode.
The export is reported in seconds and as a ratio to (read_floor + write_floor): the machines here are noisy.
Seeding writes rows directly (core INSERTs) with obligations evaluated by the real rules; it is not measured.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
DB_NAME = "bench_register"


def prepare(kind: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if kind == "sqlite":
        return f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-register-')) / 'bench.db'}"
    url = make_url(PG_ADMIN_URL)
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{DB_NAME}"'))
    admin.dispose()
    return url.set(database=DB_NAME).render_as_string(hide_password=False)


def seed(url: str, n: int) -> int:
    from sqlalchemy import insert, text

    from incidents.cases.models import Incident
    from incidents.db import get_engine
    from incidents.people.models import Department, User
    from incidents.regimes.catalogue import Regime
    from incidents.regimes.evaluate import RegimeContext, evaluate
    from incidents.regimes.models import IncidentRegimes, Obligation
    from incidents.regimes.service import _values
    from incidents.response.facts import IncidentFacts

    rng = random.Random(7)
    engine = get_engine(url)
    now = datetime.now(timezone.utc)
    types = ["wrong_recipient", "bcc_exposure", "wrong_attachment", "lookalike_domain", "distribution_list"]
    items = [["name", "email_address"], ["name", "postal_address", "phone"], ["name", "medical"],
             ["name", "credit_card"], ["email_address"]]
    ctx = RegimeContext(regimes=frozenset({Regime.appi, Regime.pmark, Regime.gdpr}))
    with engine.begin() as conn:
        conn.execute(insert(Department), [{"id": i, "name": f"部署{i:02d}"} for i in range(1, 21)])
        conn.execute(insert(User), [{"id": i, "email": f"user{i}@example.co.jp", "display_name": f"社員{i}",
                                     "department_id": (i % 20) + 1, "roles": "officer" if i == 1 else "employee",
                                     "locale": "ja", "active": True, "created_at": now} for i in range(1, 201)])
    n_obligations = 0
    for start in range(0, n, 2000):
        rows, obs, metas = [], [], []
        for i in range(start + 1, min(n, start + 2000) + 1):
            sent = now - timedelta(minutes=rng.randint(60, 2 * 365 * 24 * 60))
            row = {"id": i, "title": f"誤送信 {i} 見積書の送付先誤り", "mistake_type": rng.choice(types),
                   "discovery_method": "self_noticed", "sent_at": sent, "sent_at_offset_min": 540,
                   "discovered_at": sent + timedelta(minutes=30), "discovered_at_offset_min": 540,
                   "reported_at": sent + timedelta(minutes=45), "subject": f"【ご案内】第{i}号",
                   "sender": "user2@example.co.jp", "summary": "", "data_items": rng.choice(items),
                   "affected_persons": rng.choice([1, 3, 12, 150, 1001, 4500]), "protection": "none",
                   "key_exposed": False, "improper_purpose": False,
                   "jurisdictions": ["jp", "eu"] if i % 50 == 0 else ["jp"],
                   "status": "open" if rng.random() < 0.3 else "closed", "reporter_id": rng.randint(2, 200),
                   "department_id": rng.randint(1, 20), "recipients_count": 2, "updated_at": now}
            rows.append(row)
            facts = IncidentFacts(discovered_at=row["discovered_at"], data_items=tuple(row["data_items"]),
                                  affected_persons=row["affected_persons"], jurisdictions=tuple(row["jurisdictions"]))
            for spec in evaluate(facts, ctx):
                submitted = rng.random() < 0.6
                obs.append({"incident_id": i, "key": spec.key, "status": "submitted" if submitted else "pending",
                            "submitted_at": spec.due_at - timedelta(hours=5) if submitted else None,
                            "reference": f"R-{i}" if submitted else "", "created_at": now, "updated_at": now,
                            **_values(spec)})
            metas.append({"incident_id": i, "add_regimes": [], "remove_regimes": [], "entrustment": "none",
                          "counterpart": "", "joint_report": False, "serious_violation": False,
                          "telecom_secrecy": False, "synced_at": now, "updated_at": now})
        n_obligations += len(obs)
        with engine.begin() as conn:
            conn.execute(insert(Incident), rows)
            conn.execute(insert(Obligation), obs)
            conn.execute(insert(IncidentRegimes), metas)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT setval('incidents_id_seq', (SELECT max(id) FROM incidents))"))
            conn.execute(text("ANALYZE"))
        else:
            conn.exec_driver_sql("ANALYZE")
    return n_obligations


def measure(url: str, rounds: int) -> dict[str, list[float]]:
    from openpyxl import Workbook
    from sqlalchemy import text
    from sqlmodel import Session

    from incidents.db import get_engine
    from incidents.people.models import User
    from incidents.regimes import register

    engine = get_engine(url)

    def read_floor():
        with engine.connect() as c:
            inc = c.execute(text("SELECT i.*, d.name FROM incidents i LEFT JOIN departments d ON d.id = i.department_id"
                                 " ORDER BY i.discovered_at, i.id")).all()
            obs = c.execute(text("SELECT * FROM obligations ORDER BY incident_id, due_at")).all()
        return len(inc), len(obs)

    n_inc, n_obs = read_floor()

    def write_floor():
        wb = Workbook(write_only=True)
        for n_rows, n_cols in ((n_inc, len(register.COLUMNS)), (n_obs, len(register.OBLIGATION_COLUMNS))):
            ws = wb.create_sheet()
            for r in range(n_rows):
                ws.append([f"値{r}-{c}" if c % 3 else r for c in range(n_cols)])
        wb.save(io.BytesIO())

    def export(fmt):
        def run():
            buf = io.BytesIO()
            with Session(engine) as s:
                actor = s.get(User, 1)
                reg = register.export(s, actor=actor, filters=register.RegisterFilter(), fmt=fmt, target=buf,
                                      locale="ja")
            assert len(reg.incidents) == n_inc
            return buf
        return run

    def timed(fn):
        out = []
        for _ in range(rounds):
            t = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t)
        return out

    return {"read_floor": timed(read_floor), "write_floor": timed(write_floor),
            "export_xlsx": timed(export("xlsx")), "export_csv": timed(export("csv"))}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--incidents", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    os.environ.setdefault("INCIDENTS_DATA_DIR", tempfile.mkdtemp(prefix="bench-var-"))
    from incidents import migrations, plugins

    plugins.load()
    for kind in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        url = prepare(kind)
        migrations.upgrade(url)
        n_obs = seed(url, args.incidents)
        r = measure(url, args.rounds)
        floor = statistics.median(r["read_floor"]) + statistics.median(r["write_floor"])
        print(f"[{kind}] incidents={args.incidents:,} obligations={n_obs:,} rounds={args.rounds}")
        for name, values in r.items():
            med = statistics.median(values)
            ratio = f"  ×{med / floor:.2f} of the floor" if name.startswith("export") else ""
            print(f"  {name:12s} median {med:6.2f} s  (min {min(values):.2f}, max {max(values):.2f}){ratio}")


if __name__ == "__main__":
    main()
