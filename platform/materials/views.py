"""Website pages: the learner's "My materials", the teacher's library, and the pack
marketplace (list, detail, buy). Thin: reads through the selectors, writes through the
services; a service's refusal becomes a message on the page it came from. Files are linked
to the API's permission-checked download view, never to storage URLs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.requests import user_of
from accounts.selectors import is_email_verified
from core.api.errors import ServiceError
from tutoring.models.teachers import CefrLevel

from . import payments, selectors, services
from .api.filters import PackFilter
from .forms import PackForm, RatingForm, UploadForm

PAGE_SIZE = 12
ORDERINGS = {
    "new": ("-published_at", "id"),
    "price": ("price", "id"),
    "-price": ("-price", "id"),
    "rating": ("-rating_average", "-rating_count", "id"),
}


@login_required
def my_materials(request: HttpRequest) -> HttpResponse:
    shared = Paginator(selectors.shared_with(user_of(request)), 24).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request,
        "materials/my_materials.html",
        {"shared": shared, "purchases": selectors.purchases_of(user_of(request))[:50]},
    )


def _teacher_or_404(request: HttpRequest) -> User:
    teacher = user_of(request)
    if not selectors.is_teacher(teacher):
        raise Http404
    return teacher


@login_required
def library(request: HttpRequest) -> HttpResponse:
    teacher = _teacher_or_404(request)
    upload_form = UploadForm()
    pack_form = PackForm(teacher=teacher)
    if request.method == "POST" and request.POST.get("action") == "upload":
        upload_form = UploadForm(request.POST, request.FILES)
        if upload_form.is_valid():
            try:
                services.upload_material(
                    teacher,
                    upload=upload_form.cleaned_data["file"],
                    title=upload_form.cleaned_data["title"],
                    description=upload_form.cleaned_data["description"],
                    tags=upload_form.tag_list(),
                )
            except ServiceError as error:
                upload_form.add_error("file", str(error.detail))
            else:
                messages.success(request, _("Uploaded."))
                return redirect("materials-library")
    elif request.method == "POST" and request.POST.get("action") == "pack":
        pack_form = PackForm(request.POST, teacher=teacher)
        if pack_form.is_valid():
            data = pack_form.cleaned_data
            try:
                pack = services.create_pack(
                    teacher,
                    title=data["title"],
                    description=data["description"],
                    language=data["language"],
                    level=data["level"],
                    price=data["price"],
                    currency=data["currency"],
                    material_ids=[material.pk for material in data["materials"]],
                    preview_id=data["preview"].pk if data["preview"] else None,
                )
                if data["publish"]:
                    services.publish_pack(pack)
            except ServiceError as error:
                pack_form.add_error(None, str(error.detail))
            else:
                messages.success(request, _("Pack saved."))
                return redirect("materials-pack", pk=pack.pk)
    materials = list(
        selectors.library_of(teacher).prefetch_related("shares__learner").order_by("-created_at")
    )
    return TemplateResponse(
        request,
        "materials/library.html",
        {
            "materials": materials,
            "learners": list(selectors.learners_of(teacher)),
            "packs": selectors.packs_of(teacher).order_by("-created_at"),
            "debts": selectors.outstanding_debts(teacher),
            "upload_form": upload_form,
            "pack_form": pack_form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def share(request: HttpRequest, pk: str) -> HttpResponse:
    teacher = _teacher_or_404(request)
    material = get_object_or_404(selectors.own_materials(teacher), pk=pk)
    learner_id = request.POST.get("learner", "")
    try:
        if request.POST.get("action") == "unshare":
            services.unshare_material(material, learner_id=learner_id)
            messages.success(request, _("No longer shared."))
        else:
            services.share_material(material, learner_id=learner_id)
            messages.success(request, _("Shared."))
    except (ServiceError, ValueError, ValidationError):
        messages.error(request, _("You can share materials only with learners who booked you."))
    return redirect("materials-library")


def marketplace(request: HttpRequest) -> HttpResponse:
    # The form sends every field; an "Any" (empty) choice means no filter, not an invalid one.
    data = request.GET.copy()
    for key in list(data):
        values = [value for value in data.getlist(key) if value.strip()]
        if values:
            data.setlist(key, values)
        else:
            del data[key]
    filterset = PackFilter(data or None, queryset=selectors.listed_packs())
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    order = ORDERINGS.get(request.GET.get("sort", ""), ORDERINGS["new"])
    page = Paginator(queryset.order_by(*order), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return TemplateResponse(
        request,
        "materials/marketplace.html",
        {
            "filter": filterset,
            "page_obj": page,
            "levels": CefrLevel.choices,
            "query": request.GET,
            "query_string": query.urlencode(),
        },
    )


def pack_detail(request: HttpRequest, pk: str) -> HttpResponse:
    pack = get_object_or_404(selectors.visible_packs(request.user), pk=pk)
    owned = selectors.can_download_pack(request.user, pack)
    is_buyer = owned and pack.teacher_id != request.user.pk
    rated = is_buyer and pack.ratings.filter(learner_id=request.user.pk).exists()
    return TemplateResponse(
        request,
        "materials/pack.html",
        {
            "pack": pack,
            "items": selectors.pack_items(pack),
            "owned": owned,
            "is_own": pack.teacher_id == request.user.pk,
            "rating_form": RatingForm() if is_buyer and not rated else None,
            # Back from Stripe: the purchase appears when Stripe's webhook has arrived.
            "payment_processing": not owned and bool(request.GET.get("payment_intent")),
            "ratings": selectors.ratings_of(pack)[:20],
        },
    )


@login_required
@require_POST
def buy(request: HttpRequest, pk: str) -> HttpResponse:
    pack = get_object_or_404(selectors.listed_packs(), pk=pk)
    try:
        client = payments.start_pack_checkout(
            pack, user=user_of(request), provider=payments.website_card_provider()
        )
    except ServiceError as error:
        messages.error(request, str(error.detail))
        return redirect("materials-pack", pk=pack.pk)
    client = {
        **client,
        "return_url": request.build_absolute_uri(reverse("materials-pack", args=[pack.pk])),
    }
    return TemplateResponse(request, "materials/pay.html", {"pack": pack, "client": client})


@login_required
@require_POST
def get_free(request: HttpRequest, pk: str) -> HttpResponse:
    """The "Get it free" button of a free pack (the API's ``POST …/get/``)."""
    pack = get_object_or_404(selectors.listed_packs(), pk=pk)
    if not is_email_verified(user_of(request)):  # the API's refusal (403 email_not_verified)
        messages.error(request, _("Verify your email address before you get a pack."))
        return redirect("materials-pack", pk=pack.pk)
    try:
        services.get_free_pack(pack, learner=user_of(request))
    except ServiceError as error:
        messages.error(request, str(error.detail))
    else:
        messages.success(request, _("The pack is yours: find it in My materials."))
    return redirect("materials-pack", pk=pack.pk)


@login_required
@require_POST
def rate(request: HttpRequest, pk: str) -> HttpResponse:
    pack = get_object_or_404(selectors.visible_packs(request.user), pk=pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rate_pack(
                pack,
                by=user_of(request),
                rating=form.cleaned_data["rating"],
                text=form.cleaned_data["text"],
            )
            messages.success(request, _("Thank you for your rating."))
        except ServiceError as error:
            messages.error(request, str(error.detail))
    else:
        messages.error(request, _("Choose 1 to 5 stars."))
    return redirect("materials-pack", pk=pack.pk)
