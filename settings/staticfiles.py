"""Which files `collectstatic` gathers.

npm packages ship every build of a library (plain, minified, ES module, themes, with source
maps): tens of megabytes that collectstatic would hash and whitenoise compress on every
deploy. Only the builds the pages load are collected (Django's documented way to narrow
collectstatic: a StaticFilesConfig with its own ignore_patterns)."""

from django.contrib.staticfiles.apps import StaticFilesConfig as DjangoStaticFilesConfig


class StaticFilesConfig(DjangoStaticFilesConfig):
    ignore_patterns = [
        *DjangoStaticFilesConfig.ignore_patterns,
        # tabulator-tables/dist (served as vendor/tabulator/): keep js/tabulator.min.js and
        # css/tabulator.min.css with their source maps. Paths are relative to dist/.
        "js/tabulator.js*",
        "js/tabulator_esm*",
        "js/jquery_wrapper.js",
        "css/tabulator.css*",
        "css/tabulator_*",
    ]
