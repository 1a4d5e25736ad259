"""The workshop form driven through its real widgets (no browser): set values, click buttons,
then check both what the screen shows and what the YAML file on disk says."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from engagecycle import cli as main_cli
from engagecycle.dates import format_uk, parse_uk
from engagecycle.errors import EngageError
from engagecycle.framework import load_framework
from engagecycle.store import read_file
from engagecycle.workshop import cli as workshop_cli
from engagecycle.workshop import launch as launch_mod
from engagecycle.workshop import merge as merging
from engagecycle.workshop import server as server_mod
from engagecycle.workshop import session as session_mod
from engagecycle.workshop.form import WorkshopForm, css_id
from engagecycle.workshop.launch import (
    StartPanel,
    current_period,
    locked_to,
    open_workshop,
    resolve_folder,
    resolve_parameters,
)
from engagecycle.workshop.session import (
    Debouncer,
    SaveStatus,
    WorkshopSession,
    open_or_create,
    parse_dimensions,
    parse_ratings,
)
from engagecycle.yamlio import load_plain
from tests.helpers import store_v1

FW = load_framework()
REPO = Path(__file__).resolve().parents[1]


class Clock:
    """A settable clock so 'Saved at hh:mm:ss' and backup spacing are deterministic."""

    def __init__(self) -> None:
        self.now = datetime(2025, 2, 11, 10, 11, 12)

    def __call__(self) -> datetime:
        return self.now


def saved(path: Path) -> dict:
    return load_plain(path.read_text(encoding="utf-8"))


def new_session(folder: Path, code: str = "T01", period: str = "2024/25", **kw) -> WorkshopSession:
    kw.setdefault("autosave_delay", None)  # tests save explicitly with flush()
    kw.setdefault("name", "Testbury ICB")
    return WorkshopSession.open(store_v1(folder), code, period, **kw)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "assessments"


# ---------------------------------------------------------------- opening and creating


def test_create_then_reopen_never_recreates(folder: Path) -> None:
    a, notices = open_or_create(store_v1(folder), "T01", "2024/25", name="Testbury ICB")
    assert a.path == folder / "T01" / "2024-25.yaml"
    assert "Created" in notices[0]
    doc = saved(a.path)
    assert doc["organisation"]["name"] == "Testbury ICB"
    assert isinstance(doc["assessed_on"], date)
    before = a.path.read_bytes()
    b, notices = open_or_create(store_v1(folder), "T01", "2024/25", name="Another name")
    assert "Opened" in notices[0]
    assert b.name == "Testbury ICB"
    assert a.path.read_bytes() == before


def test_new_organisation_needs_a_name_and_a_safe_code(folder: Path) -> None:
    with pytest.raises(EngageError, match="give the organisation's name"):
        open_or_create(store_v1(folder), "T02", "2024/25")
    with pytest.raises(EngageError, match="organisation code"):
        open_or_create(store_v1(folder), "../evil", "2024/25", name="x")
    with pytest.raises(EngageError, match="period"):
        open_or_create(store_v1(folder), "T02", "2024/26", name="x")
    assert not (folder / "T02").exists()


def test_new_year_of_a_known_organisation_reuses_its_details(folder: Path) -> None:
    open_or_create(store_v1(folder), "T01", "2023/24", name="Testbury Place", org_type="place")
    a, _ = open_or_create(store_v1(folder), "T01", "2024/25")
    assert (a.name, a.org_type) == ("Testbury Place", "place")


# ---------------------------------------------------------------- answering items


def test_level_buttons_save_and_show_state(folder: Path) -> None:
    clock = Clock()
    s = new_session(folder, clock=clock)
    form = WorkshopForm(s)
    card = form.card("vision.1")
    assert "Opened at 10:11:12" in form.status.value
    card.level.value = 3
    assert "Unsaved changes" in form.status.value
    assert "vision.1" not in (saved(s.path).get("responses") or {})  # not written yet
    clock.now += timedelta(seconds=5)
    s.flush()
    assert "Saved at 10:11:17" in form.status.value
    assert saved(s.path)["responses"]["vision.1"] == {"level": 3}
    assert "answered" in card.state.value
    # What each level looks like is in the buttons themselves; the name is their title.
    labels = [label for label, _ in card.level.options]
    assert labels[3] == FW.items["vision.1"].levels[3]
    assert card.level.tooltips[3] == "3 Established"
    form.show_levels.value = False
    assert [label for label, _ in card.level.options][3] == "3 Established"
    assert card.level.value == 3

    form.card("vision.2").level.value = "n/a"
    form.card("vision.3").level.value = "unknown"
    card.clear.click()
    s.flush()
    responses = saved(s.path)["responses"]
    assert responses["vision.2"] == {"level": "n/a"}
    assert responses["vision.3"] == {"level": "unknown"}
    assert "vision.1" not in responses
    assert card.level.value is None
    assert card.clear.disabled


def test_evidence_flag_and_reopen_shows_exactly_what_was_saved(folder: Path) -> None:
    s = new_session(folder)
    form = WorkshopForm(s)
    card = form.card("vision.2")
    card.level.value = 2
    card.evidence.value = "Board minutes, May 2024.\nTwo members made the case unprompted."
    card.flag.value = True
    s.flush()
    entry = saved(s.path)["responses"]["vision.2"]
    assert entry["evidence"].startswith("Board minutes, May 2024.\nTwo members")
    assert entry["flag"] is True

    again = WorkshopForm(new_session(folder))
    card2 = again.card("vision.2")
    assert card2.level.value == 2
    assert card2.evidence.value == entry["evidence"]
    assert card2.flag.value is True
    assert again.card("vision.1").level.value is None


def test_individual_ratings_spread_and_median(folder: Path) -> None:
    s = new_session(folder)
    form = WorkshopForm(s)
    form.participants.value = "Head of engagement\nLay member\nHealthwatch"
    form.jump.value = "governance"
    card = form.card("governance.1")
    card.ratings_toggle.value = True
    panel = card.ratings
    assert list(panel.rows) == ["Head of engagement", "Lay member", "Healthwatch"]
    panel.rows["Head of engagement"].value = 1
    panel.rows["Lay member"].value = 3
    panel.rows["Healthwatch"].value = 2
    assert "spread 2 (1 to 3)" in panel.spread.value
    assert "discuss" in panel.spread.value
    assert card.agreed.layout.display != "none"  # a disputed item can record what was agreed
    assert panel.use_median.layout.display != "none"
    panel.use_median.click()
    s.flush()
    entry = saved(s.path)["responses"]["governance.1"]
    assert entry["raters"] == {"Head of engagement": 1, "Lay member": 3, "Healthwatch": 2}
    assert entry["level"] == 2
    assert saved(s.path)["participants"] == ["Head of engagement", "Lay member", "Healthwatch"]

    # an even number of ratings with a half-level median: the room must agree a whole level
    panel.rows["Lay member"].value = ""
    assert "median 1.5" in panel.spread.value and "agree a whole level" in panel.spread.value
    assert panel.use_median.layout.display == "none"


def test_ratings_need_participants(folder: Path) -> None:
    form = WorkshopForm(new_session(folder))
    card = form.card("vision.1")
    card.ratings_toggle.value = True
    assert card.ratings.rows == {}
    assert "Add participants" in card.ratings.spread.value
    card.ratings.typed.value = "3 2"
    assert "add participants" in card.ratings.message.value


def test_target_notes_and_actions(folder: Path) -> None:
    s = new_session(folder)
    form = WorkshopForm(s)
    page = form.page
    page.target.value = 3
    page.notes.value = "Refresh due in the autumn."
    page.add_action.click()  # nothing typed yet: refused, with a message
    assert "needs a description" in page.action_message.value.lower()
    page.new_text.value = "Run two outreach sessions with carers' groups"
    page.new_owner.value = "PPE lead"
    page.new_due.text.value = "30/6/2025"  # typed the UK way; shown written out
    assert page.new_due.text.value == "30 June 2025"
    page.add_action.click()
    assert page.new_text.value == ""
    assert len(page.action_rows) == 1
    row = page.action_rows[0]
    row.status.value = "done"
    row.owner.value = "Head of engagement"
    row.text.value = ""  # emptied while retyping: refused, file keeps the old text
    assert "needs a description" in page.action_message.value
    s.flush()
    doc = saved(s.path)
    assert doc["dimensions"]["vision"] == {"target": 3, "notes": "Refresh due in the autumn."}
    assert doc["actions"] == [
        {
            "dimension": "vision",
            "action": "Run two outreach sessions with carers' groups",
            "owner": "Head of engagement",
            "due": date(2025, 6, 30),
            "status": "done",
        }
    ]
    row.remove.click()
    s.flush()
    assert not saved(s.path)["actions"]
    assert page.action_rows == []
    page.undo.click()
    s.flush()
    assert saved(s.path)["actions"][0]["action"].startswith("Run two outreach")
    assert len(page.action_rows) == 1
    page.target.value = ""
    s.flush()
    assert "target" not in (saved(s.path).get("dimensions") or {}).get("vision", {})


def test_header_fields(folder: Path) -> None:
    s = new_session(folder)
    form = WorkshopForm(s)
    # Closed on every load, even with no participants: the first item must be in view.
    assert form.details.layout.display == "none"
    form.details_toggle.value = True
    assert form.details.layout.display != "none"
    form.facilitator.value = "Engagement lead"
    form.assessed_on.text.value = "11 Feb 2025"
    assert form.assessed_on.text.value == "11 February 2025"
    form.assessed_on.text.value = "31/2/2025"  # not a real date: said so, nothing saved
    assert "not a real date" in form.details_message.value
    assert form.assessed_on.text.value == "31/2/2025"
    form.share.value = True
    form.name.value = ""  # refused: an organisation needs a name
    assert "needs a name" in form.details_message.value
    s.flush()
    doc = saved(s.path)
    assert doc["facilitator"] == "Engagement lead"
    assert doc["assessed_on"] == date(2025, 2, 11)
    assert doc["share_evidence"] is True
    assert doc["organisation"]["name"] == "Testbury ICB"


def test_user_text_is_escaped_in_html(folder: Path) -> None:
    s = new_session(folder, code="T09", name="<script>alert(1)</script> & Co")
    form = WorkshopForm(s)
    assert "<script>alert" not in form.title.value
    assert "&lt;script&gt;" in form.title.value
    form.page.new_text.value = "<b>bold</b>"
    form.page.add_action.click()
    form.page.action_rows[0].remove.click()
    assert "<b>" not in form.page.action_message.value


# ---------------------------------------------------------------- navigation and progress


def test_navigation_saves_and_shows_completion(folder: Path) -> None:
    s = new_session(folder)
    form = WorkshopForm(s)
    assert form.back.disabled and form.dimension.id == "vision"
    assert form.next.description == "Next: Strategy ▶"
    for item in FW.dimension("vision").items:
        form.card(item.id).level.value = 2
    form.next.click()  # moving on saves without waiting for the timer
    assert form.dimension.id == "strategy"
    assert all(saved(s.path)["responses"][i.id]["level"] == 2 for i in FW.dimension("vision").items)
    labels = dict((v, k) for k, v in form.jump.options)
    assert labels["vision"].endswith("4/4 ✔")
    assert labels["strategy"].endswith("0/5")
    assert "4 of 70 decided" in form.progress.value
    assert "5/15 " not in form.where.value and "2/15 Engagement strategy" in form.where.value
    form.jump.value = "monitor"
    assert form.dimension.id == "monitor" and form.next.disabled
    form.back.click()
    assert form.dimension.id == "procure"
    assert form.jump.value == "procure"
    with pytest.raises(KeyError):
        form.card("vision.1")  # only the current dimension's widgets exist


def test_dimensions_parameter_focuses_the_session(folder: Path) -> None:
    assert [d.id for d in parse_dimensions("identify", FW)] == ["identify"]
    assert [d.id for d in parse_dimensions("roles, vision", FW)] == ["vision", "roles"]
    assert len(parse_dimensions("hub", FW)) == 10
    assert [d.kind for d in parse_dimensions("stages", FW)] == ["stage"] * 5
    assert len(parse_dimensions("", FW)) == len(parse_dimensions("all", FW)) == 15
    with pytest.raises(EngageError, match="'idenitfy'.*allowed: all, hub, stages"):
        parse_dimensions("idenitfy", FW)
    s = new_session(folder, dimensions="identify,develop")
    form = WorkshopForm(s)
    assert [v for _, v in form.jump.options] == ["identify", "develop"]
    assert "0 of 10 decided" in form.progress.value


def test_summary_shows_scores_of_unsaved_answers(folder: Path) -> None:
    s = new_session(folder)
    form = WorkshopForm(s)
    form.card("vision.1").level.value = 4
    form.card("vision.2").level.value = 1
    form.summary_button.value = True
    html = form.summary.value
    assert "Vision and shared understanding" in html
    expected = (4 + 1) / 2
    assert f"<td class='num'>{expected:.1f}</td>" in html
    assert "Unsaved changes are included" in html
    assert form.summary_button.description == "Hide summary"
    form.card("vision.3").level.value = 4  # live: the open summary follows the answers
    assert f"<td class='num'>{(4 + 1 + 4) / 3:.1f}</td>" in form.summary.value
    form.summary_button.value = False
    assert form.summary.layout.display == "none"


# ---------------------------------------------------------------- never lose an answer


def test_conflict_is_shown_and_the_file_is_left_alone(folder: Path) -> None:
    s = new_session(folder)
    form = WorkshopForm(s)
    form.card("vision.1").level.value = 3
    s.flush()
    # a colleague edits the same file in a text editor
    theirs = s.path.read_text().replace("level: 3", "level: 1") + "# edited by a colleague\n"
    s.path.write_text(theirs)
    form.card("vision.2").level.value = 4
    s.flush()
    assert s.status.state == "conflict"
    assert "Not saved" in form.status.value and "changed by someone else" in form.status.value
    assert form.conflict_box.layout.display != "none"
    assert s.path.read_text() == theirs  # untouched
    panel = form.conflict
    assert panel.reload_button.description == "Reload from disk (discard my unsaved edits)"
    assert panel.copy_button.description == "Save my version as a copy"
    assert "Nothing was changed on both sides" in panel.message.value

    panel.copy_button.click()
    copy = s.last_copy
    assert copy is not None and copy.exists() and copy.suffix == ".txt"
    mine = load_plain(copy.read_text())
    assert mine["responses"]["vision.2"] == {"level": 4}
    assert mine["responses"]["vision.1"] == {"level": 3}
    assert str(copy) in panel.result.value
    assert s.path.read_text() == theirs
    assert store_v1(folder).find("T01", "2024/25") is not None  # the copy is no duplicate

    panel.reload_button.click()
    assert s.status.state == "saved"
    assert form.conflict_box.layout.display == "none"
    assert form.card("vision.1").level.value == 1
    assert form.card("vision.2").level.value is None
    form.card("vision.3").level.value = 2  # carrying on after the reload saves normally
    s.flush()
    assert saved(s.path)["responses"]["vision.1"] == {"level": 1}
    assert saved(s.path)["responses"]["vision.3"] == {"level": 2}
    assert "# edited by a colleague" in s.path.read_text()


def test_conflict_keeps_either_version_part_by_part(folder: Path) -> None:
    """Issue 13.7: no whole-file copy and no redoing by hand: per part, theirs or ours."""
    s = new_session(folder)
    form = WorkshopForm(s)
    s.set_level("vision.1", 3)
    s.set_level("vision.2", 2)
    s.set_notes("vision", "Agreed in the room.")
    s.flush()
    # Someone else: changes vision.1, adds vision.3 and an action, with a comment.
    text = s.path.read_text().replace("vision.1:\n    level: 3", "vision.1:\n    level: 1")
    text = text.replace("  vision.2:", "  vision.3:\n    level: 4\n  vision.2:")
    text += "# checked by the PPE lead\n"
    s.path.write_text(text)
    assert load_plain(text)["responses"]["vision.1"]["level"] == 1
    # The room meanwhile: vision.1 to 4 (both changed it), vision.2 to 3 (only the room).
    form.card("vision.1").level.value = 4
    form.card("vision.2").level.value = 3
    s.flush()
    assert s.status.state == "conflict"
    panel = form.conflict
    merge = panel.merge
    assert merge.both == [("response", "vision.1")]
    assert merge.ours_only == [("response", "vision.2")]
    assert merge.theirs_only == [("response", "vision.3")]
    assert "1 part(s) were changed on both sides" in panel.message.value
    row = panel.rows_box.children[0].children[0].value
    assert "Theirs (in the file now)" in row and "1 Emerging" in row and "4 Embedded" in row
    assert panel.save_button.disabled  # a choice is needed first
    panel.choices[("response", "vision.1")].value = "ours"
    assert not panel.save_button.disabled
    form.card("vision.4").evidence.value = "Typed while the box is open"
    s.flush()  # still in conflict: the panel is redrawn, the choice made stays
    assert s.status.state == "conflict"
    assert panel.choices[("response", "vision.1")].value == "ours"
    panel.save_button.click()
    assert s.status.state == "saved"
    doc = saved(s.path)["responses"]
    assert doc["vision.1"]["level"] == 4  # ours, chosen
    assert doc["vision.2"]["level"] == 3  # ours, only the room changed it
    assert doc["vision.3"]["level"] == 4  # theirs, only they changed it
    assert doc["vision.4"]["evidence"] == "Typed while the box is open"
    assert "# checked by the PPE lead" in s.path.read_text()
    assert form.card("vision.3").level.value == 4  # the screen shows the merged file
    assert form.conflict_box.layout.display == "none"

    # Again, keeping theirs this time; the room's other edit still survives.
    s.path.write_text(s.path.read_text().replace("level: 4\n  vision.2", "level: 0\n  vision.2"))
    form.card("vision.3").level.value = 2
    form.card("vision.4").level.value = 1
    s.flush()
    assert form.conflict.merge.both == [("response", "vision.3")]
    form.conflict.choices[("response", "vision.3")].value = "theirs"
    form.conflict.save_button.click()
    doc = saved(s.path)["responses"]
    assert doc["vision.3"]["level"] == 0 and doc["vision.4"]["level"] == 1


def test_change_on_disk_is_noticed_on_navigation(folder: Path) -> None:
    s = new_session(folder)
    form = WorkshopForm(s)
    s.path.write_text(s.path.read_text() + "# touched\n")
    form.next.click()
    assert s.status.state == "conflict"
    assert form.conflict_box.layout.display != "none"


def test_save_failure_is_reported_and_retried(folder: Path, monkeypatch) -> None:
    s = new_session(folder)
    form = WorkshopForm(s)
    real_save = s.store.save

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(s.store, "save", disk_full)
    form.card("vision.1").level.value = 3
    s.flush()
    assert "Save failed: No space left on device" in form.status.value
    assert s.dirty
    monkeypatch.setattr(s.store, "save", real_save)
    form.save_now.click()
    assert "Saved at" in form.status.value
    assert saved(s.path)["responses"]["vision.1"] == {"level": 3}


def test_backups_are_kept_but_not_on_every_keystroke(folder: Path) -> None:
    clock = Clock()
    s = new_session(folder, clock=clock)
    history = s.path.parent / ".history"
    before = len(list(history.glob("*.yaml")))
    for n in range(5):
        s.set_evidence("vision.1", f"draft {n}")
        clock.now += timedelta(seconds=1)
        s.flush()
    assert len(list(history.glob("*.yaml"))) == before + 1
    clock.now += session_mod.BACKUP_EVERY
    s.set_evidence("vision.1", "final")
    s.flush()
    assert len(list(history.glob("*.yaml"))) == before + 2


def test_pending_edits_are_written_at_exit(folder: Path) -> None:
    s = new_session(folder)
    s.set_level("vision.4", 1)
    assert s.dirty
    session_mod._flush_all_at_exit()
    assert saved(s.path)["responses"]["vision.4"] == {"level": 1}


class FakeScheduler:
    """Records scheduled callbacks instead of starting timers; tests fire them by hand."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, object, list[bool]]] = []

    def __call__(self, delay, fn):
        cancelled = [False]

        class Handle:
            def cancel(self_inner):
                cancelled[0] = True

        self.calls.append((delay, fn, cancelled))
        return Handle()

    def live(self):
        return [c for c in self.calls if not c[2][0]]


