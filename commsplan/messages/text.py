"""Measures of a message's words: length, word count and an estimated reading age."""

from __future__ import annotations

import re

KEY_MESSAGE_WORDS = 27  # the message-mapping "27 words, 9 seconds, 3 messages" rule
PLAIN_ENGLISH_READING_AGE = 12

WORD = re.compile(r"[A-Za-z0-9’']+")
SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n")
MARKDOWN_NOISE = re.compile(r"!\[[^\]]*\]\([^)]*\)|\]\([^)]*\)|[*_#>`\[\]|-]")
VOWEL_GROUPS = re.compile(r"[aeiouy]+")


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def character_count(body: str) -> int:
    """What a channel counts: every character of the body as written, ends trimmed."""
    return len(body.strip())


def plain_text(markdown: str) -> str:
    """Markdown with links' targets, images and markup characters removed, for reading measures."""
    return MARKDOWN_NOISE.sub(" ", markdown)


def syllables(word: str) -> int:
    """A rough English syllable count: vowel groups, less a silent final e, at least one."""
    word = word.lower().strip("’'")
    if len(word) <= 3:
        return 1
    count = len(VOWEL_GROUPS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(count, 1)


def reading_age(text: str) -> int | None:
    """Flesch–Kincaid grade plus five, in years; None when there are too few words to judge.

    A guide, not a verdict: short, punchy lines score young and lists of names score old.
    """
    words = WORD.findall(plain_text(text))
    if len(words) < 5:
        return None
    sentences = max(len([part for part in SENTENCE_END.split(text) if WORD.search(part)]), 1)
    syllable_total = sum(syllables(word) for word in words)
    grade = 0.39 * len(words) / sentences + 11.8 * syllable_total / len(words) - 15.59
    return max(5, round(grade + 5))
