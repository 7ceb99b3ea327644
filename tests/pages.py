"""Helpers for page tests: HTML requests, the form's CSRF token, logging in through the login page."""

from __future__ import annotations

import re

HTML = {"accept": "text/html"}
PASSWORD = "correct horse battery"  # the make_user fixture's default


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(client, user, password: str = PASSWORD):
    page = client.get("/login", headers=HTML)
    r = client.post("/login", data={"email": user.email, "password": password, "csrf_token": csrf_of(page.text),
                                    "next": "/"}, headers=HTML, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r
