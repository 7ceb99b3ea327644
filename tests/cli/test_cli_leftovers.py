"""The CLI's promises to a newcomer: `report --example` prints a complete example that `report --file`
accepts (the same as docs/report-file.md), every bad field named by its label and key (never «and 5 more»),
`deletion import` names every rejected line and exits 1 when nothing was recorded."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_report_example_is_complete_documented_and_accepted(cli, make_user, tmp_path):
    user = make_user(locale="ja")
    code, out, err = cli("report", "--example")
    assert code == 0, err
    example = json.loads(out)
    doc = (ROOT / "docs" / "report-file.md").read_text(encoding="utf-8")
    documented = json.loads(re.search(r"```json\n(.*?)\n```", doc, re.S).group(1))
    assert documented == example  # the docs show the very example the command prints
    assert "incidents report --file" in doc and "--example" in doc
    for key in ("title", "mistake_type", "discovery_method", "sent_at", "discovered_at", "message", "recipients",
                "data_items", "affected_persons", "protection", "key_exposed", "improper_purpose", "jurisdictions"):
        assert key in example, key
    path = tmp_path / "incident.json"
    path.write_text(out, encoding="utf-8")
    code, out, err = cli("report", "--file", str(path), "--as", user.email, "--json")
    assert code == 0, err
    assert json.loads(out)["title"] == example["title"]


def test_every_bad_field_is_named_by_label_and_key(cli, make_user, tmp_path):
    user = make_user(locale="ja")
    bad = {"title": "", "mistake_type": "typo", "discovery_method": "psychic", "sent_at": "yesterday-ish",
           "discovered_at": "soon", "affected_persons": -3, "protection": "magic", "data_items": ["aura"],
           "recipients": [{"address": f"bad{i}", "kind": "unintended"} for i in range(30)]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    code, out, err = cli("report", "--file", str(path), "--as", user.email)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    for key in ("mistake_type", "discovery_method", "sent_at", "discovered_at", "affected_persons", "protection",
                "data_items", "recipients"):
        assert f"({key}" in err, (key, err)
    assert "誤送信の種類 (mistake_type)" in err
    assert "ほか" not in err and "more" not in err  # nothing left out behind a count
    assert "30件" in err  # the same problem in 30 recipients is said once, with how many


def test_deletion_import_names_every_rejected_line_and_exits_1_when_all_were(cli, make_user, make_incident, tmp_path):
    manager = make_user("manager")
    employee = make_user("employee", manager=manager)
    inc = make_incident(employee, recipients=[{"address": f"p{i}@x.example", "kind": "unintended"} for i in range(3)])
    assert cli("decide", inc.id, "--note", "削除を依頼", "--as", manager.email)[0] == 0
    lines = ["address,opened"] + [f"stranger{i}@x.example,no" for i in range(150)] + ["p0@x.example,maybe"]
    csv_file = tmp_path / "returns.csv"
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = cli("deletion", "import", inc.id, str(csv_file), "--as", employee.email)
    assert code == 1, (out, err)
    rejected = [line for line in err.splitlines() if "行目" in line]
    assert len(rejected) == 151, (out, err[:3000])  # every line, none summarised away
    assert "2行目：stranger0@x.example はこの事案の誤送信先ではありません" in err
    assert "152行目" in err and "maybe" in err
    code, out, err = cli("deletion", "import", inc.id, str(csv_file), "--as", employee.email, "--json")
    assert code == 1 and json.loads(out)["skipped"] == 151 and len(json.loads(out)["errors"]) == 151
    # one good line among them: recorded, exit 0, the others still named
    csv_file.write_text("address,opened\np1@x.example,no\nnobody@x.example,no\n", encoding="utf-8")
    code, out, err = cli("deletion", "import", inc.id, str(csv_file), "--as", employee.email)
    assert code == 0 and "nobody@x.example" in err


def test_usage_errors_are_one_line_in_the_users_language(cli, make_user):
    user = make_user(locale="ja")
    cases = {("list", "--as", user.email, "--bogus"): "--bogus というオプションはありません",
             ("list", "--as", user.email, "--status"): "--status には値を指定してください",
             ("deletion", "import", "--as", user.email, "1"): "FILE を指定してください",
             ("show", "--as", user.email, "1", "2"): "引数が多すぎます：2",
             ("frobnicate",): "frobnicate というコマンドはありません"}
    for args, expected in cases.items():
        code, out, err = cli(*args)
        assert code == 1 and expected in err, (args, err)
        assert "予期しない" not in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_a_step_is_done_by_the_number_steps_shows(cli, make_user, make_incident):
    manager = make_user("manager")
    employee = make_user("employee", manager=manager)
    inc = make_incident(employee)
    code, out, err = cli("steps", str(inc.id), "--as", employee.email, "--json")
    containment = next(s for s in json.loads(out) if s["key"] == "containment")
    code, out, err = cli("steps", str(inc.id), "--as", employee.email, env={"COLUMNS": "300"})
    assert code == 0 and "containment" not in out and f"│ {containment['id']} " in out.replace("┃", "│")
    code, out, err = cli("step", "done", str(inc.id), str(containment["id"]), "--note", "送信取消済み", "--as", employee.email)
    assert code == 0, err
    code, out, err = cli("steps", str(inc.id), "--as", employee.email, "--json")
    assert next(s for s in json.loads(out) if s["key"] == "containment")["status"] == "done"
    code, out, err = cli("step", "done", str(inc.id), "999999", "--as", employee.email)
    assert code == 1 and "番号 999999 の手順はありません" in err
