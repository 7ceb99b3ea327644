"""Reading the org chart HR exports: CSV (UTF-8 with or without BOM, or Shift_JIS/CP932) or XLSX, one row per
person, English or Japanese headers. Reading only: what the rows mean is decided in `orgimport`."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from functools import cache

from incidents.errors import InvalidInput
from incidents.i18n import N_
from incidents.people.labels import LOCALES, ROLES
from incidents.people.models import Role

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000

# column -> the headers that name it (compared after stripping and lower-casing)
HEADERS: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "mail", "メールアドレス", "メール"),
    "name": ("name", "display_name", "氏名", "名前"),
    "department": ("department", "部署", "所属"),
    "parent_department": ("parent_department", "上位部署", "親部署"),
    "role": ("role", "roles", "役割", "権限"),
    "manager_email": ("manager_email", "manager", "上司メールアドレス", "上司"),
    "locale": ("locale", "language", "言語"),
    "active": ("active", "有効"),
}
REQUIRED = ("email", "name", "department")
# Role names HR files use besides the labels (管理者 alone usually means the system's administrator)
ROLE_WORDS = {"従業員": "employee", "社員": "employee", "一般": "employee", "一般社員": "employee", "職員": "employee",
              "管理職": "manager", "上長": "manager", "マネージャー": "manager", "所属長": "manager",
              "個人情報保護管理者": "officer", "保護責任者": "officer", "officer": "officer", "privacy officer": "officer",
              "管理者": "admin", "システム管理者": "admin", "administrator": "admin"}
_TRUE = {"", "1", "true", "yes", "y", "t", "active", "はい", "有効", "○", "〇", "◯"}
_FALSE = {"0", "false", "no", "n", "f", "inactive", "いいえ", "無効", "×", "✕", "退職", "休職"}


@dataclass(frozen=True)
class OrgRow:
    line: int  # the line (CSV) or row (XLSX) of the file, the header being 1
    email: str
    name: str
    department: str
    parent_department: str
    roles: str  # comma-separated role codes
    manager_email: str
    locale: str
    active: bool


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")  # Shift_JIS as Windows writes it (a superset of Shift_JIS)
    except UnicodeDecodeError:
        raise InvalidInput(N_("the file is neither UTF-8 nor Shift_JIS text")) from None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\x00", "").strip()


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise InvalidInput(N_("the workbook cannot be read (is it an .xlsx file?)")) from None
    try:
        sheet = book.worksheets[0]
        return [(i, [_cell(v) for v in row]) for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            rows.append((start, [_cell(c) for c in row]))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(N_("line %(line)s: the CSV cannot be read (%(why)s)"), line=start, why=str(exc)) from None
    return rows


def _header_map(header: list[str]) -> dict[str, int]:
    names = {alias: column for column, aliases in HEADERS.items() for alias in aliases}
    found: dict[str, int] = {}
    for i, text in enumerate(header):
        column = names.get(text.strip().lstrip("\ufeff").lower())
        if column is None and text.strip():
            raise InvalidInput(N_("line 1: unknown column %(name)s"), name=text.strip())
        if column is not None:
            if column in found:
                raise InvalidInput(N_("line 1: the column %(name)s appears twice"), name=text.strip())
            found[column] = i
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise InvalidInput(N_("line 1: missing columns: %(names)s"), names=", ".join(missing))
    return found


@cache
def _role_words() -> dict[str, str]:
    return {label.lower(): code for loc in ("ja", "en") for code, label in ROLES.options(loc)} | ROLE_WORDS


def _roles(text: str, line: int) -> str:
    codes: list[str] = []
    by_label = _role_words()
    for part in text.replace("、", ",").replace(";", ",").replace("|", ",").replace("/", ",").split(","):
        part = part.strip()
        if not part:
            continue
        code = part.lower() if part.lower() in Role.__members__ else by_label.get(part.lower())
        if code is None:
            raise InvalidInput(N_("line %(line)s: unknown role %(role)s"), line=line, role=part)
        if code not in codes:
            codes.append(code)
    return ",".join(codes)  # empty: keep the person's roles (a new person is an employee)


def _locale(text: str, line: int) -> str:
    if not text:
        return ""
    low = text.lower()
    if low in ("ja", "en"):
        return low
    for loc in ("ja", "en"):
        for code, label in LOCALES.options(loc):
            if low == label.lower():
                return code
    raise InvalidInput(N_("line %(line)s: unknown language %(value)s (ja or en)"), line=line, value=text)


def _active(text: str, line: int) -> bool:
    low = text.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise InvalidInput(N_("line %(line)s: active must be yes or no, not %(value)s"), line=line, value=text)


def read_rows(data: bytes, filename: str = "") -> list[OrgRow]:
    """The rows of an org-chart file (.csv or .xlsx, recognised by content)."""
    if len(data) > MAX_BYTES:
        raise InvalidInput(N_("the file is too large (at most %(mb)s MB)"), mb=MAX_BYTES // (1024 * 1024))
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise InvalidInput(N_("the workbook cannot be read (is it an .xlsx file?)"))
        raw = _xlsx_rows(data)
    else:
        raw = _csv_rows(_decode(data))
    raw = [(line, cells) for line, cells in raw if any(cells)]
    if not raw:
        raise InvalidInput(N_("the file is empty"))
    if len(raw) > MAX_ROWS + 1:
        raise InvalidInput(N_("the file has more than %(n)s rows"), n=MAX_ROWS)
    columns = _header_map(raw[0][1])
    rows: list[OrgRow] = []
    for line, cells in raw[1:]:
        def get(column: str) -> str:
            i = columns.get(column)
            return cells[i] if i is not None and i < len(cells) else ""

        for column in REQUIRED:
            if not get(column):
                raise InvalidInput(N_("line %(line)s: %(column)s is empty"), line=line, column=column)
        rows.append(OrgRow(
            line=line, email=get("email"), name=get("name")[:200], department=get("department")[:200],
            parent_department=get("parent_department")[:200], roles=_roles(get("role"), line),
            manager_email=get("manager_email"), locale=_locale(get("locale"), line), active=_active(get("active"), line),
        ))
    return rows
