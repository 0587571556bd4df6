"""The report builder in the admin (Analytics > Reports): build, preview, save, export,
schedule. Reads and writes go through analytics.reports / selectors / services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from accounts.requests import user_of

from . import reports, selectors, services
from .models import SavedReport


class ReportForm(forms.ModelForm):
    metric = forms.ChoiceField(
        label=_("Metric"), choices=[(key, m.label) for key, m in reports.METRICS.items()]
    )
    group_by = forms.ChoiceField(label=_("Group by"), choices=list(reports.DIMENSIONS.items()))
    days = forms.IntegerField(
        label=_("Last N days"),
        min_value=1,
        max_value=reports.MAX_DAYS,
        required=False,
        help_text=_("Used when no from/to dates are given."),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("A fixed range instead of the last N days: give both dates."),
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    shared_with = forms.ModelMultipleChoiceField(
        label=_("Shared with roles"),
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SavedReport
        fields = [
            "name",
            "metric",
            "group_by",
            "language",
            "level",
            "platform",
            "country",
            "days",
            "date_from",
            "date_to",
            "schedule",
            "recipients",
            "shared_with",
        ]

    def clean_recipients(self) -> str:
        value: str = self.cleaned_data.get("recipients", "")
        validate = forms.EmailField().clean
        for address in SavedReport(recipients=value).recipient_list():
            try:
                validate(address)
            except forms.ValidationError as exc:
                raise forms.ValidationError(_("Not an email address: %s") % address) from exc
        return value

    def clean_country(self) -> str:
        from accounts.models import country_validator

        value = (self.cleaned_data.get("country") or "").strip().upper()
        if value:
            country_validator(value)
        return value

    def _clean_range(self, data: dict[str, Any]) -> None:
        """A fixed range has both ends, in order, none after today, at most MAX_DAYS long;
        without one, the last N days are required."""
        first, last = data.get("date_from"), data.get("date_to")
        if "date_from" in self.errors or "date_to" in self.errors:
            return
        if first is None and last is None:
            if not data.get("days") and "days" not in self.errors:
                self.add_error("days", _("Give the last N days, or a from and a to date."))
            return
        if first is None or last is None:
            self.add_error(
                "date_to" if last is None else "date_from",
                _("Give both the from and the to date, or neither."),
            )
            return
        today = selectors.today()
        if first > last:
            self.add_error("date_to", _("The to date is before the from date."))
        elif last > today:
            self.add_error("date_to", _("The to date is in the future; the latest is today."))
        elif (last - first).days + 1 > reports.MAX_DAYS:
            self.add_error(
                "date_to",
                _("A report covers at most %(days)s days.") % {"days": reports.MAX_DAYS},
            )
        if not data.get("days"):
            # The model keeps a relative length too (used if the dates are removed later).
            data["days"] = self.instance.days or 30

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self._clean_range(data)
        if data.get("schedule") and not (data.get("recipients") or "").strip():
            self.add_error("recipients", _("Say who gets the scheduled email."))
        if data.get("metric") in reports.METRICS and reports.METRICS[data["metric"]].kind == "":
            # Active people are counted per person and day (UserDay): by date or platform only.
            if data.get("group_by") not in reports.ACTIVE_DIMENSIONS:
                self.add_error(
                    "group_by",
                    _("Active people can be grouped by day, week, month or platform only."),
                )
            for field in ("language", "level", "country"):
                if data.get(field):
                    self.add_error(
                        field, _("Active people can be filtered by platform only; leave it empty.")
                    )
        return data


def _builder(request: HttpRequest) -> Any:
    user = user_of(request)
    if not selectors.may_build_reports(user):
        raise PermissionDenied
    return user


def report_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    visible = selectors.reports_for(user)
    if not selectors.may_build_reports(user) and not visible.exists():
        raise PermissionDenied
    return TemplateResponse(
        request,
        "analytics/reports/list.html",
        {"reports": list(visible[:200]), "may_build": selectors.may_build_reports(user)},
    )


def _edit(request: HttpRequest, report: SavedReport) -> HttpResponse:
    user = _builder(request)
    form = ReportForm(request.POST or None, instance=report)
    result = None
    if request.method == "POST" and form.is_valid():
        draft = form.save(commit=False)
        if "preview" in request.POST:
            result = reports.run(draft, today=selectors.today())
        else:
            saved = services.save_report(draft, form.cleaned_data["shared_with"], user)
            return redirect("analytics_report", report_id=saved.pk)
    return TemplateResponse(
        request,
        "analytics/reports/edit.html",
        {"form": form, "report": report, "result": result, "chart": result and result.chart()},
    )


def report_new(request: HttpRequest) -> HttpResponse:
    return _edit(request, SavedReport())


def report_edit(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(SavedReport, pk=report_id)
    if not selectors.may_change_report(user_of(request), report):
        raise PermissionDenied
    return _edit(request, report)


def _visible(request: HttpRequest, report_id: int) -> SavedReport:
    report: SavedReport = get_object_or_404(selectors.reports_for(user_of(request)), pk=report_id)
    return report


def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = _visible(request, report_id)
    result = reports.run(report, today=selectors.today())
    return TemplateResponse(
        request,
        "analytics/reports/detail.html",
        {
            "report": report,
            "result": result,
            "chart": result.chart(),
            "may_change": selectors.may_change_report(user_of(request), report),
        },
    )


def report_export(request: HttpRequest, report_id: int, fmt: str) -> HttpResponse:
    if fmt not in {"csv", "xlsx"}:
        raise Http404
    report = _visible(request, report_id)
    result = reports.run(report, today=selectors.today())
    if fmt == "xlsx":
        response = HttpResponse(
            reports.as_xlsx(result),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(reports.as_csv(result), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="report-{report.pk}.{fmt}"'
    return response
