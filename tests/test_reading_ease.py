"""The reading-ease report (scripts/reading_ease.py): the syllable counter and the formulas.

The figures themselves are reported in docs, not asserted: a pass mark on a readability
formula can be met by chopping sentences, which is not the point.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "reading_ease.py"
_spec = importlib.util.spec_from_file_location("reading_ease", SCRIPT)
ease_mod = importlib.util.module_from_spec(_spec)
sys.modules["reading_ease"] = ease_mod
_spec.loader.exec_module(ease_mod)

# Counted by hand (British pronunciation), chosen to exercise each rule.
HAND_COUNTED = {
    "the": 1,
    "board": 1,
    "make": 1,
    "makes": 1,
    "cases": 2,
    "changes": 2,
    "matches": 2,
    "asked": 1,
    "wanted": 2,
    "agreed": 2,
    "carried": 2,
    "table": 2,
    "whole": 1,
    "value": 2,
    "people": 2,
    "patient": 2,
    "client": 2,
    "social": 2,
    "media": 3,
    "period": 3,
    "equal": 2,
    "quality": 3,
    "language": 2,
    "usual": 3,
    "influence": 3,
    "barrier": 3,
    "saying": 2,
    "beyond": 2,
    "statement": 2,
    "timely": 2,
    "engagement": 3,
    "involvement": 3,
    "organisation": 5,
    "commissioning": 4,
    "inequalities": 5,
    "representatives": 5,
    "evaluation": 5,
    "experience": 4,
    "community": 4,
    "out-of-pocket": 4,
    "ICB": 3,
    "VCSE": 4,
    "12": 1,
    "75": 4,  # sev-en-ty-five
}


@pytest.mark.parametrize("word", sorted(HAND_COUNTED))
def test_syllables_match_hand_counts(word):
    assert ease_mod.syllables(word) == HAND_COUNTED[word]


def test_words_and_sentences():
    text = "The board meets. Does it listen? Out-of-pocket costs are paid back!"
    assert ease_mod.words(text)[-5:] == ["Out-of-pocket", "costs", "are", "paid", "back"]
    assert len(ease_mod.words(text)) == 11
    assert ease_mod.sentences(text) == 3
    assert ease_mod.sentences("No full stop") == 1


def test_formulas_on_a_hand_worked_text():
    # Two sentences, 8 words, 9 syllables: "The board meets. Patients take part in it."
    e = ease_mod.ease(["The board meets.", "Patients take part in it."])
    assert (e.texts, e.sentences, e.words, e.syllables) == (2, 2, 8, 9)
    wps, spw = 8 / 2, 9 / 8
    assert e.flesch == pytest.approx(206.835 - 1.015 * wps - 84.6 * spw)
    assert e.grade == pytest.approx(0.39 * wps + 11.8 * spw - 15.59)


def test_report_covers_both_versions(capsys):
    assert ease_mod.main(["--markdown"]) == 0
    out = capsys.readouterr().out
    assert "| statements | 1 | 70 |" in out and "| statements | 2 | 75 |" in out
    assert "| level texts | 1 | 350 |" in out and "| level texts | 2 | 375 |" in out
