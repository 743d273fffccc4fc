"""The child's steps, one module each, run in this order; each has `run(bench: Run)` and fills `bench.result`.

A module is imported when its step runs (after django.setup()), so that a step whose production
code does not import is recorded as that step's failure and the others still run.
"""

STEPS = ("import", "setup", "figures", "pdf", "pages", "load")
# "import" is a keyword: its module is import_.
MODULES = {step: f"bench.steps.{'import_' if step == 'import' else step}" for step in STEPS}
# Only the large set is asked for these; the small set gives the pages' baseline.
LARGE_ONLY = ("pdf", "load")
