"""The workshop form: ipywidgets views over a `WorkshopSession`.

Every widget callback calls one session method and then refreshes what it shows from the
session, so the screen always reflects the model and the model is what gets saved. Only one
dimension's widgets exist at a time, which keeps Voilà responsive on a small laptop; moving on
saves first and closes the old page's widgets.

Layout is for a projector at 1280x800: a sticky bar keeps the organisation, the save state,
the dimension, the item in view and overall progress on screen; each item is one compact card
whose level buttons carry what each level looks like, so two items fit on the screen. What
ipywidgets cannot do (focus after moving on, `aria-pressed`, number keys, the item in view)
is done by `workshop.js` beside the Voilà template, shipped with the form.

Widgets carry CSS classes (`ec-level-vision-1`, `ec-evidence-vision-1`, ...) so the browser
tests, and anyone styling the form, can find them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import date
from html import escape
from typing import Any

import ipywidgets as w

from ..dates import EXAMPLE as DATE_EXAMPLE
from ..dates import format_uk, parse_uk
from ..framework import Dimension, Framework, Item
from ..guide import POINTS, RULE, afresh_label, has_guide, mark_terms
from ..levels import LEVELS, NA, UNKNOWN
from . import merge as merging
from .session import WorkshopSession
from .summary import summary_html
from .theme import style_tag

NO_VALUE = ""  # selection widgets treat None as "nothing selected"; "" is an explicit choice
SPECIAL_OPTIONS: list[tuple[str, int | str]] = [("N/A", NA), ("Don't know", UNKNOWN)]
RATING_OPTIONS: list[tuple[str, int | str]] = [("–", NO_VALUE)] + [(str(n), n) for n in LEVELS]
TARGET_OPTIONS: list[tuple[str, int | str]] = [("No target", NO_VALUE)] + [
    (f"{n} {name}", n) for n, name in LEVELS.items()
]
STATUS_OPTIONS = [("Open", "open"), ("Done", "done"), ("Dropped", "dropped")]
STATE_WORDS = {
    "unanswered": "not answered yet",
    "afresh": "to rate afresh",
    "carried": "carried over",
    "answered": "answered",
    "na": "not applicable",
    "unknown": "don't know",
}


def css_id(item_or_dim_id: str) -> str:
    """A CSS-class-safe form of an id (item ids contain dots)."""
    return item_or_dim_id.replace(".", "-")


def show(widget: w.Widget, visible: bool) -> None:
    widget.layout.display = None if visible else "none"


def close_tree(widget: w.Widget) -> None:
    """Close a widget and all its descendants, so their comms do not pile up in the kernel."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


def level_options(item: Item, described: bool) -> list[tuple[str, int | str]]:
    """The level buttons' labels: what each level looks like for this item, or its name.

    Described, a button's label is the description and its title ("3 Established") is shown
    above it in bold by the stylesheet, so the room points at the words it agrees with and a
    card needs no separate table. Labels must be unique, so a missing description becomes a
    different run of thin spaces per level.
    """
    out: list[tuple[str, int | str]] = []
    for n, name in LEVELS.items():
        text = item.levels.get(n, "").strip()
        if described:
            out.append((text or "\u2009" * (n + 1), n))
        else:
            out.append((f"{n} {name}", n))
    return out + SPECIAL_OPTIONS


LEVEL_TITLES = [f"{n} {name}" for n, name in LEVELS.items()] + [
    "N/A: does not apply here",
    "Don't know: we don't know yet",
]


def help_html(item: Item, framework: Framework) -> str:
    """An item's help: what to look for, and in version 2 what to count and, on request, the
    evidence that would show each level (a native disclosure, so it opens without a round
    trip to the kernel), with glossary terms explained on hover."""
    parts = []
    if item.help:
        parts.append(f'<div class="ec-help">{mark_terms(item.help, framework)}</div>')
    if not has_guide(framework):
        return "".join(parts)
    if item.count:
        parts.append(
            f'<div class="ec-count"><strong>Count:</strong> {mark_terms(item.count, framework)}'
            "</div>"
        )
    if item.evidence:
        cells = "".join(
            f"<div><strong>{n} {escape(name)}</strong> {escape(item.evidence.get(n, ''))}</div>"
            for n, name in LEVELS.items()
        )
        # An invisible last cell as wide as the N/A and Don't know buttons, so each note
        # sits over the level button it belongs to.
        pad = '<div class="ec-evpad" aria-hidden="true">Don\'t know</div>'
        parts.append(
            '<details class="ec-evlevels"><summary>What would show each level</summary>'
            f'<div class="ec-evgrid">{cells}{pad}</div></details>'
        )
    return "".join(parts)


def guide_html(framework: Framework) -> str:
    """The rating guide in short, the scale and the glossary: the "How to rate" panel."""
    points = "".join(
        f"<li><strong>{escape(head)}</strong> {escape(text)}</li>" for head, text in POINTS
    )
    scale = ""
    if framework.scale is not None:
        scale = "".join(
            f"<tr><th>{n} {escape(lv.name)}</th><td>{escape(lv.means)}</td></tr>"
            for n, lv in framework.scale.levels.items()
        )
        scale = f'<table class="ec-scale">{scale}</table>'
    words = "".join(
        f"<tr><th>{escape(term)}</th><td>{escape(meaning)}</td></tr>"
        for term, meaning in framework.glossary.items()
    )
    return (
        f'<div class="ec-guide"><h3>How to rate</h3><p><strong>{escape(RULE)}</strong></p>'
        f"<ul>{points}</ul>{scale}"
        + (
            f'<h3>Words used</h3><table class="ec-scale ec-glossary">{words}</table>'
            if words
            else ""
        )
        + "</div>"
    )


