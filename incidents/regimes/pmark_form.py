"""The Privacy-Mark accident report (Pマークポータル), ready to paste, in the portal's order.

Sources: JIPDEC 「プライバシーマーク付与に関する規約」 (PMK500) and 「個人情報の取扱いにおける事故報告にかかる処理基準」;
reports through the Pマークポータル since 2024-10-31. Items: 事業者名, 業種, 発生日及び発覚日, 概要, 媒体・項目・件数,
安全管理措置の実施状況, 経過, 発生元, 本人等への対応, 公表, 二次被害, 再発防止策.
"""

from __future__ import annotations

from incidents.cases.labels import DATA_ITEMS
from incidents.regimes import narrative as N
from incidents.regimes.catalogue import Entrustment
from incidents.regimes.forms import CaseView, FormSection, RegulatorForm, field_
from incidents.regimes.labels import OBLIGATION_KINDS

PHASE_JA = {phase: OBLIGATION_KINDS.label(phase, "ja") for phase in ("preliminary", "final")}


def _safety(view: CaseView) -> str:
    """安全管理措置の実施状況: what protected the data when it left."""
    return N.protection(view)


def build_pmark(view: CaseView, phase: str) -> RegulatorForm:
    i, s, o = view.incident, view.settings, view.overrides
    items = DATA_ITEMS.join(i.data_items or [], "ja")
    persons = i.affected_persons or 0
    mpc = "媒体：" + N.medium(view) + ("\n項目：" + items if items else "") + \
        (f"\n件数：{persons:,}人分" if persons else "")
    source = "自社（従業者による誤送信）"
    if o.entrustment == Entrustment.principal:
        source = f"委託先（{o.counterpart}）"
    elif o.entrustment == Entrustment.contractor:
        source = f"自社（{o.counterpart}からの受託業務）"
    done, planned = N.measures(view)
    measures = None
    if done is not None or planned is not None:
        measures = f"（実施済み）\n{done}\n（実施予定）\n{planned}"
    fields = [
        field_("pmark.kind", "報告区分", "Report", PHASE_JA[phase]),
        field_("pmark.business", "事業者名", "Business", s.org_name),
        field_("pmark.industry", "業種", "Industry", s.org_industry),
        field_("pmark.accident", "事故の区分", "Kind of accident", "漏えい（電子メールの誤送信）"),
        field_("pmark.dates", "発生日及び発覚日", "Occurred / discovered",
               f"発生日：{view.local(i.sent_at)}\n発覚日：{view.local(i.discovered_at)}"),
        field_("pmark.summary", "概要", "Summary", N.event(view)),
        field_("pmark.medium_items_count", "媒体・項目・件数", "Medium, items, number",
               mpc if persons else None),
        field_("pmark.safety", "安全管理措置の実施状況", "Safety measures in place", _safety(view)),
        field_("pmark.course", "経過", "Course of events", N.course(view)),
        field_("pmark.source", "発生元", "Where it occurred", source),
        field_("pmark.individuals", "本人等への対応", "Response to the people concerned", N.individuals(view, phase)),
        field_("pmark.publication", "公表", "Publication", N.publication(view, phase)),
        field_("pmark.secondary", "二次被害", "Secondary damage", N.secondary(view)),
        field_("pmark.measures", "再発防止策", "Measures against recurrence", measures),
    ]
    return RegulatorForm(
        form="pmark", phase=phase, incident_id=i.id, title=f"個人情報の取扱いにおける事故報告（{PHASE_JA[phase]}）",
        routing=[], sections=[FormSection(key="pmark", title="事故報告", title_en="Accident report", fields=fields)],
        sources=["JIPDEC「プライバシーマーク付与に関する規約」（PMK500）",
                 "JIPDEC「個人情報の取扱いにおける事故報告にかかる処理基準」", "Pマークポータル（2024年10月31日以降）"],
    )
