"""Typed calls per web-service area: the only place that names Moodle's functions and knows their field quirks.

Each area module builds calls (`Call`, `Write`, `ArrayWrite`) and parses answers into frozen dataclasses;
`MoodleClient` sends them. Everything above `lms_sync.moodle` uses these, never a function name of its own.
"""
