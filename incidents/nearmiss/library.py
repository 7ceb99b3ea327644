"""The library of published near-miss cases: list, full-text search, filters, statistics, feed, digest.

Every active user reads it (that is the point: everyone learns, nobody is named). Withdrawn cases are
gone from all of it. Search works for Japanese: SQLite FTS5 with the trigram tokenizer, PostgreSQL
pg_trgm (GIN) on the normalised text, and for two-character words an index of the text's two-character
pieces on both; single characters fall back to a LIKE scan.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import datetime

from sqlalchemy import and_, column, func, literal_column, select, table, text
from sqlmodel import Session

from incidents.errors import Forbidden, NotFound
from incidents.nearmiss.models import CaseStatus, NearMissCase
from incidents.nearmiss.schemas import (CasePage, CasePublic, CaseSummary, FactorCount, LibraryFilter, MonthCount,
                                        Stats)
from incidents.nearmiss.service import case_public, normalize
from incidents.people.models import User

MAX_TERMS = 8
COUNT_CAP = 200
FTS = table("nearmiss_fts", column("rowid"))
FTS2 = table("nearmiss_fts2", column("rowid"))


def require_reader(actor: User) -> None:
    if actor is None or not actor.active:
        raise Forbidden("the near-miss library is for signed-in users")


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _conditions(session: Session, f: LibraryFilter) -> tuple[list, tuple | None]:
    """WHERE conditions, and (SQLite) the FTS5 table and query that drive the search.

    Words of three characters or more: trigrams (SQLite FTS5 trigram table; PostgreSQL pg_trgm serves
    LIKE '%word%'). Two-character words of letters or digits (宛先, 添付): the two-character pieces
    (SQLite FTS5 table over them; PostgreSQL GIN index on their array). Anything else: a LIKE scan.
    """
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
    terms = list(dict.fromkeys(t for t in normalize(f.q).split() if t))[:MAX_TERMS]
    long = [t for t in terms if len(t) >= 3]
    pairs = [t for t in terms if len(t) == 2 and t.isalnum()]
    rest = [t for t in terms if t not in long and t not in pairs]
    driver = None
    if session.get_bind().dialect.name == "sqlite":
        if long:
            driver = (FTS, " AND ".join(_phrase(t) for t in long))
            rest += pairs  # the trigram index narrows enough; the pairs are checked on those rows
        elif pairs:
            driver = (FTS2, " AND ".join(_phrase(t) for t in pairs))
    else:
        rest += long  # pg_trgm's GIN index serves LIKE '%word%'
        if pairs:
            conds.append(text("string_to_array(nearmiss_cases.bigrams, ' ') @> CAST(:pairs AS text[])")
                         .bindparams(pairs=pairs))
    for t in rest:
        conds.append(NearMissCase.search_text.like(_like(t), escape="\\"))
    return conds, driver


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _excerpt(case: NearMissCase, length: int = 140) -> str:
    happened = next((s["text"] for s in case.sections if s["key"] == "what_happened"), "")
    return happened if len(happened) <= length else happened[:length - 1] + "…"


def _summary(c: NearMissCase) -> CaseSummary:
    return CaseSummary(id=c.id, title=c.title, mistake_type=c.mistake_type, period=c.period, factors=c.factors,
                       four_e=c.four_e, published_at=c.published_at, excerpt=_excerpt(c))


def search(session: Session, *, actor: User, filters: LibraryFilter | None = None, page: int = 1,
           per_page: int = 20) -> CasePage:
    """Newest first (by case number). With an FTS query (SQLite) the full-text index drives and is read
    in descending rowid order, so a frequent word stops after one page. The count stops at COUNT_CAP
    ("200+"), so that a word found in many cases costs no full count."""
    require_reader(actor)
    f = filters or LibraryFilter()
    page, per_page = max(1, page), max(1, min(per_page, 100))
    conds, driver = _conditions(session, f)
    where = and_(*conds)
    lower_bound = False
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        # psycopg prepares repeated statements; a generic plan cannot know whether a word is rare (use the
        # trigram index) or frequent (walk the primary key backwards). Plan each search for its words.
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
    if driver is not None:
        # The unary plus keeps SQLite from driving the join from the cases table: the FTS index must lead.
        fts_table, query = driver
        match = text(f"{fts_table.name} MATCH :fts_q").bindparams(fts_q=query)
        on = NearMissCase.id == literal_column(f"+{fts_table.name}.rowid")
        stmt = select(NearMissCase).select_from(fts_table).join(NearMissCase, on).where(match, where) \
            .order_by(fts_table.c.rowid.desc())
        ids = select(fts_table.c.rowid).select_from(fts_table).join(NearMissCase, on).where(match, where)
    else:
        stmt = select(NearMissCase).where(where).order_by(NearMissCase.id.desc())
        ids = select(NearMissCase.id).where(where)
    count = select(func.count()).select_from(ids.limit(COUNT_CAP + 1).subquery())
    if postgres:
        # Counting up to the cap: a sequential scan that checks every row's words is the planner's guess for
        # a LIMIT, but the indexes (trigrams, pieces, filters) hand over the candidates far cheaper.
        session.execute(text("SET LOCAL enable_seqscan = off"))
        total = session.execute(count).scalar_one()
        session.execute(text("SET LOCAL enable_seqscan = on"))
    else:
        total = session.execute(count).scalar_one()
    if total > COUNT_CAP:
        total, lower_bound = COUNT_CAP, True
    rows = session.execute(stmt.offset((page - 1) * per_page).limit(per_page)).scalars()
    items = [_summary(c) for c in rows]
    if lower_bound and len(items) == per_page:
        total = max(total, (page - 1) * per_page + len(items) + 1)
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
    conds, driver = _conditions(session, filters or LibraryFilter())
    if driver is not None:
        fts_table, query = driver
        conds.append(text(f"nearmiss_cases.id IN (SELECT rowid FROM {fts_table.name} WHERE {fts_table.name} MATCH :fts_q)")
                     .bindparams(fts_q=query))
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
