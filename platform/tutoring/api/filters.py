import django_filters
from django.db.models import QuerySet

from core.api.filters import IsoDateTimeFilter

from ..models import TeacherListing
from ..selectors.discovery import available_between


class TeacherFilter(django_filters.FilterSet):
    language = django_filters.CharFilter(field_name="languages__language", distinct=True)
    category = django_filters.CharFilter(field_name="gigs__category__slug", distinct=True)
    country = django_filters.CharFilter(field_name="country", lookup_expr="iexact")
    min_rating = django_filters.NumberFilter(field_name="rating_average", lookup_expr="gte")
    min_price = django_filters.NumberFilter(field_name="hourly_from", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="hourly_from", lookup_expr="lte")
    available_from = IsoDateTimeFilter(method="filter_available")
    available_to = IsoDateTimeFilter(method="filter_available")

    class Meta:
        model = TeacherListing
        fields = ["language", "category", "country", "min_rating", "min_price", "max_price"]

    def filter_available(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        start = self.form.cleaned_data.get("available_from")
        end = self.form.cleaned_data.get("available_to")
        if name != "available_from" or not start or not end or end <= start:
            return queryset
        return available_between(queryset, start, end)
