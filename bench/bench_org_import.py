"""The org chart from HR: importing 5,000 people in 300 departments (target: under 10 s), the same file again
(nothing to change), and a file 100 people shorter with --prune.

    .venv/bin/python bench/bench_org_import.py [--db sqlite|postgresql|both] [--people 5000] [--departments 300]

Baseline, measured in the same run on the same database: one core INSERT of the same 5,000 user rows (the
cheapest way the database can take them). Each figure is reported in seconds and as a ratio to that baseline.
Each step runs in its own fresh database (what is measured is the service: reading the file, checking it,
writing it), through the same path as `incidents org import`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def org_csv(people: int = 5000, departments: int = 300) -> str:
    """A deterministic org: a tree of departments (10 top ones under 本社), one head per department reporting to
    the head of the parent department, everyone else reporting to their department's head."""
    lines = ["email,name,department,parent_department,role,manager_email,locale,active"]
    dept = [f"部署{i:03d}" for i in range(departments)]
    parent = ["" if i == 0 else dept[(i - 1) // 10] for i in range(departments)]
    head = {}
    n = 0
    for i in range(min(departments, people)):  # heads first
        email = f"head{i:03d}@example.co.jp"
        head[i] = email
        manager = "" if i == 0 else head[(i - 1) // 10]
        lines.append(f"{email},部長 {i:03d},{dept[i]},{parent[i]},manager,{manager},ja,true")
        n += 1
    while n < people:
        i = n % departments
        lines.append(f"user{n:05d}@example.co.jp,社員 {n:05d},{dept[i]},{parent[i]},employee,{head[i]},"
                     f"{'en' if n % 7 == 0 else 'ja'},true")
        n += 1
    return "\n".join(lines) + "\n"


def fresh(kind: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from incidents import migrations

    if kind == "sqlite":
        url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-org-')) / 'bench.db'}"
    else:
        admin = create_engine(make_url(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text('DROP DATABASE IF EXISTS "bench_org" WITH (FORCE)'))
            c.execute(text('CREATE DATABASE "bench_org"'))
        admin.dispose()
        url = make_url(PG_ADMIN_URL).set(database="bench_org").render_as_string(hide_password=False)
    migrations.upgrade(url)
    return url


def baseline(url: str, people: int) -> float:
    from sqlalchemy import insert

    from incidents.db import get_engine
    from incidents.people.models import Department, User

    engine = get_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(Department), [{"id": 1, "name": "部署"}])
    t = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(User), [{"email": f"u{i}@example.co.jp", "display_name": f"社員{i}", "department_id": 1,
                                     "roles": "employee", "locale": "ja", "active": True} for i in range(people)])
    return time.perf_counter() - t


def run_import(url: str, text: str, prune: bool = False):
    from incidents.db import session_scope
    from incidents.people.orgfile import read_rows
    from incidents.people.orgimport import import_org

    t = time.perf_counter()
    rows = read_rows(text.encode("utf-8"), "org.csv")
    with session_scope(url) as session:
        report = import_org(session, actor=None, rows=rows, prune=prune)
    return time.perf_counter() - t, report


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    ap.add_argument("--people", type=int, default=5000)
    ap.add_argument("--departments", type=int, default=300)
    args = ap.parse_args()
    os.environ.setdefault("INCIDENTS_DATA_DIR", tempfile.mkdtemp(prefix="bench-var-"))
    from incidents import plugins

    plugins.load()
    text = org_csv(args.people, args.departments)
    shorter = "\n".join(text.splitlines()[:-100]) + "\n"
    print(f"people={args.people:,} departments={args.departments}")
    for kind in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        base = baseline(fresh(kind), args.people)
        url = fresh(kind)
        first, report = run_import(url, text)
        assert len(report.added) == args.people, "first import"
        again, report = run_import(url, text)
        assert not report.has_changes, "second import"
        pruned, report = run_import(url, shorter, prune=True)
        assert len(report.deactivated) == 100, "prune"
        print(f"\n[{kind}] baseline (one core INSERT of {args.people:,} users): {base:.3f} s")
        for name, secs in (("first import", first), ("same file again", again), ("100 fewer, --prune", pruned)):
            print(f"{name:22} {secs:7.2f} s   {secs / base:7.1f}x baseline   {'OK' if secs < 10 else 'SLOW'} (< 10 s)")


if __name__ == "__main__":
    main()
