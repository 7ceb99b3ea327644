"""The org chart from HR: `incidents org import`, the API and the page, on a migrated database."""

from __future__ import annotations

import io
import json

from openpyxl import Workbook
from sqlalchemy import func, select

from incidents.audit.models import AuditEvent
from incidents.cases.access import can_view
from incidents.cases.models import Incident
from incidents.db import session_scope
from incidents.people.models import Department, User, UserSession
from tests.pages import HTML, csrf_of, login

HEAD = "email,name,department,parent_department,role,manager_email,locale,active\n"
BASIC = HEAD + (
    "boss@example.co.jp,社長 一郎,本社,,manager,,ja,true\n"
    "mgr@example.co.jp,課長 次郎,営業部,本社,manager,boss@example.co.jp,ja,yes\n"
    "emp@example.co.jp,社員 花子,営業一課,営業部,employee,mgr@example.co.jp,en,1\n"
)


def write(tmp_path, text: str, name: str = "org.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def users_json(cli) -> dict[str, dict]:
    code, out, err = cli("users", "list", "--json")
    assert code == 0, err
    return {u["email"]: u for u in json.loads(out)}


def test_import_adds_people_departments_and_managers_then_the_same_file_changes_nothing(cli, tmp_path):
    path = write(tmp_path, BASIC)
    code, out, err = cli("--lang", "en", "org", "import", path, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert sorted(report["added"]) == ["boss@example.co.jp", "emp@example.co.jp", "mgr@example.co.jp"]
    assert sorted(report["departments_added"]) == ["営業一課", "営業部", "本社"]
    users = users_json(cli)
    assert users["emp@example.co.jp"]["manager"] == "mgr@example.co.jp"
    assert users["mgr@example.co.jp"]["manager"] == "boss@example.co.jp"
    assert users["boss@example.co.jp"]["manager"] is None
    assert users["emp@example.co.jp"]["locale"] == "en" and users["mgr@example.co.jp"]["roles"] == ["manager"]
    with session_scope(write=False) as s:
        depts = {d.name: d for d in s.execute(select(Department)).scalars()}
        assert depts["営業一課"].parent_id == depts["営業部"].id and depts["営業部"].parent_id == depts["本社"].id
        events = s.execute(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "org.imported")).scalar()
    assert events == 1

    code, out, err = cli("--lang", "en", "org", "import", path)
    assert code == 0, err
    assert "nothing to change" in out
    with session_scope(write=False) as s:
        assert s.execute(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "org.imported")).scalar() == 1


