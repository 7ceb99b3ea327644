"""library search: the titles' terms in an index of their own (SQLite)

Cases whose title holds every word come first; with the titles in a column of the terms table, finding
them meant reading every case that holds the words anywhere (a word frequent in the texts and rare in the
titles read them all). An FTS5 table of the titles' terms alone, filled by triggers with the published
cases only, answers at once. PostgreSQL has had its own GIN index on the titles' terms since 0210.

Revision ID: 0211_library_title_terms
Revises: 0210_library_terms
Create Date: 2026-11-29
"""
from alembic import op


revision = "0211_library_title_terms"
down_revision = "0210_library_terms"
branch_labels = None
depends_on = None

_TRIGGERS = ("nearmiss_title_terms_ai", "nearmiss_title_terms_au", "nearmiss_title_terms_ad")


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    op.execute("CREATE VIRTUAL TABLE nearmiss_title_terms USING fts5(title, tokenize='ascii', detail='none')")
    op.execute(
        "CREATE TRIGGER nearmiss_title_terms_ai AFTER INSERT ON nearmiss_cases WHEN new.status = 'published' BEGIN "
        "INSERT INTO nearmiss_title_terms(rowid, title) VALUES (new.id, new.title_terms); END"
    )
    op.execute(
        "CREATE TRIGGER nearmiss_title_terms_au AFTER UPDATE ON nearmiss_cases BEGIN "
        "DELETE FROM nearmiss_title_terms WHERE rowid = old.id; "
        "INSERT INTO nearmiss_title_terms(rowid, title) SELECT new.id, new.title_terms WHERE new.status = 'published'; END"
    )
    op.execute(
        "CREATE TRIGGER nearmiss_title_terms_ad AFTER DELETE ON nearmiss_cases BEGIN "
        "DELETE FROM nearmiss_title_terms WHERE rowid = old.id; END"
    )
    op.execute("INSERT INTO nearmiss_title_terms(rowid, title) "
               "SELECT id, title_terms FROM nearmiss_cases WHERE status = 'published'")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        return
    for name in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS nearmiss_title_terms")
