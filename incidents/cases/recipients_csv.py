"""Recipients from a CSV file (an export of the list used, a spreadsheet): UTF-8 (with or without BOM) or
Shift_JIS/CP932 as Excel writes it in Japan. Headers in English or Japanese."""

from __future__ import annotations

import csv
import io

from pydantic import ValidationError

from incidents.cases.schemas import RecipientIn
from incidents.errors import InvalidInput

HEADERS = {
    "address": {"address", "email", "e-mail", "mail", "email_address", "メールアドレス", "アドレス", "メール"},
    "name": {"name", "display_name", "氏名", "名前", "宛名"},
    "organization": {"organization", "organisation", "company", "組織", "会社", "会社名", "所属"},
    "field": {"field", "header", "宛先種別", "種別"},
    "kind": {"kind", "区分"},
}
FIELD_WORDS = {"to": "to", "cc": "cc", "bcc": "bcc", "宛先": "to"}
KIND_WORDS = {"unintended": "unintended", "intended": "intended", "誤送信先": "unintended", "本来の宛先": "intended"}


def decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp932"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InvalidInput("the CSV file is neither UTF-8 nor Shift_JIS")


def parse_recipients_csv(data: bytes | str, *, default_kind: str = "unintended") -> list[RecipientIn]:
    text = decode(data) if isinstance(data, bytes) else data
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput("the CSV file is empty") from None
    except csv.Error as exc:
        raise InvalidInput(f"unreadable CSV: {exc}") from None
    columns: dict[str, int] = {}
    for i, h in enumerate(header):
        key = h.strip().lower()
        for name, words in HEADERS.items():
            if key in words and name not in columns:
                columns[name] = i
    if "address" not in columns:
        raise InvalidInput("the CSV needs an 'address' (or メールアドレス) column")
    out: list[RecipientIn] = []
    try:
        for line, row in enumerate(reader, start=2):
            if not any(c.strip() for c in row):
                continue

            def cell(name: str) -> str | None:
                i = columns.get(name)
                return row[i].strip() or None if i is not None and i < len(row) else None

            field = FIELD_WORDS.get((cell("field") or "to").lower(), (cell("field") or "to").lower())
            kind = KIND_WORDS.get((cell("kind") or default_kind).lower(), (cell("kind") or default_kind).lower())
            try:
                out.append(RecipientIn(address=cell("address") or "", name=cell("name"),
                                       organization=cell("organization"), field=field, kind=kind))
            except ValidationError as exc:
                err = exc.errors()[0]
                loc = ".".join(str(x) for x in err["loc"])
                raise InvalidInput(f"CSV line {line}: {loc}: {err['msg']}") from None
    except csv.Error as exc:
        raise InvalidInput(f"unreadable CSV: {exc}") from None
    return out
