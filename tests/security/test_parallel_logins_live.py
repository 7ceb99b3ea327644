"""40 parallel wrong sign-ins against a live server (uvicorn, its own process, on the suite's database) while
incidents are filed: every attempt is answered 401, nothing fails with `database is locked`, and every filing
goes through. The outside test saw 28 of 320 attempts fail on SQLite while argon2 ran under the write lock."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.pages import HTML, csrf_of
from tests.security.live_server import live_server


def test_forty_parallel_wrong_logins_against_a_live_server(db_url, tmp_path, make_user, auth_headers,
                                                          incident_payload):
    users = [make_user("employee", department="Sales") for _ in range(40)]
    h = auth_headers(make_user("employee", department="Sales"))
    log = tmp_path / "server.log"
    env = {"INCIDENTS_ARGON2_TIME_COST": "1", "INCIDENTS_ARGON2_MEMORY_KIB": "8192",
           "INCIDENTS_LOGIN_FAILURES_PER_ADDRESS": "10000 per 15 minutes"}
    with live_server(db_url, tmp_path / "var", log, extra_env=env) as base:

        def wrong_logins(user) -> list[tuple[int, str]]:
            out = []
            with httpx.Client(base_url=base, timeout=120) as c:
                token = csrf_of(c.get("/login", headers=HTML).text)
                for _ in range(8):
                    r = c.post("/login", data={"email": user.email, "password": "not-the-password",
                                               "csrf_token": token}, headers=HTML)
                    out.append((r.status_code, r.text if r.status_code >= 500 else ""))
            return out

        def file_incidents() -> list[int]:
            with httpx.Client(base_url=base, timeout=120) as c:
                return [c.post("/api/v1/incidents", json=incident_payload(), headers=h).status_code
                        for _ in range(10)]

        with ThreadPoolExecutor(max_workers=41) as pool:
            logins = [pool.submit(wrong_logins, u) for u in users]
            filing = pool.submit(file_incidents)
            answers = [a for job in logins for a in job.result()]
            filed = filing.result()
    statuses = [s for s, _ in answers]
    assert len(statuses) == 320
    assert set(statuses) == {401}, ({s: statuses.count(s) for s in set(statuses)}, log.read_text(errors="replace")[-3000:])
    assert filed == [201] * 10
    text = log.read_text(errors="replace")
    assert "database is locked" not in text and "Traceback" not in text
