"""Registers in a real database (SQLAlchemy 2, Alembic): schema, import with diff, history, drafts.

Only names live here, so the web layer can name the survey without importing the database code.
"""

# The built-in survey's register: shown at / and at /r/nivi-2021.
SURVEY_SLUG = "nivi-2021"
