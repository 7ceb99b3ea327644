"""Near-miss library search over 50,000 published cases, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_library_search.py [--cases 50000] [--rounds 5] [--sqlite-only]
        [--pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_learning]

Seeds the cases through migrated databases (SQLite: a temporary file; PostgreSQL: its own database,
created if missing, dropped and recreated), then runs a query mix through the real service
(`incidents.nearmiss.library.search`: count + one page of 20, as the page and the API do):
Japanese words of 3+ characters, 2-character words, one character, English words, synonyms (誤送信 →
宛先間違い / 誤送付 ...), katakana loanwords (エクセル ⇄ excel, BCC ⇄ ビーシーシー), half-width katakana,
two-word queries, filters alone and filters with words, a word that matches nothing.
Baseline in the same run: the naive query for the same words (LIKE '%word%' on the table, an exact
count, newest first by date), without synonyms. Also: the same queries with an exact count (beyond 200).
Target: p95 under 50 ms on both databases, synonyms on.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="bench-library-"))
os.environ.setdefault("INCIDENTS_DATA_DIR", str(_TMP / "var"))
os.environ.setdefault("INCIDENTS_SECRET_KEY", "bench-secret")

from sqlalchemy import insert, select, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from incidents import migrations, plugins  # noqa: E402
from incidents.db import get_engine  # noqa: E402
from incidents.nearmiss import library  # noqa: E402
from incidents.nearmiss.draft import generate  # noqa: E402
from incidents.nearmiss.models import NearMissCase  # noqa: E402
from incidents.nearmiss.schemas import LibraryFilter  # noqa: E402
from incidents.nearmiss.search_index import fold, terms  # noqa: E402
from incidents.nearmiss.service import index_case  # noqa: E402

TYPES = ["wrong_recipient", "bcc_exposure", "wrong_attachment", "lookalike_domain", "distribution_list",
         "inappropriate_content"]
FACTORS = ["haste", "fatigue", "autocomplete", "reused_mail", "similar_file_names", "no_second_check",
           "unclear_rules", "remote_work", "similar_names", "mass_mail_by_client"]
FOUR_E = ["education", "engineering", "enforcement", "example"]
SUMMARIES = [
    "株式会社東邦商事の佐藤花子様宛ての見積書を、オートコンプリートで表示された別の取引先に送信した。",
    "説明会の案内を参加者{n}名にToで一斉送信し、全員のアドレスが互いに見える状態となった。",
    "請求書に添付するファイルを取り違え、別の顧客の請求一覧を添付して送付した。",
    "メーリングリストに退職者の個人アドレスが残っており、人事評価の通知が送られていた。",
    "過去のメールを流用して案内文を作成したため、前回の顧客の見積金額が本文に残ったまま送られた。",
    "The payroll file was sent to a namesake at another company because autocomplete picked the wrong address.",
    "A newsletter to {n} students was sent with every address in the To field instead of Bcc.",
    "Invoices went to a lookalike domain one typo away from the client's real domain.",
]
WHYS = ["宛先を誤って選択した", "候補の先頭に同姓の人が表示された", "送信前に宛先を確認する手順がなかった",
        "一斉送信をメールソフトで行っていた", "ファイル名が似ていて区別しにくかった", "繁忙期で時間に追われていた",
        "the address book showed two people with the same name", "there was no second check for mass mail"]
MEASURES = ["送信保留を5分に設定する", "一斉送信は配信サービスから行う", "添付ファイルはダウンロードリンクにする",
            "社外宛ての警告を表示する", "Turn off autocomplete", "Force Bcc for more than 10 recipients"]
FILLER = ("営業 経理 人事 総務 顧客 取引先 案内 請求 見積 契約 更新 説明会 研修 申込 名簿 一覧 通知 資料 報告 "
          "customer invoice contract renewal seminar list notice report quotation payroll").split()

QUERIES = [
    ("ja 3+ chars", LibraryFilter(q="オートコンプリート")),
    ("ja 3+ chars", LibraryFilter(q="一斉送信")),
    ("ja 3+ chars", LibraryFilter(q="添付ファイル")),
    ("ja 3+ chars (rare)", LibraryFilter(q="ダウンロードリンク")),
    ("ja 2 chars", LibraryFilter(q="宛先")),
    ("ja 2 chars", LibraryFilter(q="誤送")),
    ("ja 1 char", LibraryFilter(q="誤")),
    ("en word", LibraryFilter(q="autocomplete")),
    ("en word", LibraryFilter(q="bcc")),
    ("two words", LibraryFilter(q="送信 確認")),
    ("two words", LibraryFilter(q="lookalike domain")),
    ("filter only", LibraryFilter(mistake_type="bcc_exposure")),
    ("filter only", LibraryFilter(factor="autocomplete")),
    ("filter + words", LibraryFilter(q="送信保留", four_e="engineering")),
    ("filter + words", LibraryFilter(q="見積", mistake_type="wrong_recipient", factor="haste")),
    ("synonyms", LibraryFilter(q="誤送信")),
    ("synonyms", LibraryFilter(q="宛先間違い")),
    ("loanword", LibraryFilter(q="エクセル")),
    ("loanword", LibraryFilter(q="BCC")),
    ("loanword", LibraryFilter(q="ビーシーシー 一斉送信")),
    ("width/variants", LibraryFilter(q="ｵｰﾄｺﾝﾌﾟﾘｰﾄ")),
    ("no match", LibraryFilter(q="存在しない語句xyz")),
    ("list all", LibraryFilter()),
]


def templates(rng: random.Random, n: int = 240) -> list[dict]:
    """Real drafts from the generator, used as the pool the 50,000 cases are varied from."""
    out = []
    base = datetime(2024, 1, 15, 10, 0, tzinfo=timezone(timedelta(hours=9)))
    for i in range(n):
        mistake = TYPES[i % len(TYPES)]
        sent = base + timedelta(days=rng.randrange(0, 900), minutes=rng.randrange(0, 600))
        incident = {"mistake_type": mistake, "discovery_method": rng.choice(["self_noticed", "recipient_reported"]),
                    "sent_at": sent.isoformat(), "discovered_at": (sent + timedelta(minutes=rng.randrange(1, 300))).isoformat(),
                    "reported_at": (sent + timedelta(minutes=rng.randrange(300, 900))).isoformat(),
                    "message": {"summary": rng.choice(SUMMARIES).format(n=rng.randrange(2, 3000))},
                    "data_items": rng.sample(["name", "email_address", "postal_address", "bank_account"], 2),
                    "affected_persons": rng.randrange(1, 3000)}
        analysis = {"whys": rng.sample(WHYS, 3), "factors": rng.sample(FACTORS, 2),
                    "countermeasures": [{"title": m, "four_e": rng.choice(FOUR_E), "status": "done"}
                                        for m in rng.sample(MEASURES, 2)]}
        d = generate(incident, analysis, locale="ja" if i % 4 else "en")
        out.append(d)
    return out


def rows(drafts: list, n: int, rng: random.Random) -> list[dict]:
    """The cases: a draft of the pool with six filler words added to its second section. Their terms are the
    draft's (computed once per draft) and the filler's: the same as publication computes (checked on the
    first rows), since the filler stands in brackets on a line of its own."""
    now = datetime.now(timezone.utc)
    out = []
    indexed: dict[int, NearMissCase] = {}
    for i in range(n):
        d = drafts[i % len(drafts)]
        sections = [{"key": s.key, "title": s.title, "text": s.text} for s in d.sections]
        base = indexed.get(id(d)) or indexed.setdefault(id(d), index_case(NearMissCase(title=d.title.text,
                                                                                       sections=sections)))
        extra = " ".join(rng.sample(FILLER, 6))
        sections[1]["text"] += f"\n（{extra}）"
        title = d.title.text
        lo, hi = d.persons_range or (None, None)
        text = "\n".join([title] + [s["text"] for s in sections])
        case = NearMissCase(title=title, sections=sections, title_terms=base.title_terms,
                            terms=" ".join(sorted(set(base.terms.split()) | set(terms(f"（{extra}）")))),
                            search_text=fold(text))
        if i < 300:
            assert case.terms == index_case(NearMissCase(title=title, sections=sections)).terms
        out.append(dict(
            source_ref=f"bench-{i:08d}", locale=d.locale, title=title, sections=sections,
            search_text=case.search_text, terms=case.terms, title_terms=case.title_terms,
            mistake_type=d.mistake_type, discovery_method=d.discovery_method, period=d.period, data_items=d.data_items,
            persons_min=lo, persons_max=hi, factors=d.factors, factors_text=" " + " ".join(d.factors) + " ",
            four_m=d.four_m, four_e=d.four_e, four_e_text=" " + " ".join(d.four_e) + " ",
            hours_to_report=d.hours_to_report, status="published" if i % 50 else "withdrawn",
            published_at=now - timedelta(minutes=n - i), withdrawn_at=None, updated_at=now))
    return out


def seed(url: str, data: list[dict]) -> float:
    engine = get_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrations.upgrade(url)
    t0 = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, len(data), 1000):
            conn.execute(insert(NearMissCase), data[i:i + 1000])
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE nearmiss_cases"))
    return time.perf_counter() - t0


def reader(session: Session):
    from incidents.people import service as people

    return people.add_user(session, actor=None, email="reader@bench.example", display_name="Reader",
                           roles="employee", department_name="Bench", manager_email=None, password=None, locale="ja")


def timings(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def run(url: str, data: list[dict], rounds: int) -> None:
    name = get_engine(url).dialect.name
    seconds = seed(url, data)
    engine = get_engine(url)
    with Session(engine, expire_on_commit=False) as s:
        actor = reader(s)
        s.commit()
    print(f"\n== {name}: {len(data):,} cases seeded in {seconds:.1f} s "
          f"({sum(r['status'] == 'published' for r in data):,} published)")
    all_times, base_times = [], []
    print(f"{'query':<22}{'words':<20}{'hits':>7}{'p50 ms':>9}{'p95 ms':>9}{'naive p95':>10}{'ratio':>8}")
    with Session(engine) as s:
        library.search(s, actor=actor, filters=LibraryFilter(q="warm up"))
        for label, f in QUERIES:
            hits = library.search(s, actor=actor, filters=f).total
            t = timings(lambda: library.search(s, actor=actor, filters=f), rounds)
            all_times += t
            if f.q:
                like = [w for w in fold(f.q).split()]

                def baseline():
                    stmt = select(NearMissCase.id).where(NearMissCase.status == "published")
                    for w in like:
                        stmt = stmt.where(NearMissCase.search_text.like(f"%{w}%"))
                    s.execute(select(text("count(*)")).select_from(stmt.subquery())).scalar_one()
                    s.execute(stmt.order_by(NearMissCase.id.desc()).limit(20)).all()

                b = timings(baseline, rounds)
                base_times += b
                extra = f"{p95(b):>10.1f}{p95(b) / max(p95(t), 0.001):>7.1f}x"
            else:
                extra = f"{'':>10}{'':>8}"
            print(f"{label:<22}{(f.q or str({k: v for k, v in f.model_dump().items() if v}))[:18]:<20}{hits:>7}"
                  f"{statistics.median(t):>9.1f}{p95(t):>9.1f}{extra}")
        exact_times = []
        for label, f in QUERIES:
            if f.q:
                exact_times += timings(lambda: library.search(s, actor=actor, filters=f, exact_count=True), rounds)
        print(f"{name}: with an exact count (beyond 200), every query with words: p95 {p95(exact_times):.1f} ms")
    overall = p95(all_times)
    print(f"{name}: overall p95 {overall:.1f} ms over {len(all_times)} searches "
          f"(target < 50 ms: {'met' if overall < 50 else 'NOT met'}); naive baseline p95 {p95(base_times):.1f} ms "
          f"-> {p95(base_times) / overall:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--sqlite-only", action="store_true")
    ap.add_argument("--pg-only", action="store_true")
    ap.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_learning")
    args = ap.parse_args()
    plugins.load()
    rng = random.Random(6)
    t0 = time.perf_counter()
    drafts = templates(rng)
    print(f"{len(drafts)} drafts generated in {time.perf_counter() - t0:.1f} s as the pool for {args.cases:,} cases")
    data = rows(drafts, args.cases, rng)
    if not args.pg_only:
        run(f"sqlite:///{_TMP / 'bench.db'}", data, args.rounds)
    if not args.sqlite_only:
        admin = get_engine(args.pg.rsplit("/", 1)[0] + "/postgres")
        dbname = args.pg.rsplit("/", 1)[1]
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": dbname}).first():
                conn.execute(text(f'CREATE DATABASE "{dbname}"'))
        run(args.pg, data, args.rounds)


if __name__ == "__main__":
    main()
