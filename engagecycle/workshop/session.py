"""Workshop session: the form's state and rules, with no widgets.

A room of people argues about levels for two or three hours; the one thing the tool must not
do is lose what they said. So every edit goes through this class, which changes the in-memory
assessment through the `Assessment` mutators, marks it unsaved and schedules a save through
the same `Store` the command line uses (atomic, validated, conflict-checked). Keeping this
free of ipywidgets means the rules can be tested directly and the form stays a thin view.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any, Protocol

import pandas as pd
from ruamel.yaml.comments import CommentedSeq

from ..assessment import (
    ACTION_STATUSES,
    ORG_TYPES,
    Action,
    Assessment,
    Response,
    carry_forward,
    file_stamp,
    normalise_code,
    normalise_period,
    period_start,
)
from ..errors import ConflictError, EngageError, ValidationFailed
from ..framework import Dimension, Framework
from ..levels import LEVELS, NA, UNKNOWN
from ..limits import name_problem
from ..store import Store, display_path, read_file
from . import merge as merging

LEVEL_CHOICES: tuple[int | str, ...] = (0, 1, 2, 3, 4, NA, UNKNOWN)
AUTOSAVE_DELAY = 0.5  # seconds of quiet before saving
AUTOSAVE_MAX_WAIT = 1.0  # never hold unsaved changes longer than this while people type
BACKUP_EVERY = timedelta(minutes=10)  # a `.history/` copy at most this often per session
DIMENSION_GROUPS = {"hub": "hub", "stages": "stage", "stage": "stage", "cycle": "stage"}


# ---------------------------------------------------------------- save status


@dataclass(frozen=True)
class SaveStatus:
    """What the facilitator needs to know about the file, in one line."""

    state: str  # "saved" | "unsaved" | "failed" | "conflict"
    at: datetime | None = None
    reason: str = ""
    opened: bool = False  # clean because it was just opened or reloaded, not written

    @property
    def text(self) -> str:
        if self.state == "saved":
            stamp = self.at.strftime("%H:%M:%S") if self.at else ""
            if self.opened:
                return f"Opened at {stamp} · saves as you go"
            return f"Saved at {stamp}"
        if self.state == "unsaved":
            return "Unsaved changes"
        if self.state == "failed":
            return f"Save failed: {self.reason}"
        return "Not saved: the file was changed by someone else; choose what to keep below"


# ---------------------------------------------------------------- debounced saving


class Handle(Protocol):
    def cancel(self) -> Any: ...


Scheduler = Callable[[float, Callable[[], None]], Handle]


def default_scheduler(delay: float, fn: Callable[[], None]) -> Handle:
    """Run `fn` after `delay` seconds on the kernel's event loop, else on a timer thread.

    In a Jupyter kernel, widget callbacks run on the kernel's asyncio loop, so `call_later`
    keeps the save (and the status update it triggers) on the same thread as the widgets.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        timer = threading.Timer(delay, fn)
        timer.daemon = True
        timer.start()
        return timer
    return loop.call_later(delay, fn)


