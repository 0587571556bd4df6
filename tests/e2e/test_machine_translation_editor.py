"""A moderator opens a lesson's Spanish translation in the Wagtail editor and presses
"Translate with Toto translation service": the real ML service (apertium) fills every missing
string, and the editor shows the Spanish text."""

import pytest
from playwright.sync_api import expect

from cms.learning.testing import learning_tree, make_lesson, translate_lesson  # noqa: F401

pytestmark = pytest.mark.e2e


def test_a_moderator_machine_translates_a_lesson_in_the_editor(
    page, live_server, transactional_db, role_user, make_lesson, translate_lesson,  # noqa: F811
    ml_service_url, settings, screenshot, staff_sign_in,
) -> None:  # fmt: skip
    from accounts.roles import Role

    settings.ML_URL = ml_service_url
    page.set_default_timeout(15_000)
    moderator = role_user(Role.MODERATOR, email="mo@example.com", first_name="Mo")
    english = make_lesson(
        "The red house",
        body=[("paragraph", "<p>The <b>train</b> is late today.</p><p>I like coffee.</p>")],
    )
    spanish = translate_lesson(english, "es")

    edit_url = f"{live_server.url}/admin/pages/{spanish.id}/edit/"
    staff_sign_in(page, edit_url, moderator)

    button = page.get_by_role("button", name="Translate with Toto translation service")
    expect(button).to_be_enabled()
    screenshot("before")
    button.click()

    expect(page.get_by_text("Translated with Toto translation service.")).to_be_visible()
    expect(page.get_by_text("La casa roja").first).to_be_visible()
    expect(page.get_by_text("Me gusta el café.").first).to_be_visible()
    # Everything is translated now, so the button has nothing left to do.
    expect(
        page.get_by_role("button", name="Translate with Toto translation service")
    ).to_be_disabled()
    screenshot("after")
