"""CSV files as people export them: UTF-8 (with or without BOM), Shift_JIS/CP932 from Japanese
Excel, UTF-16 "Unicode text"; comma, tab or semicolon; a header row in Japanese or English."""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from .errors import IntakeInputError

MAX_CSV_BYTES = 25 * 1024 * 1024


def decode_csv(data: bytes) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    for codec in ("utf-8", "cp932", "euc_jis_2004"):
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def _norm(text: str) -> str:
    return re.sub(r"[\s_\-・()（）]", "", unicodedata.normalize("NFKC", text).casefold())


def read_rows(data: bytes, columns: dict[str, tuple[str, ...]], *, max_rows: int) -> tuple[list[dict[str, str]], int]:
    """Rows as {our column: value}. columns maps our name to accepted header spellings.

    Without a recognisable header, the first column holding an '@' is taken as 'address'.
    Returns (rows, number of rows skipped beyond max_rows).
    """
    if len(data) > MAX_CSV_BYTES:
        raise IntakeInputError(
            "csv_too_large", "CSV ファイルが大きすぎます（上限 25 MB）。", "The CSV file is too large (limit 25 MB)."
        )
    text = decode_csv(data).lstrip("\ufeff")
    if not text.strip():
        return [], 0
    sample = text[:4096]
    delimiter = max(",\t;", key=sample.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        first = next(reader)
    except (StopIteration, csv.Error):
        return [], 0
    wanted = {_norm(alias): key for key, aliases in columns.items() for alias in aliases}
    mapping: dict[int, str] = {}
    for idx, head in enumerate(first):
        key = wanted.get(_norm(head))
        if key and key not in mapping.values():
            mapping[idx] = key
    rows: list[dict[str, str]] = []
    pending = []
    if "address" not in mapping.values() and "domain" not in mapping.values():
        at = next((i for i, cell in enumerate(first) if "@" in cell), None)
        if at is None:
            raise IntakeInputError(
                "csv_no_address_column",
                "CSV にメールアドレスの列が見つかりません（見出しに「メールアドレス」または email を入れてください）。",
                "No mail address column in the CSV (name a header 'email' or 'メールアドレス').",
            )
        mapping = {at: "address"}
        pending = [first]
    skipped = 0
    try:
        for row in _chain(pending, reader):
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) >= max_rows:
                skipped += 1
                continue
            rows.append({key: row[idx].strip() for idx, key in mapping.items() if idx < len(row)})
    except csv.Error as exc:
        raise IntakeInputError(
            "csv_malformed", f"CSV の形式が壊れています（{exc}）。", f"The CSV is malformed ({exc})."
        ) from exc
    return rows, skipped


def _chain(first_rows, reader):
    yield from first_rows
    yield from reader
