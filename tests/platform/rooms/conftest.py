from realtime.testing import role_groups_after_flush as _role_groups  # noqa: F401
