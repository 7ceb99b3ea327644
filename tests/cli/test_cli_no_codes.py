"""No known code reaches a Japanese reader of the CLI: the human output of show, list, steps, timeline,
assess, users list, nearmiss stats and documents carries labels, never a code of any label table."""

from __future__ import annotations

import re

import pytest

from incidents.db import session_scope
from incidents.documents import service as documents
from incidents.response import actions

from .codes import ANSI, code_tokens_in


@pytest.fixture
def japanese_case(make_user, make_incident):
    officer = make_user("officer", department="Privacy", locale="ja")
    manager = make_user("manager", locale="ja")
    employee = make_user("employee", manager=manager, locale="ja")
    inc = make_incident(employee, data_items=["name", "email_address", "medical"], affected_persons=12,
                        protection="password_zip", key_exposed=True, mistake_type="wrong_attachment",
                        discovery_method="recipient_reported", jurisdictions=["jp", "eu"])
    with session_scope() as s:
        actions.decide(s, actor=manager, incident_id=inc.id, note="対応を決定")
        actions.send_deletion_request(s, actor=manager, incident_id=inc.id, address="suzuki@b-corp.example")
        actions.record_apology(s, actor=manager, incident_id=inc.id, address="sato@a-corp.example", channel="phone")
        documents.generate(s, actor=manager, incident_id=inc.id, kind="first_report")
    return officer, manager, employee, inc


COMMANDS = [
    ("show", "{id}"), ("list",), ("steps", "{id}"), ("timeline", "{id}"), ("assess", "{id}"),
    ("documents", "{id}"), ("nearmiss", "stats"), ("obligations", "{id}"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c).replace(" {id}", ""))
def test_no_code_reaches_a_japanese_reader(cli, japanese_case, command):
    officer, manager, employee, inc = japanese_case
    args = [a.format(id=inc.id) for a in command]
    code, out, err = cli(*args, "--as", officer.email, env={"COLUMNS": "400"})
    assert code == 0, err
    text = ANSI.sub("", out)
    assert re.search(r"[ぁ-んァ-ヶ一-龥]", text), text  # it speaks Japanese
    leaked = code_tokens_in(text)
    assert not leaked, f"codes in `incidents {' '.join(args)}`: {sorted(leaked)}\n{text}"


def test_users_list_in_japanese_has_no_code(cli, japanese_case):
    code, out, err = cli("--lang", "ja", "users", "list", env={"COLUMNS": "400"})
    assert code == 0, err
    text = ANSI.sub("", out)
    assert "担当者" in text or "管理者" in text or "個人情報保護責任者" in text or "一般" in text or re.search(r"[ぁ-ん一-龥]", text)
    assert not code_tokens_in(text), sorted(code_tokens_in(text))