def test_autosave_is_debounced_through_the_scheduler(folder: Path) -> None:
    sched = FakeScheduler()
    s = new_session(folder, autosave_delay=0.5, scheduler=sched)
    form = WorkshopForm(s)
    card = form.card("vision.1")
    for text in ("B", "Bo", "Boa", "Board minutes"):
        card.evidence.value = text
    assert len(sched.calls) == 4
    assert len(sched.live()) == 1  # each keystroke replaced the previous timer
    assert "vision.1" not in (saved(s.path).get("responses") or {})
    for _, fn, _ in sched.calls[:-1]:
        fn()  # a superseded timer that fires anyway does nothing
    assert "vision.1" not in (saved(s.path).get("responses") or {})
    sched.live()[0][1]()
    assert saved(s.path)["responses"]["vision.1"] == {"evidence": "Board minutes"}
    assert "Saved at" in form.status.value


def test_clicks_are_written_at_once_while_typing_stays_debounced(folder: Path) -> None:
    """Issue 13.8: a level click is on disk before the click handler returns (no timer)."""
    sched = FakeScheduler()
    s = new_session(folder, autosave_delay=0.5, scheduler=sched)
    form = WorkshopForm(s)
    saves = s.saves
    form.card("vision.1").level.value = 3  # a click
    assert saved(s.path)["responses"]["vision.1"] == {"level": 3}
    assert s.saves == saves + 1 and f'data-saves="{s.saves}"' in form.status.value
    assert "Saved at" in form.status.value
    assert sched.live() == []  # no timer was needed
    form.card("vision.1").flag.value = True
    form.page.target.value = 2
    form.card("vision.2").ratings_toggle.value = True
    assert saved(s.path)["responses"]["vision.1"]["flag"] is True
    assert saved(s.path)["dimensions"]["vision"]["target"] == 2
    form.card("vision.2").evidence.value = "Typing"  # typing: waits for the timer
    assert "evidence" not in saved(s.path)["responses"].get("vision.2", {})
    assert len(sched.live()) == 1


