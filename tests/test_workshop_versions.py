"""The workshop on version 2 of the question bank (issue 12, B1 points 1, 2 and 6): the form
uses the assessment's own version, marks the items to rate afresh, and shows the rating
rule, what to count, the evidence for each level and the glossary."""

from __future__ import annotations

from pathlib import Path

import pytest

from engagecycle.framework import load_framework
from engagecycle.migrate import migrate_files
from engagecycle.workshop.form import WorkshopForm
from engagecycle.workshop.session import WorkshopSession
from engagecycle.yamlio import load_plain
from tests.helpers import store_v1

V1 = load_framework(version=1)
V2 = load_framework(version=2)


def saved(path: Path) -> dict:
    return load_plain(path.read_text(encoding="utf-8"))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """T01 answered version 1 in 2024/25; its 2025/26 file is a blank version 2 one."""
    folder = tmp_path / "assessments"
    store = store_v1(folder)
    last = store.create("T01", "2024/25", "Testbury ICB")
    last.set_level("vision.1", 3)  # kept (reworded)
    last.set_level("vision.2", 2)  # merged into governance.6
    last.set_level("develop.2", 1)  # kept (same)
    store.save(last)
    store.create("T01", "2025/26", "Testbury ICB", framework=V2)
    return folder


def session(folder: Path, period: str = "2025/26", **kw) -> WorkshopSession:
    kw.setdefault("autosave_delay", None)
    return WorkshopSession.open(store_v1(folder), "T01", period, **kw)


def test_a_version_2_assessment_opens_with_its_own_items(folder):
    s = session(folder)
    assert s.framework is V2
    form = WorkshopForm(s)
    assert [c for c in form.page.cards] == ["vision.1", "vision.4", "vision.5"]
    card = form.card("vision.1")
    labels = [label for label, _ in card.level.options[:5]]
    assert labels == [V2.items["vision.1"].levels[n] for n in range(5)]
    card.level.value = 2
    s.flush()
    assert saved(s.path)["responses"]["vision.1"] == {"level": 2}
    assert "of 75 decided" in form.progress.value
    form.summary_button.value = True  # scores so far, on the version's own items
    assert "<img" in form.summary.value and "Vision" in form.summary.value
    # the year before is still version 1, with its own items
    old = session(folder, "2024/25")
    assert old.framework is V1 and "vision.2" in WorkshopForm(old).page.cards


def test_starting_from_a_version_1_year_marks_the_items_to_rate_afresh(folder):
    s = session(folder, from_previous=True)
    notice = next(n for n in s.notices if n.startswith("Copied"))
    assert "Copied from 2024/25: 2 answers." in notice
    assert (
        "33 items are new or changed in version 2 of the question bank: rate them afresh" in notice
    )
    form = WorkshopForm(s)
    banner = form.carried_banner.value
    assert "still to confirm: 2 answers" in banner
    assert "33 items are new or changed in version 2 of the question bank" in banner
    fresh = form.card("vision.5")
    assert "New or changed in version 2: rate afresh" in fresh.heading.value
    assert "ec-state-afresh" in fresh.box._dom_classes
    assert "Carried over from 2024/25" in form.card("vision.1").heading.value
    assert "rate afresh" not in form.card("vision.4").heading.value  # same meaning, blank
    fresh.level.value = 1
    s.flush()
    assert saved(s.path)["responses"]["vision.5"] == {"level": 1}  # the mark is gone
    assert "ec-state-answered" in fresh.box._dom_classes
    assert "32 items are new or changed" in form.carried_banner.value


def test_the_rating_guide_counts_evidence_and_glossary_are_on_the_form(folder):
    form = WorkshopForm(session(folder))
    assert form.rule.layout.display != "none"
    assert "Rate what is done and can be shown" in form.rule.children[0].value
    assert "at most level 1" in form.rule.children[0].value
    assert form.guide.layout.display == "none"
    form.guide_toggle.value = True
    assert form.guide.layout.display != "none"
    for words in ("Two levels true?", "Don't know", "3 Established", "Words used"):
        assert words in form.guide.value.replace("&#x27;", "'")
    assert V2.glossary["Healthwatch"] in form.guide.value
    help_html = form.card("vision.4").help.value
    assert "<strong>Count:</strong> Key partners" in help_html
    assert "What would show each level" in help_html
    for n in range(5):
        assert V2.items["vision.4"].evidence[n] in help_html.replace("&#x27;", "'")
    # a glossary term is explained where it is used
    assert '<abbr class="ec-term" title="The independent local champion' in help_html


def test_a_version_1_form_is_as_it_was(folder):
    form = WorkshopForm(session(folder, "2024/25"))
    assert form.rule.layout.display == "none"
    assert "Count:" not in form.card("vision.1").help.value
    assert "ec-term" not in form.card("vision.1").help.value
    assert "What would show each level" not in form.card("vision.1").help.value


def test_a_file_migrated_under_an_open_form_reloads_on_the_new_version(folder):
    s = session(folder, "2024/25")
    form = WorkshopForm(s)
    outcome = migrate_files([s.path], store_v1(folder), say=lambda _: None, warn=print)
    assert outcome.migrated == 1
    assert s.check_disk()  # the room is told the file changed
    assert s.conflict() is None  # a migrated file is reloaded, not merged part by part
    s.reload()
    assert s.framework is V2
    assert list(form.page.cards) == ["vision.1", "vision.4", "vision.5"]
    assert "New or changed in version 2" in form.card("vision.5").heading.value


def test_an_edit_made_before_a_migration_is_not_merged_into_the_new_version(folder):
    s = session(folder, "2024/25")
    migrate_files([s.path], store_v1(folder), say=lambda _: None, warn=print)
    s.set_level("vision.2", 4)  # an item version 2 no longer has
    status = s.flush()
    assert status.state == "conflict"
    status = s.resolve_conflict({})
    assert status.state == "failed" and "moved to version 2" in status.reason
    assert saved(s.path)["framework"]["version"] == 2
    assert "vision.2" not in saved(s.path)["responses"]
