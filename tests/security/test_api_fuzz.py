"""schemathesis against a live server, on the suite's database (SQLite, or PostgreSQL with
INCIDENTS_TEST_DATABASE_URL): every operation of the OpenAPI document, as an officer and as an employee,
bounded and seeded. Done when: no server error and no response (status, body, headers, content type)
that the document does not describe.

Local runs: `.venv/bin/pytest tests/security/test_api_fuzz.py` (SQLite) or with
INCIDENTS_TEST_DATABASE_URL for PostgreSQL; INCIDENTS_FUZZ_EXAMPLES=100 for a deeper run, and
INCIDENTS_FUZZ_SEED to try another seed. The report of a failing run names each case with a curl line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from incidents.db import session_scope
from tests.security.live_server import live_server

EXAMPLES = int(os.environ.get("INCIDENTS_FUZZ_EXAMPLES", "12"))
SEED = int(os.environ.get("INCIDENTS_FUZZ_SEED", "20261129"))

# Left out: positive_data_acceptance asks the schema to express every business rule (a known domain name, an
# existing owner, "nothing to change"), which a 4xx with a clear message answers instead; negative_data_rejection
# counts pydantic's documented coercions (0 for false, a number of seconds for a time) as faults.
CHECKS = ",".join([
    "not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
    "response_schema_conformance", "missing_required_header", "unsupported_method", "allow_header_conformance",
    "ignored_auth",
])
# Revoking a token is tested on its own (tests/people): here it would revoke the fuzzing caller's token.
EXCLUDE = ["--exclude-method-regex", "DELETE", "--exclude-path-regex", "^/api/v1/tokens/"]


def _seed(make_user, make_incident) -> dict[str, str]:
    """Users of each role and a few objects for the generated ids to hit (1, 2, 3 exist)."""
    from incidents.analysis import service as analysis
    from incidents.analysis.schemas import CountermeasureIn
    from incidents.people import service as people

    manager = make_user("manager", email="manager@fuzz.example")
    employee = make_user("employee", email="employee@fuzz.example", manager=manager)
    officer = make_user("officer", department="Compliance", email="officer@fuzz.example")
    other = make_user("employee", department="Support", email="other@fuzz.example")
    make_incident(employee)
    make_incident(employee, title="添付ファイル誤り", mistake_type="wrong_attachment")
    make_incident(other, title="Bcc exposure", mistake_type="bcc_exposure")
    with session_scope() as s:
        analysis.add_countermeasure(s, actor=officer, incident_id=1, data=CountermeasureIn(
            title="送信前チェックリスト", four_e="education", owner=employee.email,
            due_on=date.today() + timedelta(days=30)))
        tokens = {}
        for name, user in (("officer", officer), ("employee", employee)):
            tokens[name], _ = people.create_token(s, actor=None, email=user.email, name="fuzz")
    return tokens


def _schemathesis(base: str, token: str, report: Path) -> subprocess.CompletedProcess:
    cmd = [str(Path(sys.executable).with_name("schemathesis")), "run", f"{base}/api/v1/openapi.json",
           "--url", base, "-H", f"Authorization: Bearer {token}", "--checks", CHECKS,
           "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--workers", "1", "--request-timeout", "60",
           "--phases", "examples,coverage,fuzzing", *EXCLUDE, "--suppress-health-check", "all", "--no-color", "--output-sanitize", "false",
           "--report", "har", "--report-har-path", str(report.with_suffix(".har"))]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1500, cwd=report.parent)
    report.write_text(out.stdout + out.stderr)
    return out


@pytest.mark.parametrize("role", ["officer", "employee"])
def test_every_operation_answers_as_documented(role, make_user, make_incident, db_url, tmp_path):
    tokens = _seed(make_user, make_incident)
    with live_server(db_url, tmp_path / "var", tmp_path / "server.log") as base:
        result = _schemathesis(base, tokens[role], tmp_path / "schemathesis.txt")
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert result.returncode == 0, result.stdout[-12000:]
    assert "Traceback" not in log, log[-6000:]
