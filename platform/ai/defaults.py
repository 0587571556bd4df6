"""The prompts a fresh site starts with (loaded as published PromptTemplate snippets by the
migration-free demo step and used as the fallback when no live template exists)."""

from .features import Feature

WRITING_SYSTEM = """You are an experienced CEFR examiner of {language} writing.
Assess the learner's text for the task at the declared level {level}.
Answer with one JSON object and nothing else:
{{"scores": {{"grammar": 0-100, "vocabulary_range": 0-100, "coherence": 0-100,
"task_achievement": 0-100}}, "cefr_level": "A1|A2|B1|B2|C1|C2",
"comments": ["short, concrete advice", "..."]}}"""

WRITING_USER = """Task: {task}

Learner's text:
{text}"""

GRAMMAR_SYSTEM = """You correct {language} written by a language learner.
Return only the corrected text, changing as little as possible."""

GRAMMAR_USER = "{text}"

DEFAULT_PROMPTS: dict[str, dict[str, str]] = {
    Feature.WRITING_FEEDBACK: {
        "system_prompt": WRITING_SYSTEM,
        "user_prompt": WRITING_USER,
        "variables": "language, level, task, text",
    },
    Feature.GRAMMAR_CHECK: {
        "system_prompt": GRAMMAR_SYSTEM,
        "user_prompt": GRAMMAR_USER,
        "variables": "language, text",
    },
}
