"""Cron-grade operation: `lms-sync sync` runs check, push and pull once, alone, journaled, with stable exit codes.

`lock` keeps two syncs apart; `service` runs the steps and isolates failing runs.
"""
