"""Which files `collectstatic` gathers.

npm packages ship every build of a library (plain, minified, ES module, themes, with source
maps): tens of megabytes that collectstatic would hash and whitenoise compress on every
deploy. This finder (settings.STATICFILES_FINDERS) lists only the builds the pages load;
Django's own finder, which it extends, still finds any file by name while developing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.staticfiles.finders import FileSystemFinder as DjangoFileSystemFinder

# Relative to each STATICFILES_DIRS entry (so no folder of static/ may use these names).
# tabulator-tables/dist (served as
# vendor/tabulator/): keep js/tabulator.min.js and css/tabulator.min.css with their maps.
UNUSED_BUILDS = [
    "js/tabulator.js*",
    "js/tabulator_esm*",
    "js/jquery_wrapper.js",
    "css/tabulator.css*",
    "css/tabulator_*",
    # chart.js/dist (served as vendor/chartjs/): keep chart.umd.min.js and its map. Its ES
    # module sources sit in folders of their own, skipped whole by name.
    "chart.cjs*",
    "chart.js",
    "chart.js.map",
    "chart.umd.js",
    "chart.umd.js.map",
    "helpers.*",
    "*.d.ts",
    "chunks", "controllers", "core", "elements", "helpers", "platform", "plugins", "scales",
    "types",
]


class FileSystemFinder(DjangoFileSystemFinder):
    def list(self, ignore_patterns: Iterable[str] | None) -> Iterator[tuple[str, Any]]:
        yield from super().list([*(ignore_patterns or []), *UNUSED_BUILDS])