def progress_html(done: int, total: int, label: str) -> str:
    pct = 100.0 * done / total if total else 0.0
    return (
        f'<div class="ec-progress"><div class="ec-bar" role="progressbar" aria-valuemin="0" '
        f'aria-valuemax="{total}" aria-valuenow="{done}" aria-label="Items decided">'
        f'<div style="width:{pct:.1f}%"></div></div><span>{escape(label)}</span></div>'
    )


def warn(text: str) -> str:
    return f'<span class="ec-warn">{escape(text)}</span>'


class _Quiet:
    """Suppresses widget observers while the form itself writes values into widgets."""

    def __init__(self) -> None:
        self.depth = 0

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def __bool__(self) -> bool:
        return self.depth > 0


class DateBox:
    """A date typed and shown the UK way ("2 December 2026"), whatever the browser's locale.

    Replaces ipywidgets' DatePicker, whose native input shows 12/02/2026 in a US-English
    browser. Commits on Enter or leaving the box; text that is not a date is kept on screen
    with a message and nothing is saved.
    """

    def __init__(
        self,
        form: WorkshopForm,
        value: date | None,
        description: str,
        on_change: Callable[[date | None], None],
        message: w.HTML,
        css: str,
        width: str = "15em",
    ):
        self.form = form
        self.on_change = on_change
        self.message = message
        self.text = w.Text(
            value=format_uk(value),
            description=description,
            placeholder=DATE_EXAMPLE,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width=width),
        )
        self.text.add_class(css)
        self.text.add_class("ec-date-box")
        self.text.observe(self._on_text, "value")

    @property
    def widget(self) -> w.Text:
        return self.text

    def set(self, value: date | None) -> None:
        with self.form.quiet():
            self.text.value = format_uk(value)

    def _on_text(self, change: dict) -> None:
        if self.form.quiet:
            return
        try:
            value = parse_uk(change["new"])
        except ValueError as exc:
            self.message.value = warn(str(exc))
            return
        self.message.value = ""
        self.set(value)
        self.on_change(value)


# ---------------------------------------------------------------- individual ratings


class RatingsPanel:
    """Each participant's own level: one click per person, or all typed at once."""

    def __init__(self, card: ItemCard):
        self.card = card
        self.form = card.form
        self.session = card.session
        sid = css_id(card.item.id)
        self.typed = w.Text(
            description="Type them",
            placeholder="e.g. 3 2 4 3 3 2 4, in the order below",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="28em"),
        )
        self.typed.add_class(f"ec-ratings-typed-{sid}")
        self.typed.observe(self._on_typed, "value")
        self.message = w.HTML()
        self.rows: dict[str, w.ToggleButtons] = {}
        self.grid = w.Box(layout=w.Layout(display="grid"))
        self.grid.add_class("ec-rating-grid")
        self.spread = w.HTML()
        self.spread.add_class(f"ec-spread-{sid}")
        self.use_median = w.Button(description="Record the median as the level")
        self.use_median.add_class(f"ec-median-{sid}")
        self.use_median.on_click(self._on_median)
        self.box = w.VBox(
            [
                w.HBox([self.typed, self.message], layout=w.Layout(align_items="center")),
                self.grid,
                w.HBox([self.spread, self.use_median], layout=w.Layout(align_items="center")),
            ]
        )
        self.box.add_class("ec-ratings")

    def refresh(self) -> None:
        item_id = self.card.item.id
        r = self.session.response(item_id)
        names = self.session.rater_names(item_id)
        if list(self.rows) != names:
            for row in self.rows.values():
                row.close()
            self.rows = {}
            for n, name in enumerate(names, 1):
                row = w.ToggleButtons(
                    options=RATING_OPTIONS,
                    value=NO_VALUE,
                    description=name,
                    tooltips=["No rating"] + [f"{k} {v}" for k, v in LEVELS.items()],
                    style={"description_width": "initial", "button_width": "2.6em"},
                )
                row.add_class("ec-rating-row")
                row.add_class(f"ec-rating-{css_id(item_id)}-{n}")
                row.observe(lambda ch, name=name: self._on_rating(name, ch), "value")
                self.rows[name] = row
            self.grid.children = list(self.rows.values())
        given = dict(r.raters)
        with self.form.quiet():
            for name, row in self.rows.items():
                row.value = given.get(name, NO_VALUE)
        if not names:
            self.spread.value = (
                '<span class="ec-note">Add participants under Session details to record '
                "each person's level.</span>"
            )
            show(self.use_median, False)
            show(self.typed, False)
            return
        show(self.typed, True)
        levels = r.rater_levels
        med = self.session.median_rating(item_id)
        parts = [f"{len(levels)} of {len(names)} rated"]
        if med is not None:
            parts.append(f"median {med:g}")
        if r.spread is not None:
            text = f"spread {r.spread} ({min(levels)} to {max(levels)})"
            if r.spread >= 2:
                text = f'<span class="ec-warn">{text}: discuss before agreeing a level</span>'
            parts.append(text)
        if med is not None and med != int(med):
            parts.append("agree a whole level")
        self.spread.value = f"<span>{'; '.join(parts)}</span>"
        usable = med is not None and med == int(med)
        show(self.use_median, usable)
        if usable:
            self.use_median.description = f"Record the median ({int(med)}) as the level"

    def _on_rating(self, name: str, change: dict) -> None:
        if self.form.quiet:
            return
        value = change["new"]
        self.session.set_rating(self.card.item.id, name, None if value == NO_VALUE else value)
        self.card.refresh()

    def _on_typed(self, change: dict) -> None:
        if self.form.quiet or not change["new"].strip():
            return
        try:
            self.session.set_ratings_text(self.card.item.id, change["new"])
        except ValueError as exc:
            self.message.value = warn(str(exc))
            return
        self.message.value = ""
        with self.form.quiet():
            self.typed.value = ""
        self.card.refresh()

    def _on_median(self, _: Any) -> None:
        med = self.session.median_rating(self.card.item.id)
        if med is not None and med == int(med):
            self.session.set_level(self.card.item.id, int(med))
            self.card.refresh()


