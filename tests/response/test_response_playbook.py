"""Playbook generation, reconciliation and the due-notification rule (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from incidents.response.deadlines import (
    ESCALATION_MANAGER,
    ESCALATION_OFFICERS,
    REMINDER,
    ResponseDurations,
    fired,
    notifications_for,
)
from incidents.response.facts import IncidentFacts, RecipientFacts
from incidents.response.playbook import ExistingStep, closable, generate, reconcile

T0 = datetime(2026, 4, 1, 0, 0, tzinfo=UTC)


def facts(**kw) -> IncidentFacts:
    base = dict(
        discovered_at=T0, data_items=("name",), affected_persons=3,
        recipients=(RecipientFacts("Wrong@Other.example"), RecipientFacts("right@ours.example", kind="intended")),
    )
    base.update(kw)
    return IncidentFacts(**base)


def keys(specs):
    return [s.key for s in specs]


def test_basic_playbook_order_roles_and_due_times():
    specs = {s.key: s for s in generate(facts())}
    assert list(specs)[:3] == ["first_report", "decision", "containment"]
    assert specs["first_report"].due_at == T0 + timedelta(hours=1)
    assert specs["first_report"].role == "manager" and specs["decision"].role == "manager"
    assert "deletion:wrong@other.example" in specs and "deletion:right@ours.example" not in specs
    assert {"apology:wrong@other.example", "apology:right@ours.example"} <= set(specs)
    assert specs["deletion:wrong@other.example"].gated and specs["apology:right@ours.example"].gated
    # not reportable: no regulator steps
    assert not {"preliminary_report", "final_report", "notify_individuals", "gdpr_authority"} & set(specs)
    assert specs["close"].required is False and specs["close"].due_at is None
    positions = [s.position for s in generate(facts())]
    assert positions == sorted(positions)


def test_reportable_incident_gets_regulator_steps_with_legal_due_times():
    specs = {s.key: s for s in generate(facts(data_items=("medical",), improper_purpose=True, jurisdictions=("jp", "eu")))}
    assert specs["preliminary_report"].due_at == T0 + timedelta(days=3)
    assert specs["final_report"].due_at == T0 + timedelta(days=60)
    assert specs["gdpr_authority"].due_at == T0 + timedelta(hours=72)
    assert "notify_individuals" in specs and "gdpr_individuals" in specs


def test_public_announcement_only_when_many_people():
    assert "public_announcement" not in keys(generate(facts(affected_persons=1000)))
    assert "public_announcement" in keys(generate(facts(affected_persons=1001)))


def test_thousands_of_recipients_scale_and_duplicates_collapse():
    many = tuple(RecipientFacts(f"p{i}@x.example", field="cc") for i in range(5000))
    specs = generate(facts(recipients=many + (RecipientFacts("P0@x.example"),)))
    assert sum(s.kind == "deletion" for s in specs) == 5000
    assert len(set(keys(specs))) == len(specs)


def test_reconcile_creates_retires_reopens_and_moves_due():
    old = generate(facts(data_items=("medical",)))
    existing = {s.key: ExistingStep(s.key, "pending", s.due_at) for s in old}
    existing["decision"] = ExistingStep("decision", "done", old[1].due_at)
    existing["preliminary_report"] = ExistingStep("preliminary_report", "pending", T0)
    # the medical item was a mistake: no longer reportable; a recipient is added
    new = generate(facts(recipients=facts().recipients + (RecipientFacts("third@x.example"),)))
    plan = reconcile(existing, new)
    assert {"deletion:third@x.example", "apology:third@x.example"} <= set(keys(plan.create))
    assert {"preliminary_report", "final_report", "notify_individuals"} <= set(plan.retire)
    assert "decision" not in plan.retire
    # reportable again: the retired steps reopen
    existing2 = {**existing, **{k: ExistingStep(k, "not_applicable", None) for k in plan.retire}}
    plan2 = reconcile(existing2, generate(facts(data_items=("medical",))))
    assert {"preliminary_report", "final_report"} <= set(keys(plan2.reopen))
    # due moves with the facts unless set by hand
    later = generate(facts(discovered_at=T0 + timedelta(hours=5)))
    ex = {s.key: ExistingStep(s.key, "pending", s.due_at) for s in generate(facts())}
    ex["decision"] = ExistingStep("decision", "pending", T0, manual_due=True)
    moved = dict(reconcile(ex, later).update_due)
    assert moved["first_report"] == T0 + timedelta(hours=6) and "decision" not in moved


def test_closable_requires_reason_for_waived():
    steps = [("decision", "done", True, None), ("nearmiss", "waived", True, " "),
             ("root_cause", "waived", True, "covered by case 12"), ("close", "pending", False, None),
             ("final_report", "not_applicable", True, None), ("apology:a", "pending", True, None)]
    assert closable(steps) == ["nearmiss", "apology:a"]


def test_reminders_escalations_and_exactly_one_key_each():
    d = ResponseDurations()
    due = T0 + timedelta(days=3)
    allf = notifications_for(due, d)
    assert [(n.kind, n.threshold) for n in allf] == [
        (REMINDER, 1440), (REMINDER, 60), (ESCALATION_MANAGER, 0), (ESCALATION_OFFICERS, 1440)]
    assert fired(due, due - timedelta(hours=25), d) == []
    assert [n.threshold for n in fired(due, due - timedelta(hours=23), d)] == [1440]
    assert [n.threshold for n in fired(due, due - timedelta(minutes=30), d)] == [60]
    assert [n.kind for n in fired(due, due + timedelta(minutes=1), d)] == [ESCALATION_MANAGER]
    assert [n.kind for n in fired(due, due + timedelta(days=2), d)] == [ESCALATION_MANAGER, ESCALATION_OFFICERS]


def test_reminders_before_the_step_existed_are_never_sent():
    d = ResponseDurations()
    due = T0 + timedelta(hours=1)  # first report: created at discovery, 24 h reminder already past
    assert [n.threshold for n in fired(due, T0 + timedelta(minutes=1), d, since=T0)] == [60]
    assert fired(due, T0 + timedelta(minutes=1), d, since=T0 + timedelta(seconds=1)) == []


def test_durations_from_settings_object():
    class S:
        response_due_first_report = timedelta(minutes=30)
        response_reminders_before = [7200]
        response_escalate_officers_after = "3600"
        response_public_announcement_threshold = 500

    d = ResponseDurations.from_settings(S())
    assert d["first_report"] == timedelta(minutes=30) and d["decision"] == timedelta(hours=4)
    assert d.reminders_before == (timedelta(hours=2),)
    assert d.escalate_officers_after == timedelta(hours=1)
    assert "public_announcement" in keys(generate(facts(affected_persons=501), d))


def test_step_created_overdue_escalates_from_its_creation():
    d = ResponseDurations()
    due = T0  # recipients added two days after the step's due time
    created = T0 + timedelta(days=2)
    assert [n.kind for n in fired(due, created + timedelta(seconds=5), d, since=created)] == [ESCALATION_MANAGER]
    later = fired(due, created + timedelta(hours=25), d, since=created)
    assert [(n.kind, n.fire_at) for n in later][-1] == (ESCALATION_OFFICERS, created + timedelta(hours=24))
