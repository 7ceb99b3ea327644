"""Detection on the labelled set in labelled_mails.json: every mistake type is found where it is,
and nothing is claimed where it is not (own subdomains and unrelated domains above all)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidents.intake.detect import MISTAKE_TYPES, classify
from incidents.intake.types import Contact, DetectionContext
from incidents.intake.parse import parse_mail

from .corpus import make_mail, people_csv, xlsx

LABELLED = json.loads((Path(__file__).parent / "labelled_mails.json").read_text(encoding="utf-8"))
CASES = LABELLED["cases"]


def _generated(spec):
    return [("", f"person{i:04d}@{spec['domains'][i % len(spec['domains'])]}") for i in range(spec["count"])]


def _attachment(spec):
    name = spec["filename"]
    if "rows" in spec:
        columns = spec.get("columns", ["氏名"])
        if name.endswith(".xlsx"):
            data = xlsx([columns] + [[f"v{i}"] * len(columns) for i in range(spec["rows"])])
            return name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data
        return name, "text/csv", people_csv(spec["rows"], columns=tuple(columns))
    return name, "application/pdf", b"%PDF-1.4 placeholder"


def build_case(case):
    defaults = LABELLED["defaults"]
    kwargs = {
        "to": case.get("to") and [tuple(x) for x in case["to"]] or (_generated(case["to_generated"]) if "to_generated" in case else []),
        "cc": _generated(case["cc_generated"]) if "cc_generated" in case else None,
        "bcc": _generated(case["bcc_generated"]) if "bcc_generated" in case else None,
        "subject": case.get("subject", "ご連絡"),
        "attachments": [_attachment(a) for a in case.get("attachments", [])],
    }
    if "sender" in case:
        kwargs["sender"] = ("送信者", case["sender"])
    if "body" in case:
        kwargs["body"] = case["body"]
    data = make_mail(**kwargs)
    if "to_raw" in case:
        data = data.replace(b"Subject:", b"To: " + _encode_group(case["to_raw"]) + b"\r\nSubject:", 1)
    contacts = tuple(Contact(**{k: v for k, v in c.items()}, **({} if "domain" in c else {"domain": c["address"].split("@")[1]}))
                     for c in case.get("contacts", defaults["contacts"]))
    ctx = DetectionContext(
        own_domains=tuple(case.get("own", defaults["own"])),
        partner_domains=tuple(case.get("partners", defaults["partners"])),
        contacts=contacts,
    )
    return parse_mail(data), ctx


def _encode_group(text):
    from .corpus import b_word

    name, _, rest = text.partition(":")
    return (b_word(name) + ":" + rest).encode("ascii")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_labelled_case(case):
    mail, ctx = build_case(case)
    result = classify(mail, ctx)
    found = {f.type for f in result.findings if f.confidence >= 0.3}
    for expected in case.get("expect", []):
        assert expected in found, f"{case['id']}: {expected} not found in {found}"
    for absent in case.get("absent", []):
        assert absent not in found, f"{case['id']}: unexpected {absent}: " + "; ".join(
            f.evidence_en for f in result.findings if f.type == absent
        )
    if "primary" in case:
        assert result.mistake_type == case["primary"]
    for item in case.get("data_items", []):
        assert item in result.data_items
    for f in result.findings:  # every finding explains itself in both languages
        assert f.evidence_ja and f.evidence_en and 0 < f.confidence <= 1
        assert any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in f.evidence_ja)


def test_every_mistake_type_is_covered_by_the_labelled_set():
    primaries = {c["primary"] for c in CASES if "primary" in c}
    assert primaries == set(MISTAKE_TYPES)


def test_bcc_exposure_counts_people_and_organisations():
    case = next(c for c in CASES if c["id"] == "bcc-lottery-winners-cc")
    mail, ctx = build_case(case)
    [finding] = [f for f in classify(mail, ctx).findings if f.type == "bcc_exposure"]
    assert finding.details["visible_external"] == 43
    # three company domains plus one organisation per private (free-mail) address
    assert finding.details["organizations"] == 3 + sum(1 for i in range(43) if i % 4 == 3)
    assert "43" in finding.evidence_ja and "43" in finding.evidence_en
    assert classify(mail, ctx).affected_persons == 43


def test_lookalike_names_the_intended_domain():
    case = next(c for c in CASES if c["id"] == "lookalike-cyrillic-idn")
    mail, ctx = build_case(case)
    [finding] = [f for f in classify(mail, ctx).findings if f.type == "lookalike_domain"]
    assert finding.details["intended_domain"] == "partner.co.jp"
    assert finding.details["reason"] == "homoglyph"
    assert "キリル" in finding.evidence_ja and "xn--prtner-3nf.co.jp" in finding.evidence_en
    assert finding.confidence >= 0.9
