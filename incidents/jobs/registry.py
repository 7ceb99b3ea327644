"""The kinds of job: each domain declares its own in `<domain>/jobs.py`; the job table knows none.

    from incidents.jobs import JobContext, job_kind

    @job_kind("documents.letters", title=N_("Letters"), visible=may_see)
    def letters(ctx: JobContext) -> dict:
        ctx.progress(0, total)
        ...
        return {"output": "letters.zip"}      # kept as the job's result (JSON)

`visible(session, actor, job) -> bool` decides who may see a job of this kind (default: the person who
queued it). The worker imports every domain's jobs.py (incidents.plugins).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from incidents import plugins

_KINDS: dict[str, "JobKind"] = {}


@dataclass(frozen=True)
class JobKind:
    name: str
    run: Callable[[Any], dict | None]
    title: str  # an English msgid (N_), translated where it is shown
    visible: Callable[[Any, Any, Any], bool] | None = None


def job_kind(name: str, *, title: str, visible: Callable[[Any, Any, Any], bool] | None = None):
    """Declare a kind of job; the decorated function runs it in a worker: fn(ctx) -> result dict."""

    def register(fn: Callable[[Any], dict | None]) -> Callable[[Any], dict | None]:
        known = _KINDS.get(name)
        if known is not None and known.run.__qualname__ != fn.__qualname__:
            raise ValueError(f"job kind {name!r} is declared twice")
        _KINDS[name] = JobKind(name=name, run=fn, title=title, visible=visible)
        return fn

    return register


def load() -> dict[str, JobKind]:
    """Every domain's kinds (imports each `<domain>/jobs.py` once)."""
    plugins.modules("jobs")
    return _KINDS


def get_kind(name: str) -> JobKind | None:
    if name not in _KINDS:
        load()
    return _KINDS.get(name)
