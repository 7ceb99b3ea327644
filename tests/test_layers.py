"""The layers of docs/SPINE.md, held against the imports of the code: a module never imports a layer above
its own. Read from the source (every import statement, also inside functions), so a late import counts."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "incidents"

# Bottom to top, as docs/SPINE.md draws them. A module belongs to the first layer that names it (a package
# name means every module in it).
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("ground", ("types", "events", "names", "validation", "i18n", "plugins", "errors", "config", "db", "times", "counts",
                "organisation", "migrations", "files")),
    ("base", ("people", "audit", "notify", "scheduler", "jobs")),
    ("kit", ("api_deps", "pagekit", "security")),
    ("record", ("cases",)),
    ("work", ("response", "intake", "analysis")),
    ("learning", ("nearmiss", "regimes", "control_room", "guided_report")),
    ("documents", ("documents", "confirmations")),
    ("entry", ("app", "demo", "system")),
]
# Interfaces (a domain's api.py and pages.py, and the page kit they share) are mounted by the app and may use
# any domain; their rules of access live in the services they call.
INTERFACES = ("api", "pages", "account_pages", "sessions_pages", "org_pages", "sso_pages", "scim_api")
# Imports that still run upward, each a debt with its owner (see the notes in docs/SPINE.md).
KNOWN = {
    ("incidents.response.assessment", "incidents.regimes.public"),
    ("incidents.response.service", "incidents.regimes.service"),
    ("incidents.response.actions", "incidents.documents.references"),
    ("incidents.regimes.rollups", "incidents.documents.render"),
}


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "incidents" or len(parts) < 2:
        return None
    for index, (_name, members) in enumerate(LAYERS):
        if parts[1] in members:
            return index
    return None


def _module(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)  # `from incidents.cases import record`
    return {m for m in out if m.startswith("incidents.")}


def _upward() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module(path)
        here = _layer(module)
        if here is None or path.stem in INTERFACES:
            continue
        for target in sorted(_imports(path, module)):
            there = _layer(target)
            if there is None or there <= here:
                continue
            if any(m == module and (known.startswith(target) or target.startswith(known)) for m, known in KNOWN):
                continue
            found.append(f"{module} ({LAYERS[here][0]}) imports {target} ({LAYERS[there][0]})")
    return found


def test_no_module_imports_a_layer_above_its_own():
    assert _upward() == []


def test_people_never_reach_the_incident():
    people = [p for p in (PACKAGE / "people").rglob("*.py")]
    assert people
    for path in people:
        assert not any(m.startswith("incidents.cases") for m in _imports(path, _module(path))), path


def test_every_package_has_a_layer():
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists() or p.suffix == ".py"}
    packages = {p.removesuffix(".py") for p in packages} - {"__init__", "static", "locales"}
    named = {m for _n, members in LAYERS for m in members}
    assert packages <= named, packages - named


def test_the_known_debts_are_still_real():
    """A debt paid off must leave KNOWN too, so the list never hides a new one."""
    for module, target in KNOWN:
        path = ROOT / (module.replace(".", "/") + ".py")
        assert any(m == target or m.startswith(target + ".") for m in _imports(path, module)), (module, target)
