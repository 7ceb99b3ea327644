"""The library of published near-miss cases: list, search, filters, statistics, feed, digest.

Every active user reads it (that is the point: everyone learns, nobody is named). Withdrawn cases are
gone from all of it. Search looks words up in the index of normalised terms (incidents.nearmiss.search_index:
width, case, variant kanji, katakana loanwords and synonyms folded; SQLite FTS5 table `nearmiss_terms`,
PostgreSQL GIN on the stored term arrays `terms_array`, `title_terms_array`). Ranked: cases whose title holds every word first, then the others;
newest first (by case number) within each. Counts stop at 200 ("200+") unless an exact count is asked for.
"""

from __future__ import annotations

import statistics
from collections import Counter
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Text, and_, bindparam, column, func, literal_column, not_, or_, select, table, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from incidents.errors import Forbidden, NotFound
from incidents.nearmiss import search_index
from incidents.nearmiss.models import CaseStatus, NearMissCase
from incidents.nearmiss.schemas import (CasePage, CasePublic, CaseSummary, FactorCount, LibraryFilter, MonthCount,
                                        Stats)
from incidents.nearmiss.service import case_public
from incidents.people.models import User

COUNT_CAP = 200
TERMS = table("nearmiss_terms", column("rowid"))
TITLE_TERMS = table("nearmiss_title_terms", column("rowid"))
TIERS = ("all", "title", "rest")  # every match; title holds every word; the others


def require_reader(actor: User) -> None:
    if actor is None or not actor.active:
        raise Forbidden("the near-miss library is for signed-in users")


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _filters(f: LibraryFilter) -> list:
    conds = [NearMissCase.status == CaseStatus.published]
    if f.mistake_type:
        conds.append(NearMissCase.mistake_type == f.mistake_type)
    if f.factor:
        conds.append(NearMissCase.factors_text.like(_like(f" {f.factor} "), escape="\\"))
    if f.four_e:
        conds.append(NearMissCase.four_e_text.like(_like(f" {f.four_e} "), escape="\\"))
    if f.period_from:
        conds.append(NearMissCase.period >= f.period_from)
    if f.period_to:
        conds.append(NearMissCase.period <= f.period_to)
    return conds


def _arrays(q: search_index.Query, col: str):
    """PostgreSQL: every word (one of its alternatives) in the term array of `col` (GIN-indexed)."""
    words = []
    for i, word in enumerate(q.words):
        alts = []
        for j, terms in enumerate(word):
            array = literal_column(f"nearmiss_cases.{col}_array", ARRAY(Text))
            alts.append(array.contains(bindparam(f"{col}_{i}_{j}", list(terms), type_=ARRAY(Text))))
        words.append(or_(*alts))
    return and_(*words)


def _select(session: Session, q: search_index.Query, conds: list, tier: str, what):
    """Cases (or ids) of one tier, newest first; the term index leads."""
    if not q:
        return select(what).where(*conds).order_by(NearMissCase.id.desc())
    if session.get_bind().dialect.name == "sqlite":
        # The unary plus keeps SQLite from driving the join from the cases table: the FTS index must lead,
        # read in descending rowid order, so a frequent word stops after one page. The titles have their
        # own index; the others are the cases holding the words that are not among the title matches (a
        # page of them is asked for only once the title matches are used up, so these are few).
        fts = TITLE_TERMS if tier == "title" else TERMS
        on = NearMissCase.id == literal_column(f"+{fts.name}.rowid")
        conds = [text(f"{fts.name} MATCH :fts_q").bindparams(fts_q=q.fts()), *conds]
        if tier == "rest":
            conds.append(literal_column("nearmiss_terms.rowid").not_in(
                select(TITLE_TERMS.c.rowid).where(text("nearmiss_title_terms MATCH :fts_t").bindparams(fts_t=q.fts()))))
        return select(what).select_from(fts).join(NearMissCase, on).where(*conds).order_by(fts.c.rowid.desc())
    every, in_title = _arrays(q, "terms"), _arrays(q, "title_terms")
    cond = {"all": every, "title": in_title, "rest": and_(every, not_(in_title))}[tier]
    return select(what).where(cond, *conds).order_by(NearMissCase.id.desc())


# PostgreSQL plans, chosen by the search rather than guessed by the planner (which cannot know how many
# cases hold a set of terms): "bitmap" hands over the candidates from the term indexes (few matches, and
# every count); "walk" reads the cases newest first and checks each (many matches: a page is found early).
_PLANS = {"bitmap": ("enable_seqscan", "enable_indexscan"), "walk": ("enable_seqscan", "enable_bitmapscan")}
DENSE = 2000  # matches from which walking the cases newest first finds a page sooner than the index


@contextmanager
def _plan(session: Session, kind: str | None):
    if kind is None or session.get_bind().dialect.name != "postgresql":
        yield
        return
    # One round trip each way (on a busy server every statement costs milliseconds of its own).
    names = _PLANS[kind]
    session.execute(text("SELECT " + ", ".join(f"set_config('{n}', 'off', true)" for n in names)))
    try:
        yield
    finally:
        session.execute(text("SELECT " + ", ".join(f"set_config('{n}', 'on', true)" for n in names)))


