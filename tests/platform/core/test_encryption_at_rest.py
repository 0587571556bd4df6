"""Personal data encrypted at rest (core.crypto, core.fields): the raw columns hold Fernet
tokens, the owner reads plain values through the API and the export, and
``rotate_encryption_keys`` moves every value to the newest key without losing one."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from accounts.models import Profile
from payouts.models import PayeeProfile, account_number_digest
from payouts.services import save_bank_account

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()
IBAN = "ES91 2100 0418 4502 0005 1332"


def raw(table: str, columns: str, where: str, value: object) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {where} = %s", [value])  # noqa: S608
        return cursor.fetchone()


def test_phone_and_birthday_are_unreadable_in_the_database(student, api_client) -> None:
    api_client.force_login(student)
    response = api_client.patch(
        "/api/v1/users/me/",
        {"phone": "+34600123456", "date_of_birth": "1999-04-01"},
        format="json",
    )
    assert response.status_code == 200, response.content
    phone, birthday = raw("accounts_profile", "phone, date_of_birth", "user_id", student.pk)
    for stored in (phone, birthday):
        assert stored.startswith("gAAAA")  # a Fernet token
    assert "600123456" not in phone and "1999" not in birthday
    # The owner sees the values: the model, the API and the export.
    profile = Profile.objects.get(user=student)
    assert (profile.phone, profile.date_of_birth.isoformat()) == ("+34600123456", "1999-04-01")
    me = api_client.get("/api/v1/users/me/").json()
    assert (me["phone"], me["date_of_birth"]) == ("+34600123456", "1999-04-01")
    export = api_client.get("/api/v1/users/me/export/").json()
    assert export["profile"]["phone"] == "+34600123456"
    assert export["profile"]["date_of_birth"] == "1999-04-01"


def test_empty_values_stay_empty_and_queryable(student) -> None:
    assert raw("accounts_profile", "phone, date_of_birth", "user_id", student.pk) == ("", None)
    assert Profile.objects.filter(user=student, phone="").exists()


def test_bank_account_is_unreadable_and_has_a_blind_index(teacher, api_client) -> None:
    save_bank_account(
        teacher,
        holder="Tomás Teacher",
        number=IBAN,
        bank_name="CaixaBank",
        country="ES",
        details="BIC CAIXESBBXXX",
    )
    holder, number, details, index = raw(
        "payouts_payeeprofile",
        "account_holder, account_number, bank_details, account_number_index",
        "user_id",
        teacher.pk,
    )
    for stored in (holder, number, details):
        assert stored.startswith("gAAAA")
    assert "2100" not in number and "Tom" not in holder and "CAIX" not in details
    # The index finds the same account however it is typed, and only it.
    assert index == account_number_digest("es9121000418450200051332")
    assert PayeeProfile.objects.filter(account_number_index=account_number_digest(IBAN)).get()
    assert not PayeeProfile.objects.filter(
        account_number_index=account_number_digest("ES91 2100 0418 4502 0005 1333")
    ).exists()
    api_client.force_login(teacher)
    payee = api_client.get("/api/v1/users/me/export/").json()["payouts"]["payee"]
    assert payee["account_number"] == IBAN and payee["account_holder"] == "Tomás Teacher"


def test_rotation_reencrypts_every_value_without_loss(student, teacher) -> None:
    with override_settings(ENCRYPTION_KEYS=[OLD_KEY]):
        profile = Profile.objects.get(user=student)
        profile.phone, profile.date_of_birth = "+34600123456", "2001-02-03"
        profile.save()
        save_bank_account(teacher, holder="T", number=IBAN, bank_name="", country="ES")
        before = raw("accounts_profile", "phone", "user_id", student.pk)[0]
    with override_settings(ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        out = StringIO()
        call_command("rotate_encryption_keys", batch_size=1, stdout=out)
        printed = out.getvalue()
        assert "accounts.Profile:" in printed and "re-encrypted" in printed
        assert "resume with --after accounts.Profile:" in printed
        after = raw("accounts_profile", "phone", "user_id", student.pk)[0]
        assert after != before
        # A second run finds nothing left to do (resumable, idempotent).
        again = StringIO()
        call_command("rotate_encryption_keys", stdout=again)
        assert "Done: 0 values re-encrypted." in again.getvalue()
    with override_settings(ENCRYPTION_KEYS=[NEW_KEY]):  # the old key retired
        profile = Profile.objects.get(user=student)
        assert profile.phone == "+34600123456"
        assert profile.date_of_birth.isoformat() == "2001-02-03"
        payee = PayeeProfile.objects.get(user=teacher)
        assert (payee.account_number, payee.account_holder) == (IBAN, "T")


def test_rotation_stops_on_a_value_no_key_opens(student) -> None:
    with override_settings(ENCRYPTION_KEYS=[OLD_KEY]):
        Profile.objects.filter(user=student).update(phone="+34600123456")
    with override_settings(ENCRYPTION_KEYS=[NEW_KEY]), pytest.raises(CommandError) as error:
        call_command("rotate_encryption_keys", stdout=StringIO())
    assert "accounts.Profile" in str(error.value)
    with override_settings(ENCRYPTION_KEYS=[OLD_KEY]):  # untouched
        assert Profile.objects.get(user=student).phone == "+34600123456"
