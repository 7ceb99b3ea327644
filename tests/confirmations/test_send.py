"""Sending deletion requests: after the decision only, by a manager or officer, through the outbox,
personal (language, reference number, own link), exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from incidents.confirmations import service, tokens
from incidents.confirmations.models import ConfirmationToken, DeletionRequest
from incidents.db import session_scope
from incidents.errors import Forbidden, InvalidTransition
from incidents.notify.models import Delivery
from incidents.scheduler import runner
from tests.confirmations.conftest import LINK


def test_sending_before_the_decision_is_refused(world, inbox, cli):
    manager, employee, make = world
    inc = make(3, decided=False)
    with session_scope() as s, pytest.raises(InvalidTransition, match="decision"):
        service.send(s, actor=manager, incident_id=inc.id, everyone=True)
    code, out, err = cli("deletion", "send", str(inc.id), "--all", "--as", manager.email)
    assert code == 1 and ("decision" in err.lower() or "対応方針" in err)
    with session_scope() as s:
        assert s.execute(select(func.count()).select_from(Delivery).where(Delivery.event == service.EVENT)).scalar() == 0


def test_only_a_manager_or_officer_sends(world, inbox):
    manager, employee, make = world
    inc = make(2)
    with session_scope() as s, pytest.raises(Forbidden):
        service.send(s, actor=employee, incident_id=inc.id, everyone=True)


def test_send_all_personal_mails_in_the_readers_language_once(world, inbox, cli):
    manager, employee, make = world
    inc = make(6, english_every=3)
    code, out, err = cli("deletion", "send", str(inc.id), "--all", "--as", manager.email)
    assert code == 0, err
    assert "6" in out
    # a second --all finds nobody left to ask
    code, _, err = cli("deletion", "send", str(inc.id), "--all", "--as", manager.email)
    assert code == 1
    runner.run_once()
    assert runner.run_once()["sent"] == 0
    requests_mails = [m for m in inbox.accepted if "univ.example.jp" in str(m["To"]) or "partner" in str(m["To"])]
    assert len(requests_mails) == 6
    with session_scope() as s:
        requests = {r.address: r for r in s.execute(select(DeletionRequest)).scalars()}
        hashes = set(s.execute(select(ConfirmationToken.token_hash)).scalars())
    links = set()
    for address, request in requests.items():
        [mail] = inbox.to(address)
        body = mail.get_content()
        assert request.reference in str(mail["Subject"]) and request.reference in body
        [link] = set(LINK.findall(body))
        token = link.rsplit("/", 1)[1]
        assert tokens.digest(token) in hashes and token not in str(hashes)
        links.add(link)
        if address.endswith(".example.com"):
            assert request.lang == "en" and "Dear Alex Smith" in body and "delete" in body
        else:
            assert request.lang == "ja" and "様" in body and "削除" in body
    assert len(links) == 6  # each reader their own link
    # the link does not stay in the outbox once sent
    runner.run_once()
    with session_scope() as s:
        bodies = s.execute(select(Delivery.body).where(Delivery.event == service.EVENT)).scalars().all()
    assert bodies and not any(LINK.search(b) for b in bodies)


def test_one_recipient_and_forced_language(world, inbox, cli):
    manager, employee, make = world
    inc = make(3)
    code, out, err = cli("deletion", "send", str(inc.id), "--recipient", "gakusei0001@univ.example.jp",
                         "--lang", "en", "--yes", "--as", manager.email)
    assert code == 0, err
    runner.run_once()
    [mail] = inbox.to("gakusei0001@univ.example.jp")
    assert "Request to delete" in str(mail["Subject"])
