from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gamification.models import Badge, DailyQuest, LeagueMember, XPEntry


class LevelSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = serializers.CharField()
    xp_required = serializers.IntegerField()
    next_xp = serializers.IntegerField(allow_null=True, help_text="XP of the next level.")
    progress = serializers.FloatField(help_text="0..1 of the way to the next level.")


class StreakSerializer(serializers.Serializer):
    current = serializers.IntegerField()
    best = serializers.IntegerField()
    today = serializers.DateField(help_text="The learner's local day.")
    today_xp = serializers.IntegerField()
    today_status = serializers.CharField(help_text="open, met, rest, frozen, …")
    lost = serializers.IntegerField(help_text="A streak lost lately that may be repaired.")
    lost_on = serializers.DateField(allow_null=True)


class BadgeSerializer(serializers.ModelSerializer):
    image = serializers.SerializerMethodField()
    earned_at = serializers.DateTimeField(allow_null=True, read_only=True)

    class Meta:
        model = Badge
        fields = ["slug", "name", "description", "rule", "threshold", "image", "earned_at"]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_image(self, badge: Badge) -> str | None:
        if badge.image is None:
            return None
        return str(badge.image.get_rendition("fill-160x160").url)


class QuestSerializer(serializers.ModelSerializer):
    completed = serializers.SerializerMethodField()

    class Meta:
        model = DailyQuest
        fields = ["id", "day", "title", "metric", "target", "progress", "reward_xp", "completed"]

    def get_completed(self, quest: DailyQuest) -> bool:
        return quest.completed_at is not None


class LeagueSerializer(serializers.Serializer):
    tier = serializers.CharField()
    rank = serializers.IntegerField()
    size = serializers.IntegerField()
    xp = serializers.IntegerField(help_text="XP this week.")
    promote_count = serializers.IntegerField()
    demote_count = serializers.IntegerField()
    week_start = serializers.DateField(help_text="Monday; weeks run Monday 00:00 UTC to Monday.")
    ends_at = serializers.DateTimeField()


class GamificationSummarySerializer(serializers.Serializer):
    xp = serializers.IntegerField()
    level = LevelSerializer()
    streak = StreakSerializer()
    freezes = serializers.IntegerField(help_text="Streak freezes held (two at most).")
    daily_goal = serializers.IntegerField()
    rest_days = serializers.ListField(child=serializers.IntegerField(), help_text="0 = Monday.")
    league_opt_out = serializers.BooleanField()
    league = LeagueSerializer(allow_null=True)
    badges = BadgeSerializer(many=True)
    quests = QuestSerializer(many=True)


class MeUpdateSerializer(serializers.Serializer):
    daily_goal = serializers.IntegerField(min_value=5, max_value=500, required=False)
    rest_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        max_length=2,
        required=False,
        help_text="Up to two weekdays (0 = Monday); applies from tomorrow.",
    )
    league_opt_out = serializers.BooleanField(required=False)


class LeaderboardRowSerializer(serializers.ModelSerializer):
    rank = serializers.IntegerField()
    name = serializers.SerializerMethodField()
    is_me = serializers.SerializerMethodField()
    zone = serializers.SerializerMethodField(help_text="promotion, demotion or empty")

    class Meta:
        model = LeagueMember
        fields = ["rank", "name", "xp", "is_me", "zone"]

    def get_name(self, member: LeagueMember) -> str:
        user = member.user
        return user.first_name or user.get_short_name() or "Learner"

    def get_is_me(self, member: LeagueMember) -> bool:
        return bool(member.user_id == self.context["request"].user.pk)

    def get_zone(self, member: LeagueMember) -> str:
        zones: dict[str, Any] | None = self.context.get("zones")
        if not zones:
            return ""
        rank = getattr(member, "rank", 0)
        if rank <= zones["promote"]:
            return "promotion"
        if rank > zones["size"] - zones["demote"] and rank > zones["promote"]:
            return "demotion"
        return ""


class XPEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = XPEntry
        fields = ["reason", "points", "day", "occurred_at"]
