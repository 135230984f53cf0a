"""The quick line's grammar: `3-1203 repair kitchen tap leaking @plumbing !4h` → a record.

Pure: no Textual, no database.  The desk resolves the unit and team names
afterwards and shows the result before Enter commits it.  Words the parser
cannot place are listed in `problems`, never guessed silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from deskclerk.cleaning import is_unit_code, phone_digits

CATEGORIES = ("repair", "complaint", "inquiry", "help", "suggestion", "other")
# The words clerks actually type, in both languages.
_CATEGORY_WORDS = {
    "报修": "repair",
    "维修": "repair",
    "投诉": "complaint",
    "咨询": "inquiry",
    "求助": "help",
    "建议": "suggestion",
    "其他": "other",
    "query": "inquiry",
    "question": "inquiry",
}
PRIORITIES = ("urgent", "high", "normal", "low")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@dataclass(frozen=True)
class QuickEntry:
    """What a quick line says, before the desk looks anything up."""

    unit: str = ""
    category: str = ""
    matter: str = ""
    team: str = ""  # the word after @, as typed
    priority: str = ""
    due_in: timedelta | None = None
    phone: str = ""
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ready(self) -> bool:
        """True when the line can be saved as it stands."""
        return bool(self.category and self.matter) and not self.problems


def category_of(word: str) -> str:
    """The category a word names (`rep` → repair, `投诉` → complaint), or ""."""
    low = word.casefold()
    if low in CATEGORIES:
        return low
    if word in _CATEGORY_WORDS:
        return _CATEGORY_WORDS[word]
    if low in _CATEGORY_WORDS:
        return _CATEGORY_WORDS[low]
    if len(low) >= 3:
        found = [c for c in CATEGORIES if c.startswith(low)]
        if len(found) == 1:
            return found[0]
    return ""


def _bang(word: str) -> tuple[str, timedelta | None, str]:
    """`!4h` → a deadline, `!urgent` → a priority; returns (priority, due, problem)."""
    body = word[1:].casefold()
    m = _DURATION.match(body)
    if m:
        amount = float(m.group(1))
        if amount <= 0:
            return "", None, f"{word}: a deadline must be later than now"
        return "", timedelta(**{_UNITS[m.group(2)]: amount}), ""
    found = [p for p in PRIORITIES if p.startswith(body)] if body else []
    if len(found) == 1:
        return found[0], None, ""
    return "", None, f"{word}: not a deadline (!30m, !4h, !2d) or a priority (!urgent, !high)"


def _looks_like_unit(word: str) -> bool:
    return any(ch.isdigit() for ch in word) and is_unit_code(word) and len(word) <= 12


def _looks_like_phone(word: str) -> bool:
    digits = phone_digits(word)
    return len(digits) >= 7 and len(digits) >= len(word.replace("-", "").replace(" ", "")) - 1


def parse(line: str) -> QuickEntry:
    """Split a quick line into unit, category, matter, @team, !deadline/!priority, phone.

    The unit comes first (`3-1203`, `0801`), then a category word; everything
    else that is not `@…`, `!…` or a phone number is the matter, in order.
    """
    words = line.split()
    problems: list[str] = []
    unit = category = team = priority = phone = ""
    due: timedelta | None = None
    matter: list[str] = []
    if words and not _looks_like_phone(words[0]) and _looks_like_unit(words[0]):
        unit = words.pop(0).upper()
    if words:
        category = category_of(words[0])
        if category:
            words.pop(0)
    for word in words:
        if word.startswith("@") and len(word) > 1:
            if team:
                problems.append(f"{word}: only one team, already @{team}")
            team = word[1:]
        elif word.startswith("!") and len(word) > 1:
            prio, delta, problem = _bang(word)
            if problem:
                problems.append(problem)
            priority = prio or priority
            due = delta or due
        elif not phone and _looks_like_phone(word):
            phone = word
        else:
            matter.append(word)
    if line.strip() and not unit:
        problems.append("start with the unit (3-1203, 0801): the desk finds the caller from it")
    if line.strip() and not category:
        problems.append(
            "no category: start with repair, complaint, inquiry, help, suggestion or other"
        )
    if category and not matter:
        problems.append("what is it about? type a few words after the category")
    if priority and category != "repair":
        problems.append(f"!{priority}: a priority is only for a repair")
    return QuickEntry(
        unit=unit,
        category=category,
        matter=" ".join(matter),
        team=team,
        priority=priority,
        due_in=due,
        phone=phone,
        problems=tuple(problems),
    )


def describe_due(delta: timedelta) -> str:
    """`4h`, `30m`, `2d` for a preview."""
    minutes = int(delta.total_seconds() // 60)
    if minutes % 1440 == 0:
        return f"{minutes // 1440}d"
    if minutes % 60 == 0:
        return f"{minutes // 60}h"
    return f"{minutes}m"
