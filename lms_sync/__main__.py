"""Entry point for `python -m lms_sync`.

Delegates to the click command group in `lms_sync.cli`.
"""

from lms_sync.cli import main

main()
