"""Reports from the institute's records: evaluation of trainings and trainers, and participation for certificates.

Each report is an HTML file (jinja2, inline SVG charts, prints well) plus a CSV with the same numbers; see `files`.
"""
