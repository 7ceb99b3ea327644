"""The PPC's online leak report (漏えい等報告), ready to paste: the routing questions answered, then every field
in the form's order, labelled as the form labels it.

Sources: PPC 「漏えい等の報告について」 (routing questions 問1–問3; the reporter is the organisation, not the clerk);
APPI enforcement rules art. 8(1) items 1–9 (別記様式第一) for a business and art. 44 for a public body;
PPC guidelines 3-5-3-3 (速報: what is known at that time) and 3-5-3-4 (確報: every item);
3-5-3-5 (委託元 and 委託先: both report, jointly possible).

    build_form(session, actor=, incident_id=, phase="preliminary"|"final", form="ppc"|"pmark") -> RegulatorForm
"""

from __future__ import annotations

from sqlmodel import Session

from incidents.cases.labels import DATA_ITEMS, DISCOVERY_METHODS
from incidents.errors import InvalidInput
from incidents.cases.access import visible_incident
from incidents.people.models import User
from incidents.regimes import narrative as N
from incidents.regimes.catalogue import Entrustment, Regime, To
from incidents.regimes.labels import ADDRESSEES, OBLIGATION_KINDS
from incidents.regimes.evaluate import appi_addressee
from incidents.regimes.forms import CaseView, FormSection, RegulatorForm, compare, field_, gather
from incidents.regimes.models import ObligationStatus
from incidents.response.assessment import grounds_for
from incidents.response.facts import IncidentFacts
from incidents.response.rules import Ground

# Rules art. 7 (business) / art. 43 (public body): the numbered situations, as the form lists them.
SITUATIONS = {
    Ground.sensitive_data: "要配慮個人情報が含まれる個人データ（保有個人情報）の漏えい等が発生し、又は発生したおそれがある事態",
    Ground.financial_damage: "不正に利用されることにより財産的被害が生じるおそれがある個人データの漏えい等が発生し、又は発生したおそれがある事態",
    Ground.improper_purpose: "不正の目的をもって行われたおそれがある個人データの漏えい等が発生し、又は発生したおそれがある事態",
    Ground.over_1000_persons: "個人データに係る本人の数が1,000人を超える漏えい等が発生し、又は発生したおそれがある事態",
    Ground.over_100_persons: "保有個人情報に係る本人の数が100人を超える漏えい等が発生し、又は発生したおそれがある事態",
}
NUMBERS = {Ground.sensitive_data: 1, Ground.financial_damage: 2, Ground.improper_purpose: 3,
           Ground.over_1000_persons: 4, Ground.over_100_persons: 4}
PHASE_JA = {phase: OBLIGATION_KINDS.label(phase, "ja") for phase in ("preliminary", "final")}


def build_form(session: Session, *, actor: User, incident_id: int, phase: str = "preliminary", form: str = "ppc",
               compare_preliminary: bool = True) -> RegulatorForm:
    """The form as it stands; a 確報 is compared with the 速報 as submitted (its stored form)."""
    if phase not in PHASE_JA:
        raise InvalidInput("the phase is preliminary (速報) or final (確報)")
    if form not in ("ppc", "pmark"):
        raise InvalidInput("the form is ppc (個人情報保護委員会) or pmark (Pマークポータル)")
    incident = visible_incident(session, actor, incident_id)
    view = gather(session, incident, actor)
    if form == "pmark":
        from incidents.regimes.pmark_form import build_pmark

        result = build_pmark(view, phase)
    else:
        result = build_ppc(view, phase)
    result.missing = [f.label for f in result.fields() if not f.known]
    if phase == "final" and compare_preliminary:
        key = ("appi" if form == "ppc" else "pmark") + ":preliminary"
        pre = next((o for o in view.obligations if o.key == key and o.status == ObligationStatus.submitted), None)
        if pre is not None:
            compare(result, pre.snapshot, pre.submitted_at)
    return result


def _facts(view: CaseView) -> IncidentFacts:
    return IncidentFacts.of(view.incident, public_body=view.org.is_public_body)


