"""Alembic migration scripts of the records store, shipped as package data and run by `records.migrate`."""
