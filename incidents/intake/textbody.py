"""The body as text (HTML stripped) and a short, editable summary drafted from it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP_TAGS = {"script", "style", "head", "title"}
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table", "blockquote"}
_GREETING = re.compile(
    r"^(いつも|お世話になって|お疲れ様|おつかれさま|平素|拝啓|前略|"
    r"(dear|hi|hello)\b|.{0,40}(様|御中|各位|さん|殿)[、,]?$)",
    re.I,
)
_ADDRESS_BLOCK = re.compile(r"(株式会社|有限会社|合同会社|\(株\)|㈱|御中|各位|ご担当者様)")
_SIGNATURE = re.compile(r"^(--\s*|_{5,}|-{5,}|={5,}|━{3,}|─{3,}|＿{3,}|-----original message-----)$", re.I)
_QUOTE_HEAD = re.compile(r"^(>|＞|on .+wrote:$|.+さんは書きました|-+ ?original message|-+ ?元のメッセージ)", re.I)


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag in _SKIP_TAGS and self.skip:
            self.skip -= 1
        elif tag in _BLOCK_TAGS:
            self.out.append("\n")

    def handle_data(self, data):  # noqa: ANN001
        if not self.skip:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _Stripper()
    try:
        parser.feed(html[: 2 * 1024 * 1024])
        parser.close()
    except Exception:  # noqa: BLE001 - HTMLParser is lenient; keep what we have
        pass
    text = "".join(parser.out)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def draft_summary(
    subject: str, body: str, attachment_names: list[str], *, max_chars: int = 200, locale: str = "ja"
) -> str:
    """A few meaningful body lines (no greeting, quote or signature), for the user to edit."""
    lines: list[str] = []
    for index, raw in enumerate(body.splitlines()[:400]):
        line = raw.strip().replace("\u3000", " ").strip()
        if not line:
            continue
        if _SIGNATURE.match(line) or _QUOTE_HEAD.match(line):
            break
        if index < 6 and (_GREETING.match(line) or _ADDRESS_BLOCK.search(line)) and len(lines) < 2:
            continue  # the opening: addressee, company name, set greeting
        lines.append(line)
        if sum(len(x) for x in lines) >= max_chars:
            break
    text = " ".join(lines)
    if len(text) > max_chars:
        text = text[: max_chars - 1].rstrip() + "…"
    if not text:
        text = subject
    if attachment_names:
        if locale == "en":
            shown = ", ".join(attachment_names[:3]) + (" and more" if len(attachment_names) > 3 else "")
            text = f"{text} (attachments: {shown})" if text else f"Attachments: {shown}"
        else:
            shown = "、".join(attachment_names[:3]) + (" ほか" if len(attachment_names) > 3 else "")
            text = f"{text}（添付: {shown}）" if text else f"添付: {shown}"
    return text
