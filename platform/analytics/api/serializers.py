from rest_framework import serializers

from ..selectors import currencies


class ChartQuerySerializer(serializers.Serializer[dict[str, object]]):
    """The date range (the last ``days`` UTC days, ending today or at ``until``) and, for
    money charts, the currency."""

    days = serializers.IntegerField(min_value=7, max_value=366, default=90)
    until = serializers.DateField(required=False)
    currency = serializers.ChoiceField(choices=[], required=False, default="USD")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["currency"].choices = currencies()  # type: ignore[attr-defined]


class ChartSerializer(serializers.Serializer[dict[str, object]]):
    key = serializers.CharField()
    title = serializers.CharField()
    type = serializers.CharField(help_text="A Chart.js chart type, 'heatmap' or 'goals'.")
    labels = serializers.ListField(child=serializers.CharField())
    datasets = serializers.ListField(child=serializers.DictField())
    columns = serializers.ListField(child=serializers.CharField())
    rows = serializers.ListField(child=serializers.ListField())
    notes = serializers.CharField(allow_blank=True)
