from __future__ import annotations

import pytest

from incidents.config import get_settings


@pytest.fixture
def settings_env(monkeypatch):
    """Set INCIDENTS_* variables for one test (the settings are re-read, and again after the test)."""

    def set_(**values):
        for k, v in values.items():
            monkeypatch.setenv(f"INCIDENTS_{k.upper()}", str(v))
        get_settings.cache_clear()

    yield set_
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def team(make_user):
    officer = make_user("officer", department="Privacy")
    manager = make_user("manager")
    employee = make_user("employee", manager=manager)
    return officer, manager, employee
