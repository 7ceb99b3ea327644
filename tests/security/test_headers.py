"""Headers on every answer: no-store where personal data may be (pages, API, PDFs), cacheable static
assets, HSTS when configured, a CSP everywhere (the API documentation's own)."""

from __future__ import annotations

from incidents.config import get_settings
from tests.pages import HTML, login


def test_pages_api_and_pdfs_are_not_stored(client, make_user, make_incident, auth_headers):
    officer = make_user("officer", department="Compliance")
    incident = make_incident(officer)
    h = auth_headers(officer)
    doc = client.post(f"/api/v1/incidents/{incident.id}/documents", json={"kind": "first_report"}, headers=h)
    assert doc.status_code == 201, doc.text
    pdf = client.get(f"/api/v1/documents/{doc.json()['id']}/pdf", headers=h)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.headers["cache-control"] == "no-store"
    assert client.get(f"/api/v1/incidents/{incident.id}", headers=h).headers["cache-control"] == "no-store"
    assert client.get("/api/v1/incidents/999", headers=h).headers["cache-control"] == "no-store"  # errors too
    login(client, officer)
    page = client.get(f"/incidents/{incident.id}", headers=HTML)
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert client.get("/login", headers=HTML).headers["cache-control"] == "no-store"
    for asset in ("/static/app.css", "/docs/assets/swagger-ui.css"):
        r = client.get(asset)
        assert r.status_code == 200 and "cache-control" not in r.headers, asset


def test_hsts_only_when_configured(client, monkeypatch):
    assert "strict-transport-security" not in client.get("/login", headers=HTML).headers
    monkeypatch.setenv("INCIDENTS_HSTS_MAX_AGE", "31536000")
    get_settings.cache_clear()
    try:
        r = client.get("/login", headers=HTML)
        assert r.headers["strict-transport-security"] == "max-age=31536000"
        assert client.get("/api/v1/health").headers["strict-transport-security"] == "max-age=31536000"
    finally:
        monkeypatch.delenv("INCIDENTS_HSTS_MAX_AGE")
        get_settings.cache_clear()


def test_the_api_documentation_runs_only_its_own_scripts(client):
    for path in ("/docs", "/redoc"):
        r = client.get(path)
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        script_src = csp.split("script-src")[1].split(";")[0]
        assert script_src.strip() == "'self'", csp
        assert "<script>" not in r.text and "cdn" not in r.text.lower()
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/docs/assets/redoc.standalone.js").status_code == 200
