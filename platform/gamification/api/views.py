"""REST for gamification: the learner's summary and settings, buying a freeze or a repair,
the league and friends' boards, badges and the XP history. Thin: services write, selectors
read."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.schema import ErrorSerializer
from gamification import selectors, services
from gamification.models import Badge, BadgeAward, LeagueMember, XPEntry

from . import serializers as s

IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A retry with the same key buys nothing more.",
)


def me_data(user: Any) -> dict[str, Any]:
    summary = selectors.summary(user)
    player = summary.player
    league = summary.league
    return {
        "xp": player.xp,
        "level": summary.level.__dict__,
        "streak": {
            "current": summary.streak,
            "best": player.best_streak,
            "today": summary.today,
            "today_xp": summary.today_xp,
            "today_status": summary.today_status,
            "lost": player.lost_streak if player.lost_on else 0,
            "lost_on": player.lost_on,
        },
        "freezes": player.freezes,
        "daily_goal": player.daily_goal,
        "rest_days": player.rest_days or [],
        "league_opt_out": player.league_opt_out,
        "league": (
            {
                "tier": league.member.league.tier.name,
                "rank": league.rank,
                "size": league.size,
                "xp": league.member.xp,
                "promote_count": league.promote_count,
                "demote_count": league.demote_count,
                "week_start": league.member.week_start,
                "ends_at": league.ends_at,
            }
            if league
            else None
        ),
        "badges": [_earned(award) for award in summary.badges],
        "quests": summary.quests,
    }


def _earned(award: BadgeAward) -> Badge:
    badge = award.badge
    badge.earned_at = award.awarded_at  # type: ignore[attr-defined]
    return badge


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses=s.GamificationSummarySerializer,
        summary="My XP, level, streak, badges, league, quests",
    )
    def get(self, request: Request) -> Response:
        return Response(s.GamificationSummarySerializer(me_data(request.user)).data)

    @extend_schema(
        request=s.MeUpdateSerializer,
        responses=s.GamificationSummarySerializer,
        summary="Set my daily goal, rest days (from tomorrow) or league opt-out",
    )
    def patch(self, request: Request) -> Response:
        form = s.MeUpdateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        services.update_settings(request.user, **form.validated_data)  # type: ignore[arg-type]
        return Response(s.GamificationSummarySerializer(me_data(request.user)).data)


NOT_ENOUGH_CREDITS = OpenApiResponse(
    ErrorSerializer, description="`insufficient_credits`: the wallet cannot pay for it."
)


def _key(request: Request) -> str:
    return request.headers.get("Idempotency-Key") or uuid.uuid4().hex


class FreezeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY],
        responses={201: s.GamificationSummarySerializer, 402: NOT_ENOUGH_CREDITS},
        summary="Buy a streak freeze with credits (two held at most)",
    )
    def post(self, request: Request) -> Response:
        services.buy_freeze(request.user, _key(request))  # type: ignore[arg-type]
        return Response(
            s.GamificationSummarySerializer(me_data(request.user)).data,
            status=status.HTTP_201_CREATED,
        )


class RepairView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None,
        parameters=[IDEMPOTENCY],
        responses={201: s.GamificationSummarySerializer, 402: NOT_ENOUGH_CREDITS},
        summary="Repair a streak lost in the last days, with credits",
    )
    def post(self, request: Request) -> Response:
        services.repair_streak(request.user, _key(request))  # type: ignore[arg-type]
        return Response(
            s.GamificationSummarySerializer(me_data(request.user)).data,
            status=status.HTTP_201_CREATED,
        )


class LeaderboardView(generics.ListAPIView[LeagueMember]):
    """This week's ranking: ``board=league`` (default) is the learner's league with its
    promotion and demotion zones; ``board=friends`` the learner and their friends."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.LeaderboardRowSerializer

    @extend_schema(
        parameters=[OpenApiParameter("board", str, enum=["league", "friends"])],
        summary="League or friends' leaderboard",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def _board(self) -> str:
        return "friends" if self.request.query_params.get("board") == "friends" else "league"

    def get_queryset(self) -> QuerySet[LeagueMember]:
        if getattr(self, "swagger_fake_view", False):
            return LeagueMember.objects.none()
        if self._board() == "friends":
            return selectors.friends_board(self.request.user)
        self.membership = selectors.current_membership(self.request.user)
        return selectors.league_board(self.membership)

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        member = getattr(self, "membership", None)
        if member is not None:
            tier = member.league.tier
            context["zones"] = {
                "promote": tier.promote_count,
                "demote": tier.demote_count,
                "size": member.league.size,
            }
        return context


class BadgeListView(generics.ListAPIView[Badge]):
    """Every badge, with when the learner earned it (null: not yet)."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.BadgeSerializer

    @extend_schema(summary="Badges, earned first")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Badge]:
        if getattr(self, "swagger_fake_view", False):
            return Badge.objects.none()
        return selectors.badges_for(self.request.user)


class XPHistoryView(generics.ListAPIView[XPEntry]):
    """The learner's XP ledger, newest first."""

    permission_classes = [IsAuthenticated]
    serializer_class = s.XPEntrySerializer

    @extend_schema(summary="My XP history")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[XPEntry]:
        if getattr(self, "swagger_fake_view", False):
            return XPEntry.objects.none()
        return selectors.xp_history(self.request.user)
