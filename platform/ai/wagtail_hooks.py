"""Admin: prompt templates (versioned snippets) and the AI usage log (read-only listing)."""

from typing import Any

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from core.admin_queues import ReviewQueueViewSet

from .models import AIUsage, PromptTemplate


class PromptTemplateViewSet(SnippetViewSet):
    model = PromptTemplate
    icon = "openquote"
    menu_label = "Prompt templates"
    list_display = ["__str__", "model_name", "live"]
    list_filter = ["feature", "live"]
    search_fields = ["system_prompt", "user_prompt"]


class ReadOnlyPolicy(ModelPermissionPolicy):
    """The usage log is evidence for billing: operators read it, nobody edits it."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in {"add", "change", "delete"}:
            return False
        return bool(user.is_active and user.is_superuser) or super().user_has_permission(
            user, "view"
        )


class AIUsageViewSet(ReviewQueueViewSet):
    model = AIUsage
    read_only = True
    name = "ai_usage"
    url_prefix = "ai/usage"
    icon = "time"
    menu_label = "AI usage"
    list_display = [
        "created_at",
        "user",
        "feature",
        "model_name",
        "outcome",
        "units",
        "credits",
        "latency_ms",
    ]
    list_filter = ["feature", "outcome", "created_at"]
    search_fields = ["user__email", "model_name", "error_code"]
    list_export = [
        "created_at",
        "user",
        "feature",
        "model_name",
        "prompt_tokens",
        "completion_tokens",
        "audio_seconds",
        "characters",
        "units",
        "credits",
        "latency_ms",
        "outcome",
        "error_code",
    ]
    inspect_view_enabled = True


register_permission_policy(AIUsage, ReadOnlyPolicy(AIUsage))


class AIViewSetGroup(ViewSetGroup):
    menu_label = "AI"
    menu_icon = "cogs"
    menu_order = 800
    items = (PromptTemplateViewSet, AIUsageViewSet)


@hooks.register("register_admin_viewset")
def register_ai_viewsets() -> AIViewSetGroup:
    return AIViewSetGroup()
