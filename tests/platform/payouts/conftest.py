from credits.testing import package  # noqa: F401
