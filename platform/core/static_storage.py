"""Production's static files storage: hashed names and gzip/brotli copies (WhiteNoise), with
the ``import`` statements of JavaScript modules rewritten to the hashed names too.

Without the rewrite a hashed ``review.js`` still imports ``./api.js`` by its plain name: the
browser fetches the module twice (the hashed copy a ``modulepreload`` asked for, then the plain
one the import names), and the plain one is cached for minutes, not a year. With it, every
module of a graph is named by its content, so a preload is used and a deploy never mixes an
old module with a new one.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
