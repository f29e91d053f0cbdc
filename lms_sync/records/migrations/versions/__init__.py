"""Alembic revisions of the records schema, one file each, oldest first (0001, 0002, ...)."""
