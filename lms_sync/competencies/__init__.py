"""Kompetenzberatung: the institute's competency framework and further-training offers as data, their push to Moodle,
the pull of opted-in participants' ratings, and the competence portfolio report.
"""
