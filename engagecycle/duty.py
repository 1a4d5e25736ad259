"""The duty to involve: what one assessment's answers show, principle by principle.

Version 2 of the question bank tags every item with the ten principles of the 2022 statutory
guidance, the three limbs of the duty to involve and the five older national assessment
domains. A board (or a regulator) asks first "what does this say about the duty?", so this
module rates each principle, limb and domain red, amber or green from its tagged items, by a
rule simple enough to check with a pencil (docs/scoring.md, section 9), and writes the reason
out in words for every rating. It is pure: item rows in, ratings out; the report section and
the overview panel only show what it returns.

It never hides what the ratings rest on: the organisation's own answers, not checked by
anyone else. Every view carries that sentence, and a rating with too few answers says so
rather than guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .framework import Framework

GREEN, AMBER, RED, NOT_ENOUGH = "green", "amber", "red", "not enough evidence"
WORDS = {GREEN: "Green", AMBER: "Amber", RED: "Red", NOT_ENOUGH: "Not enough evidence"}
# The thresholds, in one place (docs/scoring.md section 9 quotes them).
MIN_ANSWERED = 2  # at least this many tagged items answered...
MIN_SHARE = 0.5  # ...and at least this share of the tagged items that apply
GREEN_FROM = 2.5  # average at least Established...
RED_BELOW = 1.5  # ...or below Developing (Not started or Emerging)
WEAK_BELOW = 2.0  # an answered item below Developing holds a rating back from green
NAMED = 4  # items named in a reason before "and N more"

SELF_ASSESSMENT = (
    "These ratings come from the organisation's own self-assessment: its own answers, not "
    "checked by anyone else, and not NHS England's assessment."
)
NO_TAGS = (
    "This assessment used version {version} of the question bank, whose items carry no tags "
    "to the duty to involve, the principles or the national domains, so these answers cannot "
    "be read against them. Assessments on version 2 or later can."
)
RULE_WORDS = (
    "Only the items tagged with it count, N/A left out. It needs at least "
    f"{MIN_ANSWERED} of them answered, and at least half of those that apply; otherwise there "
    f"is not enough evidence. Red when the average of the answers is below {RED_BELOW:g} (Not "
    f"started or Emerging); green when it is {GREEN_FROM:g} (Established) or more and no "
    f"answered item is below {WEAK_BELOW:g} (Developing); amber otherwise."
)
GROUPS = (
    ("principle", "The ten principles (2022 statutory guidance)"),
    ("duty", "The three limbs of the duty to involve"),
    ("domain", "The national assessment domains (2016/17 to 2020/21)"),
)


@dataclass(frozen=True)
class Rating:
    """One principle, limb or domain, rated from its tagged items."""

    group: str  # "principle", "duty" or "domain"
    key: str  # "1".."10", "a".."c", or a domain id
    label: str
    rating: str  # GREEN, AMBER, RED or NOT_ENOUGH
    items: tuple[str, ...]  # every tagged item
    applicable: int  # tagged items not N/A
    answered: int
    average: float | None  # mean of the answered values (weighted as scores are)
    below: tuple[str, ...]  # answered items below Developing (value under 2)
    unconfirmed: tuple[str, ...]  # answered items carried over and not yet confirmed
    reason: str

    @property
    def word(self) -> str:
        return WORDS[self.rating]


@dataclass(frozen=True)
class DutyView:
    """What one assessment's answers show about the duty to involve."""

    organisation: str
    period: str
    version: int
    tagged: bool  # False for a version without tags: no ratings, `note` says why
    ratings: tuple[Rating, ...]
    note: str = ""
    basis: str = SELF_ASSESSMENT

    def group(self, name: str) -> tuple[Rating, ...]:
        return tuple(r for r in self.ratings if r.group == name)

    def get(self, group: str, key: object) -> Rating:
        return next(r for r in self.ratings if r.group == group and r.key == str(key))


def duty_view(items: pd.DataFrame, framework: Framework) -> DutyView:
    """Rate every principle, limb of the duty and national domain for one assessment.

    `items` are the item table's rows (`scoring.item_table`) of one organisation and period,
    answered with `framework`.
    """
    keys = items[["organisation", "period"]].drop_duplicates()
    if len(keys) != 1:
        raise ValueError(f"duty_view needs one assessment's rows; got {len(keys)} assessments")
    org, period = (str(v) for v in keys.iloc[0])
    if "version" in items and set(items["version"]) != {framework.version}:
        found = sorted(set(items["version"]))
        raise ValueError(f"the rows are on version {found}, not {framework.version}")
    missing = set(framework.items) - set(items["item"])
    if missing:
        raise ValueError(f"rows missing for {len(missing)} item(s), such as {min(missing)}")
    if not framework.principles:
        return DutyView(
            org, period, framework.version, False, (), NO_TAGS.format(version=framework.version)
        )
    # plain tuples once: rating 18 groups from them is ~30 times quicker than from DataFrame
    # slices, which matters when the overview rates every organisation in a period
    answers = dict(
        zip(
            items["item"],
            zip(
                items["status"],
                items["value"],
                items["weight"],
                items["carried_over"],
                strict=True,
            ),
            strict=True,
        )
    )
    ratings = []
    for group, labels, tags_of in (
        ("principle", framework.principles, lambda i: i.principles),
        ("duty", framework.duty, lambda i: i.duty),
        ("domain", framework.domains, lambda i: i.domains),
    ):
        for key, label in labels.items():
            tagged = tuple(i.id for i in framework.items.values() if key in tags_of(i))
            ratings.append(_rate(group, str(key), label, [(i, answers[i]) for i in tagged]))
    return DutyView(org, period, framework.version, True, tuple(ratings))


