"""Reads the labelled set: texts with {{kind|text}} markers -> plain text + gold spans."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from incidents.nearmiss.anonymize import Anonymized, Anonymizer, Kind
from incidents.nearmiss.anonymize.types import COARSENED

SET_PATH = Path(__file__).with_name("labelled_set.json")
MARK = re.compile(r"\{\{(?P<kind>[a-z_]+)\|(?P<text>.*?)\}\}")


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    kind: Kind
    text: str


@dataclass
class Case:
    id: str
    text: str
    gold: list[Gold]
    record: dict | None


def parse(marked: str) -> tuple[str, list[Gold]]:
    out, gold, pos, length = [], [], 0, 0
    for m in MARK.finditer(marked):
        out.append(marked[pos:m.start()])
        length += m.start() - pos
        value = m.group("text")
        gold.append(Gold(length, length + len(value), Kind(m.group("kind")), value))
        out.append(value)
        length += len(value)
        pos = m.end()
    out.append(marked[pos:])
    return "".join(out), gold


HELD_OUT_PATH = Path(__file__).with_name("heldout_set.json")


def load(path: Path = SET_PATH) -> list[Case]:
    data = json.loads(path.read_text(encoding="utf-8"))
    cases = []
    for c in data["cases"]:
        text, gold = parse(c["text"])
        cases.append(Case(c["id"], text, gold, c.get("record")))
    return cases


def missed(case: Case, result: Anonymized) -> list[str]:
    """Gold spans not wholly covered by replacements, or label-kind values still in the output."""
    covered = [(r.source_start, r.source_end) for r in result.replacements]
    problems = []
    for g in case.gold:
        pos = g.start
        for s, e in sorted(covered):
            if s <= pos < e:
                pos = e
        if pos < g.end:
            problems.append(f"{case.id}: {g.kind} {g.text!r} not covered (left {case.text[pos:g.end]!r})")
        elif g.kind not in COARSENED and g.text.casefold() in result.text.casefold():
            problems.append(f"{case.id}: {g.kind} {g.text!r} still in the output")
    return problems


def run(case: Case) -> Anonymized:
    return Anonymizer(case.record).anonymize(case.text)
