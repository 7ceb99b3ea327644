"""Pages: the analysis on the incident page, the draft review with highlights, publishing by form,
the library with search, filters and charts; employees read published cases only."""

from __future__ import annotations


from tests.pages import HTML, login
from tests.pages import csrf_of as _csrf


def test_analysis_draft_publish_and_library_pages(client, make_user, make_incident):
    manager = make_user("manager", department="Sales")
    reporter = make_user("employee", department="Sales", manager=manager)
    reader = make_user("employee", department="Support")
    inc = make_incident(reporter, message={"subject": "見積書", "summary": "株式会社東邦商事の佐藤花子様に送るべき見積書を誤送信した。",
                                           "attachments": []})

    login(client, reporter)
    page = client.get(f"/incidents/{inc.id}", headers=HTML)
    assert page.status_code == 200 and 'id="analysis"' in page.text and 'id="nearmiss"' in page.text
    form = client.get(f"/incidents/{inc.id}/analysis", headers=HTML)
    token = _csrf(form.text)
    r = client.post(f"/incidents/{inc.id}/analysis", headers=HTML, follow_redirects=False, data={
        "csrf_token": token, "why": ["宛先を誤選択した", "不注意"], "factor": ["autocomplete", "haste"],
        "cause_text": ["確認の仕組みがない", ""], "cause_four_m": ["management", ""]})
    assert r.status_code == 303
    page = client.get(f"/incidents/{inc.id}", headers=HTML)
    assert "原因ではなく結果です" in page.text  # the blame warning
    r = client.post(f"/incidents/{inc.id}/countermeasures", headers=HTML, follow_redirects=False, data={
        "csrf_token": token, "title": "送信保留を設定", "four_e": "engineering", "owner": manager.email,
        "due_on": "2031-01-31"})
    assert r.status_code == 303
    draft = client.get(f"/incidents/{inc.id}/nearmiss", headers=HTML)
    assert draft.status_code == 200
    assert '<mark class="nm organization" title="organization: 株式会社東邦商事">' in draft.text or \
           'title="組織: 株式会社東邦商事"' in draft.text or "株式会社東邦商事" in draft.text
    assert "Approve and publish" not in draft.text and "承認して公開" not in draft.text  # the reporter cannot publish

    client.post("/logout", data={"csrf_token": _csrf(draft.text)}, headers=HTML)
    login(client, manager)
    draft = client.get(f"/incidents/{inc.id}/nearmiss", headers=HTML)
    r = client.post(f"/incidents/{inc.id}/nearmiss/publish", headers=HTML, follow_redirects=False,
                    data={"csrf_token": _csrf(draft.text), "locale": "ja"})
    assert r.status_code == 303
    case_url = r.headers["location"]

    client.post("/logout", data={"csrf_token": _csrf(draft.text)}, headers=HTML)
    login(client, reader)
    case = client.get(case_url, headers=HTML)
    assert case.status_code == 200 and "東邦" not in case.text and "佐藤" not in case.text
    lib = client.get("/nearmiss", params={"q": "見積書"}, headers=HTML)
    assert lib.status_code == 200 and case_url in lib.text and "nm-track" in lib.text
    assert client.get(f"/incidents/{inc.id}/nearmiss", headers=HTML).status_code == 404
    assert case_url not in client.get("/nearmiss", params={"mistake_type": "bcc_exposure"}, headers=HTML).text
