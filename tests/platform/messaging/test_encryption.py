"""Message bodies are encrypted at rest, and keys rotate without losing a message."""

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from messaging import crypto, services
from messaging.models import Message
from messaging.tasks import reencrypt_messages

pytestmark = pytest.mark.django_db

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_rotation_moves_every_body_to_the_new_key_and_search_keeps_working(student, other_student):
    conversation, _ = services.start_conversation(student, [other_student])
    with override_settings(ENCRYPTION_KEYS=[OLD_KEY]):
        for n in range(5):
            services.send_message(student, conversation.pk, client_id=str(n), body=f"palabra {n}")
    stored = list(Message.objects.values_list("body_encrypted", flat=True))
    assert all("palabra" not in token for token in stored)
    assert Fernet(OLD_KEY).decrypt(stored[0].encode())

    with override_settings(ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        # Readable during the rotation with both keys, then rewritten in batches.
        assert crypto.decrypt(stored[0]).startswith("palabra")
        assert reencrypt_messages.run(batch_size=2) == 2  # the next batches are queued
        reencrypt_messages.run(batch_size=100)

    with override_settings(ENCRYPTION_KEYS=[NEW_KEY]):  # old key retired
        bodies = sorted(crypto.decrypt(m.body_encrypted) for m in Message.objects.all())
        assert bodies == [f"palabra {n}" for n in range(5)]
        assert len(services.selectors.search_messages(student, "palabra")) == 5
