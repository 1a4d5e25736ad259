"""The workshop form: ipywidgets views over a `WorkshopSession`.

Every widget callback calls one session method and then refreshes what it shows from the
session, so the screen always reflects the model and the model is what gets saved. Only one
dimension's widgets exist at a time (about a hundred), which keeps Voilà responsive on a
small laptop; moving on saves first and closes the old page's widgets.

Widgets carry CSS classes (`ec-level-vision-1`, `ec-evidence-vision-1`, ...) so the browser
tests, and anyone styling the form, can find them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from html import escape
from typing import Any

import ipywidgets as w

from ..framework import Dimension, Item
from ..levels import LEVELS, NA, UNKNOWN
from .session import WorkshopSession
from .summary import summary_html
from .theme import style_tag

LEVEL_OPTIONS: list[tuple[str, int | str]] = [(f"{n} {name}", n) for n, name in LEVELS.items()]
LEVEL_OPTIONS += [("N/A", NA), ("Don't know", UNKNOWN)]
NO_VALUE = ""  # selection widgets treat None as "nothing selected"; "" is an explicit choice
RATING_OPTIONS: list[tuple[str, int | str]] = [("–", NO_VALUE)] + [
    (f"{n} {name}", n) for n, name in LEVELS.items()
]
TARGET_OPTIONS: list[tuple[str, int | str]] = [("No target", NO_VALUE)] + [
    (f"{n} {name}", n) for n, name in LEVELS.items()
]
STATUS_OPTIONS = [("Open", "open"), ("Done", "done"), ("Dropped", "dropped")]
STATE_WORDS = {
    "unanswered": "not answered yet",
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


def levels_html(item: Item, selected: Any) -> str:
    """What each level looks like for one item, with the chosen level highlighted."""
    rows = []
    for n, name in LEVELS.items():
        text = item.levels.get(n, "")
        chosen = ' class="ec-chosen"' if selected == n else ""
        rows.append(
            f'<tr{chosen}><th scope="row">{n} {escape(name)}</th><td>{escape(text) or "–"}</td></tr>'
        )
    return (
        f'<table class="ec-levels" aria-label="What each level looks like">{"".join(rows)}</table>'
    )


def progress_html(done: int, total: int, label: str) -> str:
    pct = 100.0 * done / total if total else 0.0
    return (
        f'<div class="ec-progress"><div class="ec-bar" role="progressbar" aria-valuemin="0" '
        f'aria-valuemax="{total}" aria-valuenow="{done}"><div style="width:{pct:.1f}%"></div>'
        f"</div><span>{escape(label)}</span></div>"
    )


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


# ---------------------------------------------------------------- one item


class ItemCard:
    """Statement, help, level descriptions, level buttons, ratings, evidence and flag."""

    def __init__(self, form: WorkshopForm, item: Item, position: int, count: int):
        self.form = form
        self.session = form.session
        self.item = item
        sid = css_id(item.id)
        r = self.session.response(item.id)
        statement = (
            f'<div class="ec-itemid">Item {position} of {count} · {escape(item.id)}'
            + (
                f" · hand-over from {escape(self.session.framework.dimension(item.handover_from).title)}"
                if item.handover_from
                else ""
            )
            + f'</div><div class="ec-statement">{escape(item.statement)}</div>'
        )
        self.heading = w.HTML(statement)
        self.badge = w.HTML()
        self.confirm = w.Button(
            description="Confirm",
            tooltip="The room agrees last year's answer still stands",
        )
        self.confirm.add_class("ec-primary")
        self.confirm.add_class(f"ec-confirm-{sid}")
        self.confirm.on_click(self._on_confirm)
        self.carried_box = w.HBox([self.badge, self.confirm], layout=w.Layout(align_items="center"))
        self.help = w.HTML(f'<div class="ec-help">{escape(item.help)}</div>')
        self.levels = w.HTML()
        self.level = w.ToggleButtons(
            options=LEVEL_OPTIONS,
            value=None,
            tooltips=[item.levels.get(n, name) for n, name in LEVELS.items()]
            + ["Does not apply here", "We don't know yet"],
            style={"button_width": "auto"},
            layout=w.Layout(width="auto"),
        )
        self.level.add_class(f"ec-level-{sid}")
        self.level.observe(self._on_level, "value")
        self.clear = w.Button(description="Clear", tooltip="Remove the level for this item")
        self.clear.add_class(f"ec-clear-{sid}")
        self.clear.on_click(self._on_clear)
        self.state = w.HTML()
        level_row = w.HBox(
            [self.level, self.clear, self.state],
            layout=w.Layout(flex_flow="row wrap", align_items="center"),
        )

        self.ratings_toggle = w.ToggleButton(
            description="Individual ratings",
            value=bool(r.raters),
            tooltip="Record each participant's own level before agreeing one",
            layout=w.Layout(align_self="flex-start", width="auto"),
        )
        self.ratings_toggle.add_class(f"ec-ratings-toggle-{sid}")
        self.ratings_toggle.observe(lambda _: self.refresh_ratings(), "value")
        self.ratings: dict[str, w.Dropdown] = {}
        self.ratings_grid = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.spread = w.HTML()
        self.use_median = w.Button(description="Record the median as the level")
        self.use_median.add_class(f"ec-median-{sid}")
        self.use_median.on_click(self._on_median)
        self.ratings_box = w.VBox(
            [self.ratings_grid, w.HBox([self.spread, self.use_median])],
            layout=w.Layout(padding="4px 0 4px 12px"),
        )

        self.evidence = w.Textarea(
            value=r.evidence,
            description="Evidence",
            placeholder="What shows this? Documents, examples, what people said.",
            continuous_update=True,
            rows=2,
            layout=w.Layout(width="auto"),
        )
        self.evidence.add_class(f"ec-evidence-{sid}")
        self.evidence.observe(self._on_evidence, "value")
        self.flag = w.Checkbox(value=r.flag, description="Flag for discussion", indent=False)
        self.flag.add_class(f"ec-flag-{sid}")
        self.flag.observe(self._on_flag, "value")
        self.box = w.VBox(
            [
                self.heading,
                self.carried_box,
                self.help,
                self.levels,
                level_row,
                self.ratings_toggle,
                self.ratings_box,
                self.evidence,
                self.flag,
            ]
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
        self.clear.disabled = r.level is None
        for s in STATE_WORDS:
            self.box.remove_class(f"ec-state-{s}")
        self.box.add_class(f"ec-state-{state}")
        self.state.value = f'<span class="ec-kicker">{escape(STATE_WORDS[state])}</span>'
        if state == "carried":
            source = self.session.previous_period or "an earlier assessment"
            self.badge.value = (
                f'<span class="ec-badge">Carried over from {escape(source)}: '
                "confirm or change</span>"
            )
        show(self.carried_box, state == "carried")
        self.levels.value = levels_html(self.item, r.level)
        show(self.levels, self.form.show_levels.value)
        self.refresh_ratings()

    def refresh_ratings(self) -> None:
        item_id = self.item.id
        r = self.session.response(item_id)
        names = self.session.rater_names(item_id)
        open_ = self.ratings_toggle.value
        show(self.ratings_box, open_)
        if not open_:
            return
        given = dict(r.raters)
        if list(self.ratings) != names:
            for dd in self.ratings.values():
                dd.close()
            self.ratings = {}
            for n, name in enumerate(names, 1):
                dd = w.Dropdown(
                    options=RATING_OPTIONS,
                    value=NO_VALUE,
                    description=name,
                    style={"description_width": "initial"},
                    layout=w.Layout(width="auto", margin="2px 18px 2px 0"),
                )
                dd.add_class(f"ec-rating-{css_id(item_id)}-{n}")
                dd.observe(lambda ch, name=name: self._on_rating(name, ch), "value")
                self.ratings[name] = dd
            self.ratings_grid.children = list(self.ratings.values())
        with self.form.quiet():
            for name, dd in self.ratings.items():
                dd.value = given.get(name, NO_VALUE)
        if not names:
            self.spread.value = (
                '<span class="ec-note">Add participants under Session details to record '
                "each person's level.</span>"
            )
            show(self.use_median, False)
            return
        levels = r.rater_levels
        med = self.session.median_rating(item_id)
        parts = []
        if med is not None:
            parts.append(f"Median {med:g}")
        if r.spread is not None:
            text = f"spread {r.spread} ({min(levels)} to {max(levels)})"
            if r.spread >= 2:
                text = f'<span class="ec-warn">{text}: discuss before agreeing a level</span>'
            parts.append(text)
        if med is not None and med != int(med):
            parts.append("agree a whole level")
        self.spread.value = f"<span>{'; '.join(parts) or 'No ratings yet'}</span>"
        usable = med is not None and med == int(med)
        show(self.use_median, usable)
        if usable:
            self.use_median.description = f"Record the median ({int(med)}) as the level"

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

    def _on_rating(self, name: str, change: dict) -> None:
        if self.form.quiet:
            return
        value = change["new"]
        self.session.set_rating(self.item.id, name, None if value == NO_VALUE else value)
        self.refresh_ratings()

    def _on_median(self, _: Any) -> None:
        med = self.session.median_rating(self.item.id)
        if med is not None and med == int(med):
            self.session.set_level(self.item.id, int(med))
            self.refresh()

    def _on_evidence(self, change: dict) -> None:
        if not self.form.quiet:
            self.session.set_evidence(self.item.id, change["new"])

    def _on_flag(self, change: dict) -> None:
        if not self.form.quiet:
            self.session.set_flag(self.item.id, change["new"])


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
            layout=w.Layout(width="46%"),
            style={"description_width": "initial"},
        )
        self.text.add_class(f"ec-action-text-{tag}")
        self.owner = w.Text(
            value=a.owner,
            description="Owner",
            continuous_update=True,
            layout=w.Layout(width="22%"),
            style={"description_width": "initial"},
        )
        self.owner.add_class(f"ec-action-owner-{tag}")
        self.due = w.DatePicker(
            value=a.due,
            description="Due",
            layout=w.Layout(width="auto"),
            style={"description_width": "initial"},
        )
        self.due.add_class(f"ec-action-due-{tag}")
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
        self.text.observe(lambda ch: self._update(action=ch["new"]), "value")
        self.owner.observe(lambda ch: self._update(owner=ch["new"]), "value")
        self.due.observe(lambda ch: self._update(due=ch["new"]), "value")
        self.status.observe(lambda ch: self._update(status=ch["new"]), "value")
        self.remove.on_click(lambda _: page.remove_action(self.index))
        self.box = w.HBox([self.text, self.owner, self.due, self.status, self.remove])
        self.box.add_class("ec-action")

    def _update(self, **fields: Any) -> None:
        if self.page.form.quiet:
            return
        try:
            self.session.update_action(self.index, **fields)
        except ValueError as exc:
            self.page.action_message.value = f'<span class="ec-warn">{escape(str(exc))}</span>'
            return
        self.page.action_message.value = ""


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
            f"<h2>{escape(dim.title)}</h2><div>{escape(dim.purpose)}</div>"
        )
        self.title.add_class("ec-dimtitle")
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
        self.notes = w.Textarea(
            value=self.session.assessment.notes(dim.id),
            description="Notes",
            placeholder="Points the room wants to remember about this dimension.",
            continuous_update=True,
            rows=2,
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
            layout=w.Layout(width="46%"),
            style={"description_width": "initial"},
        )
        self.new_text.add_class(f"ec-new-action-{did}")
        self.new_owner = w.Text(
            description="Owner",
            continuous_update=True,
            layout=w.Layout(width="22%"),
            style={"description_width": "initial"},
        )
        self.new_owner.add_class(f"ec-new-owner-{did}")
        self.new_due = w.DatePicker(
            description="Due", layout=w.Layout(width="auto"), style={"description_width": "initial"}
        )
        self.new_due.add_class(f"ec-new-due-{did}")
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
                self.target,
                self.notes,
                self.actions_box,
                w.HBox(
                    [self.new_text, self.new_owner, self.new_due, self.add_action],
                    layout=w.Layout(flex_flow="row wrap", align_items="center"),
                ),
                w.HBox([self.action_message, self.undo], layout=w.Layout(align_items="center")),
            ]
        )
        self.footer.add_class("ec-section")
        self.widget = w.VBox([self.title, *(c.box for c in self.cards.values()), self.footer])
        self.widget.add_class(f"ec-page-{did}")
        self.refresh_actions()

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

    def _on_undo(self, _: Any) -> None:
        if self._removed:
            self.session.add_action(self.dim.id, **self._removed)
            self._removed = None
        self.action_message.value = ""
        show(self.undo, False)
        self.refresh_actions()

    def _on_add_action(self, _: Any) -> None:
        try:
            self.session.add_action(
                self.dim.id, self.new_text.value, self.new_owner.value, self.new_due.value
            )
        except ValueError as exc:
            self.action_message.value = (
                f'<span class="ec-warn">{escape(str(exc).capitalize())}: type it in the box '
                "first.</span>"
            )
            return
        self.action_message.value = ""
        show(self.undo, False)
        with self.form.quiet():
            self.new_text.value = ""
            self.new_owner.value = ""
            self.new_due.value = None
        self.refresh_actions()

    def _on_target(self, change: dict) -> None:
        if not self.form.quiet:
            value = change["new"]
            self.session.set_target(self.dim.id, None if value == NO_VALUE else value)

    def _on_notes(self, change: dict) -> None:
        if not self.form.quiet:
            self.session.set_notes(self.dim.id, change["new"])

    def close(self) -> None:
        close_tree(self.widget)


# ---------------------------------------------------------------- the whole form


class WorkshopForm:
    """Header, save status, conflict resolution, session details, navigation and one page."""

    def __init__(self, session: WorkshopSession, *, start: str | None = None, styled: bool = True):
        """`styled=False` when embedded in a container that already injects the style."""
        self.session = session
        self.quiet = _Quiet()
        self.dims = list(session.dimensions)
        self.index = 0
        self.page: DimensionPage | None = None

        self.css = w.HTML(style_tag() if styled else "")
        self.title = w.HTML()
        self.status = w.HTML()
        self.status.add_class("ec-status-box")
        self.save_now = w.Button(description="Save now", tooltip="Save immediately")
        self.save_now.add_class("ec-save-now")
        self.save_now.on_click(lambda _: self.session.flush())
        header = w.HBox([self.title, w.HBox([self.status, self.save_now])])
        header.add_class("ec-header")
        self.progress = w.HTML()
        self.progress.add_class("ec-overall")
        self.notices = w.HTML()

        self.conflict_message = w.HTML()
        self.reload_button = w.Button(description="Reload from disk (discard my unsaved edits)")
        self.reload_button.add_class("ec-reload")
        self.reload_button.add_class("ec-danger")
        self.reload_button.on_click(lambda _: self.session.reload())
        self.copy_button = w.Button(description="Save my version as a copy")
        self.copy_button.add_class("ec-save-copy")
        self.copy_button.add_class("ec-primary")
        self.copy_button.on_click(self._on_copy)
        self.conflict_box = w.VBox(
            [
                self.conflict_message,
                w.HBox(
                    [self.copy_button, self.reload_button], layout=w.Layout(flex_flow="row wrap")
                ),
            ]
        )
        self.conflict_box.add_class("ec-conflict")

        self._build_details()

        self.back = w.Button(description="◀ Back")
        self.back.add_class("ec-back")
        self.back.on_click(lambda _: self.go(self.index - 1))
        self.jump = w.Dropdown(
            description="Go to",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.jump.add_class("ec-jump")
        self.jump.observe(self._on_jump, "value")
        self.next = w.Button(description="Next ▶")
        self.next.add_class("ec-next")
        self.next.add_class("ec-primary")
        self.next.on_click(lambda _: self.go(self.index + 1))
        self.summary_button = w.ToggleButton(
            description="Show summary", value=False, layout=w.Layout(width="auto")
        )
        self.summary_button.add_class("ec-show-summary")
        self.summary_button.observe(lambda _: self.refresh_summary(), "value")
        self.show_levels = w.Checkbox(
            value=True, description="Show what each level looks like", indent=False
        )
        self.show_levels.add_class("ec-show-levels")
        self.show_levels.observe(self._on_show_levels, "value")
        nav = w.HBox(
            [self.back, self.jump, self.next, self.summary_button, self.show_levels],
        )
        nav.add_class("ec-nav")
        self.summary = w.HTML()
        self.summary.add_class("ec-summary-html")
        self.page_box = w.VBox()
        bottom_back = w.Button(description="◀ Back")
        bottom_back.on_click(lambda _: self.go(self.index - 1))
        self.bottom_next = w.Button(description="Next ▶")
        self.bottom_next.add_class("ec-primary")
        self.bottom_next.add_class("ec-next-bottom")
        self.bottom_next.on_click(lambda _: self.go(self.index + 1))
        self.bottom_back = bottom_back
        # The status and any conflict stay in view while the room scrolls through items.
        top = w.VBox([header, self.conflict_box])
        top.add_class("ec-sticky")
        self.widget = w.VBox(
            [
                self.css,
                top,
                self.notices,
                self.progress,
                self.details_toggle,
                self.details,
                nav,
                self.summary,
                self.page_box,
                w.HBox([bottom_back, self.bottom_next], layout=w.Layout(margin="16px 0")),
            ]
        )
        if styled:
            self.widget.add_class("ec-workshop")
        session.subscribe(self._on_session_event)
        self.refresh_header()
        self.refresh_status()
        ids = [d.id for d in self.dims]
        self.go(ids.index(start) if start in ids else 0)

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # -- session details
    def _build_details(self) -> None:
        a = self.session.assessment
        needs_people = not a.participants
        self.details_toggle = w.ToggleButton(
            description="Session details: facilitator, participants, date",
            value=needs_people,
            layout=w.Layout(align_self="flex-start", width="auto"),
        )
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
        self.assessed_on = w.DatePicker(
            description="Date", style=style, layout=w.Layout(width="22em")
        )
        self.assessed_on.add_class("ec-date")
        self.share = w.Checkbox(
            description="Evidence may be quoted to other organisations as good practice",
            indent=False,
        )
        self.share.add_class("ec-share")
        self.start_previous = w.Button(description="Start from last year's answers")
        self.start_previous.add_class("ec-start-previous")
        self.start_previous.on_click(self._on_start_previous)
        self.details_message = w.HTML()
        for widget, field in (
            (self.name, "name"),
            (self.facilitator, "facilitator"),
            (self.participants, "participants"),
            (self.assessed_on, "assessed_on"),
            (self.share, "share_evidence"),
        ):
            widget.observe(lambda ch, field=field: self._on_header(field, ch["new"]), "value")
        self.details = w.VBox(
            [
                self.name,
                self.facilitator,
                self.participants,
                self.assessed_on,
                self.share,
                self.start_previous,
                self.details_message,
            ],
            layout=w.Layout(padding="6px 0"),
        )
        show(self.details, needs_people)

    def refresh_header(self) -> None:
        a = self.session.assessment
        self.title.value = (
            f"<h1>{escape(a.name)} ({escape(a.code)}) · {escape(a.period)}</h1>"
            "<div>Engagement Cycle self-assessment</div>"
        )
        with self.quiet():
            self.name.value = a.name
            self.facilitator.value = a.facilitator
            self.participants.value = "\n".join(a.participants)
            self.assessed_on.value = a.assessed_on
            self.share.value = a.share_evidence
        can = self.session.can_start_from_previous
        show(self.start_previous, can)
        if can:
            self.start_previous.description = f"Start from {self.session.previous_period}'s answers"
        notes = self.session.notices
        self.notices.value = (
            "".join(f'<div class="ec-note">{escape(n)}</div>' for n in notes) if notes else ""
        )

    def _on_header(self, field: str, value: Any) -> None:
        if self.quiet:
            return
        try:
            self.session.set_header(**{field: value})
        except ValueError as exc:
            self.details_message.value = f'<span class="ec-warn">{escape(str(exc))}</span>'
            return
        self.details_message.value = ""
        if field == "participants" and self.page:
            for card in self.page.cards.values():
                card.refresh_ratings()
        if field == "name":
            self.refresh_header()

    def _on_start_previous(self, _: Any) -> None:
        try:
            self.session.start_from_previous()
        except Exception as exc:  # noqa: BLE001 - shown to the facilitator, form carries on
            self.details_message.value = f'<span class="ec-warn">{escape(str(exc))}</span>'

    # -- status and conflicts
    def refresh_status(self) -> None:
        st = self.session.status
        self.status.value = (
            f'<span class="ec-status {st.state}" role="status" aria-live="polite">'
            f"{escape(st.text)}</span>"
        )
        conflict = st.state == "conflict"
        show(self.conflict_box, conflict)
        if conflict:
            text = (
                "<strong>Someone else changed this assessment file since it was opened "
                "(a colleague, the Excel import or a text editor). Your latest edits are not "
                "saved, and the file has not been touched.</strong><br>"
                f"<code>{escape(str(self.session.path))}</code><br>"
                "Choose: keep your version as a separate copy, or reload the file as it is "
                "now and lose your unsaved edits."
            )
            if self.session.last_copy:
                text += (
                    f'<div class="ec-note">Your version is saved as '
                    f"<code>{escape(str(self.session.last_copy))}</code>. Reload from disk to "
                    "carry on with the file as it is now.</div>"
                )
            self.conflict_message.value = text
        show(self.save_now, not conflict)

    def _on_copy(self, _: Any) -> None:
        try:
            self.session.save_copy()
        except OSError as exc:
            self.conflict_message.value += f'<div class="ec-warn">Could not save a copy: {escape(exc.strerror or str(exc))}</div>'

    def _on_session_event(self, event: str) -> None:
        if event == "status":
            self.refresh_status()
        elif event == "reloaded":
            self.refresh_header()
            self.go(self.index, save=False)
        elif event in ("level", "actions", "header"):
            self.refresh_progress()
            if self.summary_button.value:
                self.refresh_summary()

    # -- navigation and progress
    def refresh_progress(self) -> None:
        overall = self.session.overall_progress()
        label = f"{overall.done} of {overall.total} items decided"
        if overall.carried:
            label += f"; {overall.carried} carried over still to confirm"
        self.progress.value = progress_html(overall.done, overall.total, label)
        options = []
        for n, d in enumerate(self.dims, 1):
            p = self.session.progress(d.id)
            tick = " ✔" if p.done == p.total else ""
            options.append((f"{n}. {d.title}: {p.label}{tick}", d.id))
        with self.quiet():
            self.jump.options = options
            self.jump.value = self.dims[self.index].id

    def go(self, index: int, *, save: bool = True) -> None:
        """Show dimension `index`, saving first so moving on never leaves edits behind."""
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
                show(card.levels, change["new"])

    def refresh_summary(self) -> None:
        on = self.summary_button.value
        self.summary_button.description = "Hide summary" if on else "Show summary"
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
