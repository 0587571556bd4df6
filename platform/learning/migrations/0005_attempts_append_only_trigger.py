"""Exercise attempts are append-only in the database too, not only in the ORM (PostgreSQL;
the embedded SQLite default keeps the model-level rule only).

- UPDATE: what the learner sent (answer, recording, lesson, exercise, time) never changes; the
  score fields change once, when a pending voice attempt receives its assessment, and are
  frozen from then on. The only other column that moves is ``assessment_tries``.
- DELETE: refused, unless the attempt's learner or lesson is deleted in the same transaction
  (Django deletes the dependent rows first, so this is checked at commit by a deferred
  constraint trigger). Account deletion (accounts.services.delete_account) anonymises the user
  row and keeps it, so attempts survive it; hard deletion of a user or of a lesson page by an
  administrator still takes its attempts with it.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION learning_attempt_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.user_id, NEW.lesson_id, NEW.block_id, NEW.exercise_type, NEW.answer,
        NEW.audio, NEW.max_points, NEW.time_spent_seconds, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.user_id, OLD.lesson_id, OLD.block_id, OLD.exercise_type, OLD.answer,
        OLD.audio, OLD.max_points, OLD.time_spent_seconds, OLD.created_at) THEN
        RAISE EXCEPTION 'exercise attempt %: an answer is never changed', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF OLD.status = 'scored'
       AND (NEW.status, NEW.score, NEW.points, NEW.correct, NEW.result, NEW.scored_at)
           IS DISTINCT FROM
           (OLD.status, OLD.score, OLD.points, OLD.correct, OLD.result, OLD.scored_at) THEN
        RAISE EXCEPTION 'exercise attempt %: a score is never changed once given', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER learning_attempt_refuse_update
    BEFORE UPDATE ON learning_exerciseattempt
    FOR EACH ROW EXECUTE FUNCTION learning_attempt_refuse_update();

CREATE FUNCTION learning_attempt_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM accounts_user WHERE id = OLD.user_id)
       AND EXISTS (SELECT 1 FROM cms_learning_lessonpage WHERE page_ptr_id = OLD.lesson_id) THEN
        RAISE EXCEPTION 'exercise attempt %: attempts are never deleted', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER learning_attempt_refuse_delete
    AFTER DELETE ON learning_exerciseattempt
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION learning_attempt_refuse_delete();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS learning_attempt_refuse_delete ON learning_exerciseattempt;
DROP FUNCTION IF EXISTS learning_attempt_refuse_delete();
DROP TRIGGER IF EXISTS learning_attempt_refuse_update ON learning_exerciseattempt;
DROP FUNCTION IF EXISTS learning_attempt_refuse_update();
"""


class PostgreSQLOnlyRunSQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0004_progress_translation_key_required"),
        ("accounts", "0001_initial"),
    ]

    operations = [PostgreSQLOnlyRunSQL(FORWARD, BACKWARD)]
