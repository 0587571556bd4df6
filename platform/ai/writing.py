"""Writing feedback without an LLM: honest heuristic scores from measurable things.

Nothing here pretends to understand the text. Grammar comes from harper's lints per 100 words;
vocabulary range from a moving-average type-token ratio (length-independent) and word length;
coherence from connectives and sentence-length balance; task achievement from length against
the level's expected length and overlap with the task's content words. The response says
``mode: "heuristic"`` and lists the measures, so a learner or teacher can see the basis.
"""

import re
from dataclasses import dataclass
from statistics import mean, pstdev

CEFR_LEVELS = ["A1", "A2", "B1", "B2", "C1", "C2"]

# Expected length of a task answer per level (words): below ~60 % of it the task is short.
EXPECTED_WORDS = {"A1": 40, "A2": 70, "B1": 120, "B2": 180, "C1": 240, "C2": 280}

CONNECTIVES = {
    "and", "but", "because", "so", "then", "however", "therefore", "although", "though",
    "moreover", "furthermore", "finally", "first", "firstly", "secondly", "also", "while",
    "whereas", "besides", "meanwhile", "consequently", "instead", "otherwise", "since",
    "unless", "overall", "nevertheless", "thus", "hence", "additionally", "example",
}  # fmt: skip

STOPWORDS = {
    "the", "a", "an", "and", "or", "to", "of", "in", "on", "at", "for", "with", "is", "are",
    "was", "were", "be", "i", "you", "he", "she", "it", "we", "they", "my", "your", "about",
    "write", "describe", "explain", "tell", "what", "how", "why", "this", "that", "do", "did",
}  # fmt: skip

WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?", re.UNICODE)
SENTENCE = re.compile(r"[^.!?]+[.!?]*")


@dataclass(frozen=True)
class Measures:
    words: int
    sentences: int
    lints: int
    lints_per_100_words: float
    mattr: float
    mean_word_length: float
    long_word_share: float
    mean_sentence_length: float
    sentence_length_spread: float
    connectives_per_sentence: float
    task_overlap: float | None


def _mattr(tokens: list[str], window: int = 25) -> float:
    if not tokens:
        return 0.0
    if len(tokens) <= window:
        return len(set(tokens)) / len(tokens)
    ratios = [len(set(tokens[i : i + window])) / window for i in range(len(tokens) - window + 1)]
    return mean(ratios)


def measure(text: str, lint_count: int, task: str) -> Measures:
    words = [w.lower() for w in WORD.findall(text)]
    sentences = [s for s in SENTENCE.findall(text) if WORD.search(s)]
    lengths = [len(WORD.findall(s)) for s in sentences] or [0]
    task_words = {w.lower() for w in WORD.findall(task)} - STOPWORDS
    overlap = None
    if task_words:
        overlap = len(task_words & set(words)) / len(task_words)
    n = max(len(words), 1)
    return Measures(
        words=len(words),
        sentences=len(sentences),
        lints=lint_count,
        lints_per_100_words=round(lint_count * 100 / n, 2),
        mattr=round(_mattr(words), 3),
        mean_word_length=round(mean(len(w) for w in words), 2) if words else 0.0,
        long_word_share=round(sum(len(w) >= 7 for w in words) / n, 3),
        mean_sentence_length=round(mean(lengths), 2),
        sentence_length_spread=round(pstdev(lengths), 2) if len(lengths) > 1 else 0.0,
        connectives_per_sentence=round(
            sum(w in CONNECTIVES for w in words) / max(len(sentences), 1), 2
        ),
        task_overlap=round(overlap, 2) if overlap is not None else None,
    )


def _clamp(value: float) -> int:
    return max(0, min(100, round(value)))


def score(m: Measures, level: str) -> dict[str, int]:
    grammar = _clamp(100 - 10 * m.lints_per_100_words)
    # MATTR 0.55 is repetitive beginner prose, 0.85+ is wide; word length 3.8 → 5.2 letters.
    vocabulary = _clamp(
        60 * (m.mattr - 0.55) / 0.30
        + 25 * (m.mean_word_length - 3.8) / 1.4
        + 60 * m.long_word_share
    )
    connective_score = min(m.connectives_per_sentence / 0.8, 1.0) * 60
    # Very short or run-on sentences read badly; 10 to 22 words reads well.
    length_fit = 40 - min(abs(m.mean_sentence_length - 16) * 3, 40)
    coherence = _clamp(connective_score + length_fit) if m.sentences > 1 else _clamp(length_fit)
    expected = EXPECTED_WORDS.get(level, 120)
    length_part = min(m.words / (0.8 * expected), 1.0) * 70
    topic_part = 30 * (m.task_overlap if m.task_overlap is not None else 0.5)
    task = _clamp(length_part + topic_part)
    return {
        "grammar": grammar,
        "vocabulary_range": vocabulary,
        "coherence": coherence,
        "task_achievement": task,
    }


def estimate_level(scores: dict[str, int], m: Measures) -> str:
    """A rough band from the mean score, capped by text length (a 30-word text cannot
    demonstrate C1 whatever its words)."""
    average = mean(scores.values())
    index = min(int(average // 17), 5)
    cap = 1 if m.words < 40 else 3 if m.words < 120 else 5
    return CEFR_LEVELS[min(index, cap)]


def comments(scores: dict[str, int], m: Measures, level: str) -> list[str]:
    notes: list[str] = []
    if m.lints:
        notes.append(
            f"{m.lints} possible grammar or spelling problems were flagged; fix those first."
        )
    if scores["vocabulary_range"] < 50:
        notes.append("Many words repeat: try synonyms and more precise words.")
    if m.sentences > 1 and m.connectives_per_sentence < 0.3:
        notes.append("Link your ideas with connectives (because, however, for example …).")
    if m.mean_sentence_length > 28:
        notes.append("Some sentences are very long: split them.")
    elif m.sentences > 1 and m.mean_sentence_length < 7:
        notes.append("Sentences are very short: combine some of them.")
    expected = EXPECTED_WORDS.get(level, 120)
    if m.words < 0.6 * expected:
        notes.append(
            f"For {level} a task answer is usually about {expected} words; you wrote {m.words}."
        )
    if m.task_overlap is not None and m.task_overlap < 0.25:
        notes.append("The text mentions little of what the task asks about.")
    return notes or ["Clear and accurate for this level. Keep writing."]
