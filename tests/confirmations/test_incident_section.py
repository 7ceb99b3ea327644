"""The incident page's section: progress at a glance, a preview of one mail with the count, sending, bounces."""

from __future__ import annotations

from sqlalchemy import select

from incidents.confirmations.models import DeletionRequest
from incidents.db import session_scope
from tests.pages import HTML, csrf_of, login


def test_section_previews_counts_sends_and_shows_progress(client, world, inbox):
    manager, employee, make = world
    undecided = make(2, decided=False)
    login(client, manager)
    page = client.get(f"/incidents/{undecided.id}", headers=HTML)
    assert "削除確認（オンライン）" in page.text and "対応方針が記録されると" in page.text
    inc = make(4)
    page = client.get(f"/incidents/{inc.id}", headers=HTML)
    assert page.status_code == 200
    assert "4件の依頼を送信" in page.text and "メールの文面の例" in page.text and "整理番号" in page.text
    assert "未回答の4名が未開封のまま削除したと確認すれば、漏えいには当たりません。" in page.text
    r = client.post(f"/incidents/{inc.id}/confirmations/send", data={"csrf_token": csrf_of(page.text), "lang": ""},
                    headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    with session_scope() as s:
        assert len(s.execute(select(DeletionRequest)).all()) == 4
    page = client.get(f"/incidents/{inc.id}", headers=HTML)
    assert "送信待ち4件" in page.text and "件の依頼を送信" not in page.text


def test_an_employee_sees_progress_but_cannot_send(client, world, inbox):
    manager, employee, make = world
    inc = make(2)
    login(client, employee)
    page = client.get(f"/incidents/{inc.id}", headers=HTML)
    assert "削除確認（オンライン）" in page.text and "件の依頼を送信" not in page.text
    r = client.post(f"/incidents/{inc.id}/confirmations/send", data={"csrf_token": csrf_of(page.text)},
                    headers=HTML, follow_redirects=False)
    assert r.status_code == 403
