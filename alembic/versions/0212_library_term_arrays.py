"""library search on PostgreSQL: the terms as arrays, stored (not split per row)

0210 indexed `string_to_array(terms, ' ')`: the GIN index found the candidates, but every candidate was
checked by splitting its long text again (and a walk newest first split every row it read): a frequent
word with synonyms took seconds at 50,000 cases. Here the arrays are generated columns, stored with the
row (`terms_array`, `title_terms_array`, kept by PostgreSQL from `terms` and `title_terms`), with their
own GIN indexes (fastupdate off: cases are published one at a time and searched all day; a pending
list would be read by every search until a vacuum) and statistics on their elements. SQLite keeps its FTS5 tables (0210, 0211): nothing
changes there.

Revision ID: 0212_library_term_arrays
Revises: 0211_library_title_terms
Create Date: 2026-11-29
"""
from alembic import op


revision = "0212_library_term_arrays"
down_revision = "0211_library_title_terms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_nearmiss_cases_terms")
    op.execute("DROP INDEX IF EXISTS ix_nearmiss_cases_title_terms")
    op.execute("ALTER TABLE nearmiss_cases "
               "ADD COLUMN terms_array text[] GENERATED ALWAYS AS (string_to_array(terms, ' ')) STORED, "
               "ADD COLUMN title_terms_array text[] GENERATED ALWAYS AS (string_to_array(title_terms, ' ')) STORED")
    op.execute("CREATE INDEX ix_nearmiss_cases_terms_array ON nearmiss_cases USING gin (terms_array) "
               "WITH (fastupdate = off)")
    op.execute("CREATE INDEX ix_nearmiss_cases_title_terms_array ON nearmiss_cases USING gin (title_terms_array) "
               "WITH (fastupdate = off)")
    op.execute("ANALYZE nearmiss_cases")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_nearmiss_cases_terms_array")
    op.execute("DROP INDEX IF EXISTS ix_nearmiss_cases_title_terms_array")
    op.execute("ALTER TABLE nearmiss_cases DROP COLUMN terms_array, DROP COLUMN title_terms_array")
    op.execute("CREATE INDEX ix_nearmiss_cases_terms ON nearmiss_cases USING gin (string_to_array(terms, ' '))")
    op.execute("CREATE INDEX ix_nearmiss_cases_title_terms ON nearmiss_cases "
               "USING gin (string_to_array(title_terms, ' '))")
