"""The social API: thin adapters over ``services`` (writes) and ``selectors`` (reads)."""

from typing import Any

from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import parsers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.requests import user_of
from core.api.pagination import PageNumberPagination
from core.api.parsers import JSONParser

from .. import feeds, interests, selectors, services
from ..errors import InvalidMedia, MomentNotFound, NotAllowed, PersonNotFound
from ..models import MomentMedia
from . import serializers as s


def _page(view: APIView, request: Request, queryset: Any, serializer: Any) -> Response:
    paginator = getattr(view, "pagination_class", PageNumberPagination)()
    page: list[Any] | None = paginator.paginate_queryset(queryset, request, view=view)
    data = serializer(page, many=True, context={"request": request}).data
    return paginator.get_paginated_response(data)


def _moment_response(request: Request, moment_id: Any, code: int = 200) -> Response:
    moment = selectors.moment_for(user_of(request), moment_id)
    if moment is None:
        raise MomentNotFound()
    return Response(s.MomentSerializer(moment, context={"request": request}).data, status=code)


class MomentListView(APIView):
    pagination_class = PageNumberPagination
    parser_classes = [parsers.MultiPartParser, parsers.FormParser, JSONParser]

    @extend_schema(
        summary="Moments of one person (default: your own), newest first",
        parameters=[OpenApiParameter("author", OpenApiTypes.UUID, required=False)],
        responses=s.MomentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        viewer = user_of(request)
        author = viewer
        if request.query_params.get("author"):
            found = selectors.person_for(viewer, request.query_params["author"])
            if found is None:
                raise PersonNotFound()
            author = found
        moments = selectors.moments_of(viewer, author).order_by("-created_at", "-id")
        return _page(self, request, moments, s.MomentSerializer)

    @extend_schema(
        summary="Post a moment (text, up to 9 photos, one video or one voice clip)",
        request={
            "multipart/form-data": s.MomentCreateSerializer,
            "application/json": s.MomentCreateSerializer,
        },
        responses={201: s.MomentSerializer},
    )
    def post(self, request: Request) -> Response:
        data: Any = request.data
        if hasattr(data, "getlist"):  # multipart: repeated fields are lists
            data = {
                **{
                    key: data.get(key)
                    for key in data
                    if key not in {"images", "topics", "mentions"}
                },
                "images": data.getlist("images"),
                "topics": data.getlist("topics"),
                "mentions": data.getlist("mentions"),
            }
            data = {key: value for key, value in data.items() if value not in (None, [])}
        form = s.MomentCreateSerializer(data=data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        try:
            moment = services.post_moment(
                user_of(request),
                text=values.get("text", ""),
                language=values["language"],
                visibility=values["visibility"],
                images=values.get("images", []),
                voice=values.get("voice"),
                video=values.get("video"),
                topics=values.get("topics", []),
                mentions=values.get("mentions", []),
                correct_me=values.get("correct_me", False),
            )
        except InvalidMedia as exc:
            if exc.field:  # a refused video is that field's error
                raise ValidationError({exc.field: [str(exc.detail)]}) from exc
            raise
        return _moment_response(request, moment.pk, status.HTTP_201_CREATED)


class MomentDetailView(APIView):
    @extend_schema(summary="One moment", responses=s.MomentSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return _moment_response(request, pk)

    @extend_schema(
        summary="Edit your moment (within the edit window)",
        request=s.MomentUpdateSerializer,
        responses=s.MomentSerializer,
    )
    def patch(self, request: Request, pk: int) -> Response:
        form = s.MomentUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.edit_moment(user_of(request), pk, **form.validated_data)
        return _moment_response(request, pk)

    @extend_schema(summary="Delete your moment", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.delete_moment(user_of(request), pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MomentLikesView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(summary="Who liked a moment", responses=s.SocialPersonSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        viewer = user_of(request)
        moment = services.visible_moment(viewer, pk)
        return _page(self, request, selectors.likers_of(viewer, moment), s.SocialPersonSerializer)

    @extend_schema(summary="Like a moment", request=None, responses={201: None, 200: None})
    def post(self, request: Request, pk: int) -> Response:
        created = services.like(user_of(request), pk)
        return Response(status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(summary="Take your like back", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.unlike(user_of(request), pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MomentBookmarkView(APIView):
    @extend_schema(summary="Bookmark a moment", request=None, responses={204: None})
    def post(self, request: Request, pk: int) -> Response:
        services.bookmark(user_of(request), pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Remove a bookmark", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.unbookmark(user_of(request), pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BookmarkListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(summary="Your bookmarked moments", responses=s.MomentSerializer(many=True))
    def get(self, request: Request) -> Response:
        viewer = user_of(request)
        moments = selectors.bookmarks_of(viewer).order_by("-created_at", "-id")
        return _page(self, request, moments, s.MomentSerializer)


class MomentCommentsView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        summary="A moment's comments with their replies", responses=s.CommentSerializer(many=True)
    )
    def get(self, request: Request, pk: int) -> Response:
        viewer = user_of(request)
        moment = services.visible_moment(viewer, pk)
        return _page(self, request, selectors.comments_of(viewer, moment), s.CommentSerializer)

    @extend_schema(
        summary="Comment, or reply to a comment (one level)",
        request=s.CommentCreateSerializer,
        responses={201: s.ReplySerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        form = s.CommentCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        made = services.comment(
            user_of(request),
            pk,
            text=values["text"],
            parent_id=values.get("parent"),
            mentions=values.get("mentions", []),
        )
        return Response(
            s.ReplySerializer(made, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CommentDetailView(APIView):
    @extend_schema(summary="Delete a comment (yours, or one on your moment)", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.delete_comment(user_of(request), pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FeedView(APIView):
    @extend_schema(
        summary="Home feed: you and the people you follow, newest first",
        parameters=[
            OpenApiParameter("cursor", OpenApiTypes.STR, required=False),
            OpenApiParameter("page_size", OpenApiTypes.INT, required=False),
        ],
        responses=s.FeedSerializer,
    )
    def get(self, request: Request) -> Response:
        size = PageNumberPagination().get_page_size(request) or 20
        page = feeds.home_page(
            user_of(request), cursor=request.query_params.get("cursor"), size=size
        )
        moments = s.MomentSerializer(page.moments, many=True, context={"request": request}).data
        return Response({"next": page.next_cursor, "results": moments})


class DiscoverView(APIView):
    @extend_schema(
        summary="Public moments in the languages you learn or speak, and trending topics",
        parameters=[
            OpenApiParameter("language", OpenApiTypes.STR, required=False),
            OpenApiParameter("level", OpenApiTypes.STR, required=False),
            OpenApiParameter("topic", OpenApiTypes.STR, required=False),
        ],
        responses=s.DiscoverSerializer,
    )
    def get(self, request: Request) -> Response:
        viewer = user_of(request)
        params = request.query_params
        moments = selectors.discover(
            viewer,
            language=params.get("language", ""),
            level=params.get("level", ""),
            topic=params.get("topic", ""),
        )
        response = _page(self, request, moments, s.MomentSerializer)
        response.data["trending_topics"] = selectors.trending_topics(viewer)
        return response


class PeopleToFollowView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        summary="People to follow: language-exchange partners first",
        responses=s.SocialPersonSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        viewer = user_of(request)
        return _page(self, request, selectors.people_to_follow(viewer), s.SocialPersonSerializer)


def _person(request: Request, pk: Any) -> Any:
    person = selectors.person_for(user_of(request), pk)
    if person is None:
        raise PersonNotFound()
    return person


class PersonView(APIView):
    @extend_schema(summary="A person's social profile", responses=s.ProfileSerializer)
    def get(self, request: Request, pk: Any) -> Response:
        viewer = user_of(request)
        person = _person(request, pk)
        followers, following = selectors.follow_counts(person)
        person.followed_by_me = selectors.is_following(viewer, person)
        data = s.SocialPersonSerializer(person, context={"request": request}).data
        return Response(
            {
                **data,
                "followers": followers,
                "following": following,
                "connections_visible": selectors.can_see_connections(viewer, person),
            }
        )


class FollowView(APIView):
    @extend_schema(summary="Follow a person", request=None, responses=s.FollowStateSerializer)
    def post(self, request: Request, pk: Any) -> Response:
        services.follow(user_of(request), pk)
        person = _person(request, pk)
        return Response({"following": True, "followers": selectors.follow_counts(person)[0]})

    @extend_schema(summary="Unfollow a person", responses=s.FollowStateSerializer)
    def delete(self, request: Request, pk: Any) -> Response:
        services.unfollow(user_of(request), pk)
        person = _person(request, pk)
        return Response({"following": False, "followers": selectors.follow_counts(person)[0]})


class _ConnectionsView(APIView):
    pagination_class = PageNumberPagination
    which = "followers"

    def get(self, request: Request, pk: Any) -> Response:
        viewer = user_of(request)
        person = _person(request, pk)
        if not selectors.can_see_connections(viewer, person):
            raise NotAllowed("This person keeps their connections private.")
        people = (
            selectors.followers_of(viewer, person)
            if self.which == "followers"
            else selectors.following_of(viewer, person)
        )
        return _page(self, request, people, s.SocialPersonSerializer)


@extend_schema(summary="A person's followers", responses=s.SocialPersonSerializer(many=True))
class FollowersView(_ConnectionsView):
    which = "followers"


@extend_schema(summary="Whom a person follows", responses=s.SocialPersonSerializer(many=True))
class FollowingView(_ConnectionsView):
    which = "following"


class InterestsView(APIView):
    @extend_schema(
        summary="Your interests (topics you like to talk about)", responses=s.InterestsSerializer
    )
    def get(self, request: Request) -> Response:
        return Response({"interests": interests.interests_of(user_of(request))})

    @extend_schema(
        summary="Replace your interests (at most 10; cleaned like topic tags)",
        request=s.InterestsSerializer,
        responses=s.InterestsSerializer,
    )
    def put(self, request: Request) -> Response:
        form = s.InterestsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        saved = services.set_interests(user_of(request), form.validated_data["interests"])
        return Response({"interests": saved})


class InterestSuggestionsView(APIView):
    @extend_schema(
        summary="Interests to suggest while you type or pick them",
        description=(
            "Ranked by co-occurrence: chosen together by other people, used together on "
            "moments, used in your learning language at your level, then popularity. "
            "`chosen` defaults to your saved interests."
        ),
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=False, description="What is typed"),
            OpenApiParameter(
                "chosen", OpenApiTypes.STR, required=False, description="Comma-separated tags"
            ),
        ],
        responses=s.InterestSuggestionsSerializer,
    )
    def get(self, request: Request) -> Response:
        chosen = [tag for tag in request.query_params.get("chosen", "").split(",") if tag][:20]
        found = interests.suggest_interests(
            user_of(request), typed=request.query_params.get("q", "")[:40], chosen=chosen
        )
        return Response(
            {"results": [{"tag": x.tag, "score": x.score, "reason": x.reason} for x in found]}
        )


class SettingsView(APIView):
    @extend_schema(summary="Your social settings", responses=s.SettingsSerializer)
    def get(self, request: Request) -> Response:
        value = selectors.connections_visibility(user_of(request))
        return Response({"connections_visibility": value})

    @extend_schema(
        summary="Change who sees your followers and following",
        request=s.SettingsSerializer,
        responses=s.SettingsSerializer,
    )
    def patch(self, request: Request) -> Response:
        form = s.SettingsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        profile = services.set_connections_visibility(
            user_of(request), form.validated_data["connections_visibility"]
        )
        return Response({"connections_visibility": profile.connections_visibility})


class ReportListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        summary="Your reports and their outcomes", responses=s.SocialReportSerializer(many=True)
    )
    def get(self, request: Request) -> Response:
        return _page(
            self, request, selectors.reports_of(user_of(request)), s.SocialReportSerializer
        )

    @extend_schema(
        summary="Report a moment, a comment or a profile",
        request=s.SocialReportSerializer,
        responses={201: s.SocialReportSerializer},
    )
    def post(self, request: Request) -> Response:
        form = s.SocialReportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        made = services.report(
            user_of(request),
            target=values["target"],
            target_id=values["target_id"],
            category=values["category"],
            details=values.get("details", ""),
        )
        return Response(s.SocialReportSerializer(made).data, status=status.HTTP_201_CREATED)


class ActionListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        summary="Moderation decisions about you (what you may appeal)",
        responses=s.ActionSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return _page(self, request, selectors.actions_on(user_of(request)), s.ActionSerializer)


class AppealListView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(summary="Your appeals", responses=s.AppealSerializer(many=True))
    def get(self, request: Request) -> Response:
        return _page(self, request, selectors.appeals_of(user_of(request)), s.AppealSerializer)

    @extend_schema(
        summary="Appeal a decision (once, within the window)",
        request=s.AppealCreateSerializer,
        responses={201: s.AppealSerializer},
    )
    def post(self, request: Request) -> Response:
        form = s.AppealCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        made = services.appeal(
            user_of(request), form.validated_data["action"], form.validated_data["text"]
        )
        return Response(s.AppealSerializer(made).data, status=status.HTTP_201_CREATED)


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """One ``bytes=start-end`` range within ``size`` (inclusive ends), or None to send the
    whole file (no header, several ranges, or one that does not fit)."""
    if not header.startswith("bytes=") or "," in header or size <= 0:
        return None
    first, _dash, last = header[len("bytes=") :].strip().partition("-")
    try:
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(0, size - int(last)), size - 1
    except ValueError:
        return None
    if start < 0 or start > end:
        return None
    return start, end


class MediaView(APIView):
    """A moment's photo, video or voice clip, for those who may see the moment; 404
    otherwise. ``?size=thumbnail`` is a photo's small rendition or a video's poster frame;
    one ``Range: bytes=…`` is answered 206 with that part (video seeking)."""

    @extend_schema(
        summary="A moment's media file (photo, video, voice clip, or a thumbnail/poster)",
        parameters=[OpenApiParameter("size", OpenApiTypes.STR, enum=["thumbnail"])],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            (206, "application/octet-stream"): OpenApiTypes.BINARY,
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponseBase:
        viewer = user_of(request)
        media = (
            MomentMedia.objects.filter(pk=pk, moment__in=selectors.visible_moments(viewer))
            .only("file", "thumbnail", "mime", "kind")
            .first()
        )
        if media is None:
            raise Http404()
        field = media.thumbnail if request.query_params.get("size") == "thumbnail" else media.file
        if not field:
            raise Http404()
        mime = "image/webp" if field is media.thumbnail else media.mime
        if mime == "video/webm" and media.kind == MomentMedia.Kind.AUDIO:
            mime = "audio/webm"
        asked = request.headers.get("Range", "")
        wanted = _byte_range(asked, field.size) if asked and field is media.file else None
        if wanted is not None:
            # Browsers seek in a video (and Safari plays one at all) with range requests.
            start, end = wanted
            with field.open("rb") as handle:
                handle.seek(start)
                part = handle.read(end - start + 1)
            response: HttpResponseBase = HttpResponse(
                part, status=status.HTTP_206_PARTIAL_CONTENT, content_type=mime
            )
            response["Content-Range"] = f"bytes {start}-{end}/{field.size}"
        else:
            response = FileResponse(field.open("rb"), content_type=mime)
        response["Accept-Ranges"] = "bytes"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=3600"
        return response


class MomentCorrectionsView(APIView):
    pagination_class = PageNumberPagination

    @extend_schema(
        summary='Corrections suggested for a "correct me" moment, each with its diff',
        responses=s.CorrectionSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        viewer = user_of(request)
        moment = services.visible_moment(viewer, pk)
        return _page(
            self, request, selectors.corrections_of(viewer, moment), s.CorrectionSerializer
        )

    @extend_schema(
        summary="Suggest a correction (the whole text, corrected)",
        request=s.CorrectionCreateSerializer,
        responses={201: s.CorrectionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        form = s.CorrectionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        made = services.suggest_correction(user_of(request), pk, **form.validated_data)
        return Response(
            s.CorrectionSerializer(made, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class MomentAICorrectionView(APIView):
    """Spends the author's credits like any grammar check: the AI throttle applies."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "ai"

    @extend_schema(
        summary='Ask the grammar engine to correct your own "correct me" moment',
        request=None,
        responses={201: s.CorrectionSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        made = services.request_ai_correction(user_of(request), pk)
        return Response(
            s.CorrectionSerializer(made, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CorrectionDetailView(APIView):
    @extend_schema(
        summary="Delete a correction (yours, or one on your moment)", responses={204: None}
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.delete_correction(user_of(request), pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CorrectionAcceptView(APIView):
    @extend_schema(
        summary="Accept a correction of your moment",
        request=None,
        responses=s.CorrectionSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        accepted = services.accept_correction(user_of(request), pk)
        return Response(s.CorrectionSerializer(accepted, context={"request": request}).data)


class ClipTranscriptView(APIView):
    """The ML service transcribes a clip once; translation is cached per language."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "ai"

    @extend_schema(
        summary="A voice clip's transcript, and its translation on request",
        request=s.TranscriptRequestSerializer,
        responses=s.TranscriptSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        form = s.TranscriptRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        viewer = user_of(request)
        media = services.transcribe_clip(viewer, pk)
        target = form.validated_data.get("translate_to")
        translation = services.translate_clip(viewer, pk, target) if target else None
        return Response(
            {
                "media": media.pk,
                "transcript": media.transcript,
                "language": media.transcript_language,
                "translation": translation,
            }
        )


class MomentShareView(APIView):
    @extend_schema(
        summary="Share a moment into one of your chats (a link, with an optional note)",
        request=s.MomentShareSerializer,
        responses={201: s.MomentSharedSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        form = s.MomentShareSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = form.validated_data
        message = services.share_to_chat(
            user_of(request),
            pk,
            values["conversation"],
            note=values["note"],
            client_id=values["client_id"],
        )
        return Response({"message": str(message.pk)}, status=status.HTTP_201_CREATED)
