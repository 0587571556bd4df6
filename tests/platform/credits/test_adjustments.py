"""Finance admins grant or deduct credits from the Wagtail admin: through the ledger (never
an edited balance), with a required reason the learner reads in their transactions (API and
website wallet), in Wagtail's audit log, and only for those holding the finance permission."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from wagtail.models import ModelLogEntry

from accounts.testing import activate_totp
from credits.models import AccountKind, CreditAdjustment
from credits.services import adjust_credits, user_account, verify_balances

pytestmark = pytest.mark.django_db

FORM = "/admin/finance/credit-adjustments/new/"
LIST = "/admin/finance/credit-adjustments/"


def post(client, email, credits, reason, direction="grant", nonce=None):  # type: ignore[no-untyped-def]
    import uuid

    return client.post(
        FORM,
        {
            "email": email,
            "direction": direction,
            "credits": credits,
            "reason": reason,
            "nonce": nonce or str(uuid.uuid4()),
        },
        follow=True,
    )


@pytest.fixture
def finance_clerk(user_factory):  # type: ignore[no-untyped-def]
    """Staff in the Finance group the migration creates: no other admin rights."""
    clerk = user_factory(email="fin@example.com", is_staff=True)
    clerk.groups.add(Group.objects.get(name="Finance"))
    activate_totp(clerk)
    return clerk


def test_a_grant_reaches_the_wallet_with_its_reason_and_the_audit_log(
    client, api_client, finance_clerk, student
):
    client.force_login(finance_clerk)
    form = client.get(f"{FORM}?email={student.email}")
    assert form.status_code == 200 and student.email.encode() in form.content

    answer = post(client, student.email, "12.50", "Sorry for the outage on 3 May")
    assert answer.redirect_chain[-1][0] == LIST
    assert "Granted 12.50 credits" in answer.content.decode()
    assert "Sorry for the outage on 3 May" in answer.content.decode()  # the list shows it

    assert user_account(student, AccountKind.WALLET).balance == Decimal("12.50")
    adjustment = CreditAdjustment.objects.get()
    assert (adjustment.user, adjustment.by, adjustment.credits) == (
        student,
        finance_clerk,
        Decimal("12.50"),
    )
    log = ModelLogEntry.objects.get(action="credits.adjust")
    assert log.user_id == finance_clerk.pk and log.object_id == str(adjustment.pk)
    assert log.data == {
        "user": str(student.pk),
        "credits": "12.50",
        "reason": "Sorry for the outage on 3 May",
    }
    assert verify_balances() == []

    # The learner sees it, with the reason, in the API and on the website.
    api_client.force_login(student)
    rows = api_client.get("/api/v1/wallet/transactions/").json()["results"]
    assert [(r["kind"], r["memo"], r["amount"]) for r in rows] == [
        ("admin_adjustment", "Sorry for the outage on 3 May", "12.50")
    ]
    client.force_login(student)
    wallet = client.get("/wallet/").content.decode()
    assert "Sorry for the outage on 3 May" in wallet and "+12.5" in wallet


def test_a_deduction_takes_credits_back_but_never_overdraws(client, finance_clerk, student):
    adjust_credits(student, Decimal("5"), reason="Goodwill", by=finance_clerk, idempotency_key="k1")
    client.force_login(finance_clerk)
    too_much = post(client, student.email, "6", "Charged twice", direction="deduct")
    assert too_much.status_code == 200
    assert "cannot overdraw" in too_much.content.decode()
    assert user_account(student, AccountKind.WALLET).balance == Decimal("5.00")

    answer = post(client, student.email, "2", "Charged twice", direction="deduct")
    assert "Deducted 2.00 credits" in answer.content.decode()
    assert user_account(student, AccountKind.WALLET).balance == Decimal("3.00")
    assert CreditAdjustment.objects.filter(credits=Decimal("-2.00")).exists()
    assert verify_balances() == []


def test_a_double_submit_adjusts_once(client, finance_clerk, student):
    client.force_login(finance_clerk)
    nonce = "6f3b5a4e-6c2b-4d0e-9a11-0d4c1b2a3e4f"
    post(client, student.email, "3", "Welcome gift", nonce=nonce)
    post(client, student.email, "3", "Welcome gift", nonce=nonce)
    assert user_account(student, AccountKind.WALLET).balance == Decimal("3.00")
    assert CreditAdjustment.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="credits.adjust").count() == 1


@pytest.mark.parametrize(
    ("email", "credits", "reason", "field"),
    [
        ("sam@example.com", "4", "   ", "reason"),
        ("sam@example.com", "0", "Why not", "credits"),
        ("nobody@example.com", "4", "Why not", "email"),
    ],
)
def test_bad_input_is_a_form_error(client, finance_clerk, student, email, credits, reason, field):
    client.force_login(finance_clerk)
    answer = post(client, email, credits, reason)
    assert answer.status_code == 200
    assert answer.context["form"].errors[field]
    assert not CreditAdjustment.objects.exists()


def test_only_the_finance_permission_may_adjust(client, moderator, student):
    client.force_login(moderator)
    # Wagtail turns the refusal into a redirect to the dashboard with a message.
    refused = client.get(FORM)
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    post(client, student.email, "100", "Me friend")
    assert not CreditAdjustment.objects.exists()
    assert user_account(student, AccountKind.WALLET).balance == Decimal("0")


def test_the_service_refuses_a_missing_reason(student, admin):
    from credits.errors import AdjustmentReasonRequired

    with pytest.raises(AdjustmentReasonRequired):
        adjust_credits(student, Decimal("1"), reason=" ", by=admin, idempotency_key="x")


def test_adjustments_cannot_be_edited_or_deleted_in_the_admin(client, admin, student):
    adjustment = adjust_credits(
        student, Decimal("1"), reason="Goodwill", by=admin, idempotency_key="k2"
    )
    client.force_login(admin)
    html = client.get(LIST).content.decode()
    assert "Goodwill" in html
    assert f"/edit/{adjustment.pk}/" not in html and f"/delete/{adjustment.pk}/" not in html
    assert client.get(f"{LIST}edit/{adjustment.pk}/").status_code == 404
    assert client.get(f"{LIST}inspect/{adjustment.pk}/").status_code == 200
