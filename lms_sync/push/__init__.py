"""`lms-sync push`: make Moodle hold the catalogue's runs — desired state, observation, the pure plan, apply.

`desired` (catalogue + template → what a run's course should be), `observe` (read Moodle into `observed`),
`plan.diff` (no I/O), `apply.push` (writes); the entry point is `lms_sync.push.apply.push`.
"""