def test_dates_are_shown_and_read_the_uk_way() -> None:
    assert format_uk(date(2026, 12, 2)) == "2 December 2026"
    assert format_uk(None) == ""
    for text in (
        "2 December 2026",
        "2 Dec 2026",
        "2nd December 2026",
        "02/12/2026",
        "2/12/26",
        "2.12.2026",
        "2-12-2026",
        "2026-12-02",
        " 2 december, 2026 ",
    ):
        assert parse_uk(text) == date(2026, 12, 2), text
    assert parse_uk("12/02/2026") == date(2026, 2, 12)  # day first, as in the UK
    assert parse_uk("") is None and parse_uk(None) is None
    with pytest.raises(ValueError, match="not a real date; type it like 2 December 2026"):
        parse_uk("30/2/2026")
    with pytest.raises(ValueError, match="not a date the form can read"):
        parse_uk("next Tuesday")


def test_a_rooms_ratings_typed_in_one_go(folder: Path) -> None:
    """Issue 13.5: seven people's ratings as "3 2 4 3 3 2 4", in participant order."""
    names = ["AB", "CD", "EF", "GH", "IJ", "KL", "MN"]
    room = dict(zip(names, [3, 2, 4, 3, 3, 2, 4], strict=True))
    assert parse_ratings("3 2 4 3 3 2 4", names) == room
    assert parse_ratings("3243324", names) == room
    assert parse_ratings("3, -, 4", names) == {"AB": 3, "CD": None, "EF": 4}
    with pytest.raises(ValueError, match="8 ratings typed for 7 participant"):
        parse_ratings("3 2 4 3 3 2 4 1", names)
    with pytest.raises(ValueError, match="'5' is not a level"):
        parse_ratings("3 5", names)
    s = new_session(folder)
    form = WorkshopForm(s)
    form.participants.value = "\n".join(names)
    card = form.card("vision.1")
    card.ratings_toggle.value = True
    card.ratings.typed.value = "3 2 4 3 3 2 4"
    s.flush()
    assert saved(s.path)["responses"]["vision.1"]["raters"] == room
    assert [row.value for row in card.ratings.rows.values()] == [3, 2, 4, 3, 3, 2, 4]
    assert '7 of 7 rated; median 3; <span class="ec-warn">spread 2 (2 to 4)' in (
        card.ratings.spread.value
    )
    assert card.ratings.typed.value == ""  # ready for the next item
    card.ratings.typed.value = "- 9"
    assert "9&#x27; is not a level: type 0-4" in card.ratings.message.value
    assert saved(s.path)["responses"]["vision.1"]["raters"]["CD"] == 2  # unchanged


