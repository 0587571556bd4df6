from rest_framework import serializers

from ..selectors import currencies, levels


class ChartQuerySerializer(serializers.Serializer[dict[str, object]]):
    """The date range (the last ``days`` UTC days, ending today or at ``until``), for
    money charts the currency, and for the learning charts a course (its page id), a CEFR
    level and, for the drop-off per step, a lesson (its page id)."""

    days = serializers.IntegerField(min_value=7, max_value=366, default=90)
    until = serializers.DateField(required=False)
    currency = serializers.ChoiceField(choices=[], required=False, default="USD")
    course = serializers.IntegerField(min_value=1, required=False)
    level = serializers.ChoiceField(choices=[], required=False, allow_blank=True)
    lesson = serializers.IntegerField(min_value=1, required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["currency"].choices = currencies()  # type: ignore[attr-defined]
        self.fields["level"].choices = levels()  # type: ignore[attr-defined]


class ChartSerializer(serializers.Serializer[dict[str, object]]):
    key = serializers.CharField()
    title = serializers.CharField()
    type = serializers.CharField(help_text="A Chart.js chart type, 'heatmap' or 'goals'.")
    labels = serializers.ListField(child=serializers.CharField())
    datasets = serializers.ListField(child=serializers.DictField())
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    notes = serializers.CharField(allow_blank=True)


class ProgressTotalsSerializer(serializers.Serializer[dict[str, object]]):
    minutes = serializers.FloatField()
    lessons = serializers.IntegerField()
    accuracy = serializers.IntegerField(allow_null=True, help_text="% of exercise answers right.")
    words_added = serializers.IntegerField()
    words_mastered = serializers.IntegerField()
    reviews = serializers.IntegerField()
    retention = serializers.IntegerField(allow_null=True, help_text="% of reviews recalled.")
    tutor_sessions = serializers.IntegerField()
    xp = serializers.IntegerField()


class ProgressSummarySerializer(serializers.Serializer[dict[str, object]]):
    """The numbers of the learner's /progress/ page for the period."""

    period = serializers.ChoiceField(choices=["week", "month"])
    first = serializers.DateField()
    last = serializers.DateField()
    streak = serializers.IntegerField()
    totals = ProgressTotalsSerializer()
    previous = ProgressTotalsSerializer(help_text="The same length of time before the period.")
    next_steps = serializers.ListField(child=serializers.CharField())


class ProgressReportSerializer(ProgressSummarySerializer):
    charts = ChartSerializer(many=True, help_text="Per day; no 'columns'/'rows'/'notes'.")


class StudentSerializer(serializers.Serializer[dict[str, object]]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class StudentProgressSerializer(serializers.Serializer[dict[str, object]]):
    student = StudentSerializer()
    shared_since = serializers.DateTimeField()
    progress = ProgressSummarySerializer()


class StudentProgressReportSerializer(StudentProgressSerializer):
    progress = ProgressReportSerializer()


class SharingTeacherSerializer(serializers.Serializer[dict[str, object]]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    shared = serializers.BooleanField(help_text="Whether this teacher sees your progress.")


class PeriodQuerySerializer(serializers.Serializer[dict[str, object]]):
    period = serializers.ChoiceField(choices=["week", "month"], default="week")


class LessonBucketSerializer(serializers.Serializer[dict[str, object]]):
    start = serializers.DateField(help_text="The week's Monday or the month's first day.")
    lessons = serializers.IntegerField(help_text="Completed lessons (a group session is one).")
    learners = serializers.IntegerField(help_text="Different learners taught.")


class RatingMonthSerializer(serializers.Serializer[dict[str, object]]):
    start = serializers.DateField()
    average = serializers.FloatField(allow_null=True, help_text="None: no review that month.")
    reviews = serializers.IntegerField()


class TeachingLinksSerializer(serializers.Serializer[dict[str, object]]):
    earnings = serializers.CharField(help_text="The earnings dashboard (website page).")
    payouts = serializers.CharField(help_text="Payout method and tax documents (website page).")


class TeachingReportSerializer(serializers.Serializer[dict[str, object]]):
    weeks = LessonBucketSerializer(many=True, help_text="The last 12 weeks, oldest first.")
    months = LessonBucketSerializer(many=True, help_text="The last 12 months, oldest first.")
    ratings = RatingMonthSerializer(many=True, help_text="The last 12 months, oldest first.")
    rating_average = serializers.FloatField(allow_null=True)
    rating_count = serializers.IntegerField()
    links = TeachingLinksSerializer()
