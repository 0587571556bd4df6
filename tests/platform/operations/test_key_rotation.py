"""``rotate_encryption_keys`` also moves the stored service settings (operations'
ciphertext column) to the newest key and drops their cache: once the old key is retired
the settings still read as they were saved, from the database and through the cache."""

from io import StringIO

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.test import override_settings
from operations import configuration, services
from operations.models import ServiceSetting

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_rotation_re_encrypts_service_settings_and_they_read_back_after_the_old_key_goes(
    admin, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    for name in ("STRIPE_SECRET_KEY", "ML_URL"):
        monkeypatch.delenv(name, raising=False)
    with override_settings(ENCRYPTION_KEYS=[OLD_KEY]):
        services.configure("STRIPE_SECRET_KEY", "sk_live_rotate_me_4242", admin)
        services.configure("ML_URL", "http://ml.internal:8001", admin)
        before = dict(ServiceSetting.objects.values_list("name", "ciphertext"))
        # A process reads them: the cache now holds the old key's tokens.
        assert configuration.value("STRIPE_SECRET_KEY") == "sk_live_rotate_me_4242"

    with override_settings(ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        out = StringIO()
        call_command("rotate_encryption_keys", batch_size=1, stdout=out)
        assert "operations.ServiceSetting: 2/2 rows, 2 values re-encrypted" in out.getvalue()
        after = dict(ServiceSetting.objects.values_list("name", "ciphertext"))
        assert set(after) == set(before)
        for name, token in after.items():
            assert token != before[name]
            assert Fernet(NEW_KEY.encode()).decrypt(token.encode())  # under the new key
        # Resumable and idempotent: nothing left for a second run.
        again = StringIO()
        call_command("rotate_encryption_keys", stdout=again)
        assert "operations.ServiceSetting: 2/2 rows, 0 values re-encrypted" in again.getvalue()

    with override_settings(ENCRYPTION_KEYS=[NEW_KEY]):  # the old key retired
        # Read through the cache the rotation dropped, then from the cache refilled.
        assert configuration.value("STRIPE_SECRET_KEY") == "sk_live_rotate_me_4242"
        assert configuration.value("ML_URL") == "http://ml.internal:8001"
        assert configuration.stored_value("STRIPE_SECRET_KEY") == "sk_live_rotate_me_4242"
        with pytest.raises(InvalidToken):
            Fernet(OLD_KEY.encode()).decrypt(after["ML_URL"].encode())
