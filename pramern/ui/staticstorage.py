"""The static files of a deployment: collected by ``manage.py collectstatic``, names hashed
(cached for ever by browsers and proxies), compressed, served by WhiteNoise."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class CollectedStaticFiles(CompressedManifestStaticFilesStorage):
    """WhiteNoise's manifest storage, except that scripts are copied as they are: the vendored
    Chart.js names a source map it does not ship (``chart.umd.min.js.map``), and Django's
    rewriting of ``sourceMappingURL`` stopped collectstatic on it. Stylesheets' ``url()`` and
    ``@import`` are still rewritten to the hashed names."""

    patterns = tuple((glob, rules) for glob, rules in CompressedManifestStaticFilesStorage.patterns if glob != "*.js")