def routing(view: CaseView) -> list:
    i = view.incident
    my_number = "my_number" in (i.data_items or [])
    public = view.org.is_public_body
    fields = [
        field_("routing.q1", "問1 漏えい等した情報にマイナンバーは含まれていますか。",
               "Q1 Does the leaked information include My Number?",
               "はい（特定個人情報の漏えい等報告フォームから報告）" if my_number else "いいえ"),
        field_("routing.q2", "問2 該当する組織を選択してください。", "Q2 Which kind of organisation?",
               "行政機関等" if public else "民間事業者・個人情報保護法別表第二に掲げる法人等"),
    ]
    if not public:
        to = appi_addressee(_ctx(view))
        fields.append(field_(
            "routing.q3", "問3 権限委任をしている業種に該当しますか。",
            "Q3 Is the industry one whose authority is delegated?",
            "いいえ（個人情報保護委員会へ報告）" if to is To.ppc else f"はい（{ADDRESSEES.label(to, 'ja')}へ報告）"))
    return fields


def _ctx(view: CaseView):
    from incidents.regimes.evaluate import RegimeContext

    o = view.overrides
    return RegimeContext(regimes=frozenset(Regime(r) for r in o.regimes), public_body=view.org.is_public_body,
                         delegated_to=To(o.delegated_to) if o.delegated_to else None)


