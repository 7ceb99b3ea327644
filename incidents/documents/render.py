"""One sandboxed, autoescaping Jinja environment and WeasyPrint with a locked-down URL fetcher.

    renderer = get_renderer(override_dir=None)
    pdf_bytes = renderer.pdf(DocumentKind.first_report, "ja", context)

The fetcher serves only files the project shipped (the Japanese fonts, the document CSS), the
organisation's configured logo, and asset files inside the configured override directory.
Everything else (file:// elsewhere, http(s)://, data:, any other scheme) is refused and noted in
`fetcher.refused`; WeasyPrint then renders without it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pylopdf_fonts_jp
from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from incidents.documents.kinds import KINDS, DocumentKind

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = PROJECT_ROOT / "templates" / "documents"
CSS_FILE = TEMPLATE_DIR / "document.css"
FONT_FILES = {
    "serif": Path(pylopdf_fonts_jp.serif_path()).resolve(),
    "sans": Path(pylopdf_fonts_jp.sans_path()).resolve(),
}
ASSET_SUFFIXES = {".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".otf", ".ttf", ".woff", ".woff2"}
LAYERS = ("full", "constant", "variable")


class DocumentTemplateError(Exception):
    """A template (usually an organisation's override) could not be rendered."""


class AssetFetcher(URLFetcher):
    """Serves an allow-list of local files; refuses every other URL and records it."""

    def __init__(self, allowed_files: Iterable[Path] = (), allowed_dirs: Iterable[Path] = ()):
        super().__init__(allowed_protocols={"file"}, allow_redirects=False, fail_on_errors=False)
        self._files = {Path(p).resolve() for p in allowed_files}
        self._dirs = [Path(d).resolve() for d in allowed_dirs]
        self._cache: dict[Path, bytes] = {}
        self._lock = threading.Lock()
        self.refused: list[str] = []
        self.served: list[str] = []

    def allow(self, path: Path) -> None:
        self._files.add(Path(path).resolve())

    def permitted(self, url: str) -> Path | None:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        if path in self._files:
            return path
        if path.suffix.lower() in ASSET_SUFFIXES and any(path.is_relative_to(d) for d in self._dirs):
            return path if path.is_file() else None
        return None

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:  # noqa: ARG002 (WeasyPrint's signature)
        path = self.permitted(url)
        with self._lock:
            if path is None:
                self.refused.append(url)
                if len(self.refused) > 1000:  # a long-running server keeps only the recent ones
                    del self.refused[:500]
                raise ValueError(f"refused to fetch {url[:80]!r}: not one of the project's own assets")
            self.served.append(url)
            body = self._cache.get(path)
            if body is None:
                body = self._cache[path] = path.read_bytes()
        return URLFetcherResponse(path.as_uri(), body)


def font_css() -> str:
    return "\n".join(
        f"@font-face {{ font-family: 'Incidents {family.title()}'; src: url('{path.as_uri()}'); }}"
        for family, path in FONT_FILES.items()
    )


def make_environment(override_dir: Path | None = None) -> SandboxedEnvironment:
    """The only Jinja environment documents are rendered with: sandboxed, autoescaping."""
    loaders = []
    if override_dir is not None:
        loaders.append(FileSystemLoader(str(override_dir)))
    loaders.append(FileSystemLoader(str(TEMPLATE_DIR)))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["nl2br"] = _nl2br
    env.filters["keep"] = keep_together
    return env


# Japanese text may break between any two characters; these must not be split across lines: email
# addresses and URLs, numbers with their unit or counter (4,500名, 1番1号, 3階, 14時05分), and
# whitespace-separated parts of an address or a building name (芝パークビル).
_KEEP = re.compile(
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+"
    r"|https?://\S+"
    r"|(?:[一二三四五六七八九十]+丁目)?[0-9０-９]+(?:番地の|番地?|[-－])[0-9０-９]+(?:号|[-－][0-9０-９]+)?(?:の[0-9０-９]+)?"
    r"|[0-9０-９][0-9０-９,，.:：\-]*\s?(?:名|件|人|円|日|時|分|秒|月|年|号|番地|番|丁目|階|号室|通|枚|社|%|％|KB|MB|GB|B\b)?"
    r"|[一二三四五六七八九十]+丁目"
)
MAX_KEPT = 32  # a longer unbreakable run could overflow a narrow column: leave it breakable


def keep_together(value: Any):
    """Escaped text in which addresses, numbers with units and short chunks do not break."""
    from markupsafe import Markup, escape

    text = str(value or "")
    if not text:
        return Markup("")
    if len(text) <= 20 and "\n" not in text:  # a phone number, a date and time, a short name
        return Markup(f'<span class="nobr">{escape(text)}</span>')
    out = []
    for chunk in re.split(r"(\s+)", text):
        if not chunk or chunk.isspace():
            out.append(str(escape(chunk)))
        elif len(chunk) <= 16 or (len(chunk) <= MAX_KEPT and _KEEP.fullmatch(chunk)):
            out.append(f'<span class="nobr">{escape(chunk)}</span>')
        else:
            out.append(_keep_runs(chunk))
    return Markup("".join(out))


def _keep_runs(chunk: str) -> str:
    from markupsafe import escape

    parts, last = [], 0
    for m in _KEEP.finditer(chunk):
        if m.start() > last:
            parts.append(str(escape(chunk[last:m.start()])))
        run = m.group(0)
        if "@" in run and len(run) > MAX_KEPT:  # a very long address may break after the @ only
            local, _, domain = run.partition("@")
            parts.append(f'<span class="nobr">{escape(local)}@</span><wbr><span class="nobr">{escape(domain)}</span>')
        elif len(run) > 1 and len(run) <= MAX_KEPT:
            parts.append(f'<span class="nobr">{escape(run)}</span>')
        else:
            parts.append(str(escape(run)))
        last = m.end()
    parts.append(str(escape(chunk[last:])))
    return "".join(parts)


def _nl2br(value: Any):
    from markupsafe import Markup, escape

    return Markup("<br>").join(escape(line) for line in str(value or "").splitlines())


class Renderer:
    """Templates → HTML → PDF for one override directory, reusing fonts and the parsed CSS.

    One instance per process (see get_renderer); WeasyPrint calls are serialised by a lock
    because a FontConfiguration must not be used by two threads at once.
    """

    def __init__(self, override_dir: Path | None = None):
        self.override_dir = Path(override_dir).resolve() if override_dir else None
        self.env = make_environment(self.override_dir)
        self.fetcher = AssetFetcher(
            allowed_files=[*FONT_FILES.values(), CSS_FILE],
            allowed_dirs=[self.override_dir] if self.override_dir else [],
        )
        self.font_config = FontConfiguration()
        css_text = font_css() + "\n" + CSS_FILE.read_text(encoding="utf-8")
        self.stylesheets = [CSS(string=css_text, font_config=self.font_config, url_fetcher=self.fetcher)]
        if self.override_dir and (self.override_dir / "document.css").is_file():
            self.stylesheets.append(CSS(
                filename=str(self.override_dir / "document.css"),
                font_config=self.font_config, url_fetcher=self.fetcher))
        self.lock = threading.RLock()

    def template_name(self, kind: DocumentKind | str, lang: str) -> str:
        return f"{lang}/{DocumentKind(kind).value}.html"

    def html(self, kind: DocumentKind | str, lang: str, context: dict[str, Any], *,
             layer: str = "full", paginate: bool | None = None) -> str:
        kind = DocumentKind(kind)
        if layer not in LAYERS:
            raise ValueError(f"unknown layer {layer!r}")
        if paginate is None:
            paginate = KINDS[kind].paginate
        try:
            template = self.env.get_template(self.template_name(kind, lang))
            return template.render(**context, layer=layer, paginate=paginate and layer != "variable")
        except TemplateError as exc:
            raise DocumentTemplateError(f"{self.template_name(kind, lang)}: {exc}") from exc

    def render_html(self, html: str) -> Document:
        with self.lock:
            return HTML(string=html, url_fetcher=self.fetcher, base_url=str(TEMPLATE_DIR) + "/").render(
                stylesheets=self.stylesheets, font_config=self.font_config)

    def document(self, kind: DocumentKind | str, lang: str, context: dict[str, Any], *,
                 layer: str = "full") -> Document:
        """Lay out a document; a letter that runs over one page is laid out again with page numbers."""
        kind = DocumentKind(kind)
        self._allow_logo(context)
        doc = self.render_html(self.html(kind, lang, context, layer=layer))
        if layer != "variable" and not KINDS[kind].paginate and len(doc.pages) > 1:
            doc = self.render_html(self.html(kind, lang, context, layer=layer, paginate=True))
        return doc

    def pdf(self, kind: DocumentKind | str, lang: str, context: dict[str, Any]) -> bytes:
        return self.pdf_and_pages(kind, lang, context)[0]

    def pdf_and_pages(self, kind: DocumentKind | str, lang: str, context: dict[str, Any]) -> tuple[bytes, int]:
        self._allow_logo(context)
        doc = self.document(kind, lang, context)
        with self.lock:
            return doc.write_pdf(), len(doc.pages)

    def _allow_logo(self, context: dict[str, Any]) -> None:
        logo = (context.get("org") or {}).get("logo")
        if logo:
            path = Path(unquote(urlsplit(logo).path))
            if path.suffix.lower() in ASSET_SUFFIXES and path.is_file():
                self.fetcher.allow(path)


@lru_cache(maxsize=8)
def get_renderer(override_dir: Path | None = None) -> Renderer:
    return Renderer(override_dir)