def test_what_the_room_agreed_is_recorded_on_a_flagged_item(folder: Path) -> None:
    """Issue 9.6: the discussion happened, and this is what was agreed."""
    s = new_session(folder)
    form = WorkshopForm(s)
    form.jump.value = "insight"
    card = form.card("insight.3")
    assert card.agreed.layout.display == "none"  # nothing to discuss: no box
    card.flag.value = True
    assert card.agreed.layout.display != "none"
    card.agreed.value = "Settled on 2: the data pack exists but the board does not use it."
    s.flush()
    entry = saved(s.path)["responses"]["insight.3"]
    assert entry == {
        "flag": True,
        "agreed": "Settled on 2: the data pack exists but the board does not use it.",
    }
    assert store_v1(folder).find("T01", "2024/25").response("insight.3").resolved
    again = WorkshopForm(new_session(folder))
    again.jump.value = "insight"
    assert again.card("insight.3").agreed.value.startswith("Settled on 2")


def test_merge_of_actions_and_session_details(folder: Path) -> None:
    s = new_session(folder)
    s.add_action("vision", "Ours only", "AB")
    s.add_action("identify", "Shared", "AB")
    s.set_header(facilitator="Lead")
    s.flush()
    base = merging.to_plain(s.assessment.doc)
    theirs = read_file(s.path, FW, roundtrip=True)
    theirs.update_action(1, owner="CD")  # they changed identify's action
    theirs.set_header(facilitator="Someone else")
    s.update_action(0, status="done")  # we changed vision's
    s.set_header(facilitator="Our lead")
    m = merging.compare(base, s.assessment.doc, theirs.doc)
    assert m.ours_only == [("actions", "vision")]
    assert m.theirs_only == [("actions", "identify")]
    assert m.both == [("header", "facilitator")]
    keep = merging.choose(m, {("header", "facilitator"): "ours"})
    merging.apply(theirs, s.assessment, keep)
    acts = [(a.dimension, a.action, a.owner, a.status) for a in theirs.actions()]
    assert acts == [("vision", "Ours only", "AB", "done"), ("identify", "Shared", "CD", "open")]
    assert theirs.facilitator == "Our lead"
    with pytest.raises(ValueError, match="choose which version to keep for 1 part"):
        merging.choose(m, {})
    assert merging.describe(("actions", "vision"), [{"action": "A", "due": date(2026, 12, 2)}])
    assert "due 2 December 2026" in merging.describe(
        ("actions", "x"), [{"action": "A", "due": date(2026, 12, 2)}]
    )


