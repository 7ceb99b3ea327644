"""The public page /c/<token>: what it shows, the answer recorded on the step and the assessment
recomputed at once, corrections, and one neutral page for every link that cannot be used."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from incidents.audit.models import AuditEvent
from incidents.confirmations import service, tokens
from incidents.confirmations.models import ConfirmationAnswer, ConfirmationToken, DeletionRequest
from incidents.db import session_scope
from incidents.response import service as response
from incidents.response.models import Step
from incidents.security.logs import redact_target
from incidents.types import utcnow

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _links(incident_id: int) -> dict[str, str]:
    """address -> token, as the mails carry them."""
    with session_scope() as s:
        rows = s.execute(select(DeletionRequest.id, DeletionRequest.address, ConfirmationToken.nonce)
                         .join(ConfirmationToken, ConfirmationToken.request_id == DeletionRequest.id)
                         .where(DeletionRequest.incident_id == incident_id)).all()
    return {address: tokens.token_for(rid, nonce) for rid, address, nonce in rows}


@pytest.fixture
def sent(world, inbox):
    manager, employee, make = world
    inc = make(3)
    with session_scope() as s:
        service.send(s, actor=manager, incident_id=inc.id, everyone=True)
    return inc, _links(inc.id)


def _answer(client, token: str, opened: str = "no", headers: dict | None = None, **extra):
    page = client.get(f"/c/{token}", headers=headers or {})
    assert page.status_code == 200
    form = {"csrf_token": CSRF.search(page.text).group(1), "opened": opened, "name": "山田 花子",
            "organization": "", "signed_on": "2026-11-29", "deleted_inbox": "1", "deleted_trash": "1",
            "deleted_files": "1", "deleted_printouts": "1", "not_forwarded": "1", **extra}
    return client.post(f"/c/{token}", data=form, headers=headers or {})


def _assessment(incident_id: int):
    with session_scope() as s:
        from incidents.cases.models import Incident

        return response.assessment_of(s, s.get(Incident, incident_id))


def test_page_shows_only_what_the_reader_has_in_japanese_and_english(client, sent):
    inc, links = sent
    token = links["gakusei0001@univ.example.jp"]
    ja = client.get(f"/c/{token}", headers={"Accept-Language": "ja,en;q=0.5"})
    assert ja.status_code == 200 and '<html lang="ja">' in ja.text
    assert "誤ってお送りしたメールの削除のご確認" in ja.text and "【見積書送付】2025年度 保守契約" in ja.text
    with session_scope() as s:
        ref = s.execute(select(DeletionRequest.reference).where(
            DeletionRequest.address == "gakusei0001@univ.example.jp")).scalar()
    assert ref in ja.text
    # nobody else is named: not the other wrong recipients, not the intended one, not the sender
    for other in ("gakusei0000", "gakusei0002", "sato@a-corp", "佐藤", "taro.yamada"):
        assert other not in ja.text
    en = client.get(f"/c/{token}", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in en.text and "Confirming the deletion of a mail we sent you by mistake" in en.text
    switched = client.get(f"/c/{token}?lang=ja", headers={"Accept-Language": "en"})
    assert '<html lang="ja">' in switched.text
    # nothing from elsewhere: every src/href is ours
    assert not re.search(r'(src|href)="(https?:)?//', ja.text)
    assert ja.headers["referrer-policy"] == "no-referrer" and "noindex" in ja.headers["x-robots-tag"]


def test_confirmations_recompute_the_assessment_and_correction_stands(client, sent):
    inc, links = sent
    assert _assessment(inc.id).appi.exemption != "deleted_unread"
    addresses = sorted(links)
    for address in addresses[:-1]:
        r = _answer(client, links[address], "no", headers={"User-Agent": "TestBrowser/1.0"})
        assert r.status_code == 200 and "ご回答を記録いたしました" in r.text
    assert _assessment(inc.id).appi.exemption != "deleted_unread"
    last = links[addresses[-1]]
    assert _answer(client, last, "no").status_code == 200
    a = _assessment(inc.id)
    assert a.appi.exemption == "deleted_unread" and a.appi.reportable is False
    # a correction: the later answer stands, both are kept and audited
    r = _answer(client, last, "yes")
    assert r.status_code == 200 and "訂正" in r.text
    a = _assessment(inc.id)
    assert a.appi.exemption != "deleted_unread" and a.appi.leak
    with session_scope() as s:
        step = s.execute(select(Step).where(Step.key == f"deletion:{addresses[-1]}")).scalar_one()
        assert step.opened == "yes" and step.confirmed_at is not None and step.status == "done"
        answers = s.execute(select(ConfirmationAnswer).order_by(ConfirmationAnswer.id)).scalars().all()
        assert len(answers) == 4 and answers[0].user_agent == "TestBrowser/1.0" and answers[0].remote_address
        actions = [e.action for e in s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars()]
    assert actions.count("deletion.confirmed_online") == 3 and actions.count("deletion.corrected_online") == 1


def _neutral(client, token: str):
    r = client.get(f"/c/{token}", headers={"Accept-Language": "ja"})
    assert r.status_code == 404 and "このリンクはご利用いただけません" in r.text
    return r.text


def test_unknown_tampered_expired_revoked_all_get_the_same_neutral_page(client, sent, world):
    manager, _, _ = world
    inc, links = sent
    a, b, c = sorted(links)
    unknown = _neutral(client, "0" * 40)
    tampered = links[a][:-1] + ("0" if links[a][-1] != "0" else "1")
    assert _neutral(client, tampered) == unknown
    assert _neutral(client, "not-a-token<script>") == unknown
    with session_scope() as s:  # expired: its time has passed
        rid = s.execute(select(DeletionRequest.id).where(DeletionRequest.address == b)).scalar()
        s.execute(update(ConfirmationToken).where(ConfirmationToken.request_id == rid)
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
    assert _neutral(client, links[b]) == unknown
    with session_scope() as s:
        service.revoke(s, actor=manager, incident_id=inc.id, address=c)
    assert _neutral(client, links[c]) == unknown
    # posting to an unusable link records nothing
    page = client.get(f"/c/{links[a]}")
    csrf = CSRF.search(page.text).group(1)
    r = client.post(f"/c/{links[c]}", data={"csrf_token": csrf, "opened": "no", "name": "x", "signed_on": "2026-11-29"})
    assert r.status_code == 404
    with session_scope() as s:
        assert s.execute(select(ConfirmationAnswer)).first() is None
    # the valid one still works, and the letter of an unusable link is not served
    assert client.get(f"/c/{links[c]}/letter.pdf").status_code == 404


def test_form_is_csrf_protected_and_validated(client, sent):
    inc, links = sent
    token = sorted(links.values())[0]
    client.get(f"/c/{token}")
    r = client.post(f"/c/{token}", data={"csrf_token": "forged", "opened": "no", "name": "x", "signed_on": "2026-11-29"})
    assert r.status_code == 403
    r = _answer(client, token, "maybe")
    assert r.status_code == 422 and "メールを開封したかどうか" in r.text
    r = _answer(client, token, "no", name="")
    assert r.status_code == 422 and "お名前" in r.text
    r = _answer(client, token, "no", message="a\x00b")
    assert r.status_code == 422
    with session_scope() as s:
        assert s.execute(select(ConfirmationAnswer)).first() is None


def test_rate_limit_per_link_and_address(client, sent, monkeypatch):
    from incidents.config import get_settings
    from incidents.confirmations import ratelimit

    inc, links = sent
    monkeypatch.setenv("INCIDENTS_CONFIRM_RATE_PER_TOKEN", "3 per minute")
    get_settings.cache_clear()
    ratelimit.reset()
    token = sorted(links.values())[0]
    assert [client.get(f"/c/{token}").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get(f"/c/{sorted(links.values())[1]}").status_code == 200  # another link is not limited
    monkeypatch.setenv("INCIDENTS_CONFIRM_RATE_PER_ADDRESS", "5 per minute")
    get_settings.cache_clear()
    ratelimit.reset()
    codes = [client.get(f"/c/{'%040x' % i}").status_code for i in range(6)]
    assert codes == [404] * 5 + [429]


def test_default_limit_is_generous_for_a_campus_behind_one_address(client, sent):
    _, links = sent
    tokens_ = sorted(links.values())
    codes = {client.get(f"/c/{tokens_[i % 3]}").status_code for i in range(60)}
    codes |= {client.get(f"/c/{'%040x' % i}").status_code for i in range(60)}
    assert 429 not in codes  # 120 requests a minute from one address


def test_the_link_never_reaches_the_access_log(sent):
    _, links = sent
    for token in links.values():
        assert token not in redact_target(f"/c/{token}") and token not in redact_target(f"/c/{token}/letter.pdf")


def test_the_letter_is_rendered_on_first_open_and_kept(client, sent):
    from tests.documents.conftest import pdf_text

    from incidents.documents.models import Document

    _, links = sent
    address = sorted(links)[0]
    first = client.get(f"/c/{links[address]}/letter.pdf")
    assert first.status_code == 200 and first.headers["content-type"] == "application/pdf"
    with session_scope() as s:
        ref = s.execute(select(DeletionRequest.reference).where(DeletionRequest.address == address)).scalar()
        assert len(s.execute(select(Document)).all()) == 1
    text = pdf_text(first.content).replace(" ", "")
    assert ref in text and "削除" in text
    again = client.get(f"/c/{links[address]}/letter.pdf")
    assert again.content == first.content
    with session_scope() as s:
        assert len(s.execute(select(Document)).all()) == 1  # kept, not rendered twice
