"""A wrong recipient's erasure reaches what the online confirmations hold about them: the address their
request went to, and the name, organisation, message, network address and browser of their answer."""

from __future__ import annotations

from sqlmodel import select

from incidents.cases.models import Recipient
from incidents.confirmations import service
from incidents.confirmations.models import ConfirmationAnswer, ConfirmationToken, DeletionRequest
from incidents.db import session_scope
from incidents.system import retention


def test_erasure_scrubs_the_request_and_the_answer(world, make_user, inbox):
    manager, _employee, make = world
    officer = make_user("officer", department="Compliance")
    inc = make(2)
    with session_scope() as s:
        service.send(s, actor=manager, incident_id=inc.id, everyone=True)
    address = "gakusei0000@univ.example.jp"
    with session_scope() as s:
        request = s.execute(select(DeletionRequest).where(DeletionRequest.address == address)).scalar_one()
        s.add(ConfirmationAnswer(request_id=request.id, incident_id=inc.id, opened="no", name="学生 零",
                                 organization="大学", message="削除しました 学生零", remote_address="203.0.113.7",
                                 user_agent="Mozilla/5.0 (gakusei)"))
        recipient_id = request.recipient_id
        other = s.execute(select(DeletionRequest).where(DeletionRequest.address != address)).scalars().first()
        other_address = other.address
    with session_scope() as s:
        retention.erase_recipient(s, actor=officer, incident_id=inc.id, recipient_id=recipient_id)
    with session_scope(write=False) as s:
        request = s.execute(select(DeletionRequest).where(DeletionRequest.recipient_id == recipient_id)).scalar_one()
        answer = s.execute(select(ConfirmationAnswer).where(ConfirmationAnswer.request_id == request.id)).scalar_one()
        link = s.execute(select(ConfirmationToken).where(ConfirmationToken.request_id == request.id)).scalar_one()
        recipient = s.get(Recipient, recipient_id)
        stored = repr([request.address, request.subject, answer.name, answer.organization, answer.message,
                       answer.remote_address, answer.user_agent])
        assert address not in stored and "学生" not in stored and "203.0.113.7" not in stored
        assert request.address == recipient.address and recipient.address.startswith("h:")
        assert answer.opened == "no"  # the fact stays: it decides the assessment
        assert link.revoked_at is not None
        # nobody else's request is touched
        assert s.execute(select(DeletionRequest).where(DeletionRequest.address == other_address)).first()