def build_ppc(view: CaseView, phase: str) -> RegulatorForm:
    i, s, o = view.incident, view.settings, view.overrides
    public = view.org.is_public_body
    grounds = grounds_for(_facts(view))
    entrusted = o.entrustment != Entrustment.none
    reporter = s.org_name
    if entrusted and o.joint_report:
        role = "委託元" if o.entrustment == Entrustment.principal else "委託先"
        other = "委託先" if role == "委託元" else "委託元"
        reporter = f"{s.org_name}（{role}）及び{o.counterpart}（{other}）の連名"
    address = " ".join(x for x in (f"〒{s.documents_org_postal_code}" if s.documents_org_postal_code else "",
                                   s.documents_org_address) if x)
    contact_person = "　".join(x for x in (view.contact_department or s.documents_org_department, view.contact.display_name) if x)
    contact = "　".join(x for x in (f"TEL {s.documents_org_phone}" if s.documents_org_phone else "",
                                   s.documents_org_email or view.contact.email) if x)
    pre = next((ob for ob in view.obligations if ob.key == "appi:preliminary"), None)
    report = [
        field_("report.kind", "報告種別", "Report", PHASE_JA[phase]),
    ]
    if phase == "final":
        if pre is None:
            submitted = "速報なし"
        else:
            submitted = view.local(pre.submitted_at, with_time=False) if pre.submitted_at else None
        report.append(field_("report.preliminary", "速報の報告日", "Preliminary report submitted on", submitted))
        if pre is not None and pre.reference:
            report.append(field_("report.reference", "速報の受付番号", "Reference of the preliminary report", pre.reference))
    reporter_fields = [
        field_("reporter.name", "報告者の氏名又は名称", "Name of the reporter (the organisation)", reporter),
        field_("reporter.address", "住所又は所在地", "Address", address),
        field_("reporter.representative", "代表者の氏名", "Representative", s.org_representative),
    ]
    if not public:
        reporter_fields += [
            field_("reporter.corporate_number", "法人番号", "Corporate number", s.org_corporate_number),
            field_("reporter.industry", "業種", "Industry", s.org_industry),
        ]
    reporter_fields += [
        field_("reporter.contact_person", "担当者の所属・氏名", "Contact person", contact_person),
        field_("reporter.contact", "担当者の連絡先（電話番号・メールアドレス）", "Contact (phone, email)", contact),
    ]
    situation = [
        field_("situation.type", "事態の区分", "Kind of event", N.leak_kind(view)),
        field_("situation.grounds", "報告対象となる事態（施行規則第{}条各号）".format(43 if public else 7),
               "Reportable situation (rules art. {})".format(43 if public else 7),
               "\n".join(f"第{NUMBERS[g]}号 {SITUATIONS[g]}" for g in grounds) or "該当なし"),
    ]
    item1 = [
        field_("item1.occurred_on", "発生日", "Occurred on", view.local(i.sent_at)),
        field_("item1.discovered_on", "発覚日", "Discovered on", view.local(i.discovered_at)),
        field_("item1.discovery", "発覚の経緯", "How it was discovered",
               DISCOVERY_METHODS.label(i.discovery_method, "ja")),
        field_("item1.event", "発生事案", "What happened", N.event(view)),
        field_("item1.entrustment", "委託元及び委託先の有無", "Principal / contractor", N.entrustment(view)),
        field_("item1.course", "事実経過", "Course of events", N.course(view)),
    ]
    items = DATA_ITEMS.join(i.data_items or [], "ja")
    item2 = [
        field_("item2.medium", "媒体", "Medium", N.medium(view)),
        field_("item2.items", "漏えい等が発生し、又は発生したおそれがある個人データの項目", "Items of personal data",
               items or None),
        field_("item2.protection", "保護措置の状況", "Protection", N.protection(view)),
    ]
    persons = i.affected_persons or 0
    item3 = [field_("item3.persons", "漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
                    "Number of people", f"{persons:,}人" if persons > 0 else None)]
    item4 = [
        field_("item4.actor", "原因の主体", "Who caused it",
               "委託先" if o.entrustment == Entrustment.principal and o.counterpart and N.caused_by_contractor(view)
               else "報告者"),
        field_("item4.cause", "原因", "Cause", N.cause(view)),
    ]
    item5 = [field_("item5.secondary", "二次被害又はそのおそれの有無及びその内容", "Secondary damage", N.secondary(view))]
    item6 = [field_("item6.individuals", "本人への対応の実施状況", "Response to the people concerned",
                    N.individuals(view, phase))]
    item7 = [field_("item7.publication", "公表の実施状況", "Publication", N.publication(view, phase))]
    done, planned = N.measures(view)
    item8 = [
        field_("item8.done", "再発防止のための措置（実施済みの措置）", "Measures taken", done),
        field_("item8.planned", "再発防止のための措置（今後実施予定の措置及び実施時期）", "Measures planned (and when)",
               planned),
    ]
    item9 = [field_("item9.other", "その他参考となる事項", "Other relevant matters", N.other(view))]
    sections = [
        FormSection(key="report", title="報告の種類", title_en="Report", fields=report),
        FormSection(key="reporter", title="報告者", title_en="Reporter", fields=reporter_fields),
        FormSection(key="situation", title="報告対象事態", title_en="Situation", fields=situation),
        FormSection(key="item1", title="(1) 概要", title_en="(1) Summary", fields=item1),
        FormSection(key="item2", title="(2) 漏えい等が発生し、又は発生したおそれがある個人データの項目",
                    title_en="(2) Items of personal data", fields=item2),
        FormSection(key="item3", title="(3) 漏えい等が発生し、又は発生したおそれがある個人データに係る本人の数",
                    title_en="(3) Number of people", fields=item3),
        FormSection(key="item4", title="(4) 原因", title_en="(4) Cause", fields=item4),
        FormSection(key="item5", title="(5) 二次被害又はそのおそれの有無及びその内容", title_en="(5) Secondary damage",
                    fields=item5),
        FormSection(key="item6", title="(6) 本人への対応の実施状況", title_en="(6) Response to the people concerned",
                    fields=item6),
        FormSection(key="item7", title="(7) 公表の実施状況", title_en="(7) Publication", fields=item7),
        FormSection(key="item8", title="(8) 再発防止のための措置", title_en="(8) Measures against recurrence",
                    fields=item8),
        FormSection(key="item9", title="(9) その他参考となる事項", title_en="(9) Other relevant matters", fields=item9),
    ]
    rule = "施行規則第44条" if public else "施行規則第8条第1項"
    return RegulatorForm(
        form="ppc", phase=phase, incident_id=i.id,
        title=f"個人データの漏えい等報告（{PHASE_JA[phase]}）", routing=routing(view), sections=sections,
        sources=[f"個人情報保護法{'第68条' if public else '第26条'}・{rule}各号",
                 "個人情報保護委員会「漏えい等の報告について」（報告フォーム）",
                 "個人情報保護委員会ガイドライン（通則編）3-5-3-3（速報）・3-5-3-4（確報）"],
    )

