"""The starting configuration (seeded by migration 0002, edited by admins afterwards)."""

from decimal import Decimal
from typing import Any

XP_RULES: list[dict[str, Any]] = [
    # points x score for an exercise's first answer; a repeat of the same exercise pays
    # nothing; at most 200 XP of exercises a day.
    {"reason": "exercise", "points": 10, "repeat_points": 0, "daily_cap": 200},
    {"reason": "lesson", "points": 20, "repeat_points": 2, "daily_cap": 0},
    # a due review pays 2 once per card and day; a review that was not due pays nothing.
    {"reason": "review", "points": 2, "repeat_points": 0, "daily_cap": 100},
    {"reason": "word_mastered", "points": 5, "repeat_points": 0, "daily_cap": 0},
    {"reason": "voice_tutor", "points": 3, "repeat_points": 0, "daily_cap": 90},
    {"reason": "tutoring", "points": 30, "repeat_points": 0, "daily_cap": 0},
    {"reason": "goal", "points": 5, "repeat_points": 0, "daily_cap": 0},
    {"reason": "quest", "points": 0, "repeat_points": 0, "daily_cap": 0},
]

LEVELS = [
    (1, "Newcomer", 0),
    (2, "Explorer", 100),
    (3, "Apprentice", 250),
    (4, "Speaker", 500),
    (5, "Conversationalist", 1000),
    (6, "Storyteller", 2000),
    (7, "Fluent friend", 3500),
    (8, "Polyglot", 6000),
    (9, "Sage", 10000),
    (10, "Legend", 16000),
]

TIERS = [
    (1, "Bronze", 7, 0),
    (2, "Silver", 7, 5),
    (3, "Gold", 6, 5),
    (4, "Sapphire", 5, 5),
    (5, "Diamond", 0, 5),
]

QUESTS = [
    ("earn-30-xp", "Earn 30 XP", "xp", 30, 10),
    ("earn-60-xp", "Earn 60 XP", "xp", 60, 15),
    ("review-10-cards", "Review 10 due cards", "reviews", 10, 10),
    ("complete-a-lesson", "Complete a lesson", "lessons", 1, 10),
    ("answer-8-exercises", "Answer 8 exercises", "exercises", 8, 10),
    ("talk-5-minutes", "Talk with the voice tutor for 5 minutes", "tutor_minutes", 5, 15),
]

BADGES = [
    ("first-lesson", "First steps", "You completed your first lesson.", "lessons_completed", 1),
    ("streak-7", "One week strong", "A 7-day streak.", "streak_days", 7),
    ("streak-30", "Habit formed", "A 30-day streak.", "streak_days", 30),
    ("words-100", "Word collector", "100 words mastered.", "words_mastered", 100),
    ("first-tutor", "Face to face", "Your first lesson with a tutor.", "tutor_sessions", 1),
    ("category-5", "Deep dive", "5 lessons in one category.", "lessons_in_category", 5),
    ("xp-1000", "Thousand club", "1,000 XP earned.", "xp_total", 1000),
    ("quests-10", "Quest seeker", "10 daily quests completed.", "quests", 10),
]

PRICES = [
    ("streak-freeze", "Streak freeze", "freeze", Decimal("10")),
    ("streak-repair", "Streak repair", "repair", Decimal("20")),
]