def test_debounce_never_waits_longer_than_max_wait() -> None:
    now = [0.0]
    sched = FakeScheduler()
    d = Debouncer(lambda: None, delay=0.5, max_wait=1.0, scheduler=sched, clock=lambda: now[0])
    d.poke()
    now[0] = 0.7
    d.poke()
    now[0] = 0.9
    d.poke()
    delays = [c[0] for c in sched.calls]
    assert delays[0] == pytest.approx(0.5)
    assert delays[1] == pytest.approx(0.3)  # capped: 1.0 after the first change
    assert delays[2] == pytest.approx(0.1)


def test_status_texts() -> None:
    at = datetime(2025, 1, 2, 9, 8, 7)
    assert SaveStatus("saved", at).text == "Saved at 09:08:07"
    assert SaveStatus("unsaved").text == "Unsaved changes"
    assert SaveStatus("failed", at, "disk full").text == "Save failed: disk full"


# ---------------------------------------------------------------- start from last year


def _last_year(folder: Path) -> Path:
    s = new_session(folder, period="2023/24")
    s.set_level("vision.1", 3)
    s.set_evidence("vision.1", "Definition agreed at the May board.")
    s.set_level("vision.2", "n/a")
    s.set_rating("vision.3", "AB", 1)
    s.set_rating("vision.3", "CD", 3)
    s.set_target("vision", 3)
    s.add_action("vision", "Agree a definition with partners", "Head of engagement")
    s.flush()
    return s.path