def _count(session: Session, stmt, limit: int | None) -> int:
    ids = stmt.order_by(None)
    if limit is not None:
        ids = ids.limit(limit)
    with _plan(session, "bitmap"):
        return session.execute(select(func.count()).select_from(ids.subquery())).scalar_one()


def _excerpt(case: NearMissCase, length: int = 140) -> str:
    happened = next((s["text"] for s in case.sections if s["key"] == "what_happened"), "")
    return happened if len(happened) <= length else happened[:length - 1] + "…"


def _summary(c: NearMissCase) -> CaseSummary:
    return CaseSummary(id=c.id, title=c.title, mistake_type=c.mistake_type, period=c.period, factors=c.factors,
                       four_e=c.four_e, published_at=c.published_at, excerpt=_excerpt(c))


def search(session: Session, *, actor: User, filters: LibraryFilter | None = None, page: int = 1,
           per_page: int = 20, exact_count: bool = False) -> CasePage:
    """Ranked: with words, the cases whose title holds them all come first, then the others, newest first
    within each; without words, newest first. The count stops at COUNT_CAP ("200+") unless `exact_count`."""
    require_reader(actor)
    f = filters or LibraryFilter()
    page, per_page = max(1, page), max(1, min(per_page, 100))
    q = search_index.parse(f.q)
    conds = _filters(f)
    if session.get_bind().dialect.name == "postgresql":
        # psycopg prepares repeated statements; a generic plan cannot know whether a word is rare (use the
        # term index) or frequent (walk the primary key backwards). Plan each search for its words.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    total = _count(session, _select(session, q, conds, "all", NearMissCase.id), None if exact_count else COUNT_CAP + 1)
    lower_bound = total > COUNT_CAP and not exact_count
    sparse = not lower_bound and total < DENSE
    if lower_bound:
        total = COUNT_CAP
    offset = (page - 1) * per_page

    def rows(tier: str, skip: int, n: int) -> list[NearMissCase]:
        plan = None
        if q and session.get_bind().dialect.name == "postgresql":
            # A tier holds no more than every match: when those were counted in full, no second count.
            dense = not sparse and _count(session, _select(session, q, conds, tier, NearMissCase.id), DENSE) >= DENSE
            plan = "walk" if dense else "bitmap"
        with _plan(session, plan):
            return list(session.execute(_select(session, q, conds, tier, NearMissCase).offset(skip).limit(n))
                        .scalars())

    if not q:
        found = rows("all", offset, per_page)
    else:
        found = rows("title", offset, per_page)
        if len(found) < per_page:
            in_title = offset + len(found) if found else \
                _count(session, _select(session, q, conds, "title", NearMissCase.id), offset)
            found += rows("rest", max(0, offset - in_title), per_page - len(found))
    items = [_summary(c) for c in found]
    if lower_bound and len(items) == per_page:
        total = max(total, offset + len(items) + 1)
    return CasePage(items=items, total=total, total_is_lower_bound=lower_bound, page=page, per_page=per_page,
                    pages=max(1, -(-total // per_page)))


def get_case(session: Session, *, actor: User, case_id: int) -> CasePublic:
    require_reader(actor)
    case = session.get(NearMissCase, case_id)
    if case is None or case.status != CaseStatus.published:
        raise NotFound(f"near-miss case {case_id} not found")
    return case_public(case)


def stats(session: Session, *, actor: User, filters: LibraryFilter | None = None, top: int = 10) -> Stats:
    """Cases per month by type, the most frequent contributing factors, and the median time from
    discovery to the first report, over the published cases (and the filters, if any)."""
    require_reader(actor)
    f = filters or LibraryFilter()
    q = search_index.parse(f.q)
    conds = _filters(f)
    if q:
        conds.append(NearMissCase.id.in_(_select(session, q, conds, "all", NearMissCase.id).order_by(None)))
    where = and_(*conds)
    per_month = [MonthCount(period=p, mistake_type=m, count=n) for p, m, n in session.execute(
        select(NearMissCase.period, NearMissCase.mistake_type, func.count()).where(where)
        .group_by(NearMissCase.period, NearMissCase.mistake_type).order_by(NearMissCase.period))]
    factors: Counter[str] = Counter()
    hours: list[float] = []
    total = 0
    for fs, h in session.execute(select(NearMissCase.factors, NearMissCase.hours_to_report).where(where)):
        total += 1
        factors.update(fs or [])
        if h is not None:
            hours.append(h)
    return Stats(total=total, per_month=per_month,
                 top_factors=[FactorCount(factor=k, count=v) for k, v in factors.most_common(top)],
                 median_hours_to_report=round(statistics.median(hours), 2) if hours else None)


def feed(session: Session, *, actor: User, since: datetime | None = None, limit: int = 50) -> list[CaseSummary]:
    """The newest published cases (for the digest, a feed reader or a dashboard)."""
    require_reader(actor)
    stmt = select(NearMissCase).where(NearMissCase.status == CaseStatus.published)
    if since is not None:
        stmt = stmt.where(NearMissCase.published_at >= since)
    rows = session.execute(stmt.order_by(NearMissCase.id.desc()).limit(max(1, min(limit, 200)))).scalars()
    return [_summary(c) for c in rows]
