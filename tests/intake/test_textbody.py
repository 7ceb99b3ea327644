"""The body as text and the drafted summary (greeting, quotes and signature left out)."""

from __future__ import annotations

from incidents.intake.textbody import draft_summary, html_to_text


def test_html_is_reduced_to_text_without_scripts_or_styles():
    html = "<html><head><style>p{}</style><script>alert(1)</script></head><body><p>山田様</p><p>資料&amp;見積</p></body></html>"
    assert html_to_text(html) == "山田様\n\n資料&見積"


def test_summary_skips_greeting_and_stops_at_quote_or_signature():
    body = (
        "株式会社サンプル\n山田様\n\nいつもお世話になっております。\n"
        "11月分の請求書をお送りします。\nご確認ください。\n\n--\n鈴木\n"
        "> 前回のメール\n"
    )
    summary = draft_summary("請求書", body, ["請求書.pdf", "明細.csv", "a.txt", "b.txt"])
    assert summary.startswith("11月分の請求書をお送りします。")
    assert "鈴木" not in summary and "前回のメール" not in summary
    assert summary.endswith("（添付: 請求書.pdf、明細.csv、a.txt ほか）")


def test_summary_is_short_and_falls_back_to_the_subject():
    assert len(draft_summary("s", "あ" * 1000, [], max_chars=200)) == 200
    assert draft_summary("件名だけ", "", []) == "件名だけ"
    assert draft_summary("Invoice", "Dear Ms Sato,\nPlease find the invoice.\n", ["inv.pdf"], locale="en") == (
        "Please find the invoice. (attachments: inv.pdf)"
    )