def test_changes_are_reported_and_a_dry_run_saves_nothing(cli, tmp_path):
    cli("org", "import", write(tmp_path, BASIC))
    changed = BASIC.replace("社員 花子,営業一課,営業部,employee,mgr@example.co.jp,en,1",
                            "社員 花子,本社,,manager,boss@example.co.jp,ja,1")
    path = write(tmp_path, changed, "changed.csv")
    code, out, err = cli("--lang", "en", "org", "import", path, "--dry-run", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["dry_run"] and [c["email"] for c in report["changed"]] == ["emp@example.co.jp"]
    assert report["changed"][0]["changes"] == {"department": ["営業一課", "本社"], "roles": ["employee", "manager"],
                                               "manager": ["mgr@example.co.jp", "boss@example.co.jp"],
                                               "locale": ["en", "ja"]}
    assert users_json(cli)["emp@example.co.jp"]["department"] == "営業一課"  # nothing saved
    code, out, err = cli("--lang", "en", "org", "import", path)
    assert code == 0 and "1 changed" in out and "Manager:" in out and "Employee → Manager" in " ".join(out.split()), out
    assert users_json(cli)["emp@example.co.jp"]["manager"] == "boss@example.co.jp"


def test_a_cycle_of_managers_is_refused_with_its_line(cli, tmp_path):
    text = HEAD + ("a@example.co.jp,A,X,,manager,c@example.co.jp,ja,1\n"
                   "b@example.co.jp,B,X,,manager,a@example.co.jp,ja,1\n"
                   "c@example.co.jp,C,X,,manager,b@example.co.jp,ja,1\n")
    code, out, err = cli("--lang", "en", "org", "import", write(tmp_path, text))
    assert code == 1
    assert "line 2: managers form a cycle" in err and "a@example.co.jp" in err and "→" in err
    assert users_json(cli) == {}  # nothing written
    code, _, err = cli("--lang", "en", "org", "import", write(tmp_path, HEAD + "a@example.co.jp,A,X,,,a@example.co.jp,,\n"))
    assert code == 1 and "line 2: managers form a cycle" in err


def test_a_department_moved_in_the_tree_is_reported(cli, tmp_path):
    cli("org", "import", write(tmp_path, BASIC))
    moved = BASIC.replace("営業一課,営業部,employee", "営業一課,本社,employee")
    code, out, err = cli("--lang", "en", "org", "import", write(tmp_path, moved, "moved.csv"))
    assert code == 0 and "Department moved" in out and "営業部 → 本社" in " ".join(out.split()), out


def test_a_cycle_of_departments_is_refused_with_its_line(cli, tmp_path):
    text = HEAD + ("a@example.co.jp,A,営業部,本社,,,ja,1\n"
                   "b@example.co.jp,B,本社,営業部,,,ja,1\n")
    code, _, err = cli("--lang", "en", "org", "import", write(tmp_path, text))
    assert code == 1 and "line 2: departments form a cycle" in err, err


def test_an_unknown_manager_is_refused_with_its_line_in_japanese_too(cli, tmp_path):
    text = BASIC + "new@example.co.jp,新人,営業一課,,,nobody@example.co.jp,,\n"
    code, _, err = cli("--lang", "en", "org", "import", write(tmp_path, text))
    assert code == 1 and "line 5: unknown manager nobody@example.co.jp" in err, err
    code, _, err = cli("--lang", "ja", "org", "import", write(tmp_path, text))
    assert code == 1 and "5行目" in err and "nobody@example.co.jp" in err, err
    assert users_json(cli) == {}


def test_an_existing_person_may_be_named_as_manager_but_not_one_the_file_prunes(cli, tmp_path, make_user):
    make_user("manager", email="old@example.co.jp")
    text = HEAD + "x@example.co.jp,X,営業部,,,old@example.co.jp,,\n"
    code, _, err = cli("--lang", "en", "org", "import", write(tmp_path, text), "--prune")
    assert code == 1 and "line 2: the manager old@example.co.jp is not in the file" in err, err
    code, _, err = cli("org", "import", write(tmp_path, text))
    assert code == 0, err
    assert users_json(cli)["x@example.co.jp"]["manager"] == "old@example.co.jp"


def test_shift_jis_with_japanese_headers(cli, tmp_path):
    text = ("メールアドレス,氏名,部署,上位部署,役割,上司メールアドレス,言語,有効\r\n"
            "sato@example.co.jp,佐藤 太郎,総務部,本社,管理職,,日本語,有効\r\n"
            "suzuki@example.co.jp,鈴木 花子,総務部,本社,従業員,sato@example.co.jp,英語,はい\r\n"
            "takahashi@example.co.jp,髙橋 一,総務部,本社,,sato@example.co.jp,,無効\r\n")
    path = write(tmp_path, text, "org_sjis.csv", "cp932")
    code, out, err = cli("org", "import", path, "--json")
    assert code == 0, err
    users = users_json(cli)
    assert users["sato@example.co.jp"]["display_name"] == "佐藤 太郎"
    assert users["takahashi@example.co.jp"]["display_name"] == "髙橋 一"  # a CP932 extension character
    assert users["suzuki@example.co.jp"]["manager"] == "sato@example.co.jp"
    assert users["suzuki@example.co.jp"]["locale"] == "en"
    assert users["takahashi@example.co.jp"]["active"] is False
    assert json.loads(out)["deactivated"] == ["takahashi@example.co.jp"]


def test_utf8_with_bom(cli, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + BASIC.encode())
    code, _, err = cli("org", "import", str(path))
    assert code == 0, err
    assert set(users_json(cli)) == {"boss@example.co.jp", "mgr@example.co.jp", "emp@example.co.jp"}


def xlsx(rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx(cli, tmp_path):
    data = xlsx([["メールアドレス", "氏名", "部署", "上位部署", "役割", "上司メールアドレス", "言語", "有効"],
                 ["boss@example.co.jp", "社長", "本社", None, "manager", None, "ja", True],
                 ["emp@example.co.jp", "社員", "開発部", "本社", None, "boss@example.co.jp", None, 1]])
    path = tmp_path / "org.xlsx"
    path.write_bytes(data)
    code, out, err = cli("org", "import", str(path), "--json")
    assert code == 0, err
    assert len(json.loads(out)["added"]) == 2
    users = users_json(cli)
    assert users["emp@example.co.jp"]["manager"] == "boss@example.co.jp"
    assert users["emp@example.co.jp"]["roles"] == ["employee"]
    code, out, _ = cli("org", "import", str(path), "--json")
    assert json.loads(out)["has_changes"] is False


def test_bad_files_are_one_line(cli, tmp_path):
    code, _, err = cli("--lang", "en", "org", "import", write(tmp_path, "email,name\nx@example.co.jp,X\n"))
    assert code == 1 and "line 1: missing columns: department" in err
    code, _, err = cli("--lang", "en", "org", "import", write(tmp_path, HEAD + "x@example.co.jp,X,D,,wizard,,,\n"))
    assert code == 1 and "line 2: unknown role wizard" in err
    code, _, err = cli("--lang", "en", "org", "import", write(tmp_path, HEAD + "not-an-address,X,D,,,,,\n"))
    assert code == 1 and "line 2:" in err
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    code, _, err = cli("--lang", "en", "org", "import", str(bad))
    assert code == 1 and "cannot be read" in err and "Traceback" not in err


def test_prune_deactivates_the_missing_and_moves_their_reports_and_incidents_up(cli, tmp_path, make_incident):
    cli("org", "import", write(tmp_path, BASIC))
    with session_scope() as s:
        emp = s.execute(select(User).where(User.email == "emp@example.co.jp")).scalar_one()
        mgr = s.execute(select(User).where(User.email == "mgr@example.co.jp")).scalar_one()
    incident = make_incident(emp)
    with session_scope() as s:
        from incidents.people.sessions import open_session

        open_session(s, user=s.get(User, mgr.id), method="password", ip="", user_agent="")
    # the section manager leaves: the file no longer lists them
    without = "\n".join(line for line in BASIC.splitlines() if not line.startswith("mgr@")) + "\n"
    without = without.replace("mgr@example.co.jp,en", "boss@example.co.jp,en")
    code, out, err = cli("org", "import", write(tmp_path, without, "pruned.csv"), "--prune", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["deactivated"] == ["mgr@example.co.jp"]
    users = users_json(cli)
    assert users["mgr@example.co.jp"]["active"] is False  # kept, with their history
    assert users["emp@example.co.jp"]["manager"] == "boss@example.co.jp"
    with session_scope(write=False) as s:
        boss = s.execute(select(User).where(User.email == "boss@example.co.jp")).scalar_one()
        assert can_view(s, boss, s.get(Incident, incident.id))
        assert s.execute(select(UserSession).where(UserSession.user_id == mgr.id,
                                                   UserSession.revoked_at.is_(None))).first() is None
    code, out, _ = cli("org", "import", write(tmp_path, without, "pruned.csv"), "--prune", "--json")
    assert json.loads(out)["has_changes"] is False


def test_a_person_whose_manager_is_marked_inactive_moves_to_the_next_manager_up(cli, tmp_path):
    text = BASIC.replace("mgr@example.co.jp,ja,yes", "mgr@example.co.jp,ja,no").replace(
        "課長 次郎,営業部,本社,manager,boss@example.co.jp,ja,yes", "課長 次郎,営業部,本社,manager,boss@example.co.jp,ja,no")
    code, out, err = cli("org", "import", write(tmp_path, text), "--json")
    assert code == 0, err
    users = users_json(cli)
    assert users["mgr@example.co.jp"]["active"] is False
    assert users["emp@example.co.jp"]["manager"] == "boss@example.co.jp"
    code, out, _ = cli("org", "import", write(tmp_path, text), "--json")
    assert json.loads(out)["has_changes"] is False


def test_many_people_in_many_departments_twice_and_pruned(cli, tmp_path):
    from bench.bench_org_import import org_csv

    text = org_csv(people=5000, departments=300)
    path = write(tmp_path, text)
    code, out, err = cli("org", "import", path, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert len(report["added"]) == 5000 and len(report["departments_added"]) == 300
    with session_scope(write=False) as s:
        assert s.execute(select(func.count()).select_from(User).where(User.manager_id.is_not(None))).scalar() == 4999
    code, out, err = cli("org", "import", path, "--json")
    assert code == 0 and json.loads(out)["has_changes"] is False
    fewer = "\n".join(text.splitlines()[:-100]) + "\n"  # the last 100 people leave
    code, out, err = cli("org", "import", write(tmp_path, fewer, "fewer.csv"), "--prune", "--json")
    assert code == 0, err
    assert len(json.loads(out)["deactivated"]) == 100
    code, out, err = cli("org", "import", write(tmp_path, fewer, "fewer.csv"), "--prune", "--json")
    assert json.loads(out)["has_changes"] is False


def test_admins_import_through_the_api_and_employees_cannot(client, make_user, auth_headers):
    admin = make_user("admin")
    employee = make_user("employee")
    files = {"file": ("org.csv", BASIC.encode(), "text/csv")}
    r = client.post("/api/v1/org/import?dry_run=true", files=files, headers=auth_headers(admin))
    assert r.status_code == 200, r.text
    assert r.json()["dry_run"] and len(r.json()["added"]) == 3
    r = client.post("/api/v1/org/import", files=files, headers=auth_headers(admin))
    assert r.status_code == 200 and len(r.json()["added"]) == 3
    r = client.post("/api/v1/org/import", files=files, headers=auth_headers(employee))
    assert r.status_code == 403
    bad = {"file": ("org.csv", (HEAD + "a@example.co.jp,A,X,,,a@example.co.jp,,\n").encode(), "text/csv")}
    r = client.post("/api/v1/org/import", files=bad, headers=auth_headers(admin))
    assert r.status_code == 422 and "line 2" in r.json()["detail"]


def test_an_admin_who_is_not_an_officer_cannot_grant_the_officer_role_by_import(client, make_user, auth_headers):
    admin = make_user("admin")
    files = {"file": ("org.csv", (HEAD + "x@example.co.jp,X,D,,officer,,,\n").encode(), "text/csv")}
    r = client.post("/api/v1/org/import", files=files, headers=auth_headers(admin))
    assert r.status_code == 403
    with session_scope(write=False) as s:
        assert s.execute(select(User).where(User.email == "x@example.co.jp")).first() is None


def test_the_page_previews_then_imports(client, make_user):
    admin = make_user("admin", locale="ja")
    login(client, admin)
    page = client.get("/admin/org", headers=HTML)
    assert page.status_code == 200 and "組織" in page.text
    token = csrf_of(page.text)
    files = {"file": ("org.csv", BASIC.encode(), "text/csv")}
    r = client.post("/admin/org", data={"csrf_token": token, "dry_run": "1"}, files=files, headers=HTML)
    assert r.status_code == 200 and "emp@example.co.jp" in r.text
    with session_scope(write=False) as s:
        assert s.execute(select(User).where(User.email == "emp@example.co.jp")).first() is None
    r = client.post("/admin/org", data={"csrf_token": token}, files=files, headers=HTML)
    assert r.status_code == 200
    with session_scope(write=False) as s:
        assert s.execute(select(User).where(User.email == "emp@example.co.jp")).first() is not None
    bad = {"file": ("org.csv", (HEAD + "a@example.co.jp,A,X,,,zz@example.co.jp,,\n").encode(), "text/csv")}
    r = client.post("/admin/org", data={"csrf_token": token}, files=bad, headers=HTML)
    assert r.status_code == 422 and "zz@example.co.jp" in r.text