def test_start_from_last_year_marks_answers_until_confirmed(folder: Path) -> None:
    _last_year(folder)
    s = new_session(folder, period="2024/25", from_previous=True)
    notice = next(n for n in s.notices if n.startswith("Copied"))
    assert notice.startswith("Copied from 2023/24: 2 answers, 1 target and 1 action.")
    assert "1 item(s) had only individual ratings and start blank" in notice
    form = WorkshopForm(s)
    # The count is on the page (issue 13.6), not only on the command line.
    banner = form.carried_banner.value
    assert "still to confirm: 2 answers, 1 target and 1 action" in banner
    card = form.card("vision.1")
    assert card.level.value == 3
    assert card.evidence.value == "Definition agreed at the May board."
    assert card.confirm.layout.display != "none"
    assert "Carried over from 2023/24" in card.state.value
    assert form.card("vision.3").level.value is None  # only ratings last year: rated afresh
    assert "0 of 70 decided; 2 carried over" in form.progress.value
    assert saved(s.path)["responses"]["vision.1"]["carried_over"] is True
    # Targets and actions carry a visible mark too.
    assert "Target and notes carried over from 2023/24" in form.page.target_badge.value
    assert "Carried over from 2023/24" in form.page.action_rows[0].badge.value

    card.confirm.click()
    assert card.confirm.layout.display == "none"
    form.card("vision.2").level.value = 3  # changing the level also confirms
    s.flush()
    responses = saved(s.path)["responses"]
    assert responses["vision.1"] == {
        "level": 3,
        "evidence": "Definition agreed at the May board.",
    }
    assert responses["vision.2"] == {"level": 3}
    assert "2 of 70 decided" in form.progress.value
    assert "1 target and 1 action" in form.carried_banner.value
    assert saved(s.path)["actions"][0]["action"] == "Agree a definition with partners"


def test_confirm_a_whole_dimension_from_the_form(folder: Path) -> None:
    """Issue 9.3 / 13.6: the room keeps a whole dimension of last year's answers at once."""
    _last_year(folder)
    s = new_session(folder, period="2024/25", from_previous=True)
    form = WorkshopForm(s)
    page = form.page
    assert page.carried_box.layout.display != "none"
    assert "2 answers, 1 target and 1 action" in page.carried_text.value
    page.confirm_all.click()
    s.flush()
    doc = saved(s.path)
    assert all("carried_over" not in r for r in doc["responses"].values())
    assert "carried_over" not in doc["dimensions"]["vision"]
    assert "carried_over" not in doc["actions"][0]
    assert page.carried_box.layout.display == "none"
    assert form.carried_banner.layout.display == "none"
    assert form.card("vision.1").confirm.layout.display == "none"
    assert "2 of 70 decided" in form.progress.value


def test_editing_a_carried_target_or_action_confirms_it(folder: Path) -> None:
    _last_year(folder)
    s = new_session(folder, period="2024/25", from_previous=True)
    form = WorkshopForm(s)
    form.page.target.value = 4
    form.page.action_rows[0].owner.value = "PPE lead"
    s.flush()
    doc = saved(s.path)
    assert doc["dimensions"]["vision"] == {"target": 4}
    assert doc["actions"][0]["owner"] == "PPE lead" and "carried_over" not in doc["actions"][0]
    assert form.page.target_badge.value == ""
    assert "2 answers" in form.carried_banner.value and "action" not in form.carried_banner.value


def test_start_from_last_year_never_overwrites_answers(folder: Path) -> None:
    _last_year(folder)
    s = new_session(folder, period="2024/25")
    s.set_level("vision.1", 1)
    s.flush()
    before = s.path.read_bytes()
    again = new_session(folder, period="2024/25", from_previous=True)
    assert any("already has answers" in n for n in again.notices)
    assert again.path.read_bytes() == before
    assert WorkshopForm(again).start_previous.layout.display == "none"
    with pytest.raises(EngageError, match="already has answers"):
        again.start_from_previous()


def test_start_from_last_year_button_on_an_empty_assessment(folder: Path) -> None:
    _last_year(folder)
    s = new_session(folder, period="2024/25")
    form = WorkshopForm(s)
    assert form.start_previous.layout.display != "none"
    assert form.start_previous.description == "Start from 2023/24's answers"
    form.start_previous.click()
    assert form.card("vision.1").level.value == 3
    assert form.card("vision.1").confirm.layout.display != "none"
    assert "still to confirm: 2 answers" in form.carried_banner.value
    assert saved(s.path)["responses"]["vision.1"]["carried_over"] is True
    assert form.start_previous.layout.display == "none"


# ---------------------------------------------------------------- notebook entry point and CLI


