"""lms-sync: the institute's workshop catalogue and records, synchronised with its Moodle.

Push course templates and workshop runs to Moodle and pull enrolments, completion and feedback back, via web services only.
"""

__version__ = "0.1.0"
