"""Charts as plain geometry for server-rendered inline SVG (no script, no inline style: CSP-safe).

Each function returns a dict the template draws with <rect>/<line>/<text>; colours come from classes in
app.css (`.c0`..`.c6`), so the picture follows the page's palette and prints well.
"""

from __future__ import annotations

import unicodedata
from typing import Any

WIDTH = 640
HEIGHT = 220
LEFT = 44
BOTTOM = 28
TOP = 12


def _nice_max(value: float) -> float:
    """The smallest 4 x (1, 2 or 5 x 10^k) at or above value: four round grid steps."""
    for exp in range(0, 15):
        for m in (1, 2, 5):
            if m * 10**exp * 4 >= value:
                return m * 10**exp * 4
    return value


def _ticks(top: float, n: int = 4) -> list[float]:
    return [top * i / n for i in range(n + 1)]


def stacked_bars(months: list[str], data: dict[str, dict[str, int]], series: list[tuple[str, str]]) -> dict[str, Any]:
    """Months on x, one stacked bar per month, a segment per series (code, label)."""
    totals = [sum(data.get(m, {}).values()) for m in months]
    top = _nice_max(max(totals, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - 8) / max(1, len(months))
    bar_w = min(48, slot * 0.6)
    bars = []
    for i, m in enumerate(months):
        x = LEFT + slot * i + (slot - bar_w) / 2
        y = HEIGHT - BOTTOM
        segs = []
        for idx, (code, label) in enumerate(series):
            n = data.get(m, {}).get(code, 0)
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            segs.append({"x": round(x, 1), "y": round(y, 1), "w": round(bar_w, 1), "h": round(h, 1),
                         "cls": f"c{idx % 7}", "title": f"{m} {label}: {n}"})
        bars.append({"label": m[2:].replace("-", "/"), "cx": round(x + bar_w / 2, 1), "segments": segs,
                     "total": totals[i], "ty": round(y - 4, 1)})
    grid = [{"y": round(HEIGHT - BOTTOM - plot_h * t / top, 1), "label": _fmt(t)} for t in _ticks(top)]
    legend = [{"cls": f"c{idx % 7}", "label": label} for idx, (code, label) in enumerate(series)
              if any(data.get(m, {}).get(code) for m in months)]
    return {"w": WIDTH, "h": HEIGHT, "left": LEFT, "base": HEIGHT - BOTTOM, "bars": bars, "grid": grid,
            "legend": legend, "empty": not any(totals)}


def bars(labels: list[str], values: list[float | None], *, unit: str = "", cls: str = "c0") -> dict[str, Any]:
    """One bar per label (None: no data, drawn as a gap with a dash)."""
    known = [v for v in values if v is not None]
    top = _nice_max(max(known, default=0))
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - 8) / max(1, len(labels))
    bar_w = min(48, slot * 0.6)
    out = []
    for i, (label, v) in enumerate(zip(labels, values)):
        x = LEFT + slot * i + (slot - bar_w) / 2
        h = plot_h * (v or 0) / top
        out.append({"label": label, "cx": round(x + bar_w / 2, 1), "x": round(x, 1), "w": round(bar_w, 1),
                    "y": round(HEIGHT - BOTTOM - h, 1), "h": round(h, 1), "value": v,
                    "text": "–" if v is None else f"{_fmt(v)}{unit}"})
    grid = [{"y": round(HEIGHT - BOTTOM - plot_h * t / top, 1), "label": _fmt(t)} for t in _ticks(top)]
    return {"w": WIDTH, "h": HEIGHT, "left": LEFT, "base": HEIGHT - BOTTOM, "bars": out, "grid": grid, "cls": cls,
            "empty": not known}


def hbars(items: list[tuple[str, int]], *, cls: str = "c3") -> dict[str, Any]:
    """Horizontal bars (label, count), for short categorical lists such as overdue steps by kind."""
    row_h, label_w, width = 26, 300, WIDTH
    top = max((n for _, n in items), default=0) or 1
    rows = []
    for i, (label, n) in enumerate(items):
        w = (width - label_w - 60) * n / top
        rows.append({"label": label, "short": fit(label), "y": i * row_h + 4, "ty": i * row_h + 19, "w": round(max(w, 2), 1), "n": n})
    return {"w": width, "h": max(row_h * len(items) + 8, 30), "label_w": label_w, "rows": rows, "cls": cls,
            "empty": not items}


def fit(label: str, room: float = 44) -> str:
    """Cut a label to the chart's label column: wide (CJK) characters count twice a narrow one."""
    used = 0.0
    for i, ch in enumerate(label):
        used += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.05
        if used > room:
            return label[:max(0, i - 1)] + "…"
    return label


def _fmt(v: float) -> str:
    if v >= 100 or float(v).is_integer():
        return f"{int(round(v)):,}"
    return f"{v:.1f}"
