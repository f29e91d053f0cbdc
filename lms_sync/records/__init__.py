"""The institute's records: what was pulled from Moodle, kept in SQLite or PostgreSQL through SQLAlchemy Core.

Use `RecordsStore.open(url)`; the snapshot types in `snapshot` describe what a pull hands over.
"""