def test_parameters_come_from_the_url_but_never_the_folder(tmp_path: Path) -> None:
    p = resolve_parameters(
        {"organisation": "X02", "period": "2025/26", "from_previous": False, "name": "Kept"},
        "organisation=X07&period=2024%2F25&dimensions=identify&from_previous=1&assessments=/etc",
    )
    # What the address asks for wins over values saved in the notebook (issue 13.1).
    assert p["organisation"] == "X07"
    assert p["period"] == "2024/25"
    assert p["dimensions"] == "identify"
    assert p["from_previous"] is True
    # In Voilà nothing comes from the notebook, even what the address leaves out.
    assert p["name"] == ""
    assert "assessments" not in p
    assert resolve_parameters({"organisation": "X02"}, "organisation=")["organisation"] == ""
    # Without an address (JupyterLab, papermill) the notebook's parameters are used.
    assert resolve_parameters({"organisation": "X02", "name": "Kept"}, None)["name"] == "Kept"
    assert resolve_folder("", {"ENGAGECYCLE_ASSESSMENTS": str(tmp_path)}) == tmp_path
    assert resolve_folder(str(tmp_path / "x"), {"ENGAGECYCLE_ASSESSMENTS": "/nope"}) == (
        tmp_path / "x"
    )
    assert current_period(date(2025, 3, 31)) == "2024/25"
    assert current_period(date(2025, 4, 1)) == "2025/26"


def test_a_locked_server_opens_its_assessment_and_refuses_any_other(
    folder: Path, monkeypatch
) -> None:
    """`engagecycle workshop X01 2025/26` locks the page to X01 2025/26 (issue 13.1)."""
    store_v1(folder).create("L01", "2024/25", "Lockton ICB")
    monkeypatch.setenv(launch_mod.ENV_ONLY, "L01 2024/25")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    # Values saved in the notebook's parameters cell cannot pick another organisation...
    app = open_workshop("X02", "2024/25", assessments=str(folder), autosave_delay=None)
    assert app.form is None and app.start is None
    assert "started for L01 2024/25 only, so it will not open X02 2024/25" in app.refusal.value
    # ...nor can the address, and nothing is created for what was refused.
    app = open_workshop(
        assessments=str(folder),
        query="organisation=X03&period=2024%2F25&name=X",
        autosave_delay=None,
    )
    assert app.form is None and "will not open X03" in app.refusal.value
    assert not (folder / "X02").exists() and not (folder / "X03").exists()
    # Blank parameters open the locked one; so do the notebook's values when they agree.
    app = open_workshop(assessments=str(folder), query="", autosave_delay=None)
    assert app.form is not None and app.form.session.assessment.code == "L01"
    app = open_workshop("L01", "2024/25", assessments=str(folder), autosave_delay=None)
    assert app.form is not None
    assert locked_to({}) is None
    assert locked_to({launch_mod.ENV_ONLY: "X01 2025/26"}) == ("X01", "2025/26")


def test_open_workshop_from_query_string(folder: Path) -> None:
    app = open_workshop(
        assessments=str(folder),
        query="organisation=Q01&period=2024%2F25&name=Query%20Place&org_type=place"
        "&dimensions=identify",
        autosave_delay=None,
    )
    assert app.form is not None and app.start is None
    assert [d.id for d in app.form.dims] == ["identify"]
    assert saved(folder / "Q01" / "2024-25.yaml")["organisation"]["type"] == "place"
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_start_panel_when_nothing_given_then_create(folder: Path) -> None:
    app = open_workshop(assessments=str(folder), query="", autosave_delay=None)
    assert isinstance(app.start, StartPanel) and app.form is None
    panel = app.start
    panel.open_button.click()
    assert "Choose an organisation" in panel.message.value
    panel.code.value = "N01"
    panel.period.value = "2025/26"
    panel.open_button.click()
    assert "name to create it" in panel.message.value
    assert not (folder / "N01").exists()
    panel.name.value = "Newtown ICB"
    panel.dimensions.value = "stages"
    panel.open_button.click()
    assert app.form is not None
    assert len(app.form.dims) == 5
    assert saved(folder / "N01" / "2025-26.yaml")["organisation"]["name"] == "Newtown ICB"


def test_bad_url_parameters_show_the_start_panel_with_the_reason(folder: Path) -> None:
    app = open_workshop(
        assessments=str(folder), query="organisation=Z99&period=2024%2F25", autosave_delay=None
    )
    assert app.form is None
    assert "name to create it" in app.start.message.value