def rate(group: str, key: str, label: str, rows: pd.DataFrame) -> Rating:
    """The rule of docs/scoring.md section 9 for one principle, limb or domain.

    `rows` are the item-table rows of its tagged items, indexed by item id.
    """
    answers = zip(rows["status"], rows["value"], rows["weight"], rows["carried_over"], strict=True)
    return _rate(group, key, label, list(zip(rows.index, answers, strict=True)))


Answer = tuple[str, float, float, bool]  # status, value, weight, carried over


def _rate(group: str, key: str, label: str, rows: list[tuple[str, Answer]]) -> Rating:
    """`rate` on (item id, answer) pairs, in the tagged items' order."""
    tagged = tuple(str(i) for i, _ in rows)
    applicable_rows = [(i, a) for i, a in rows if a[0] != "na"]
    answered_rows = [(str(i), a) for i, a in applicable_rows if a[0] == "answered"]
    applicable, answered = len(applicable_rows), len(answered_rows)
    na = len(rows) - applicable
    unconfirmed = tuple(i for i, a in answered_rows if bool(a[3]))

    def rated(rating: str, average: float | None, below: tuple[str, ...], reason: str) -> Rating:
        return Rating(
            group=group,
            key=key,
            label=label,
            rating=rating,
            items=tagged,
            applicable=applicable,
            answered=answered,
            average=average,
            below=below,
            unconfirmed=unconfirmed,
            reason=reason,
        )

    counted = f"{answered} of {applicable} tagged item{'s' if applicable != 1 else ''} answered"
    if not applicable:
        reason = (
            f"{WORDS[NOT_ENOUGH]}: all {len(tagged)} tagged items were answered N/A, so "
            "nothing shows whether this is met."
        )
        return rated(NOT_ENOUGH, None, (), reason)
    if answered < MIN_ANSWERED or answered < MIN_SHARE * applicable:
        reason = (
            f"{WORDS[NOT_ENOUGH]}: {counted}; a rating needs at least {MIN_ANSWERED}, and at "
            f"least half of those that apply."
        )
        return rated(NOT_ENOUGH, None, (), reason)
    weights = [float(a[2]) for _, a in answered_rows]
    values = [float(a[1]) for _, a in answered_rows]
    average = sum(v * w for v, w in zip(values, weights, strict=True)) / sum(weights)
    below = tuple(i for (i, _), v in zip(answered_rows, values, strict=True) if v < WEAK_BELOW)
    exact = round(average, 9)  # as the level bands: 2.5 computed as 2.4999999 is still 2.5
    if exact < RED_BELOW:
        rating = RED
    elif exact >= GREEN_FROM and not below:
        rating = GREEN
    else:
        rating = AMBER
    parts = [f"{WORDS[rating]}: {counted}, average {_shown(average)}"]
    if below:
        verb = "is" if len(below) == 1 else "are"
        parts.append(f"{_names(below)} {verb} below Developing")
    else:
        parts.append("none is below Developing")
    if rating == AMBER and not below:
        parts.append("an average of 2.5 (Established) or more is needed for green")
    text = "; ".join(parts)
    notes = []
    if na:
        notes.append(f"{na} N/A left out")
    if unconfirmed:
        were = "was" if len(unconfirmed) == 1 else "were"
        notes.append(
            f"{len(unconfirmed)} of these answers {were} carried over from last year and not "
            "yet confirmed"
        )
    if notes:
        text += " (" + "; ".join(notes) + ")"
    return rated(rating, average, below, text + ".")


def _names(ids: tuple[str, ...]) -> str:
    shown = list(ids[:NAMED])
    more = len(ids) - len(shown)
    if more:
        return ", ".join(shown) + f" and {more} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _shown(average: float) -> str:
    """One decimal, unless that would seem to cross a threshold the exact value does not."""
    one = f"{average:.1f}"
    for bound in (RED_BELOW, GREEN_FROM):
        if float(one) >= bound > round(average, 9):
            return f"{average:.2f}"
    return one


DUTY_TABLE_COLUMNS = [
    "organisation",
    "name",
    "version",
    "group",
    "key",
    "label",
    "rating",
    "answered",
    "applicable",
    "average",
    "reason",
]


def duty_table(views: dict[str, DutyView], names: dict[str, str]) -> pd.DataFrame:
    """Every view as rows for a spreadsheet: one per organisation and rating.

    An assessment without tags gets one row saying so (rating "not rated"), so a filter on
    the sheet never silently drops an organisation.
    """
    rows: list[tuple[object, ...]] = []
    for code, v in views.items():
        name = names.get(code, code)
        if not v.tagged:
            rows.append((code, name, v.version, "", "", "", "not rated", None, None, None, v.note))
            continue
        for r in v.ratings:
            rows.append(
                (
                    code,
                    name,
                    v.version,
                    r.group,
                    r.key,
                    r.label,
                    r.rating,
                    r.answered,
                    r.applicable,
                    r.average,
                    r.reason,
                )
            )
    return pd.DataFrame(rows, columns=DUTY_TABLE_COLUMNS)
