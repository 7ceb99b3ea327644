"""The PPC form of four real shapes, read back field by field; the 確報 says what changed since the 速報."""

from __future__ import annotations

import json

import pytest

ORG = dict(org_name="株式会社サンプル商事", org_representative="代表取締役 山田太郎", org_corporate_number="1234567890123",
           org_industry="卸売業", documents_org_address="東京都千代田区丸の内1-1-1", documents_org_postal_code="100-0005",
           documents_org_phone="03-1234-5678", documents_org_email="privacy@sample.example", regimes="appi,gdpr,pmark")


def form_fields(cli, incident_id, user, *extra):
    code, out, err = cli("regulator", "export", incident_id, "--as", user.email, "--json", *extra)
    assert code == 0, err
    body = json.loads(out)
    return body, {f["key"]: f for s in body["sections"] for f in s["fields"]}, {f["key"]: f for f in body["routing"]}


@pytest.fixture
def org(settings_env):
    settings_env(**ORG)


def test_wrong_recipient(cli, team, make_incident, org):
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "postal_address", "phone"], affected_persons=1)
    body, f, routing = form_fields(cli, inc.id, officer, "--phase", "preliminary")
    assert body["title"] == "個人データの漏えい等報告（速報）"
    assert routing["routing.q1"]["value"] == "いいえ"
    assert routing["routing.q2"]["value"] == "民間事業者・個人情報保護法別表第二に掲げる法人等"
    assert routing["routing.q3"]["value"].startswith("いいえ")
    assert f["report.kind"]["value"] == "速報"
    assert f["reporter.name"] == {**f["reporter.name"], "label": "報告者の氏名又は名称", "value": "株式会社サンプル商事"}
    assert f["reporter.representative"]["value"] == "代表取締役 山田太郎"
    assert f["reporter.corporate_number"]["value"] == "1234567890123"
    assert f["reporter.address"]["value"] == "〒100-0005 東京都千代田区丸の内1-1-1"
    assert officer.display_name in f["reporter.contact_person"]["value"]
    assert f["situation.type"]["value"] == "漏えい"
    assert f["situation.grounds"]["value"] == "該当なし"  # one person, contact data: not reportable
    assert "宛先のメールアドレスを誤り" in f["item1.event"]["value"] and "1件の宛先" in f["item1.event"]["value"]
    assert f["item1.entrustment"]["value"] == "なし"
    assert f["item2.items"]["value"] == "氏名、住所、電話番号"
    assert f["item3.persons"]["value"] == "1人"
    assert f["item8.done"] == {**f["item8.done"], "value": None, "known": False}
    # the labels are the form's, in its order
    keys = [k for k in f]
    assert keys.index("item1.occurred_on") < keys.index("item2.items") < keys.index("item9.other")
    code, out, _ = cli("regulator", "export", inc.id, "--as", officer.email, "--phase", "preliminary")
    assert "■ 報告者の氏名又は名称\n  株式会社サンプル商事" in out
    assert "■ 再発防止のための措置（実施済みの措置）\n  調査中" in out
    assert "(1) 概要" in out and out.index("(1) 概要") < out.index("(9) その他参考となる事項")


def test_bcc_exposure_of_4500(cli, team, make_incident, org):
    officer, manager, employee = team
    recipients = [{"address": f"student{i}@univ.example", "field": "to", "kind": "unintended"} for i in range(50)]
    inc = make_incident(employee, mistake_type="bcc_exposure", data_items=["name", "email_address"],
                        affected_persons=4500, recipients=recipients, title="学生への一斉送信でアドレスが表示")
    body, f, _ = form_fields(cli, inc.id, officer)
    assert f["item3.persons"]["value"] == "4,500人"
    assert "第4号" in f["situation.grounds"]["value"] and "1,000人を超える" in f["situation.grounds"]["value"]
    assert "BCC欄" in f["item1.event"]["value"] and "他の受信者のメールアドレスが表示される" in f["item1.event"]["value"]
    assert f["item2.items"]["value"] == "氏名、メールアドレス"
    assert "JIPDEC" in f["item9.other"]["value"]  # the P-mark report is named among the other duties


