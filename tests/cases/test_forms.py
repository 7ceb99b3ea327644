"""The three report forms (plain, guided, intake review) build one IncidentCreate through one function and
refuse the same bad answer the same way: 422, the form shown again with the answers kept, nothing recorded."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from incidents.cases.forms import FIELDS, FormInvalid, incident_from_form
from incidents.cases.models import Incident, Recipient
from tests.mails import sent_mail
from tests.pages import HTML, csrf_of, login

JST = timezone(timedelta(hours=9))


def _local(hours: float) -> str:
    return (datetime.now(JST) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


def _answers(**changes) -> dict:
    """A complete, valid set of answers to the questions every form asks."""
    answers = {"title": "請求書の誤送信", "mistake_type": "wrong_recipient", "discovery_method": "self_noticed",
               "sent_at": _local(2), "discovered_at": _local(0.25), "data_items": ["name"], "affected_persons": "3",
               "protection": "none"}
    answers.update(changes)
    return {k: v for k, v in answers.items() if v is not None}


def _plain(client, answers: dict):
    page = client.get("/incidents/new", headers=HTML)
    return client.post("/incidents/new", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_of(page.text), "subject": "6月分ご請求書", "unintended": "tanaka@c-corp.example",
        **answers})


def _guided(client, answers: dict):
    page = client.get("/report", headers=HTML)
    return client.post("/report", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_of(page.text), "subject": "6月分ご請求書", "unintended": "tanaka@c-corp.example",
        **answers})


def _review(client, answers: dict):
    page = client.get("/intake/mail", headers=HTML)
    review = client.post("/intake/mail", headers=HTML, data={"csrf_token": csrf_of(page.text)},
                         files={"file": ("sent.eml", sent_mail(), "message/rfc822")})
    assert review.status_code == 200, review.text
    token = html.unescape(re.search(r'name="draft_token" value="([^"]*)"', review.text).group(1))
    data = {"csrf_token": csrf_of(review.text), "draft_token": token, "apply_recipients": "on", **answers}
    data.pop("sent_at", None)  # the mail carries its send time; the review asks only when it does not
    if "discovered_at" in answers and answers["discovered_at"] == "before-sent":
        data["discovered_at"] = (datetime.now(JST) - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    return client.post("/intake/mail/create", headers=HTML, follow_redirects=False, data=data)


FORMS = {"plain": _plain, "guided": _guided, "review": _review}

BAD = {
    "affected_persons": ("many", "Please give a whole number.", "many"),
    "affected_persons_huge": ("99999999999999999999", "Please check this answer.", "99999999999999999999"),
    "mistake_type": ("nonsense", "Please check this answer.", None),
    "discovered_at": ("yesterday-ish", "Please give a date and time.", "yesterday-ish"),
    "discovered_before_sent": ("before-sent", "must not be before the time it was sent", None),
    "data_items": (["name", "<script>alert(1)</script>"], "Please check this answer.", None),
    "protection": ("rot13", "Please check this answer.", None),
}


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("case", list(BAD))
def test_the_same_bad_answer_is_refused_the_same_way_by_every_form(client, make_user, session, form, case):
    user = make_user(locale="en")
    login(client, user)
    value, message, kept = BAD[case]
    field = case.removesuffix("_huge") if case != "discovered_before_sent" else "discovered_at"
    if case == "discovered_before_sent":
        answers = _answers(sent_at=_local(1), discovered_at=_local(3)) if form != "review" else \
            _answers(discovered_at="before-sent")
    else:
        answers = _answers(**{field: value})
    r = FORMS[form](client, answers)
    assert r.status_code == 422, (form, case, r.status_code, r.text[:300])
    assert r.headers["content-type"].startswith("text/html")
    assert message in html.unescape(r.text), (form, case)
    if kept:
        assert f'value="{kept}"' in r.text, (form, case)  # what was typed comes back
    assert "<script>alert(1)</script>" not in r.text
    assert session.execute(select(func.count()).select_from(Incident)).scalar_one() == 0


@pytest.mark.parametrize("form", list(FORMS))
def test_every_form_reads_the_same_answers_into_the_same_incident(client, make_user, session, form):
    user = make_user()
    login(client, user)
    r = FORMS[form](client, _answers(affected_persons="１，２００", key_exposed="on", eu="on",
                                     data_items=["name", "bank_account"], protection="password_zip"))
    assert r.status_code == 303, r.text[:500]
    incident = session.execute(select(Incident)).scalar_one()
    assert incident.title == "請求書の誤送信" and incident.mistake_type == "wrong_recipient"
    assert incident.affected_persons == 1200 and incident.key_exposed and incident.jurisdictions == ["jp", "eu"]
    assert incident.data_items == ["name", "bank_account"] and incident.protection == "password_zip"
    assert incident.discovered_at.tzinfo is not None and incident.discovered_at_offset_min == 9 * 60


def test_the_form_decides_and_the_mail_fills_only_what_is_not_asked():
    mail = {"title": "メールの件名から", "mistake_type": "bcc_exposure", "sent_at": "2026-06-20T10:00:00+09:00",
            "message": {"subject": "会員各位", "sender": "taro@example.co.jp", "summary": "",
                        "attachments": [{"filename": "名簿.csv", "size_bytes": 10}]},
            "recipients": [{"address": "a@x.example", "name": "A", "field": "bcc", "kind": "unintended"},
                           {"address": "b@x.example", "field": "cc", "kind": "unintended"}],
            "data_items": ["email_address"], "affected_persons": 2, "protection": "none"}
    asks = ("title", "mistake_type", "discovery_method", "discovered_at", "data_items", "affected_persons",
            "protection", "key_exposed", "eu")
    values = {"title": "", "mistake_type": "wrong_attachment", "discovery_method": "third_party",
              "discovered_at": "2026/06/20 11:00", "data_items": [], "affected_persons": "", "protection": "none",
              "key_exposed": False, "eu": False}
    assert set(values) == set(asks)
    data = incident_from_form(values, mail=mail)
    assert data.mistake_type == "wrong_attachment" and data.discovery_method == "third_party"
    assert data.data_items == [] and data.affected_persons == 0  # asked and left blank: blank
    assert data.title == "Mis-sent mail: 会員各位" or data.title.endswith("会員各位")
    assert data.sent_at == datetime(2026, 6, 20, 10, tzinfo=JST)  # not asked: the mail's
    assert data.discovered_at == datetime(2026, 6, 20, 11, tzinfo=JST)  # no zone: the organisation's
    assert [(r.address, r.field) for r in data.recipients] == [("a@x.example", "bcc"), ("b@x.example", "cc")]
    assert data.message.attachments[0].filename == "名簿.csv" and data.message.sender == "taro@example.co.jp"
    # without a script the guided report was not pre-filled: the mail fills its blanks
    filled = incident_from_form({**values, "unintended": "b@x.example, B さん"}, mail=mail, fill_from_mail=True)
    assert filled.title == "メールの件名から" and filled.affected_persons == 2
    assert filled.data_items == ["email_address"]
    assert [(r.address, r.field, r.name) for r in filled.recipients] == [("b@x.example", "cc", "B")]


def test_all_errors_at_once_each_on_its_field():
    values = {name: "" for name in FIELDS if name not in ("data_items", "key_exposed", "improper_purpose", "eu")}
    values.update({"data_items": [], "key_exposed": False, "improper_purpose": False, "eu": False,
                   "sent_at": "2026-06-20 10:00", "discovered_at": "2026-06-20 09:00", "affected_persons": "x",
                   "unintended": "not an address"})
    with pytest.raises(FormInvalid) as caught:
        incident_from_form(values)
    errors = caught.value.errors
    assert set(errors) >= {"discovered_at", "affected_persons", "discovery_method", "unintended"}
    assert caught.value.status_code == 422
    assert "affected_persons" not in caught.value.detail and "discovery_method" not in caught.value.detail


def test_intake_review_keeps_the_answers_and_the_proposals_when_it_comes_back(client, make_user, session):
    user = make_user(locale="en")
    login(client, user)
    r = _review(client, _answers(title="Kept title", affected_persons="lots", data_items=["medical"]))
    assert r.status_code == 422
    assert 'value="Kept title"' in r.text and 'value="lots"' in r.text
    assert 'value="medical" checked' in r.text
    assert "Please give a whole number." in r.text
    # corrected, the same review creates the incident with the mail's recipients
    token = html.unescape(re.search(r'name="draft_token" value="([^"]*)"', r.text).group(1))
    fixed = client.post("/intake/mail/create", headers=HTML, follow_redirects=False, data={
        "csrf_token": csrf_of(r.text), "draft_token": token, "apply_recipients": "on",
        **{k: v for k, v in _answers(affected_persons="4").items() if k != "sent_at"}})
    assert fixed.status_code == 303, fixed.text[:300]
    rcpt = session.execute(select(Recipient.address)).scalars().all()
    assert rcpt == ["suzuki@b-corp.example"]