def test_cli_creates_the_file_and_starts_voila_on_localhost(
    folder: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    calls = {}
    shipped = REPO / "notebooks" / "workshop.ipynb"
    before = shipped.read_bytes()

    def fake_run(cmd, env, url, open_browser, cleanup):
        copy = cleanup / "workshop.ipynb"
        calls.update(
            cmd=cmd,
            env=env,
            url=url,
            open_browser=open_browser,
            cleanup=cleanup,
            copy=json.loads(copy.read_text()),
        )
        return 0

    monkeypatch.setattr(workshop_cli, "run_server", fake_run)
    monkeypatch.chdir(tmp_path)  # no notebooks/ here: the project's own notebook is used
    code = main_cli.main(
        [
            "workshop",
            "W01",
            "2024/25",
            "--name",
            "Westshire ICB",
            "--assessments",
            str(folder),
            "--dimensions",
            "identify",
            "--no-browser",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert (folder / "W01" / "2024-25.yaml").exists()
    assert calls["url"] in out
    assert calls["url"].startswith("http://127.0.0.1:")
    assert "organisation=W01" in calls["url"] and "period=2024%2F25" in calls["url"]
    assert "dimensions=identify" in calls["url"]
    # A fresh token in the printed address (issue 10.8); tracebacks only with --debug.
    token = parse_qs(urlparse(calls["url"]).query)["token"][0]
    assert len(token) >= 24 and f"--token={token}" in calls["cmd"]
    assert "--show_tracebacks=False" in calls["cmd"]
    assert "--Voila.ip=127.0.0.1" in calls["cmd"] and "--no-browser" in calls["cmd"]
    assert "--template=ec-workshop" in calls["cmd"]
    assert calls["cmd"][1:3] == ["-m", "engagecycle.workshop.server"]
    # It serves a copy made for this session, outside notebooks/, with its parameters filled.
    served = Path(calls["cmd"][3])
    assert served == calls["cleanup"] / "workshop.ipynb"
    assert "notebooks" not in served.parts
    params = "".join(calls["copy"]["cells"][0]["source"])
    assert "organisation = 'W01'" in params and "period = '2024/25'" in params
    assert f"assessments = {str(folder.resolve())!r}" in params
    assert "dimensions = 'identify'" in params
    assert not calls["cleanup"].exists()  # removed when the server stops
    assert calls["env"]["ENGAGECYCLE_ASSESSMENTS"] == str(folder.resolve())
    assert calls["env"]["ENGAGECYCLE_WORKSHOP_ONLY"] == "W01 2024/25"
    assert calls["open_browser"] is False
    assert shipped.read_bytes() == before

    # --lab: the same copy in JupyterLab, with a token; --debug shows tracebacks in Voilà.
    main_cli.main(["workshop", "W01", "2024/25", "--assessments", str(folder), "--lab"])
    assert calls["cmd"][1:3] == ["-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={calls['cleanup']}" in calls["cmd"]
    assert calls["url"].endswith("/lab/tree/workshop.ipynb?token=" + calls["url"].split("=")[-1])
    assert "--ServerApp.ip=127.0.0.1" in calls["cmd"]
    main_cli.main(["workshop", "W01", "2024/25", "--assessments", str(folder), "--debug"])
    assert "--show_tracebacks=True" in calls["cmd"]
    assert shipped.read_bytes() == before


def test_values_saved_in_the_notebook_never_reach_the_session_copy(tmp_path: Path) -> None:
    nb = json.loads((REPO / "notebooks" / "workshop.ipynb").read_text())
    params = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    params["source"] = ['organisation = "X02"\n', 'period = "2023/24"\n', "from_previous = True\n"]
    nb["cells"][-1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "old"}]
    nb["cells"][-1]["execution_count"] = 7
    saved_nb = tmp_path / "saved.ipynb"
    saved_nb.write_text(json.dumps(nb))
    copy = workshop_cli.session_notebook(
        saved_nb, tmp_path, {"organisation": "X01", "period": "2025/26"}
    )
    out = json.loads(copy.read_text())
    source = "".join(out["cells"][0]["source"])
    assert "X02" not in source and "2023/24" not in source
    assert "organisation = 'X01'" in source and "from_previous = False" in source
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in out["cells"]
        if c["cell_type"] == "code"
    )


def test_server_sets_the_xsrf_cookie_so_closing_a_page_shuts_its_kernel() -> None:
    """Voilà 0.5's shutdown beacon needs an `_xsrf` cookie its page never sets (13.2)."""
    touched = []

    class Handler:
        @property
        def xsrf_token(self) -> bytes:
            touched.append(True)
            return b"token"

    assert server_mod.set_xsrf_cookie(Handler(), notebook=None, cwd=None) is None
    assert touched == [True]
    argv = server_mod.voila_argv(Path("n.ipynb"), 9000, token="abc")
    assert "--token=abc" in argv and "--show_tracebacks=False" in argv
    assert "--MappingKernelManager.cull_connected=False" in argv
    assert any(a.startswith("--MappingKernelManager.cull_idle_timeout=") for a in argv)


def test_cli_errors_are_plain_and_create_nothing(folder: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(workshop_cli, "run_server", lambda *a, **k: pytest.fail("started"))
    argv = ["workshop", "W02", "2024/25", "--assessments", str(folder)]
    assert main_cli.main(argv) == 1
    assert "give the organisation's name" in capsys.readouterr().err
    assert main_cli.main([*argv, "--name", "x", "--dimensions", "nope"]) == 1
    assert "unknown dimension 'nope'" in capsys.readouterr().err
    assert not (folder / "W02").exists()


def test_notebook_has_parameters_and_no_outputs() -> None:
    nb = json.loads((REPO / "notebooks" / "workshop.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    params = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1
    source = "".join(params[0]["source"])
    for name in ("organisation", "period", "assessments", "dimensions", "name", "org_type"):
        assert f"\n{name} = " in "\n" + source
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert "open_workshop(" in "".join(code[-1]["source"])


def test_css_ids_are_class_safe() -> None:
    assert css_id("staff-support.3") == "staff-support-3"


@pytest.mark.notebook
def test_notebook_runs_with_parameters_in_a_kernel(tmp_path: Path) -> None:
    """As in JupyterLab: the parameters cell is set, the form is built in a real kernel."""
    import papermill

    folder = tmp_path / "assessments"
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(REPO / "notebooks" / "workshop.ipynb"),
        str(out),
        parameters={
            "organisation": "P01",
            "period": "2024/25",
            "assessments": str(folder),
            "dimensions": "develop",
            "name": "Papermill Place",
            "org_type": "place",
        },
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    doc = saved(folder / "P01" / "2024-25.yaml")
    assert doc["organisation"] == {"code": "P01", "name": "Papermill Place", "type": "place"}
    outputs = [o for c in json.loads(out.read_text())["cells"] for o in c.get("outputs", [])]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    assert not any(o.get("output_type") == "error" for o in outputs)


def test_start_from_last_year_into_a_file_made_by_engagecycle_new(folder: Path, capsys) -> None:
    """`engagecycle new` lists every item id with nothing after it; that is still blank."""
    _last_year(folder)
    # on last year's version (1), so that both answers can be copied
    argv = ["new", "T01", "2024/25", "--assessments", str(folder), "--framework-version", "1"]
    assert main_cli.main(argv) == 0
    s = new_session(folder, period="2024/25", from_previous=True)
    assert any(n.startswith("Copied from 2023/24: 2 answers") for n in s.notices), s.notices
    assert s.response("vision.1").level == 3 and s.response("vision.1").carried_over
