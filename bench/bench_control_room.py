"""The control room's aggregates over N incidents seeded through the real service (SQLite, temporary file).

    N=3000 .venv/bin/python bench/bench_control_room.py

Each incident gets its playbook (about 16 steps, most overdue for old incidents): the numbers below are one
officer's view of all of them (counts, a page of open incidents, a page of overdue steps, the three charts).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import os, time, tempfile
d = tempfile.mkdtemp()
os.environ["INCIDENTS_DATABASE_URL"] = f"sqlite:///{d}/b.db"
os.environ["INCIDENTS_DATA_DIR"] = d
os.environ["INCIDENTS_SECRET_KEY"] = "x"
os.environ["INCIDENTS_ARGON2_TIME_COST"] = "1"; os.environ["INCIDENTS_ARGON2_MEMORY_KIB"] = "1024"
from datetime import datetime, timedelta, timezone
from incidents import migrations, plugins
from incidents.config import get_settings
get_settings.cache_clear(); plugins.load()
migrations.upgrade(os.environ["INCIDENTS_DATABASE_URL"])
from incidents.db import session_scope
from incidents.people import service as people
from incidents.cases import service as cases
from incidents.cases.schemas import IncidentCreate
from incidents.control_room import queries as room
with session_scope() as s:
    officer = people.add_user(s, actor=None, email="o@x.jp", display_name="O", roles="officer", department_name="Sales", manager_email=None, password="correct horse battery", locale="ja")
N = int(os.environ.get("N", "3000"))
now = datetime.now(timezone.utc)
t0 = time.time()
with session_scope() as s:
    off = s.merge(officer)
    for i in range(N):
        found = now - timedelta(days=(i % 700) / 4, hours=1)
        cases.report(s, actor=off, data=IncidentCreate.model_validate({
            "title": f"t{i}", "mistake_type": ["wrong_recipient", "bcc_exposure", "wrong_attachment"][i % 3],
            "discovery_method": "self_noticed", "sent_at": (found - timedelta(hours=1)).isoformat(),
            "discovered_at": found.isoformat(), "recipients": [{"address": f"a{i}@b{i%50}.example"}],
            "data_items": ["name"], "affected_persons": 1}))
print("seeded", N, round(time.time() - t0, 1), "s")
with session_scope(write=False) as s:
    off = s.merge(officer)
    f = room.RoomFilter(months=24)
    for name, fn in [("counts", lambda: room.counts(s, off, f)), ("open", lambda: room.open_incidents(s, off, f, page=5)),
                     ("overdue", lambda: room.steps(s, off, f, which="overdue", page=3)),
                     ("types", lambda: room.by_type_per_month(s, off, f)), ("delay", lambda: room.report_delay_per_month(s, off, f)),
                     ("bykind", lambda: room.overdue_by_kind(s, off, f))]:
        t = time.time(); fn(); print(name, round((time.time() - t) * 1000), "ms")
