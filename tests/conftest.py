"""Fixtures shared by the whole suite.

The PostgreSQL and Redis servers themselves are started by the core.testing.services plugin
(pyproject addopts) before Django reads its settings.
"""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.roles import Role
from core.testing.queries import assert_num_queries as _assert_num_queries

# ``providers``: Stripe and Razorpay faked on 127.0.0.1, for every test that pays.
pytest_plugins = ["payments.testing"]


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # The cache is a real Redis shared by the session: throttling counters and cached values
    # must not leak from one test into the next.
    cache.clear()
    # Maintenance mode is read from the cache on every request (operations.maintenance) and
    # from the database only when the cache lost it: start each test with it cached as the
    # test database has it (off), so pinned query counts measure requests in steady state.
    from operations import maintenance

    maintenance.assume_off()
    yield


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_factory(db: None) -> Callable[..., Any]:
    from django.contrib.auth import get_user_model

    counter = iter(range(1, 100_000))

    def make(
        email: str | None = None,
        password: str = "correct-horse-battery",
        *,
        verified: bool = True,
        **fields: Any,
    ) -> Any:
        """A user whose primary email is verified unless ``verified=False``."""
        from allauth.account.models import EmailAddress

        number = next(counter)
        fields.setdefault("first_name", f"Test{number}")
        fields.setdefault("last_name", "User")
        user = get_user_model().objects.create_user(
            email=email or f"user{number}@example.com", password=password, **fields
        )
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=verified)
        return user

    return make


@pytest.fixture
def role_user(user_factory: Callable[..., Any]) -> Callable[..., Any]:
    """Makes a user holding the given roles: ``role_user(Role.TEACHER, Role.STUDENT)``.

    Admins and moderators get a TOTP authenticator, as the admin requires of them
    (``accounts.testing.totp_code(user.totp_secret)`` gives a current code)."""
    from django.conf import settings

    from accounts.services import grant_role
    from accounts.testing import activate_totp

    def make(*roles: Any, **fields: Any) -> Any:
        user = user_factory(**fields)
        for role in roles:
            grant_role(user, role)
        if set(settings.TOTO_MFA_REQUIRED_ROLES).intersection(roles):
            user.totp_secret = activate_totp(user)
        return user

    return make


# Named fixture users, one per role (Zulip's hamlet/iago idea): tests read as stories.
@pytest.fixture
def student(role_user: Callable[..., Any]) -> Any:
    return role_user(Role.STUDENT, email="sam@example.com", first_name="Sam", last_name="Student")


@pytest.fixture
def other_student(role_user: Callable[..., Any]) -> Any:
    return role_user(Role.STUDENT, email="lena@example.com", first_name="Lena", last_name="Learner")


@pytest.fixture
def teacher(role_user: Callable[..., Any]) -> Any:
    return role_user(
        Role.TEACHER,
        Role.STUDENT,
        email="tomas@example.com",
        first_name="Tomás",
        last_name="Teacher",
    )


@pytest.fixture
def content_creator(role_user: Callable[..., Any]) -> Any:
    return role_user(
        Role.CONTENT_CREATOR, email="cleo@example.com", first_name="Cleo", last_name="Creator"
    )


@pytest.fixture
def moderator(role_user: Callable[..., Any]) -> Any:
    return role_user(Role.MODERATOR, email="mo@example.com", first_name="Mo", last_name="Moderator")


@pytest.fixture
def senior_moderator(role_user: Callable[..., Any]) -> Any:
    """A moderator in "Senior moderators": may also limit, suspend and decide appeals."""
    from social.moderation import make_senior

    user = role_user(
        Role.MODERATOR, email="sena@example.com", first_name="Sena", last_name="Senior"
    )
    make_senior(user)
    return user


@pytest.fixture
def admin(role_user: Callable[..., Any]) -> Any:
    return role_user(Role.ADMIN, email="ada@example.com", first_name="Ada", last_name="Admin")


@pytest.fixture
def institution(role_user: Callable[..., Any]) -> Any:
    return role_user(
        Role.INSTITUTION, email="ines@example.com", first_name="Ines", last_name="Institute"
    )


@pytest.fixture
def homestay_owner(role_user: Callable[..., Any]) -> Any:
    return role_user(
        Role.HOMESTAY_OWNER, email="hana@example.com", first_name="Hana", last_name="Host"
    )


@pytest.fixture
def assert_num_queries() -> Callable[..., Any]:
    return _assert_num_queries


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Any]:
    """A real Celery worker (thread, solo pool) consuming from the session's Redis.

    Tasks see committed data only, hence the transactional database.
    """
    from celery.contrib.testing.worker import start_worker
    from django.conf import settings

    from toto.celery import app

    # Every queue tasks are routed to (email, ml …), not only the default one.
    queues = sorted(
        {settings.CELERY_TASK_DEFAULT_QUEUE}
        | {route["queue"] for route in settings.CELERY_TASK_ROUTES.values() if "queue" in route}
    )
    with start_worker(
        app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=queues
    ) as worker:
        yield worker


@pytest.fixture(scope="session")
def ml_service_url() -> Iterator[str]:
    """The real ML service (ml.main:app) served by uvicorn on a loopback port for the session."""
    import threading
    import time

    import httpx
    import uvicorn

    from core.testing.services import free_port
    from ml.main import app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="ml-service", daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        raise RuntimeError("the ML service did not start")
    yield url
    server.should_exit = True
    thread.join(timeout=10)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """Sockets a test left open are ended before its fixtures (and its event loop) are torn
    down: core.testing.websockets.end_open_sockets says why."""
    from core.testing.websockets import end_open_sockets

    end_open_sockets()
    return (yield)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Transactional tests end with a flush that empties every table, including the rows data
    migrations made (role groups, Wagtail's root page, site and locales, beat schedules).
    Restoring the database as migrations left it keeps each such test independent of the
    ones before it."""
    for item in items:
        fixtures = getattr(item, "fixturenames", None)
        if fixtures is None:
            continue
        marker = item.get_closest_marker("django_db")
        transactional = (
            "transactional_db" in fixtures
            or "live_server" in fixtures
            or bool(marker and marker.kwargs.get("transaction"))
        )
        if transactional and "django_db_serialized_rollback" not in fixtures:
            fixtures.append("django_db_serialized_rollback")
        if transactional and marker is not None and not marker.kwargs.get("serialized_rollback"):
            # pytest-django decides whether to serialize the test database at its creation
            # from the django_db markers alone (a marker hides the fixture): without this, a
            # run of only marked transactional tests restores nothing after their flush.
            item.add_marker(
                pytest.mark.django_db(
                    *marker.args, **{**marker.kwargs, "serialized_rollback": True}
                ),
                append=False,
            )
