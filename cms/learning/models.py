"""The course tree: LearningIndexPage → CategoryPage → SubcategoryPage → LessonPage."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PreviewableMixin, RevisionMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from .blocks import TARGET_LANGUAGES, LessonStreamBlock
from .covers import prefetch_cover_renditions
from .learner_views import learner_views


class Level(models.TextChoices):
    A1 = "A1", _("A1 · Beginner")
    A2 = "A2", _("A2 · Elementary")
    B1 = "B1", _("B1 · Intermediate")
    B2 = "B2", _("B2 · Upper intermediate")
    C1 = "C1", _("C1 · Advanced")
    C2 = "C2", _("C2 · Proficient")


class Difficulty(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class LearningIndexPage(RoutablePageMixin, Page):
    """The catalog: categories, search with filters, and the learner's progress page."""

    introduction = models.TextField(blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    search_fields = [*Page.search_fields, index.SearchField("introduction")]

    parent_page_types = ["cms_site.HomePage"]
    subpage_types = ["cms_learning.CategoryPage"]
    max_count_per_parent = 1
    template = "learning/learning_index_page.html"

    class Meta:
        verbose_name = "learning index page"

    @path("")
    def catalog(self, request: HttpRequest) -> HttpResponse:
        context = self.get_context(request)
        context.update(learner_views().catalog_context(request, self))
        return TemplateResponse(request, self.get_template(request), context)

    @path("progress/")
    def progress(self, request: HttpRequest) -> HttpResponse:
        return learner_views().progress_page(request, self)


class CategoryPage(Page):
    description = models.TextField(blank=True, max_length=600)
    icon = models.CharField(
        max_length=8, blank=True, help_text="One emoji or character shown beside the name."
    )
    sort_order = models.PositiveSmallIntegerField(
        default=0, help_text="Categories are listed by this number, then by their tree order."
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("icon"), FieldPanel("sort_order")]),
    ]
    search_fields = [*Page.search_fields, index.SearchField("description")]

    parent_page_types = ["cms_learning.LearningIndexPage"]
    subpage_types = ["cms_learning.SubcategoryPage"]
    template = "learning/category_page.html"

    class Meta:
        verbose_name = "category page"


class SubcategoryPage(Page):
    description = models.TextField(blank=True, max_length=600)

    content_panels = [*Page.content_panels, FieldPanel("description")]
    search_fields = [*Page.search_fields, index.SearchField("description")]

    parent_page_types = ["cms_learning.CategoryPage"]
    subpage_types = ["cms_learning.LessonPage"]
    template = "learning/subcategory_page.html"

    class Meta:
        verbose_name = "subcategory page"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        lessons = list(LessonPage.objects.child_of(self).live().select_related("cover_image"))
        prefetch_cover_renditions(lessons)
        context["lessons"] = lessons
        return context


class LessonPage(Page):
    description = models.TextField(max_length=600)
    target_language = models.CharField(max_length=8, choices=TARGET_LANGUAGES, default="en")
    level = models.CharField(max_length=2, choices=Level.choices, default=Level.A1)
    difficulty = models.CharField(
        max_length=16, choices=Difficulty.choices, default=Difficulty.BEGINNER
    )
    estimated_minutes = models.PositiveSmallIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = StreamField(LessonStreamBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("target_language"), FieldPanel("level")]),
                FieldRowPanel([FieldPanel("difficulty"), FieldPanel("estimated_minutes")]),
            ],
            heading="Level",
        ),
        FieldPanel("cover_image"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("description", boost=1.5),
        index.SearchField("body"),
        index.FilterField("level"),
        index.FilterField("target_language"),
        index.FilterField("difficulty"),
    ]

    parent_page_types = ["cms_learning.SubcategoryPage"]
    subpage_types: list[str] = []
    template = "learning/lesson_page.html"
    preview_modes = [("", "As the learner sees it"), ("answers", "With the answer key")]

    class Meta:
        verbose_name = "lesson page"

    def exercises(self) -> list[Any]:
        names = self.body.stream_block.exercise_block_names
        return [child for child in self.body if child.block_type in names]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["exercise_count"] = len(self.exercises())
        return context

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        request.is_preview = True
        request.preview_mode = mode_name
        context = self.get_context(request)
        context["preview"] = True
        if mode_name == "answers":
            context["answer_key"] = {
                child.id: child.block.definition(child.value) for child in self.exercises()
            }
        return TemplateResponse(request, self.get_template(request), context)


class LessonTemplateQuerySet(models.QuerySet["LessonTemplate"]):
    def usable_by(self, user: Any) -> LessonTemplateQuerySet:
        """Templates open to every editor, and those restricted to a group of the user's."""
        if user.is_superuser:
            return self.all()
        return self.filter(
            models.Q(groups__isnull=True) | models.Q(groups__in=user.groups.all())
        ).distinct()


@register_snippet
class LessonTemplate(PreviewableMixin, RevisionMixin, models.Model):
    """A reusable lesson skeleton: a new lesson can start from one (the "Lesson from template"
    button on a subcategory in the page explorer)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True, max_length=600)
    groups = models.ManyToManyField(
        "auth.Group",
        blank=True,
        related_name="+",
        help_text="Only members of these groups may start a lesson from this template; "
        "leave empty for every editor who can add lessons.",
    )
    body = StreamField(LessonStreamBlock(), blank=True)

    objects = LessonTemplateQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("groups", widget=forms.CheckboxSelectMultiple),
        FieldPanel("body"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_preview_template(self, request: HttpRequest, mode_name: str) -> str:
        return "learning/lesson_template_preview.html"
