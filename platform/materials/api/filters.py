import django_filters
from django.db.models import Q, QuerySet

from tutoring.models.gigs import CURRENCIES
from tutoring.models.teachers import CefrLevel

from ..models import Material, MaterialKind, MaterialPack


class PackFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search in titles and descriptions")
    language = django_filters.CharFilter(field_name="language", lookup_expr="iexact")
    level = django_filters.MultipleChoiceFilter(field_name="level", choices=CefrLevel.choices)
    currency = django_filters.ChoiceFilter(field_name="currency", choices=CURRENCIES)
    min_price = django_filters.NumberFilter(field_name="price", lookup_expr="gte")
    max_price = django_filters.NumberFilter(field_name="price", lookup_expr="lte")
    min_rating = django_filters.NumberFilter(field_name="rating_average", lookup_expr="gte")
    teacher = django_filters.UUIDFilter(field_name="teacher_id")
    free = django_filters.BooleanFilter(method="filter_free", label="Free packs only (or paid)")

    class Meta:
        model = MaterialPack
        fields = [
            "q",
            "language",
            "level",
            "currency",
            "min_price",
            "max_price",
            "min_rating",
            "free",
        ]

    def filter_free(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        return queryset.filter(price=0) if value else queryset.filter(price__gt=0)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))


class MaterialFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=MaterialKind.choices)
    tag = django_filters.CharFilter(field_name="tags__name", lookup_expr="iexact", distinct=True)
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains")

    class Meta:
        model = Material
        fields = ["kind", "tag", "q"]
