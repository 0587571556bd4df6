"""Admin: voice avatars, practice contexts (translatable, with preview and a script checked on
save) and the tutor prompt template, grouped under "Voice tutor". Permissions are Wagtail's
snippet permissions (add/change/delete/publish per model, given to groups)."""

from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import PracticeContext, TutorPromptTemplate, VoiceAvatar


class VoiceAvatarViewSet(SnippetViewSet):
    model = VoiceAvatar
    icon = "user"
    menu_label = "Voice avatars"
    list_display = ["name", "accent", "gender", "tts_voice", "live"]
    list_filter = ["language", "gender", "live"]
    search_fields = ["name", "accent", "tts_voice"]


class PracticeContextViewSet(SnippetViewSet):
    model = PracticeContext
    icon = "list-ul"
    menu_label = "Practice contexts"
    list_display = ["title", "language", "category", "difficulty", "has_guided_script", "live"]
    list_filter = ["language", "category", "difficulty", "live", "locale"]
    search_fields = ["title", "scenario", "goal"]


class TutorPromptViewSet(SnippetViewSet):
    model = TutorPromptTemplate
    icon = "openquote"
    menu_label = "Tutor prompt"
    list_display = ["name", "model_name", "live"]
    search_fields = ["name", "system_prompt"]


class VoiceTutorViewSetGroup(ViewSetGroup):
    menu_label = "Voice tutor"
    menu_icon = "comment"
    menu_order = 810
    items = (VoiceAvatarViewSet, PracticeContextViewSet, TutorPromptViewSet)


@hooks.register("register_admin_viewset")
def register_voice_tutor_viewsets() -> VoiceTutorViewSetGroup:
    return VoiceTutorViewSetGroup()
