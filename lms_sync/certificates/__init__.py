"""Teilnahmebescheinigungen: one A4 PDF certificate of attendance per participant who completed a workshop run.

Content comes from the records (who completed), the catalogue (sessions, trainers) and the course template.
"""
