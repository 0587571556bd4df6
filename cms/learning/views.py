"""Admin view: start a lesson from a LessonTemplate (the new lesson is a draft owned by the
editor, who then edits and submits it like any other)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify

from .models import LessonPage, LessonTemplate, SubcategoryPage


class NewLessonForm(forms.Form):
    template = forms.ModelChoiceField(queryset=LessonTemplate.objects.none())
    title = forms.CharField(max_length=255)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A template restricted to other groups is neither offered nor accepted.
        self.fields["template"].queryset = LessonTemplate.objects.usable_by(user)


def new_lesson_from_template(request: HttpRequest, parent_id: int) -> HttpResponse:
    parent = get_object_or_404(SubcategoryPage, id=parent_id)
    if not parent.permissions_for_user(request.user).can_add_subpage():
        raise PermissionDenied
    form = NewLessonForm(
        request.POST or None, initial={"template": request.GET.get("template")}, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        template: LessonTemplate = form.cleaned_data["template"]
        title: str = form.cleaned_data["title"]
        slug = base = slugify(title) or "lesson"
        number = 1
        while parent.get_children().filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        lesson = LessonPage(
            title=title,
            slug=slug,
            description=template.description or title,
            # Fresh block ids: exercises are told apart by them in learners' attempts.
            body=[{**block, "id": str(uuid.uuid4())} for block in template.body.raw_data],
            owner=request.user,
            live=False,
        )
        parent.add_child(instance=lesson)
        lesson.save_revision(user=request.user, log_action=True)
        return redirect("wagtailadmin_pages:edit", lesson.id)
    context: dict[str, Any] = {"form": form, "parent": parent}
    return TemplateResponse(request, "cms_learning/new_lesson_from_template.html", context)
