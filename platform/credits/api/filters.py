import django_filters

from core.api.filters import IsoDateTimeFilter

from ..models import AccountKind, Entry


class TransactionFilter(django_filters.FilterSet):
    account = django_filters.ChoiceFilter(field_name="account__kind", choices=AccountKind.choices)
    since = IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")

    class Meta:
        model = Entry
        fields = ["account", "currency", "since"]
