"""The largest numbers lms-sync accepts on the command line and in the settings, so absurd ones are refused cleanly.

Beyond them SQLite's integers and Python's dates overflow; no real id, month count or timestamp comes near.
"""

MAX_ID = 2**63 - 1  # SQLite's and PostgreSQL's largest integer
MAX_MONTHS = 1200  # a hundred years
MAX_TIMESTAMP = 253402300799  # 9999-12-31 23:59:59 UTC
