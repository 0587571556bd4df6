"""Admin: XP rules, levels, badges, league tiers and quest templates as snippets under one
"Gamification" menu. Permissions are Wagtail's snippet permissions, given to groups."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import Badge, LeagueTier, Level, QuestTemplate, XPRule


class XPRuleViewSet(SnippetViewSet):
    model = XPRule
    icon = "pick"
    menu_label = "XP rules"
    list_display = ["reason", "points", "repeat_points", "daily_cap", "active"]


class LevelViewSet(SnippetViewSet):
    model = Level
    icon = "order"
    menu_label = "Levels"
    list_display = ["number", "title", "xp_required"]


class BadgeViewSet(SnippetViewSet):
    model = Badge
    icon = "pick"
    menu_label = "Badges"
    list_display = ["name", "rule", "threshold", "active"]
    list_filter = ["rule", "active"]
    search_fields = ["name", "description"]


class LeagueTierViewSet(SnippetViewSet):
    model = LeagueTier
    icon = "group"
    menu_label = "League tiers"
    list_display = ["rank", "name", "promote_count", "demote_count"]


class QuestTemplateViewSet(SnippetViewSet):
    model = QuestTemplate
    icon = "tasks"
    menu_label = "Daily quests"
    list_display = ["title", "metric", "target", "reward_xp", "active"]
    list_filter = ["metric", "active"]


class GamificationViewSetGroup(ViewSetGroup):
    menu_label = "Gamification"
    menu_icon = "pick"
    menu_order = 820
    items = (XPRuleViewSet, LevelViewSet, BadgeViewSet, LeagueTierViewSet, QuestTemplateViewSet)


@hooks.register("register_admin_viewset")
def register_gamification_viewsets() -> GamificationViewSetGroup:
    return GamificationViewSetGroup()


@hooks.register("register_pricing_menu_item")
def reward_rules_in_monetisation() -> MenuItem:
    """The reward rules sit beside prices and plans (payments' Monetisation menu) too."""
    return MenuItem(
        "Reward rules (XP)",
        reverse("wagtailsnippets_gamification_xprule:list"),
        icon_name="pick",
        order=900,
    )
