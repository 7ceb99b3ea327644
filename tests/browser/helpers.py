"""Steps the browser tests share: drop a file on the drop zone, walk the guided report."""

from __future__ import annotations

import base64

from playwright.sync_api import expect

PASSWORD = "correct horse battery"


def drop_file(page, selector: str, name: str, data: bytes, mime: str = "message/rfc822") -> None:
    """Drag-and-drop as the browser does it: a DataTransfer holding a File, dragenter then drop."""
    page.locator(selector).evaluate(
        """(zone, [name, b64, mime]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, {type: mime}));
            for (const type of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true}));
            }
        }""",
        [name, base64.b64encode(data).decode(), mime],
    )


def next_screen(page, expected_heading: str) -> None:
    page.click("#step-next")
    expect(page.locator("section.step:not([hidden]) h2")).to_have_text(expected_heading)
    expect(page.locator("section.step:not([hidden]) h2")).to_be_focused()


def current(page):
    return page.locator("section.step:not([hidden])")


def login(page, user, password: str = PASSWORD, next_path: str = "/") -> None:
    page.goto(f"/login?next={next_path}")
    page.fill("#email", user.email)
    page.fill("#password", password)
    page.click("form[action='/login'] button[type=submit]")
    expect(page.locator("header.top .me")).to_contain_text(user.display_name)

