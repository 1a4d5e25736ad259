"""One rule for organisation codes and names, wherever they come in.

A code with a trailing newline once passed `validate` (Python's `$` matches before a final
newline) and `engagecycle new` made a folder for it; a control character in a name passed
`validate` and then stopped a whole batch, because the summary workbook cannot hold it.
"""

from __future__ import annotations

import pytest

from engagecycle import cli
from engagecycle.assessment import check_code, check_period
from engagecycle.errors import EngageError, PathError
from engagecycle.limits import name_problem
from engagecycle.store import Store
from engagecycle.workshop.session import WorkshopSession, open_or_create


@pytest.mark.parametrize("code", ["ZZ\n", "ZZ\r\n", "Z\tZ", "\nZZ", "ZZ ", "Z/Z", "", "x" * 33])
def test_bad_codes_are_refused(code):
    assert check_code(code)


@pytest.mark.parametrize("code", ["X01", "007", "a-b_c", "x" * 32])
def test_good_codes_pass(code):
    assert check_code(code) is None


def test_a_period_with_a_trailing_newline_is_refused():
    assert check_period("2024/25\n") and check_period("2024/25") is None


@pytest.mark.parametrize(
    "name", ["Two\nlines", "Tab\there", "Bell\x07", "Nul\x00", "Sur\udc80", " ", "", "n" * 201]
)
def test_bad_names_are_refused(name):
    assert name_problem(name)


@pytest.mark.parametrize("name", ["Harrowmere ICB", "St Ælfric’s Place – North", "n" * 200])
def test_good_names_pass(name):
    assert name_problem(name) is None


def test_new_refuses_a_code_ending_in_a_newline_and_makes_no_folder(tmp_path, capsys):
    folder = tmp_path / "assessments"
    code = cli.main(["new", "ZZ\n", "2025/26", "--name", "Zedby ICB", "--assessments", str(folder)])
    assert code == 1
    assert "organisation code 'ZZ\\n' must be 1-32 letters, digits" in capsys.readouterr().err
    assert not folder.exists() or not any(folder.iterdir())


@pytest.mark.parametrize("name", ["Zedby\x01 ICB", "Zedby\nICB"])
def test_new_refuses_a_name_with_control_characters_or_two_lines(tmp_path, capsys, name):
    folder = tmp_path / "assessments"
    code = cli.main(["new", "X20", "2025/26", "--name", name, "--assessments", str(folder)])
    err = capsys.readouterr().err
    assert code == 1 and f"--name {name!r}" in err
    assert not (folder / "X20").exists()


def test_the_store_refuses_them_too(tmp_path):
    store = Store(tmp_path / "assessments")
    with pytest.raises(PathError, match="must be 1-32"):
        store.create("ZZ\n", "2025/26", "Zedby ICB")
    with pytest.raises(EngageError, match="organisation.name: contains a control character"):
        store.create("X20", "2025/26", "Zedby\x1b ICB")
    assert not (store.folder / "X20").exists()


def test_the_workshop_refuses_them_too(tmp_path):
    store = Store(tmp_path / "assessments")
    with pytest.raises(EngageError, match="must be on one line"):
        open_or_create(store, "X20", "2025/26", name="Zedby\nICB")
    with pytest.raises(EngageError, match="must be 1-32"):
        open_or_create(store, "X20\n", "2025/26", name="Zedby ICB")
    assert not (store.folder / "X20").exists()
    s = WorkshopSession.open(store, "X20", "2025/26", name="Zedby ICB", autosave_delay=None)
    with pytest.raises(ValueError, match="control character"):
        s.set_header(name="Zedby\x07 ICB")
    assert s.assessment.name == "Zedby ICB"