def test_hospital_patient_data(cli, team, make_incident, settings_env):
    settings_env(**{**ORG, "org_kind": "hospital", "org_name": "医療法人サンプル会 サンプル病院", "org_industry": "医療業"})
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=12,
                        title="患者の検査結果を別の患者に送信")
    body, f, _ = form_fields(cli, inc.id, officer)
    assert f["reporter.name"]["value"] == "医療法人サンプル会 サンプル病院"
    assert f["reporter.industry"]["value"] == "医療業"
    assert f["situation.grounds"]["value"].startswith("第1号 要配慮個人情報が含まれる")
    assert f["item2.items"]["value"] == "氏名、病歴・診療情報"
    assert f["item3.persons"]["value"] == "12人"
    assert "本人への通知を準備中" in f["item6.individuals"]["value"]


def test_password_zip_whose_password_followed(cli, team, make_incident, org):
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "credit_card"], affected_persons=30,
                        protection="password_zip", key_exposed=True, mistake_type="wrong_attachment")
    body, f, _ = form_fields(cli, inc.id, officer)
    assert "第2号" in f["situation.grounds"]["value"]
    assert "パスワードを同じ宛先に別のメールで送信" in f["item2.protection"]["value"]
    assert "保護措置として機能していません" in f["item2.protection"]["value"]
    assert "パスワード付きZIP形式" in f["item1.event"]["value"]
    assert f["item2.medium"]["value"] == "電子メール（添付ファイルを含む）"
    assert "財産的被害のおそれ" in f["item5.secondary"]["value"]


def test_final_shows_what_changed_since_the_preliminary(cli, client, auth_headers, team, make_incident, org):
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "medical"], affected_persons=12)
    h = auth_headers(officer)
    r = client.post(f"/api/v1/incidents/{inc.id}/obligations/appi:preliminary/correspondence", headers=h,
                    json={"kind": "submitted", "reference": "PPC-2026-0001"})
    assert r.status_code == 201
    # the investigation found more people and a root cause; a countermeasure was decided
    assert client.patch(f"/api/v1/incidents/{inc.id}", headers=auth_headers(manager),
                        json={"affected_persons": 15}).status_code == 200
    r = client.put(f"/api/v1/incidents/{inc.id}/analysis", headers=auth_headers(manager),
                   json={"causes": [{"text": "宛先の候補表示を確認せずに送信する運用であった", "four_m": "management"}]})
    assert r.status_code == 200, r.text
    body, f, _ = form_fields(cli, inc.id, officer, "--phase", "final")
    assert body["title"] == "個人データの漏えい等報告（確報）" and f["report.kind"]["value"] == "確報"
    assert f["report.reference"]["value"] == "PPC-2026-0001"
    changed = {c["key"]: c for c in body["changes"]}
    assert changed["item3.persons"]["previous"] == "12人" and changed["item3.persons"]["value"] == "15人"
    assert "宛先の候補表示を確認せずに" in changed["item4.cause"]["value"]
    assert f["item3.persons"]["changed"] is True and f["item2.items"]["changed"] is False
    assert "report.kind" not in changed
    code, out, _ = cli("regulator", "export", inc.id, "--as", officer.email, "--phase", "final")
    assert "【速報からの変更点】" in out and "速報：12人" in out and "確報：15人" in out
    api = client.get(f"/api/v1/incidents/{inc.id}/regulator-form?phase=final", headers=h).json()
    assert api["changes"] == body["changes"]


def test_pmark_portal_items(cli, team, make_incident, org):
    officer, manager, employee = team
    inc = make_incident(employee, data_items=["name", "email_address"], affected_persons=1)
    body, f, _ = form_fields(cli, inc.id, officer, "--form", "pmark", "--phase", "final")
    labels = [x["label"] for x in body["sections"][0]["fields"]]
    assert labels == ["報告区分", "事業者名", "業種", "事故の区分", "発生日及び発覚日", "概要", "媒体・項目・件数",
                      "安全管理措置の実施状況", "経過", "発生元", "本人等への対応", "公表", "二次被害", "再発防止策"]
    assert f["pmark.business"]["value"] == "株式会社サンプル商事"
    assert f["pmark.medium_items_count"]["value"] == "媒体：電子メール（添付ファイルを含む）\n項目：氏名、メールアドレス\n件数：1人分"


def test_bad_phase_and_unknown_incident(cli, team, make_incident, org):
    officer, manager, employee = team
    inc = make_incident(employee)
    code, out, err = cli("regulator", "export", inc.id, "--as", officer.email, "--phase", "draft")
    assert code == 1 and "preliminary" in err and "Traceback" not in err
    code, out, err = cli("regulator", "export", 999999, "--as", officer.email)
    assert code == 1
