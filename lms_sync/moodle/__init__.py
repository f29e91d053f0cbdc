"""Everything that talks to Moodle: the REST client, its errors, and typed wrappers per web-service area.

No other package sends a byte to Moodle.
"""