# ---------------------------------------------------------------- one item


class ItemCard:
    """Statement, help, level buttons (with what each looks like), evidence, flag, ratings."""

    def __init__(self, form: WorkshopForm, item: Item, position: int, count: int):
        self.form = form
        self.session = form.session
        self.item = item
        sid = css_id(item.id)
        r = self.session.response(item.id)
        handover = (
            f" · hand-over from {escape(self.session.framework.dimension(item.handover_from).title)}"
            if item.handover_from
            else ""
        )
        self._kicker = f"{position}/{count} · {escape(item.id)}{handover}"
        # One HTML line: where the item is, its state, then the statement, all inline so a
        # short statement keeps to one line even with a "carried over" mark beside it.
        self.heading = w.HTML()
        self.heading.add_class("ec-heading")
        self.state = self.heading
        self.confirm = w.Button(
            description="Confirm",
            tooltip="The room agrees last year's answer still stands",
        )
        self.confirm.add_class("ec-primary")
        self.confirm.add_class(f"ec-confirm-{sid}")
        self.confirm.on_click(self._on_confirm)
        self.clear = w.Button(description="Clear", tooltip="Remove the level for this item")
        self.clear.add_class(f"ec-clear-{sid}")
        self.clear.on_click(self._on_clear)
        head = self.heading
        self.help = w.HTML(help_html(item, self.session.framework))
        self.level = w.ToggleButtons(
            options=level_options(item, form.show_levels.value),
            value=None,
            tooltips=LEVEL_TITLES,
        )
        self.level.add_class("ec-levelgroup")
        if form.show_levels.value:
            self.level.add_class("ec-described")
        self.level.add_class(f"ec-level-{sid}")
        self.level.observe(self._on_level, "value")

        self.evidence = w.Textarea(
            value=r.evidence,
            description="Evidence",
            placeholder="What shows this?",
            continuous_update=True,
            rows=1,
            style={"description_width": "initial"},
            layout=w.Layout(flex="1 1 auto", width="auto"),
        )
        self.evidence.add_class(f"ec-evidence-{sid}")
        self.evidence.add_class("ec-evidence")
        self.evidence.observe(self._on_evidence, "value")
        self.flag = w.Checkbox(value=r.flag, description="To discuss", indent=False)
        self.flag.tooltip = "Flag this item for discussion"
        self.flag.add_class(f"ec-flag-{sid}")
        self.flag.observe(self._on_flag, "value")
        self.ratings_toggle = w.ToggleButton(
            description="Ratings",
            value=bool(r.raters),
            tooltip="Record each participant's own level before agreeing one",
        )
        self.ratings_toggle.add_class(f"ec-ratings-toggle-{sid}")
        self.ratings_toggle.observe(lambda _: self.refresh_ratings(), "value")
        tools = w.HBox([self.evidence, self.flag, self.ratings_toggle, self.clear, self.confirm])
        tools.add_class("ec-tools")
        self.agreed = w.Textarea(
            value=r.agreed,
            description="Agreed",
            placeholder="What the room agreed when it discussed this item",
            continuous_update=True,
            rows=1,
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.agreed.add_class(f"ec-agreed-{sid}")
        self.agreed.observe(self._on_agreed, "value")
        self.ratings: RatingsPanel | None = None
        self.ratings_slot = w.VBox()
        self.box = w.VBox(
            [head, self.help, self.level, tools, self.agreed, self.ratings_slot],
        )
        self.box.add_class("ec-item")
        self.box.add_class(f"ec-item-{sid}")
        self.refresh()

    # -- view
    def refresh(self) -> None:
        """Show the session's current answer for this item."""
        item_id = self.item.id
        r = self.session.response(item_id)
        state = self.session.item_state(item_id)
        with self.form.quiet():
            self.level.value = r.level if r.level in (*LEVELS, NA, UNKNOWN) else None
            if self.flag.value != r.flag:
                self.flag.value = r.flag
        self.clear.disabled = r.level is None
        for s in STATE_WORDS:
            self.box.remove_class(f"ec-state-{s}")
        self.box.add_class(f"ec-state-{state}")
        if state == "carried":
            source = self.session.previous_period or "an earlier assessment"
            mark = f'<span class="ec-badge">Carried over from {escape(source)}</span>'
        elif state == "afresh":
            label = afresh_label(self.session.framework.version)
            mark = f'<span class="ec-badge ec-badge-afresh">{escape(label)}</span>'
        else:
            mark = f'<span class="ec-itemstate">{escape(STATE_WORDS[state])}</span>'
        statement = mark_terms(self.item.statement, self.session.framework)
        self.heading.value = (
            f'<div class="ec-itemhead"><span class="ec-itemid">{self._kicker}</span>{mark}'
            f'<span class="ec-statement">{statement}</span></div>'
        )
        show(self.confirm, state == "carried")
        disputed = r.spread is not None and r.spread >= 2
        show(self.agreed, r.flag or disputed or bool(r.agreed))
        self.refresh_ratings()

    def set_described(self, described: bool) -> None:
        with self.form.quiet():
            current = self.level.value
            self.level.options = level_options(self.item, described)
            self.level.value = current
        if described:
            self.level.add_class("ec-described")
        else:
            self.level.remove_class("ec-described")

    def refresh_ratings(self) -> None:
        open_ = self.ratings_toggle.value
        if open_ and self.ratings is None:
            self.ratings = RatingsPanel(self)
            self.ratings_slot.children = [self.ratings.box]
        show(self.ratings_slot, open_)
        if open_ and self.ratings is not None:
            self.ratings.refresh()

    # -- events
    def _on_level(self, change: dict) -> None:
        if self.form.quiet:
            return
        self.session.set_level(self.item.id, change["new"])
        self.refresh()

    def _on_clear(self, _: Any) -> None:
        self.session.set_level(self.item.id, None)
        self.refresh()

    def _on_confirm(self, _: Any) -> None:
        self.session.confirm(self.item.id)
        self.refresh()
        if self.form.page is not None:
            self.form.page.refresh_carried()

    def _on_evidence(self, change: dict) -> None:
        if not self.form.quiet:
            self.session.set_evidence(self.item.id, change["new"])

    def _on_agreed(self, change: dict) -> None:
        if not self.form.quiet:
            self.session.set_agreed(self.item.id, change["new"])

    def _on_flag(self, change: dict) -> None:
        if not self.form.quiet:
            self.session.set_flag(self.item.id, change["new"])
            self.refresh()


# ---------------------------------------------------------------- actions


class ActionRow:
    """One action of the dimension: description, owner, due date, status, remove."""

    def __init__(self, page: DimensionPage, index: int, position: int):
        self.page = page
        self.session = page.session
        self.index = index
        a = self.session.assessment.actions()[index]
        tag = f"{css_id(page.dim.id)}-{position}"
        self.text = w.Text(
            value=a.action,
            description=f"Action {position}",
            continuous_update=True,
            layout=w.Layout(width="36%"),
            style={"description_width": "initial"},
        )
        self.text.add_class(f"ec-action-text-{tag}")
        self.owner = w.Text(
            value=a.owner,
            description="Owner",
            continuous_update=True,
            layout=w.Layout(width="18%"),
            style={"description_width": "initial"},
        )
        self.owner.add_class(f"ec-action-owner-{tag}")
        self.due = DateBox(
            page.form,
            a.due,
            "Due",
            lambda d: self._update(due=d),
            page.action_message,
            f"ec-action-due-{tag}",
            width="13.5em",
        )
        self.status = w.Dropdown(
            options=STATUS_OPTIONS,
            value=a.status if a.status in dict(map(reversed, STATUS_OPTIONS)) else "open",
            description="Status",
            layout=w.Layout(width="auto"),
            style={"description_width": "initial"},
        )
        self.status.add_class(f"ec-action-status-{tag}")
        self.remove = w.Button(description="Remove", tooltip="Remove this action")
        self.remove.add_class("ec-danger")
        self.remove.add_class(f"ec-action-remove-{tag}")
        self.badge = w.HTML()
        if a.carried_over:
            source = self.session.previous_period or "last year"
            self.badge.value = f'<span class="ec-badge">Carried over from {escape(source)}</span>'
        self.text.observe(lambda ch: self._update(action=ch["new"]), "value")
        self.owner.observe(lambda ch: self._update(owner=ch["new"]), "value")
        self.status.observe(lambda ch: self._update(status=ch["new"]), "value")
        self.remove.on_click(lambda _: page.remove_action(self.index))
        self.box = w.HBox(
            [self.text, self.owner, self.due.widget, self.status, self.remove, self.badge]
        )
        self.box.add_class("ec-action")

    def _update(self, **fields: Any) -> None:
        if self.page.form.quiet:
            return
        try:
            self.session.update_action(self.index, **fields)
        except ValueError as exc:
            self.page.action_message.value = warn(str(exc))
            return
        self.page.action_message.value = ""
        if self.badge.value:
            self.badge.value = ""
            self.page.refresh_carried()


# ---------------------------------------------------------------- one dimension


class DimensionPage:
    """All items of one dimension, then its target, notes and actions."""

    def __init__(self, form: WorkshopForm, dim: Dimension, position: int, count: int):
        self.form = form
        self.session = form.session
        self.dim = dim
        did = css_id(dim.id)
        kind = "Hub element" if dim.kind == "hub" else "Stage"
        self.title = w.HTML(
            f'<div class="ec-kicker">Dimension {position} of {count} · {kind}</div>'
            f'<h2 class="ec-dimheading" tabindex="-1" data-dim="{escape(dim.id)}">'
            f'{escape(dim.title)}</h2><div class="ec-purpose">{escape(dim.purpose)}</div>'
        )
        self.title.add_class("ec-dimtitle")
        self.carried_text = w.HTML()
        self.confirm_all = w.Button(description="Confirm all of them")
        self.confirm_all.add_class("ec-primary")
        self.confirm_all.add_class(f"ec-confirm-all-{did}")
        self.confirm_all.on_click(self._on_confirm_all)
        self.carried_box = w.HBox(
            [self.carried_text, self.confirm_all], layout=w.Layout(align_items="center")
        )
        self.carried_box.add_class("ec-carried-dim")
        self.cards = {
            item.id: ItemCard(form, item, n, len(dim.items)) for n, item in enumerate(dim.items, 1)
        }

        target = self.session.assessment.target(dim.id)
        self.target = w.Dropdown(
            options=TARGET_OPTIONS,
            value=NO_VALUE if target is None else target,
            description="Target level",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto", align_self="flex-start"),
        )
        self.target.add_class(f"ec-target-{did}")
        self.target.observe(self._on_target, "value")
        self.target_badge = w.HTML()
        self.notes = w.Textarea(
            value=self.session.assessment.notes(dim.id),
            description="Notes",
            placeholder="Points the room wants to remember about this dimension.",
            continuous_update=True,
            rows=2,
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.notes.add_class(f"ec-notes-{did}")
        self.notes.observe(self._on_notes, "value")

        self.actions_box = w.VBox()
        self.action_rows: list[ActionRow] = []
        self.action_message = w.HTML()
        self.new_text = w.Text(
            description="New action",
            placeholder="What will be done?",
            continuous_update=True,
            layout=w.Layout(width="40%"),
            style={"description_width": "initial"},
        )
        self.new_text.add_class(f"ec-new-action-{did}")
        self.new_owner = w.Text(
            description="Owner",
            continuous_update=True,
            layout=w.Layout(width="20%"),
            style={"description_width": "initial"},
        )
        self.new_owner.add_class(f"ec-new-owner-{did}")
        self._new_due: date | None = None
        self.new_due = DateBox(
            form,
            None,
            "Due",
            self._on_new_due,
            self.action_message,
            f"ec-new-due-{did}",
            width="13.5em",
        )
        self.add_action = w.Button(description="Add action")
        self.add_action.add_class("ec-primary")
        self.add_action.add_class(f"ec-add-action-{did}")
        self.add_action.on_click(self._on_add_action)
        self.undo = w.Button(description="Undo remove")
        self.undo.add_class(f"ec-undo-{did}")
        self.undo.on_click(self._on_undo)
        show(self.undo, False)
        self._removed: dict[str, Any] | None = None

        section = w.HTML(f"<h3>Target, notes and actions: {escape(dim.short)}</h3>")
        self.footer = w.VBox(
            [
                section,
                w.HBox([self.target, self.target_badge], layout=w.Layout(align_items="center")),
                self.notes,
                self.actions_box,
                w.HBox(
                    [self.new_text, self.new_owner, self.new_due.widget, self.add_action],
                    layout=w.Layout(flex_flow="row wrap", align_items="center"),
                ),
                w.HBox([self.action_message, self.undo], layout=w.Layout(align_items="center")),
            ]
        )
        self.footer.add_class("ec-section")
        self.widget = w.VBox(
            [self.title, self.carried_box, *(c.box for c in self.cards.values()), self.footer]
        )
        self.widget.add_class("ec-page")
        self.widget.add_class(f"ec-page-{did}")
        self.refresh_actions()
        self.refresh_carried()

    def refresh_carried(self) -> None:
        """The dimension's carried-over count, its confirm-all button and the target's mark."""
        c = self.session.carried(self.dim.id)
        source = self.session.previous_period or "last year"
        show(self.carried_box, c.total > 0)
        if c.total:
            self.carried_text.value = (
                f'<span class="ec-badge">Carried over from {escape(source)} and not yet '
                f"confirmed here: {escape(c.text)}</span>"
            )
        marked = self.session.assessment.dimension_carried_over(self.dim.id)
        self.target_badge.value = (
            f'<span class="ec-badge">Target and notes carried over from {escape(source)}</span>'
            if marked
            else ""
        )

    def refresh_actions(self) -> None:
        for row in self.action_rows:
            close_tree(row.box)
        actions = self.session.actions_for(self.dim.id)
        self.action_rows = [ActionRow(self, a.index, n) for n, a in enumerate(actions, 1)]
        self.actions_box.children = [row.box for row in self.action_rows]

    def remove_action(self, index: int) -> None:
        a = self.session.assessment.actions()[index]
        self._removed = {"action": a.action, "owner": a.owner, "due": a.due, "status": a.status}
        self.session.remove_action(index)
        self.action_message.value = f"Removed: {escape(a.action)}"
        show(self.undo, True)
        self.refresh_actions()
        self.refresh_carried()

    def _on_confirm_all(self, _: Any) -> None:
        self.session.confirm_dimension(self.dim.id)
        for card in self.cards.values():
            card.refresh()
        self.refresh_actions()
        self.refresh_carried()

    def _on_undo(self, _: Any) -> None:
        if self._removed:
            self.session.add_action(self.dim.id, **self._removed)
            self._removed = None
        self.action_message.value = ""
        show(self.undo, False)
        self.refresh_actions()

    def _on_new_due(self, value: date | None) -> None:
        self._new_due = value

    def _on_add_action(self, _: Any) -> None:
        try:
            self.session.add_action(
                self.dim.id, self.new_text.value, self.new_owner.value, self._new_due
            )
        except ValueError as exc:
            self.action_message.value = warn(f"{str(exc).capitalize()}: type it in the box first.")
            return
        self.action_message.value = ""
        show(self.undo, False)
        with self.form.quiet():
            self.new_text.value = ""
            self.new_owner.value = ""
        self.new_due.set(None)
        self._new_due = None
        self.refresh_actions()

    def _on_target(self, change: dict) -> None:
        if not self.form.quiet:
            value = change["new"]
            self.session.set_target(self.dim.id, None if value == NO_VALUE else value)
            self.refresh_carried()

    def _on_notes(self, change: dict) -> None:
        if not self.form.quiet:
            self.session.set_notes(self.dim.id, change["new"])
            if self.target_badge.value:
                self.refresh_carried()

    def close(self) -> None:
        close_tree(self.widget)


# ---------------------------------------------------------------- conflicts


class ConflictPanel:
    """Someone else saved the file: show what differs side by side and keep either, per part."""

    def __init__(self, form: WorkshopForm):
        self.form = form
        self.session = form.session
        self.merge: merging.Merge | None = None
        self.message = w.HTML()
        self.rows_box = w.VBox()
        self.choices: dict[merging.Key, w.ToggleButtons] = {}
        self.save_button = w.Button(description="Save with these choices")
        self.save_button.add_class("ec-primary")
        self.save_button.add_class("ec-resolve")
        self.save_button.on_click(self._on_resolve)
        self.copy_button = w.Button(description="Save my version as a copy")
        self.copy_button.add_class("ec-save-copy")
        self.copy_button.on_click(self._on_copy)
        self.reload_button = w.Button(description="Reload from disk (discard my unsaved edits)")
        self.reload_button.add_class("ec-reload")
        self.reload_button.add_class("ec-danger")
        self.reload_button.on_click(lambda _: self.session.reload())
        self.result = w.HTML()
        self.box = w.VBox(
            [
                self.message,
                self.rows_box,
                w.HBox(
                    [self.save_button, self.copy_button, self.reload_button],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                self.result,
            ]
        )
        self.box.add_class("ec-conflict")

    def refresh(self) -> None:
        conflict = self.session.status.state == "conflict"
        show(self.box, conflict)
        if not conflict:
            self.merge = None
            self.result.value = ""
            return
        merge = self.session.conflict()
        self.merge = merge
        fw = self.session.framework
        path = escape(str(self.session.path))
        if merge is None:
            self.message.value = (
                "<strong>Someone else changed this assessment file since it was opened, and "
                "their version cannot be read.</strong> Your latest edits are not saved and "
                f"the file has not been touched.<br><code>{path}</code><br>Save your version "
                "as a copy, then fix or reload the file."
            )
            self.rows_box.children = []
            show(self.save_button, False)
            return
        kept = []
        if merge.ours_only:
            kept.append(f"{len(merge.ours_only)} of the room's changes")
        if merge.theirs_only:
            kept.append(f"{len(merge.theirs_only)} of their changes")
        kept_text = (
            f" Kept without asking, because only one side changed them: {' and '.join(kept)}."
            if kept
            else ""
        )
        if merge.both:
            ask = (
                f" <strong>{len(merge.both)} part(s) were changed on both sides:</strong> "
                "choose which version to keep for each, then save."
            )
        else:
            ask = " Nothing was changed on both sides: save to keep both sets of changes."
        self.message.value = (
            "<strong>Someone else changed this assessment file since it was opened</strong> "
            "(a colleague, the Excel import or a text editor). Nothing has been overwritten."
            f"<br><code>{path}</code><br>{kept_text}{ask}"
        )
        # Choices already made survive a refresh (the room may keep typing meanwhile).
        made = {k: pick.value for k, pick in self.choices.items()}
        for old in self.choices.values():
            old.close()
        self.choices = {}
        rows = []
        for n, key in enumerate(merge.both, 1):
            pick = w.ToggleButtons(
                options=[("Keep theirs", merging.THEIRS), ("Keep ours", merging.OURS)],
                value=made.get(key),
            )
            pick.add_class(f"ec-choice-{n}")
            pick.add_class(f"ec-choice-{css_id(key[1])}")
            pick.observe(lambda _: self._update_button(), "value")
            self.choices[key] = pick
            theirs = escape(merging.describe(key, merge.theirs.get(key)))
            ours = escape(merging.describe(key, merge.ours.get(key)))
            table = w.HTML(
                f'<div class="ec-diff-label">{escape(merging.label(key, fw))}</div>'
                '<div class="ec-diff">'
                f'<div class="ec-theirs"><div class="ec-kicker">Theirs (in the file now)</div>'
                f"{theirs}</div>"
                f'<div class="ec-ours"><div class="ec-kicker">Ours (this room)</div>{ours}</div>'
                "</div>"
            )
            row = w.VBox([table, pick])
            row.add_class("ec-diff-row")
            rows.append(row)
        self.rows_box.children = rows
        show(self.save_button, True)
        self._update_button()
        if self.session.last_copy:
            self.result.value = (
                f'<div class="ec-note">Your version is saved as '
                f"<code>{escape(str(self.session.last_copy))}</code>.</div>"
            )

    def _update_button(self) -> None:
        waiting = sum(1 for pick in self.choices.values() if pick.value is None)
        self.save_button.disabled = waiting > 0
        self.save_button.description = (
            f"Choose for {waiting} more part(s)" if waiting else "Save with these choices"
        )

    def _on_resolve(self, _: Any) -> None:
        choices = {k: pick.value for k, pick in self.choices.items()}
        try:
            self.session.resolve_conflict(choices)
        except ValueError as exc:
            self.result.value = warn(str(exc))

    def _on_copy(self, _: Any) -> None:
        try:
            self.session.save_copy()
        except OSError as exc:
            self.result.value = warn(f"Could not save a copy: {exc.strerror or exc}")
            return
        self.result.value = (
            f'<div class="ec-note">Your version is saved as '
            f"<code>{escape(str(self.session.last_copy))}</code>. Reload from disk to carry on "
            "with the file as it is now.</div>"
        )


# ---------------------------------------------------------------- the whole form


class WorkshopForm:
    """Sticky bar, conflict panel, carried-over banner, session details, navigation, one page."""

    def __init__(self, session: WorkshopSession, *, start: str | None = None, styled: bool = True):
        """`styled=False` when embedded in a container that already injects the style."""
        self.session = session
        self.quiet = _Quiet()
        self.dims = list(session.dimensions)
        self.index = 0
        self.page: DimensionPage | None = None

        self.css = w.HTML(style_tag() if styled else "")
        self.title = w.HTML()
        self.title.add_class("ec-title")
        self.status = w.HTML()
        self.status.add_class("ec-status-box")
        self.save_now = w.Button(description="Save now", tooltip="Save immediately")
        self.save_now.add_class("ec-save-now")
        self.save_now.on_click(lambda _: self.session.flush())
        header = w.HBox([self.title, self.status, self.save_now])
        header.add_class("ec-header")
        self.where = w.HTML()
        self.where.add_class("ec-where-box")
        self.progress = self.where  # overall progress lives in the sticky bar
        self.conflict = ConflictPanel(self)
        self.conflict_box = self.conflict.box
        self.carried_banner = w.HTML()
        self.carried_banner.add_class("ec-carried")

        self.show_levels = w.Checkbox(
            value=True, description="Show what each level looks like", indent=False
        )
        self.show_levels.add_class("ec-show-levels")
        self.show_levels.observe(self._on_show_levels, "value")
        self._build_details()

        self.back = w.Button(description="◀ Back")
        self.back.add_class("ec-back")
        self.back.on_click(lambda _: self.go(self.index - 1))
        self.jump = w.Dropdown(
            description="Go to",
            style={"description_width": "initial"},
            layout=w.Layout(width="min(22em, 34vw)"),
        )
        self.jump.add_class("ec-jump")
        self.jump.observe(self._on_jump, "value")
        self.next = w.Button(description="Next ▶")
        self.next.add_class("ec-next")
        self.next.add_class("ec-primary")
        self.next.on_click(lambda _: self.go(self.index + 1))
        self.summary_button = w.ToggleButton(
            description="Summary", value=False, tooltip="Show the scores so far"
        )
        self.summary_button.add_class("ec-show-summary")
        self.summary_button.observe(lambda _: self.refresh_summary(), "value")
        framework = session.framework
        guided = has_guide(framework)
        self.guide_toggle = w.ToggleButton(
            description="How to rate",
            value=False,
            tooltip="The rating rule, the scale and the words used",
        )
        self.guide_toggle.add_class("ec-guide-toggle")
        self.guide = w.HTML(guide_html(framework) if guided else "")
        self.guide.add_class("ec-guide-box")
        self.guide_toggle.observe(lambda ch: show(self.guide, ch["new"]), "value")
        show(self.guide, False)
        nav = w.HBox([self.back, self.jump, self.next, self.summary_button, self.details_toggle])
        nav.add_class("ec-nav")
        # The one rule, always in view under the navigation (version 2 on), with the button
        # that opens the scale and the glossary beside it.
        rule = w.HTML(
            f'<div class="ec-rule"><strong>The rule:</strong> {escape(RULE)} '
            "<strong>Don't know:</strong> nobody here can say. <strong>N/A:</strong> only "
            "where it cannot apply here.</div>"
            if guided
            else ""
        )
        rule.add_class("ec-rule-text")
        self.rule = w.HBox([rule, self.guide_toggle])
        self.rule.add_class("ec-rule-row")
        show(self.rule, guided)
        self.summary = w.HTML()
        self.summary.add_class("ec-summary-html")
        self.page_box = w.VBox()
        self.bottom_back = w.Button(description="◀ Back")
        self.bottom_back.add_class("ec-back-bottom")
        self.bottom_back.on_click(lambda _: self.go(self.index - 1))
        self.bottom_next = w.Button(description="Next ▶")
        self.bottom_next.add_class("ec-primary")
        self.bottom_next.add_class("ec-next-bottom")
        self.bottom_next.on_click(lambda _: self.go(self.index + 1))
        # The organisation, save state, dimension, item and progress stay in view.
        top = w.VBox([header, self.where])
        top.add_class("ec-sticky")
        self.widget = w.VBox(
            [
                self.css,
                top,
                self.conflict_box,
                self.carried_banner,
                nav,
                self.rule,
                self.details,
                self.guide,
                self.summary,
                self.page_box,
                w.HBox([self.bottom_back, self.bottom_next], layout=w.Layout(margin="16px 0")),
            ]
        )
        if styled:
            self.widget.add_class("ec-workshop")
        session.subscribe(self._on_session_event)
        self.refresh_header()
        self.refresh_status()
        ids = [d.id for d in self.dims]
        self.go(ids.index(start) if start in ids else 0, save=False)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # -- session details
    def _build_details(self) -> None:
        self.details_toggle = w.ToggleButton(description="Session details", value=False)
        self.details_toggle.add_class("ec-details-toggle")
        self.details_toggle.observe(lambda ch: show(self.details, ch["new"]), "value")
        style = {"description_width": "9em"}
        self.name = w.Text(
            description="Organisation",
            continuous_update=False,
            style=style,
            layout=w.Layout(width="60%"),
        )
        self.name.add_class("ec-name")
        self.facilitator = w.Text(
            description="Facilitator",
            continuous_update=True,
            style=style,
            layout=w.Layout(width="60%"),
        )
        self.facilitator.add_class("ec-facilitator")
        self.participants = w.Textarea(
            description="Participants",
            placeholder="One per line: roles or initials, e.g. Head of engagement",
            continuous_update=False,
            rows=4,
            style=style,
            layout=w.Layout(width="60%"),
        )
        self.participants.add_class("ec-participants")
        self.details_message = w.HTML()
        self.assessed_on = DateBox(
            self,
            None,
            "Date",
            lambda d: self._on_header("assessed_on", d),
            self.details_message,
            "ec-date",
            width="24em",
        )
        self.share = w.Checkbox(
            description="Evidence may be quoted to other organisations as good practice",
            indent=False,
        )
        self.share.add_class("ec-share")
        self.start_previous = w.Button(description="Start from last year's answers")
        self.start_previous.add_class("ec-start-previous")
        self.start_previous.on_click(self._on_start_previous)
        self.notices = w.HTML()
        for widget, field in (
            (self.name, "name"),
            (self.facilitator, "facilitator"),
            (self.participants, "participants"),
            (self.share, "share_evidence"),
        ):
            widget.observe(lambda ch, field=field: self._on_header(field, ch["new"]), "value")
        self.details = w.VBox(
            [
                self.name,
                self.facilitator,
                self.participants,
                self.assessed_on.widget,
                self.share,
                self.show_levels,
                self.start_previous,
                self.details_message,
                self.notices,
            ],
            layout=w.Layout(padding="6px 0"),
        )
        self.details.add_class("ec-details")
        show(self.details, False)

    def refresh_header(self) -> None:
        a = self.session.assessment
        self.title.value = (
            f'<h1 title="{escape(a.name)}"><span class="ec-orgname">{escape(a.name)}</span> '
            f'<span class="ec-orgcode">({escape(a.code)}) · {escape(a.period)}</span></h1>'
        )
        with self.quiet():
            self.name.value = a.name
            self.facilitator.value = a.facilitator
            self.participants.value = "\n".join(a.participants)
            self.share.value = a.share_evidence
        self.assessed_on.set(a.assessed_on)
        people = len(a.participants)
        self.details_toggle.tooltip = (
            f"Facilitator, date and {people} participant{'s' if people != 1 else ''}"
            if people
            else "Facilitator, date and participants (none recorded yet)"
        )
        can = self.session.can_start_from_previous
        show(self.start_previous, can)
        if can:
            self.start_previous.description = f"Start from {self.session.previous_period}'s answers"
        notes = list(self.session.notices)
        if self.session.path is not None:
            notes.append(f"File: {self.session.path}")
        self.notices.value = "".join(f'<div class="ec-note">{escape(n)}</div>' for n in notes)
        self.refresh_carried()

    def refresh_carried(self) -> None:
        c = self.session.carried()
        fresh = self.session.afresh()
        if not c.total and not fresh:
            self.carried_banner.value = ""
            show(self.carried_banner, False)
            return
        show(self.carried_banner, True)
        source = self.session.previous_period or "last year"
        text = ""
        if c.total:
            text += (
                f'<div class="ec-carried-text"><strong>Carried over from {escape(source)}, still '
                f"to confirm: {escape(c.text)}.</strong> Choose a level or press Confirm on each "
                "item, or confirm a whole dimension with the button under its title.</div>"
            )
        if fresh:
            version = self.session.framework.version
            items = "item is" if fresh == 1 else "items are"
            text += (
                f'<div class="ec-carried-text ec-afresh-text"><strong>{fresh} {items} new or '
                f"changed in version {version} of the question bank: rate them afresh.</strong> "
                "Each is marked on its card; last year's answers to them were not copied, "
                "because the question is not the same.</div>"
            )
        self.carried_banner.value = text

    def _on_header(self, field: str, value: Any) -> None:
        if self.quiet:
            return
        try:
            self.session.set_header(**{field: value})
        except ValueError as exc:
            self.details_message.value = warn(str(exc))
            return
        self.details_message.value = ""
        if field == "participants" and self.page:
            for card in self.page.cards.values():
                card.refresh_ratings()
        if field in ("name", "participants"):
            self.refresh_header()

    def _on_start_previous(self, _: Any) -> None:
        try:
            self.session.start_from_previous()
        except Exception as exc:  # shown to the facilitator, form carries on
            self.details_message.value = warn(str(exc))

    # -- status and conflicts
    def refresh_status(self) -> None:
        st = self.session.status
        self.status.value = (
            f'<span class="ec-status {st.state}" role="status" aria-live="polite" '
            f'data-saves="{self.session.saves}">{escape(st.text)}</span>'
        )
        self.conflict.refresh()
        show(self.save_now, st.state != "conflict")

    def _on_session_event(self, event: str) -> None:
        if event == "status":
            self.refresh_status()
        elif event == "reloaded":
            self.dims = list(self.session.dimensions)  # a migrated file has other items
            self.refresh_header()
            self.go(self.index, save=False)
        elif event in ("level", "actions", "header", "changed"):
            self.refresh_carried()
            if self.page is not None:
                self.page.refresh_carried()
            if event == "changed":
                return  # typing: counts may change, progress and scores do not
            self.refresh_progress()
            if self.summary_button.value:
                self.refresh_summary()

    # -- navigation and progress
    def refresh_progress(self) -> None:
        overall = self.session.overall_progress()
        label = f"{overall.done} of {overall.total} decided"
        if overall.carried:
            label += f"; {overall.carried} carried over"
        dim = self.dims[self.index]
        count = len(dim.items)
        self.where.value = (
            '<div class="ec-where">'
            f'<span class="ec-where-dim">{self.index + 1}/{len(self.dims)} '
            f"{escape(dim.title)}</span>"
            f'<span class="ec-where-item" data-count="{count}">Item 1 of {count}</span>'
            f"{progress_html(overall.done, overall.total, label)}</div>"
        )
        options = []
        for n, d in enumerate(self.dims, 1):
            p = self.session.progress(d.id)
            tick = " ✔" if p.done == p.total else ""
            options.append((f"{n}. {d.title}: {p.label}{tick}", d.id))
        with self.quiet():
            self.jump.options = options
            self.jump.value = self.dims[self.index].id

    def go(self, index: int, *, save: bool = True) -> None:
        """Show dimension `index`, saving first so moving on never leaves edits behind.

        The browser script moves focus to the new dimension's title, so the room lands on it
        and a second press of Enter cannot skip a dimension.
        """
        index = max(0, min(index, len(self.dims) - 1))
        if save:
            self.session.flush()
            self.session.check_disk()
        old = self.page
        self.index = index
        self.page = DimensionPage(self, self.dims[index], index + 1, len(self.dims))
        self.page_box.children = [self.page.widget]
        if old is not None:
            old.close()
        first, last = index == 0, index == len(self.dims) - 1
        for button in (self.back, self.bottom_back):
            button.disabled = first
            button.description = "◀ Back" if first else f"◀ Back: {self.dims[index - 1].short}"
        for button in (self.next, self.bottom_next):
            button.disabled = last
            button.description = "Next ▶" if last else f"Next: {self.dims[index + 1].short} ▶"
        self.refresh_progress()
        if self.summary_button.value:
            self.refresh_summary()

    def _on_jump(self, change: dict) -> None:
        if self.quiet or change["new"] is None:
            return
        ids = [d.id for d in self.dims]
        if change["new"] in ids and ids.index(change["new"]) != self.index:
            self.go(ids.index(change["new"]))

    def _on_show_levels(self, change: dict) -> None:
        if self.page:
            for card in self.page.cards.values():
                card.set_described(change["new"])

    def refresh_summary(self) -> None:
        on = self.summary_button.value
        self.summary_button.description = "Hide summary" if on else "Summary"
        show(self.summary, on)
        self.summary.value = summary_html(self.session) if on else ""

    # -- convenience for tests and notebooks
    @property
    def dimension(self) -> Dimension:
        return self.dims[self.index]

    def card(self, item_id: str) -> ItemCard:
        if self.page is None or item_id not in self.page.cards:
            raise KeyError(f"{item_id} is not on the current page ({self.dimension.id})")
        return self.page.cards[item_id]
