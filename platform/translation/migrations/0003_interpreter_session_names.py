from django.db import migrations


class Migration(migrations.Migration):
    """The translator's two-person conversation mode was called Conversation, the same name as
    messaging's chats: it is an interpreter session with its turns. The API is unchanged."""

    dependencies = [("translation", "0002_translation_engine_and_pivot")]

    operations = [
        migrations.RenameModel("Conversation", "InterpreterSession"),
        migrations.RenameModel("ConversationTurn", "InterpreterTurn"),
    ]