class Debouncer:
    """Call `callback` once things go quiet, but never later than `max_wait` after a change.

    A plain debounce would never save while someone types a long piece of evidence without
    pausing; the cap bounds what a crash or a page reload can lose.
    """

    def __init__(
        self,
        callback: Callable[[], Any],
        delay: float = AUTOSAVE_DELAY,
        max_wait: float = AUTOSAVE_MAX_WAIT,
        scheduler: Scheduler | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.callback = callback
        self.delay = delay
        self.max_wait = max(max_wait, delay)
        self.scheduler = scheduler or default_scheduler
        self.clock = clock
        self._lock = threading.Lock()
        self._handle: Handle | None = None
        self._first: float | None = None
        self._generation = 0

    @property
    def pending(self) -> bool:
        return self._handle is not None

    def poke(self) -> None:
        """Something changed: (re)schedule the callback."""
        with self._lock:
            now = self.clock()
            if self._first is None:
                self._first = now
            wait = max(0.0, min(self.delay, self._first + self.max_wait - now))
            if self._handle is not None:
                self._handle.cancel()
            self._generation += 1
            generation = self._generation
            self._handle = self.scheduler(wait, lambda: self._fire(generation))

    def cancel(self) -> None:
        with self._lock:
            if self._handle is not None:
                self._handle.cancel()
            self._handle = None
            self._first = None
            self._generation += 1

    def _fire(self, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return  # superseded or cancelled after the timer had already started
            self._handle = None
            self._first = None
        self.callback()  # outside the lock: the callback takes the session's lock


# ---------------------------------------------------------------- dimensions in focus


def parse_dimensions(
    spec: str | Iterable[str] | None, framework: Framework
) -> tuple[Dimension, ...]:
    """The dimensions a session walks through, in framework order.

    Accepts "" / "all" (all fifteen), "hub", "stages", or dimension ids separated by commas
    or spaces, e.g. "identify" or "vision, strategy". An in-depth session on one stage is a
    common workshop format, so this is a first-class parameter rather than a filter.
    """
    if spec is None:
        tokens: list[str] = []
    elif isinstance(spec, str):
        tokens = spec.replace(",", " ").split()
    else:
        tokens = [str(t).strip() for t in spec if str(t).strip()]
    if not tokens or [t.lower() for t in tokens] == ["all"]:
        return framework.dimensions
    wanted: set[str] = set()
    for token in tokens:
        key = token.lower()
        if key in DIMENSION_GROUPS:
            wanted.update(d.id for d in framework.dimensions if d.kind == DIMENSION_GROUPS[key])
        elif key in framework.by_id:
            wanted.add(key)
        else:
            ids = ", ".join(d.id for d in framework.dimensions)
            raise EngageError(
                f"dimensions: unknown dimension {token!r}; allowed: all, hub, stages, "
                f"or dimension ids separated by commas ({ids})"
            )
    return tuple(d for d in framework.dimensions if d.id in wanted)


# ---------------------------------------------------------------- opening and creating


def history(store: Store, code: str) -> list[Assessment]:
    """Every valid assessment of one organisation, oldest first (none if no folder yet)."""
    return store.history(code) if store.folder.is_dir() else []


def earlier_assessment(store: Store, code: str, period: str) -> Assessment | None:
    """The organisation's most recent assessment before `period`, if any."""
    earlier = [a for a in history(store, code) if period_start(a.period) < period_start(period)]
    return earlier[-1] if earlier else None


def is_blank(assessment: Assessment) -> bool:
    """Nothing recorded yet (ids listed by `engagecycle new` with nothing after them count as
    nothing): the form may then offer to start from last year."""
    return assessment.is_blank()


def open_or_create(
    store: Store,
    code: str,
    period: str,
    *,
    name: str | None = None,
    org_type: str | None = None,
    peer_group: str | None = None,
    from_previous: bool = False,
    today: date | None = None,
) -> tuple[Assessment, list[str]]:
    """Open the assessment for (code, period), or create it; never overwrite answers.

    Returns the round-trip assessment and messages for the facilitator. `from_previous`
    copies last year's answers (marked carried over) only into an assessment with nothing
    recorded yet; an assessment that already has answers is opened as it is.
    """
    code, period = normalise_code(code), normalise_period(period)
    store.path_for(code, period)  # clear error for a bad code or period before anything else
    notices: list[str] = []
    assessment = store.find(code, period, roundtrip=True)
    if assessment is None:
        known = history(store, code)
        if (not name or not str(name).strip()) and known:
            latest = known[-1]  # a new year for a known organisation: reuse its details
            name, org_type = latest.name, org_type or latest.org_type
            peer_group = peer_group or latest.peer_group or None
        if not name or not str(name).strip():
            raise EngageError(
                f"there is no assessment for {code} {period} yet; give the organisation's name "
                "to create it"
            )
        org_type = org_type or "ICB"
        if org_type not in ORG_TYPES:
            raise EngageError(
                f"organisation type {org_type!r} is not known; allowed: {', '.join(ORG_TYPES)}"
            )
        assessment = store.create(code, period, str(name).strip(), org_type, peer_group or None)
        assessment.set_header(assessed_on=today or date.today())
        store.save(assessment)
        notices.append(f"Created {display_path(assessment.path)}.")
    else:
        notices.append(f"Opened {display_path(assessment.path)}.")
    if from_previous:
        if not is_blank(assessment):
            notices.append(
                "This assessment already has answers, so last year's were not copied "
                "(nothing is ever overwritten)."
            )
        else:
            notices.append(_carry(store, assessment))
    return assessment, notices


def _carry(store: Store, assessment: Assessment) -> str:
    previous = earlier_assessment(store, assessment.code, assessment.period)
    if previous is None:
        return f"There is no earlier assessment of {assessment.code} to start from."
    carry_forward(assessment, previous, frameworks=store.frameworks)
    store.save(assessment)
    return carried_message(assessment, previous)


def afresh_message(assessment: Assessment) -> str:
    """How many items are new or changed in this version and still to rate ("" if none)."""
    n = len(assessment.afresh())
    if not n:
        return ""
    items = "item is" if n == 1 else "items are"
    return (
        f"{n} {items} new or changed in version {assessment.framework_version} of the "
        "question bank: rate them afresh"
    )


def carried_message(assessment: Assessment, previous: Assessment) -> str:
    """What starting from last year copied, and what it left for the room, in one sentence."""
    counts = carried_counts(assessment)
    ratings_only = sum(1 for r in previous.responses().values() if r.level is None and r.raters)
    text = (
        f"Copied from {previous.period}: {counts.text}. Each is marked carried over until the "
        "room confirms or changes it. Individual ratings are not copied: this year's room "
        "rates afresh"
    )
    if ratings_only:
        text += f" ({ratings_only} item(s) had only individual ratings and start blank)"
    cleared = sum(
        1
        for a in previous.actions()
        if a.status == "open" and a.due is not None and a.due < date.today()
    )
    if cleared:
        text += f"; {cleared} due date(s) already past were cleared, so set new ones"
    fresh = afresh_message(assessment)
    if fresh:
        text += (
            f". {fresh} (last year's answers were on version {previous.framework_version}, "
            "and only items that kept their meaning were copied)"
        )
    return text + "."


@dataclass(frozen=True)
class Carried:
    """What is still marked as carried over from last year and not yet confirmed."""

    answers: int = 0
    targets: int = 0
    notes: int = 0
    actions: int = 0

    @property
    def total(self) -> int:
        return self.answers + self.targets + self.notes + self.actions

    @property
    def text(self) -> str:
        parts = [
            _count(self.answers, "answer"),
            _count(self.targets, "target"),
            _count(self.notes, "set of notes", "sets of notes"),
            _count(self.actions, "action"),
        ]
        parts = [p for p in parts if p]
        if not parts:
            return "nothing"
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _count(n: int, one: str, many: str | None = None) -> str:
    if not n:
        return ""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def carried_counts(assessment: Assessment, dim_ids: Iterable[str] | None = None) -> Carried:
    """Count unconfirmed carried-over answers, targets, notes and actions (in `dim_ids`)."""
    wanted = None if dim_ids is None else set(dim_ids)
    answers = [i for i in assessment.unconfirmed() if wanted is None or i.split(".")[0] in wanted]
    dims = [
        d
        for d in (assessment.doc.get("dimensions") or {})
        if (wanted is None or d in wanted) and assessment.dimension_carried_over(d)
    ]
    return Carried(
        answers=len(answers),
        targets=sum(1 for d in dims if assessment.target(d) is not None),
        notes=sum(1 for d in dims if assessment.notes(d)),
        actions=sum(
            1
            for a in assessment.actions()
            if a.carried_over and (wanted is None or a.dimension in wanted)
        ),
    )


# ---------------------------------------------------------------- progress


@dataclass(frozen=True)
class Progress:
    """How far the room has got: an item is done once it has a decision this year."""

    done: int
    total: int
    carried: int = 0

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def label(self) -> str:
        text = f"{self.done}/{self.total}"
        return text + (f", {self.carried} carried over" if self.carried else "")


def item_state(response: Response) -> str:
    """One of unanswered, afresh, carried, answered, na, unknown.

    A carried-over answer is last year's view: it does not count as done until the room
    confirms or changes it, otherwise a session started from last year would begin at 100%.
    An afresh item is unanswered, and new or changed in this version of the question bank.
    """
    if response.carried_over and response.status != "unanswered":
        return "carried"
    if response.to_rate_afresh:
        return "afresh"
    return response.status


DONE_STATES = ("answered", "na", "unknown")


# ---------------------------------------------------------------- the session


_LIVE: weakref.WeakSet[WorkshopSession] = weakref.WeakSet()


def _flush_all_at_exit() -> None:
    """Last chance when the kernel shuts down (page closed): write what is pending."""
    for session in list(_LIVE):
        with contextlib.suppress(Exception):  # never raise while the interpreter exits
            session.flush()


atexit.register(_flush_all_at_exit)


class WorkshopSession:
    """One open assessment being edited by a workshop, with autosave and conflict handling.

    Listeners (`subscribe`) receive "status" when the save state changes, "changed" after an
    edit and "reloaded" when the whole assessment was replaced from disk.
    """

    def __init__(
        self,
        store: Store,
        assessment: Assessment,
        *,
        dimensions: str | Iterable[str] | None = None,
        autosave_delay: float | None = AUTOSAVE_DELAY,
        autosave_max_wait: float = AUTOSAVE_MAX_WAIT,
        scheduler: Scheduler | None = None,
        clock: Callable[[], datetime] = datetime.now,
        notices: Iterable[str] = (),
    ):
        self.store = store
        # The version the assessment was answered with: its items, help and lineage.
        self.framework: Framework = store.framework_for(assessment)
        self.assessment = assessment
        self.dimensions = parse_dimensions(dimensions, self.framework)
        self.notices = list(notices)
        self.clock = clock
        self.last_copy: Path | None = None
        self._lock = threading.RLock()
        self._revision = 0
        self._saved_revision = 0
        self._last_backup: datetime | None = None
        self._listeners: list[Callable[[str], None]] = []
        self._previous_period: str | None = None
        self._previous_looked_up = False
        self.status = SaveStatus("saved", clock(), opened=True)
        self.saves = 0  # successful writes this session: lets a view tell one save from the next
        self._base = merging.to_plain(assessment.doc)  # the version last read or written
        self._debouncer = (
            Debouncer(self.flush, autosave_delay, autosave_max_wait, scheduler)
            if autosave_delay is not None
            else None
        )
        _LIVE.add(self)

    @classmethod
    def open(
        cls,
        store: Store,
        code: str,
        period: str,
        *,
        name: str | None = None,
        org_type: str | None = None,
        peer_group: str | None = None,
        from_previous: bool = False,
        **kwargs: Any,
    ) -> WorkshopSession:
        """Open or create the assessment (see `open_or_create`) and start a session on it."""
        if "dimensions" in kwargs:
            parse_dimensions(kwargs["dimensions"], store.framework)  # fail before creating
        assessment, notices = open_or_create(
            store,
            code,
            period,
            name=name,
            org_type=org_type,
            peer_group=peer_group,
            from_previous=from_previous,
        )
        return cls(store, assessment, notices=notices, **kwargs)

    # -- listeners
    def subscribe(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def _notify(self, event: str) -> None:
        for listener in list(self._listeners):
            listener(event)

    # -- reading
    @property
    def dirty(self) -> bool:
        return self._revision != self._saved_revision

    @property
    def path(self) -> Path | None:
        return self.assessment.path

    def response(self, item_id: str) -> Response:
        return self.assessment.response(item_id)

    def item_state(self, item_id: str) -> str:
        return item_state(self.response(item_id))

    def progress(self, dim_id: str) -> Progress:
        states = [self.item_state(i.id) for i in self.framework.dimension(dim_id).items]
        return Progress(
            done=sum(s in DONE_STATES for s in states),
            total=len(states),
            carried=states.count("carried"),
        )

    def overall_progress(self) -> Progress:
        parts = [self.progress(d.id) for d in self.dimensions]
        return Progress(
            done=sum(p.done for p in parts),
            total=sum(p.total for p in parts),
            carried=sum(p.carried for p in parts),
        )

    def rater_names(self, item_id: str) -> list[str]:
        """Participants from the header, then anyone else who already has a rating stored."""
        names = list(self.assessment.participants)
        names += [n for n, _ in self.response(item_id).raters if n not in names]
        return names

    def median_rating(self, item_id: str) -> float | None:
        levels = self.response(item_id).rater_levels
        return float(median(levels)) if levels else None

    def actions_for(self, dim_id: str) -> list[Action]:
        return [a for a in self.assessment.actions() if a.dimension == dim_id]

    @property
    def previous_period(self) -> str | None:
        """Period of the assessment carried-over answers came from (the latest earlier one)."""
        if not self._previous_looked_up:
            prev = earlier_assessment(self.store, self.assessment.code, self.assessment.period)
            self._previous_period = prev.period if prev else None
            self._previous_looked_up = True
        return self._previous_period

    @property
    def can_start_from_previous(self) -> bool:
        return is_blank(self.assessment) and self.previous_period is not None

    def score_table(self, *, all_dimensions: bool = False) -> pd.DataFrame:
        """Scores so far for the in-memory assessment (saved or not), dimensions in focus."""
        from ..scoring import score_table

        table = score_table([self.assessment], self.framework)
        if all_dimensions:
            return table
        keep = [d.id for d in self.dimensions] + ["hub", "cycle", "overall"]
        return table[table["dimension"].isin(keep)].reset_index(drop=True)

    # -- editing
    def _edit(
        self, apply: Callable[[], bool], event: str = "changed", *, immediate: bool = False
    ) -> bool:
        """Apply one edit; when it changed anything, mark unsaved and save.

        `immediate` is for clicks (a level, a flag, a target, an action's status): one click
        is one decision, so it is written at once rather than after the typing debounce.
        Typing (evidence, notes) is debounced so a save is not made on every keystroke.
        With autosave off (`autosave_delay=None`) nothing is saved until `flush()`.
        """
        with self._lock:
            if not apply():
                return False
            self._revision += 1
            if self.status.state not in ("conflict", "failed"):
                self.status = SaveStatus("unsaved")
        self._notify(event)
        if self._debouncer is not None:
            if immediate:
                self.flush()
                return True
            self._debouncer.poke()
        self._notify("status")
        return True

    def set_level(self, item_id: str, level: int | str | None) -> bool:
        """Record the room's level; choosing a level also confirms a carried-over answer."""
        self._check_item(item_id)
        if level not in LEVEL_CHOICES and level is not None:
            raise ValueError(f"{item_id}: level {level!r} is not allowed; use 0-4, n/a or unknown")

        def apply() -> bool:
            r = self.response(item_id)
            if r.level == level and not r.carried_over:
                return False
            self.assessment.set_level(item_id, level)
            self.assessment.set_carried_over(item_id, False)
            return True

        return self._edit(apply, "level", immediate=True)

    def confirm(self, item_id: str) -> bool:
        """The room agrees last year's answer still stands."""
        self._check_item(item_id)

        def apply() -> bool:
            if not self.response(item_id).carried_over:
                return False
            self.assessment.set_carried_over(item_id, False)
            return True

        return self._edit(apply, "level", immediate=True)

    def afresh(self, dim_id: str | None = None) -> int:
        """Items new or changed in this version still to rate (in focus, or one dimension)."""
        dims = {dim_id} if dim_id else {d.id for d in self.dimensions}
        return sum(1 for i in self.assessment.afresh() if i.split(".", 1)[0] in dims)

    def carried(self, dim_id: str | None = None) -> Carried:
        """Unconfirmed carried-over answers, targets, notes and actions (in focus, or one)."""
        dims = [dim_id] if dim_id else [d.id for d in self.dimensions]
        return carried_counts(self.assessment, dims)

    def confirm_dimension(self, dim_id: str) -> int:
        """The room keeps everything carried over in one dimension; returns how many parts."""
        self._check_dimension(dim_id)
        before = self.carried(dim_id).total

        def apply() -> bool:
            if not before:
                return False
            self.assessment.confirm_dimension(dim_id)
            return True

        self._edit(apply, "level", immediate=True)
        return before

    def set_rating(self, item_id: str, participant: str, level: int | None) -> bool:
        """One participant's own level for an item (None removes it)."""
        self._check_item(item_id)
        if level is not None and level not in LEVELS:
            raise ValueError(f"{item_id}: rating {level!r} is not a level 0-4")

        def apply() -> bool:
            current = dict(self.response(item_id).raters)
            if current.get(participant) == level:
                return False
            if level is None:
                current.pop(participant, None)
            else:
                current[participant] = level
            self.assessment.set_raters(item_id, current)
            return True

        return self._edit(apply, "level", immediate=True)

    def set_ratings_text(self, item_id: str, text: str) -> bool:
        """Everyone's ratings typed in participant order, e.g. "3 2 4 3 3 2 4" (or "3243324").

        A dash or dot leaves that person without a rating. Raises ValueError, naming what was
        wrong, when the text cannot be read; nothing is changed then.
        """
        self._check_item(item_id)
        names = self.rater_names(item_id)
        wanted = parse_ratings(text, names)

        def apply() -> bool:
            current = dict(self.response(item_id).raters)
            new = {n: v for n, v in current.items() if n not in wanted}
            new.update({n: v for n, v in wanted.items() if v is not None})
            if new == current:
                return False
            ordered = {n: new[n] for n in names if n in new}
            ordered.update({n: v for n, v in new.items() if n not in ordered})
            self.assessment.set_raters(item_id, ordered)
            return True

        return self._edit(apply, "level", immediate=True)

    def set_evidence(self, item_id: str, text: str | None) -> bool:
        self._check_item(item_id)
        clean = _clean_text(text)

        def apply() -> bool:
            if self.response(item_id).evidence == (clean or ""):
                return False
            self.assessment.set_evidence(item_id, clean)
            return True

        return self._edit(apply)

    def set_flag(self, item_id: str, flag: bool) -> bool:
        self._check_item(item_id)

        def apply() -> bool:
            if self.response(item_id).flag == bool(flag):
                return False
            self.assessment.set_flag(item_id, bool(flag))
            return True

        return self._edit(apply, "level", immediate=True)

    def set_agreed(self, item_id: str, text: str | None) -> bool:
        """What the room agreed when it discussed a flagged or disputed item (typed text)."""
        self._check_item(item_id)
        clean = _clean_text(text)

        def apply() -> bool:
            if self.response(item_id).agreed == (clean or ""):
                return False
            self.assessment.set_agreed(item_id, clean)
            return True

        return self._edit(apply, "level")

    def set_target(self, dim_id: str, target: int | None) -> bool:
        self._check_dimension(dim_id)
        if target is not None and target not in LEVELS:
            raise ValueError(f"{dim_id}: target {target!r} is not a level 0-4")

        def apply() -> bool:
            if self.assessment.target(dim_id) == target:
                return False
            self.assessment.set_target(dim_id, target)
            self.assessment.set_dimension_carried_over(dim_id, False)
            return True

        return self._edit(apply, "level", immediate=True)

    def set_notes(self, dim_id: str, notes: str | None) -> bool:
        self._check_dimension(dim_id)
        clean = _clean_text(notes)

        def apply() -> bool:
            if self.assessment.notes(dim_id) == (clean or ""):
                return False
            self.assessment.set_notes(dim_id, clean)
            self.assessment.set_dimension_carried_over(dim_id, False)
            return True

        return self._edit(apply, "level")

    def add_action(
        self,
        dim_id: str,
        action: str,
        owner: str = "",
        due: date | None = None,
        status: str = "open",
    ) -> int:
        """Add an action for a dimension; returns its index in the file's action list."""
        self._check_dimension(dim_id)
        text = _clean_text(action)
        if not text:
            raise ValueError("an action needs a description")
        _check_status(status)
        index: list[int] = []

        def apply() -> bool:
            index.append(
                self.assessment.add_action(dim_id, text, _clean_text(owner) or "", due, status)
            )
            return True

        self._edit(apply, "actions", immediate=True)
        return index[0]

    def update_action(self, index: int, **fields: Any) -> bool:
        """Change an action's action, owner, due or status; an empty description is refused."""
        allowed = {"action", "owner", "due", "status"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown action field(s): {', '.join(sorted(unknown))}")
        if "action" in fields:
            fields["action"] = _clean_text(fields["action"])
            if not fields["action"]:
                raise ValueError("an action needs a description; use Remove to delete it")
        if "owner" in fields:
            fields["owner"] = _clean_text(fields["owner"]) or ""
        if "status" in fields:
            _check_status(fields["status"])

        def apply() -> bool:
            current = self.assessment.actions()[index]
            changes = {k: v for k, v in fields.items() if getattr(current, k) != v}
            if not changes:
                return False
            # Editing a carried-over action is the room deciding about it this year.
            self.assessment.update_action(index, **changes, carried_over=None)
            return True

        typed = bool(set(fields) & {"action", "owner"})
        return self._edit(apply, "actions" if not typed else "changed", immediate=not typed)

    def remove_action(self, index: int) -> bool:
        def apply() -> bool:
            self.assessment.remove_action(index)
            return True

        return self._edit(apply, "actions", immediate=True)

    def set_header(self, **fields: Any) -> bool:
        """Change name, facilitator, participants, assessed_on or share_evidence."""
        allowed = {"name", "facilitator", "participants", "assessed_on", "share_evidence"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"unknown header field(s): {', '.join(sorted(unknown))}")
        if "name" in fields and not _clean_text(fields["name"]):
            raise ValueError("the organisation needs a name")
        if "name" in fields and name_problem(_clean_text(fields["name"])):
            raise ValueError(f"the organisation name {name_problem(_clean_text(fields['name']))}")

        def apply() -> bool:
            a = self.assessment
            changed = False
            for key, value in fields.items():
                if key == "name":
                    value = _clean_text(value)
                    if value != a.name:
                        a.set_header(name=value)
                        changed = True
                elif key == "facilitator":
                    value = _clean_text(value)
                    if (value or "") != a.facilitator:
                        _put_or_drop(a, "facilitator", value)
                        changed = True
                elif key == "participants":
                    names = _participants(value)
                    if names != a.participants:
                        seq = CommentedSeq(names)
                        seq.fa.set_flow_style()
                        _put_or_drop(a, "participants", seq if names else None)
                        changed = True
                elif key == "assessed_on":
                    if value != a.assessed_on:
                        _put_or_drop(a, "assessed_on", value)
                        changed = True
                elif key == "share_evidence" and bool(value) != a.share_evidence:
                    a.set_header(share_evidence=bool(value))
                    changed = True
            return changed

        typed = "facilitator" in fields
        return self._edit(apply, "header", immediate=not typed)

    def start_from_previous(self) -> str:
        """Copy last year's answers into an assessment with nothing recorded yet."""
        with self._lock:
            if not is_blank(self.assessment):
                raise EngageError(
                    "this assessment already has answers; last year's can only be copied into "
                    "an empty one, so nothing is overwritten"
                )
            previous = earlier_assessment(self.store, self.assessment.code, self.assessment.period)
            if previous is None:
                raise EngageError(f"there is no earlier assessment of {self.assessment.code}")
            carry_forward(self.assessment, previous, frameworks=self.store.frameworks)
            self._revision += 1
            self.status = SaveStatus("unsaved")
        message = carried_message(self.assessment, previous)
        self.notices.append(message)
        self.flush()
        self._notify("reloaded")
        return message

    # -- saving
    def flush(self) -> SaveStatus:
        """Save now if anything is unsaved (also called on navigation and at exit)."""
        if self._debouncer is not None:
            self._debouncer.cancel()
        with self._lock:
            if not self.dirty:
                return self.status
            revision = self._revision
            now = self.clock()
            backup = self._last_backup is None or now - self._last_backup >= BACKUP_EVERY
            try:
                self.store.save(self.assessment, backup=backup)
            except ConflictError as exc:
                self.status = SaveStatus("conflict", now, str(exc))
            except ValidationFailed as exc:
                reasons = "; ".join(_problem_text(p) for p in exc.problems[:3])
                self.status = SaveStatus("failed", now, reasons)
            except OSError as exc:
                self.status = SaveStatus("failed", now, exc.strerror or str(exc))
            else:
                self._saved_revision = revision
                self.saves += 1
                self._base = merging.to_plain(self.assessment.doc)
                if backup:
                    self._last_backup = now
                self.status = SaveStatus("saved", now)
            status = self.status
        self._notify("status")
        return status

    def changed_on_disk(self) -> bool:
        """Has someone else written the file since we opened or last saved it?"""
        path = self.assessment.path
        if path is None or not path.exists() or self.assessment.stamp is None:
            return False
        return file_stamp(path.read_bytes()) != self.assessment.stamp

    def check_disk(self) -> bool:
        """Show a conflict as soon as the file changes on disk, even before our next save."""
        if self.status.state == "conflict" or not self.changed_on_disk():
            return self.status.state == "conflict"
        with self._lock:
            shown = display_path(self.assessment.path)
            self.status = SaveStatus(
                "conflict",
                self.clock(),
                f"{shown} was changed by someone else since it was opened; "
                "reload it, or save your version as a copy",
            )
        self._notify("status")
        return True

    def reload(self) -> None:
        """Discard unsaved edits and read the file as it is on disk now."""
        if self._debouncer is not None:
            self._debouncer.cancel()
        with self._lock:
            try:
                fresh = read_file(self.assessment.path, self.store.frameworks, roundtrip=True)
            except ValidationFailed as exc:
                reasons = "; ".join(_problem_text(p) for p in exc.problems[:3])
                self.status = SaveStatus("failed", self.clock(), f"cannot reload: {reasons}")
                self._notify("status")
                return
            self._use_framework_of(fresh)
            self.assessment = fresh
            self._base = merging.to_plain(fresh.doc)
            self._revision = self._saved_revision = 0
            self._last_backup = None
            self.last_copy = None
            self.status = SaveStatus("saved", self.clock(), opened=True)
        self._notify("reloaded")
        self._notify("status")

    def save_copy(self) -> Path:
        """Keep this version beside the original (which stays untouched) and say where."""
        with self._lock:
            path = self.store.save_copy(self.assessment)
            self.last_copy = path
        self._notify("status")
        return path

    # -- conflicts, part by part
    def conflict(self) -> merging.Merge | None:
        """How the room's version and the file on disk differ, or None if they cannot be read.

        Compared with the version this session last read or wrote, so a change made on one
        side only is kept without asking; only parts both sides changed need a choice.
        """
        path = self.assessment.path
        if path is None or not path.exists():
            return None
        try:
            theirs = read_file(path, self.store.frameworks, roundtrip=True)
        except ValidationFailed:
            return None
        if theirs.framework_version != self.framework.version:
            return None  # moved to another version (engagecycle migrate): reload, not merge
        with self._lock:
            return merging.compare(self._base, self.assessment.doc, theirs.doc)

    def resolve_conflict(self, choices: dict[merging.Key, str]) -> SaveStatus:
        """Save their file plus the room's changes (and the overlaps it chose to keep).

        Goes through `Store.save` like every save, so if the file changed yet again in the
        meantime the conflict is shown again instead of overwriting anything.
        """
        if self._debouncer is not None:
            self._debouncer.cancel()
        with self._lock:
            path = self.assessment.path
            try:
                theirs = read_file(path, self.framework, roundtrip=True)
            except ValidationFailed as exc:
                reasons = "; ".join(_problem_text(p) for p in exc.problems[:3])
                if theirs_moved := self._other_version(path):
                    reasons = theirs_moved
                self.status = SaveStatus(
                    "failed", self.clock(), f"cannot read their version: {reasons}"
                )
                self._notify("status")
                return self.status
            result = merging.compare(self._base, self.assessment.doc, theirs.doc)
            keep = merging.choose(result, choices)
            merging.apply(theirs, self.assessment, keep)
            self.assessment = theirs
            self._base = merging.to_plain(theirs.doc)  # what is on disk now, before ours
            self.status = SaveStatus("unsaved")
            self._revision += 1
        status = self.flush()
        self._notify("reloaded")
        return status

    def _use_framework_of(self, fresh: Assessment) -> None:
        """After a reload: the file may have moved to another version (engagecycle migrate)."""
        framework = self.store.framework_for(fresh)
        if framework is not self.framework:
            self.framework = framework
            self.dimensions = parse_dimensions([d.id for d in self.dimensions], framework)

    def _other_version(self, path: Path) -> str:
        """Why their file cannot be merged, if it moved to another version; else ""."""
        try:
            theirs = read_file(path, self.store.frameworks)
        except ValidationFailed:
            return ""
        version = theirs.framework_version
        if version == self.framework.version:
            return ""
        return (
            f"the file was moved to version {version} of the question bank; save your "
            "version as a copy, then reload"
        )

    # -- checks
    def _check_item(self, item_id: str) -> None:
        if item_id not in self.framework.items:
            raise KeyError(f"unknown item {item_id!r}")

    def _check_dimension(self, dim_id: str) -> None:
        if dim_id not in self.framework.by_id:
            raise KeyError(f"unknown dimension {dim_id!r}")


EMPTY_RATING = ("-", "–", ".", "_", "x")


def parse_ratings(text: str, names: list[str]) -> dict[str, int | None]:
    """Ratings typed in participant order: "3 2 4 3 3 2 4", "3,2,4", or "3243324".

    Returns name -> level (None for a dash: that person has no rating). Fewer ratings than
    people leaves the rest as they are; more is an error, as is anything but 0-4 or a dash.
    """
    if not names:
        raise ValueError("add participants under Session details first")
    raw = (text or "").strip()
    tokens = raw.replace(",", " ").replace(";", " ").split()
    if len(tokens) == 1 and len(tokens[0]) > 1:
        tokens = list(tokens[0])  # "3243324": one digit per person
    if not tokens:
        return {}
    if len(tokens) > len(names):
        raise ValueError(
            f"{len(tokens)} ratings typed for {len(names)} participant(s); "
            "type one level (0-4) per person in the order shown"
        )
    out: dict[str, int | None] = {}
    for name, token in zip(names, tokens, strict=False):
        if token in EMPTY_RATING:
            out[name] = None
        elif token in {"0", "1", "2", "3", "4"}:
            out[name] = int(token)
        else:
            raise ValueError(f"{token!r} is not a level: type 0-4, or - for no rating")
    return out


def _check_status(status: str) -> None:
    if status not in ACTION_STATUSES:
        raise ValueError(f"action status {status!r}; allowed: {', '.join(ACTION_STATUSES)}")


def _clean_text(text: Any) -> str | None:
    if text is None:
        return None
    text = str(text).strip()
    return text or None


def _participants(value: Any) -> list[str]:
    """Participants from a list or from text with one per line."""
    if isinstance(value, str):
        value = value.splitlines()
    return [p.strip() for p in (value or []) if p and str(p).strip()]


def _put_or_drop(assessment: Assessment, key: str, value: Any) -> None:
    if value is None:
        assessment.doc.pop(key, None)
    else:
        assessment.set_header(**{key: value})


def _problem_text(problem: Any) -> str:
    where = f"{problem.where}: " if problem.where else ""
    return f"{where}{problem.message}"


__all__ = [
    "AUTOSAVE_DELAY",
    "Carried",
    "carried_counts",
    "parse_ratings",
    "Debouncer",
    "LEVEL_CHOICES",
    "Progress",
    "SaveStatus",
    "WorkshopSession",
    "default_scheduler",
    "earlier_assessment",
    "is_blank",
    "item_state",
    "open_or_create",
    "parse_dimensions",
]
