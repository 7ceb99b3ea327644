"""The documents section of the incident page: list, generate, bulk letters, download."""

from __future__ import annotations

import re

from .conftest import flat, pdf_text

from incidents.jobs.worker import run_due
from tests.pages import HTML, login as _login
from tests.pages import csrf_of as _csrf


def test_incident_page_generates_and_lists_documents(client, make_user, make_incident, monkeypatch):
    from incidents.config import get_settings

    monkeypatch.setenv("INCIDENTS_DOCUMENTS_WORKERS", "1")
    get_settings.cache_clear()
    officer = make_user("officer")
    incident = make_incident(officer)
    _login(client, officer)
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    assert page.status_code == 200 and 'id="documents"' in page.text and "まだ文書は作成されていません。" in page.text
    token = _csrf(page.text)
    r = client.post(f"/incidents/{incident.id}/documents", headers=HTML, follow_redirects=False,
                    data={"kind": "apology_unintended", "recipient": "suzuki@b-corp.example", "lang": "ja",
                          "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"].endswith("#documents")
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    link = re.search(r'href="(/api/v1/documents/\d+/pdf)"', page.text).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and "鈴木一郎様" in flat(pdf_text(pdf.content))
    r = client.post(f"/incidents/{incident.id}/letters", headers=HTML, follow_redirects=False,
                    data={"to": "unintended", "lang": "en", "merge": "1", "csrf_token": token})
    assert r.status_code == 303
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    assert "待機中 0/1" in page.text and 'data-job="' in page.text  # queued: a worker renders it
    assert run_due()["done"] == 1
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    assert "完了 1/1" in page.text and "letters.pdf" in page.text
    forged = client.post(f"/incidents/{incident.id}/documents", headers=HTML, follow_redirects=False,
                         data={"kind": "case_file", "lang": "ja", "csrf_token": "forged"})
    assert forged.status_code == 403
    get_settings.cache_clear()


def test_wording_is_shown_for_review_and_saved_from_the_page(client, make_user, make_incident):
    manager = make_user("manager")
    incident = make_incident(manager)
    _login(client, manager)
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    assert "記録以外に書面に記載する文言" in page.text and '<details class="wording" open>' in page.text
    r = client.post(f"/incidents/{incident.id}/letter-wording", headers=HTML, follow_redirects=False,
                    data={"csrf_token": _csrf(page.text), "cause_ja": "<b>宛先の候補</b>から別の方を選択したことによるものです。",
                          "measures_en": "A second person now checks external mail."})
    assert r.status_code == 303
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    assert "&lt;b&gt;宛先の候補&lt;/b&gt;から" in page.text and "A second person now checks external mail." in page.text
    forged = client.post(f"/incidents/{incident.id}/letter-wording", headers=HTML, follow_redirects=False,
                         data={"csrf_token": "forged", "cause_ja": "x"})
    assert forged.status_code == 403
