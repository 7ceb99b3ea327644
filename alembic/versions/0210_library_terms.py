"""library search on normalised terms: each published case's terms (and its title's), indexed

The terms (incidents.nearmiss.search_index: one- and two-character pieces of Japanese, whole Latin words,
after folding width, case, variant kanji and the katakana final ー) are computed at publication and
stored on the case; the indexes make a query an index lookup:
SQLite: an FTS5 table `nearmiss_terms` (title, body) over the terms, filled by triggers with the published
cases only; PostgreSQL: GIN indexes on the term arrays. They replace the trigram and two-character indexes
of 0301 (and the `bigrams` column). Existing cases are indexed here.

Revision ID: 0210_library_terms
Revises: 0301_learning
Create Date: 2026-11-29
"""
from alembic import op
import sqlalchemy as sa


revision = "0210_library_terms"
down_revision = "0301_learning"
branch_labels = None
depends_on = None

_TRIGGERS = ("nearmiss_fts_ai", "nearmiss_fts_au", "nearmiss_fts_ad")
_NEW_TRIGGERS = ("nearmiss_terms_ai", "nearmiss_terms_au", "nearmiss_terms_ad")


def _index_existing(conn) -> None:
    from incidents.nearmiss.search_index import fold, joined

    rows = conn.execute(sa.text("SELECT id, title, sections FROM nearmiss_cases")).all()
    for id_, title, sections in rows:
        if isinstance(sections, str):
            import json

            sections = json.loads(sections)
        body = "\n".join([title] + [s.get("text", "") for s in sections or []])
        conn.execute(sa.text("UPDATE nearmiss_cases SET terms = :t, title_terms = :tt, search_text = :s WHERE id = :i"),
                     {"t": joined(body), "tt": joined(title), "s": fold(body), "i": id_})


def upgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        op.execute("DROP INDEX IF EXISTS ix_nearmiss_cases_search_trgm")
        op.execute("DROP INDEX IF EXISTS ix_nearmiss_cases_bigrams")
    else:
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS nearmiss_fts")
        op.execute("DROP TABLE IF EXISTS nearmiss_fts2")
    op.execute("ALTER TABLE nearmiss_cases DROP COLUMN bigrams")
    op.add_column("nearmiss_cases", sa.Column("title_terms", sa.Text(), nullable=False, server_default=""))
    op.add_column("nearmiss_cases", sa.Column("terms", sa.Text(), nullable=False, server_default=""))
    _index_existing(conn)
    if postgres:
        op.execute("CREATE INDEX ix_nearmiss_cases_terms ON nearmiss_cases USING gin (string_to_array(terms, ' '))")
        op.execute("CREATE INDEX ix_nearmiss_cases_title_terms ON nearmiss_cases "
                   "USING gin (string_to_array(title_terms, ' '))")
        return
    # The 'ascii' tokenizer splits at spaces and ASCII punctuation only: every stored term stays one token.
    op.execute("CREATE VIRTUAL TABLE nearmiss_terms USING fts5(title, body, tokenize='ascii', detail='column')")
    op.execute(
        "CREATE TRIGGER nearmiss_terms_ai AFTER INSERT ON nearmiss_cases WHEN new.status = 'published' BEGIN "
        "INSERT INTO nearmiss_terms(rowid, title, body) VALUES (new.id, new.title_terms, new.terms); END"
    )
    op.execute(
        "CREATE TRIGGER nearmiss_terms_au AFTER UPDATE ON nearmiss_cases BEGIN "
        "DELETE FROM nearmiss_terms WHERE rowid = old.id; "
        "INSERT INTO nearmiss_terms(rowid, title, body) SELECT new.id, new.title_terms, new.terms "
        "WHERE new.status = 'published'; END"
    )
    op.execute(
        "CREATE TRIGGER nearmiss_terms_ad AFTER DELETE ON nearmiss_cases BEGIN "
        "DELETE FROM nearmiss_terms WHERE rowid = old.id; END"
    )
    op.execute("INSERT INTO nearmiss_terms(rowid, title, body) "
               "SELECT id, title_terms, terms FROM nearmiss_cases WHERE status = 'published'")


def downgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        op.execute("DROP INDEX IF EXISTS ix_nearmiss_cases_terms")
        op.execute("DROP INDEX IF EXISTS ix_nearmiss_cases_title_terms")
    else:
        for name in _NEW_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS nearmiss_terms")
    op.execute("ALTER TABLE nearmiss_cases DROP COLUMN terms")
    op.execute("ALTER TABLE nearmiss_cases DROP COLUMN title_terms")
    op.add_column("nearmiss_cases", sa.Column("bigrams", sa.Text(), nullable=False, server_default=""))
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_nearmiss_cases_search_trgm ON nearmiss_cases USING gin (search_text gin_trgm_ops)")
        op.execute("CREATE INDEX ix_nearmiss_cases_bigrams ON nearmiss_cases USING gin (string_to_array(bigrams, ' '))")
        return
    op.execute("CREATE VIRTUAL TABLE nearmiss_fts USING fts5(body, tokenize='trigram')")
    op.execute("CREATE VIRTUAL TABLE nearmiss_fts2 USING fts5(body, tokenize='unicode61')")
    op.execute(
        "CREATE TRIGGER nearmiss_fts_ai AFTER INSERT ON nearmiss_cases WHEN new.status = 'published' BEGIN "
        "INSERT INTO nearmiss_fts(rowid, body) VALUES (new.id, new.search_text); "
        "INSERT INTO nearmiss_fts2(rowid, body) VALUES (new.id, new.bigrams); END"
    )
    op.execute(
        "CREATE TRIGGER nearmiss_fts_au AFTER UPDATE ON nearmiss_cases BEGIN "
        "DELETE FROM nearmiss_fts WHERE rowid = old.id; DELETE FROM nearmiss_fts2 WHERE rowid = old.id; "
        "INSERT INTO nearmiss_fts(rowid, body) SELECT new.id, new.search_text WHERE new.status = 'published'; "
        "INSERT INTO nearmiss_fts2(rowid, body) SELECT new.id, new.bigrams WHERE new.status = 'published'; END"
    )
    op.execute(
        "CREATE TRIGGER nearmiss_fts_ad AFTER DELETE ON nearmiss_cases BEGIN "
        "DELETE FROM nearmiss_fts WHERE rowid = old.id; DELETE FROM nearmiss_fts2 WHERE rowid = old.id; END"
    )
    op.execute("INSERT INTO nearmiss_fts(rowid, body) SELECT id, search_text FROM nearmiss_cases WHERE status = 'published'")
