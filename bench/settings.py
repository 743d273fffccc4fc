"""The project's settings for the benchmark: production settings, static files without a manifest.

`collectstatic` with the manifest storage fails on static/vendor/bootstrap/bootstrap.bundle.min.js,
whose `sourceMappingURL` names a .map file that is not shipped (see docs/performance.md); the
benchmark measures pages, not static files, so it stores them unhashed.
"""

from caseapp.settings import *  # noqa: F403
from caseapp.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}}
