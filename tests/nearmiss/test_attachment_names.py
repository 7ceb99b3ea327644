"""Names hidden in attachment names — after the last dot (顧客名簿.鈴木花子, report.YamadaTaro-Kitakaze) or in
a folder of the path (../../home/suzuki/salary.xlsx) — are anonymised like any text: not in the draft,
not in the published case, not found by the library's search."""

from __future__ import annotations

import pytest

from incidents.analysis import service as analysis
from incidents.analysis.schemas import AnalysisIn
from incidents.db import session_scope
from incidents.nearmiss import library, service
from incidents.nearmiss.draft import file_type, generate
from incidents.nearmiss.schemas import LibraryFilter

FILES = ["顧客名簿.鈴木花子", "report.YamadaTaro-Kitakaze", "../../home/suzuki/salary.xlsx",
         "C:\\Users\\tanaka.ichiro\\Desktop\\給与一覧.xlsx"]
SECRETS = ["鈴木", "花子", "Yamada", "YamadaTaro", "Kitakaze", "suzuki", "tanaka", "ichiro"]
WHY = ("顧客名簿.鈴木花子 と report.YamadaTaro-Kitakaze と ../../home/suzuki/salary.xlsx を添付した。"
       "C:\\Users\\tanaka.ichiro\\Desktop の中のファイルも送った")


def _absent(text: str) -> None:
    lowered = text.lower()
    for secret in SECRETS:
        assert secret.lower() not in lowered, secret


def incident(**message) -> dict:
    return {"title": "添付ファイルの誤り", "mistake_type": "wrong_attachment", "discovery_method": "self_noticed",
            "sent_at": "2026-05-13T14:05:00+09:00", "discovered_at": "2026-05-13T14:30:00+09:00",
            "message": {"subject": "資料送付", "attachments": [{"filename": f, "size_bytes": 10} for f in FILES],
                        **message},
            "recipients": [{"address": "a@partner.example", "field": "to", "kind": "unintended"}]}


def test_file_type_is_only_a_real_extension():
    assert [file_type(f) for f in FILES] == ["", "", "xlsx", "xlsx"]


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_draft_names_no_one_from_attachment_names(locale):
    draft = generate(incident(), {"whys": [WHY], "factor_notes": "Sent YamadaTaro-Kitakaze from /home/suzuki."},
                     locale=locale)
    everything = draft.title.text + draft.body
    _absent(everything)
    assert "xlsx" in everything  # the file type, which teaches something, stays


def test_published_case_is_not_found_by_the_names(make_user, make_incident):
    manager = make_user("manager", department="Sales")
    reporter = make_user("employee", department="Sales", manager=manager)
    reader = make_user("employee", department="Support")
    inc = make_incident(reporter, mistake_type="wrong_attachment",
                        message={"subject": "資料送付", "sender": "taro.yamada@example.co.jp", "summary": "資料を送付した",
                                 "attachments": [{"filename": f, "size_bytes": 10} for f in FILES]})
    with session_scope() as s:
        analysis.save_analysis(s, actor=reporter, incident_id=inc.id, data=AnalysisIn(whys=[WHY],
                                                                                     factors=["similar_file_names"]))
    with session_scope() as s:
        case = service.publish(s, actor=manager, incident_id=inc.id)
        _absent(case.title + "\n".join(x.text for x in case.sections))
    with session_scope() as s:
        for secret in ("鈴木花子", "Kitakaze", "YamadaTaro", "suzuki", "tanaka"):
            assert library.search(s, actor=reader, filters=LibraryFilter(q=secret)).total == 0, secret
        assert library.search(s, actor=reader, filters=LibraryFilter(q="添付")).total == 1
