"""Operator screens: system status and service configuration (Settings menu)."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views


@hooks.register("register_admin_urls")
def operations_urls() -> list[Any]:
    return [
        path("system-status/", admin_views.status_page, name="operations_status"),
        path(
            "service-configuration/",
            admin_views.service_configuration,
            name="operations_service_configuration",
        ),
        path("languages-overview/", admin_views.languages_page, name="operations_languages"),
    ]


class SuperuserMenuItem(MenuItem):
    def is_shown(self, request: Any) -> bool:
        return bool(request.user.is_superuser)


@hooks.register("register_settings_menu_item")
def status_menu_item() -> MenuItem:
    return SuperuserMenuItem(
        "System status", reverse("operations_status"), icon_name="pick", order=10
    )


@hooks.register("register_settings_menu_item")
def configuration_menu_item() -> MenuItem:
    return SuperuserMenuItem(
        "Service configuration",
        reverse("operations_service_configuration"),
        icon_name="cogs",
        order=11,
    )


@hooks.register("register_settings_menu_item")
def languages_menu_item() -> MenuItem:
    return SuperuserMenuItem(
        _("Languages and translation"),
        reverse("operations_languages"),
        icon_name="globe",
        order=12,
    )


@hooks.register("register_log_actions")
def register_operations_log_actions(actions: Any) -> None:
    actions.register_action(
        "operations.configure", _("Configure a service"), _("Service setting changed")
    )
    actions.register_action(
        "operations.unconfigure", _("Remove a service setting"), _("Service setting removed")
    )
