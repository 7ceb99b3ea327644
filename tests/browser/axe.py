"""axe-core (WCAG 2.1 A and AA) on the page the browser shows: serious and critical violations fail the test.

axe-core comes from npm (package.json, installed by `scripts/install --test` with `npm ci`) and is evaluated
in the page through the DevTools protocol: nothing is fetched from a CDN, and the page's own Content Security
Policy (script-src 'self') stays in force for the page's scripts.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


@cache
def _source() -> str:
    assert AXE.exists(), f"{AXE} is missing: run scripts/install --test (npm ci installs axe-core)"
    return AXE.read_text(encoding="utf-8")


def violations(page) -> list[dict]:
    """The serious and critical violations on the page as it is now (every node, with its selector)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source() + "\n;undefined")
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                          nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
                                          count: v.nodes.length}));
        }""",
        TAGS,
    )
    return [v for v in result if v["impact"] in BLOCKING]


def describe(found: list[dict]) -> list[str]:
    return [f"{v['impact']} {v['id']} ({v['count']}×): {v['help']} — {', '.join(v['nodes'])}" for v in found]


def check(page, where: str = "") -> None:
    """Fail with a readable list when axe finds a serious or critical violation."""
    found = violations(page)
    assert not found, f"axe on {where or page.url}:\n" + "\n".join(describe(found))
