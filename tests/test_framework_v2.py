"""Framework version 2: the question bank is well formed, its lineage to version 1 is complete
both ways, and the loader refuses malformed files with a message naming the field.

The bank itself is data, so these tests read it as a reviewer would: one idea per statement,
one scale, tags from the lists the file defines, every version 1 item accounted for once.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections import Counter
from pathlib import Path

import pytest

from engagecycle.errors import FrameworkError
from engagecycle.framework import (
    DIMENSION_IDS,
    FRAMEWORK_DIR,
    HANDOVER_FROM,
    PACKAGED,
    load_framework,
    packaged_versions,
    parse_framework,
)
from engagecycle.lineage import check_lineage
from engagecycle.yamlio import load_plain

V1 = load_framework(version=1)
V2 = load_framework(version=2)
V2_PATH = FRAMEWORK_DIR / PACKAGED[2]
V2_RAW = load_plain(V2_PATH.read_text(encoding="utf-8"))
ITEMS = list(V2.items.values())
ids = [i.id for i in ITEMS]

# The sha256 of version 1 as released. Released ids never change meaning, and old assessments
# are scored against this file, so it must stay byte for byte as it was.
V1_SHA256 = "99b1fd028e8b2142c844447581a5bf82311f9c1c2d03ae7d7d3ac00383c5edcc"


# --- both versions load ------------------------------------------------------------------


def test_version_1_is_unchanged_and_still_the_default():
    data = (FRAMEWORK_DIR / PACKAGED[1]).read_bytes()
    assert hashlib.sha256(data).hexdigest() == V1_SHA256
    assert load_framework() is V1
    assert (V1.version, V1.format, len(V1.items)) == (1, 1, 70)
    assert V1.scale is None and V1.retired == {} and V1.items["vision.1"].lineage is None


def test_packaged_versions_and_unknown_version():
    assert packaged_versions() == (1, 2)
    assert (V2.version, V2.format, V2.previous_version) == (2, 2, 1)
    with pytest.raises(FrameworkError, match=r"no packaged framework version 9 \(known: 1, 2\)"):
        load_framework(version=9)
    with pytest.raises(ValueError, match="either a path or a packaged version"):
        load_framework(V2_PATH, version=2)
    assert load_framework(V2_PATH).items.keys() == V2.items.keys()


def test_v2_fields_are_typed():
    item = V2.items["improve.6"]
    assert item.returns_from == "monitor" and item.handover_from is None
    assert item.lineage.kind == "new" and item.lineage.sources == ()
    assert set(item.evidence) == set(item.levels) == {0, 1, 2, 3, 4}
    assert item.principles == (3, 10) and item.domains == ("feedback-evaluation",)
    merged = V2.items["strategy.8"].lineage
    assert merged.kind == "merged" and not merged.carried
    assert merged.sources == ("strategy.4", "governance.3", "resources.1")
    assert V2.items["vision.1"].lineage.carried
    assert V2.scale.levels[1].name == "Emerging" and "at most level 1" in V2.scale.rule
    assert V2.levels == V1.levels
    assert V2.glossary["VCSE"].startswith("Voluntary, community and social enterprise")


# --- every item well formed --------------------------------------------------------------

# Finite verbs that, after "and", usually start a second ask ("meets in public and takes
# questions"). A heuristic: it cannot prove one idea, but it catches the common slip.
_SECOND_ASK = re.compile(
    r"\b(and|or)\s+(is|are|was|were|has|have|does|do|can|will|keeps|takes|makes|gets|uses|"
    r"meets|shares|reports|agrees|publishes|checks|records|explains|sets|gives)\b"
)


def two_asks(statement: str) -> list[str]:
    """Signs that a statement asks two things: and/or, semicolons, 'as well as', a second verb."""
    found = [w for w in ("and/or", ";", " as well as ") if w in statement]
    return found + [m.group(0) for m in _SECOND_ASK.finditer(statement)]


def test_two_asks_detector_catches_the_common_forms():
    assert two_asks("The board meets in public and takes questions.")
    assert two_asks("Plans are published and/or shared.")
    assert two_asks("Groups are funded; they report back.")
    assert not two_asks("Patient experience data is reviewed alongside activity data.")


@pytest.mark.parametrize("item", ITEMS, ids=ids)
def test_statement_is_one_sentence_with_one_ask(item):
    s = item.statement
    assert s[0].isupper() and s.endswith("."), s
    assert not re.search(r"[.!?]\s", s[:-1]), f"more than one sentence: {s}"
    assert "?" not in s and "!" not in s
    assert two_asks(s) == [], s
    assert len(s.split()) <= 25, f"too long for a lay reader: {s}"


@pytest.mark.parametrize("item", ITEMS, ids=ids)
def test_levels_are_five_distinct_texts_with_evidence(item):
    assert sorted(item.levels) == [0, 1, 2, 3, 4]
    texts = [item.levels[n] for n in range(5)]
    assert all(t.strip() for t in texts)
    assert len(set(texts)) == 5
    assert sorted(item.evidence) == [0, 1, 2, 3, 4]
    assert all(item.evidence[n].strip() for n in range(5))
    assert item.count.strip() and item.help.strip()


@pytest.mark.parametrize("item", ITEMS, ids=ids)
def test_levels_follow_the_one_scale(item):
    """Level texts use the file's thresholds, so two assessors count the same way.

    Five items are counted over the five stages or hand-overs, where the quarters become
    numbers: 1 of 5 is under a quarter, 2-3 between, 4-5 three quarters or more.
    """
    lv = {n: t.lower() for n, t in item.levels.items()}
    assert "fewer than a quarter" in lv[1] or "at most one" in lv[1] or "at one" in lv[1]
    assert "between a quarter and three quarters" in lv[2] or "two or three" in lv[2]
    assert "three quarters or more" in lv[3] or "four or five" in lv[3]
    # Level 4 is the whole practice (every case) plus its effect, joined by ", and".
    assert re.search(r"\b(every|all)\b", lv[4]) and ", and " in lv[4], item.levels[4]
    # A plan counts at most level 1: no level above 1 may be reached by planning alone.
    for n in (2, 3, 4):
        assert not re.search(r"\b(is|are) planned\b|\bpromised\b|\bdraft", lv[n]), lv[n]


@pytest.mark.parametrize("item", ITEMS, ids=ids)
def test_tags_come_from_the_lists_in_the_file(item):
    assert item.principles and set(item.principles) <= set(V2.principles)
    assert set(item.duty) <= set(V2.duty)
    assert item.domains and set(item.domains) <= set(V2.domains)


def test_tag_lists_are_the_national_ones():
    assert sorted(V2.principles) == list(range(1, 11))
    assert sorted(V2.duty) == ["a", "b", "c"]
    assert sorted(V2.domains) == sorted(
        ["governance", "annual-reporting", "practice", "feedback-evaluation", "equalities"]
    )


def test_every_principle_limb_and_domain_is_evidenced_by_two_items():
    for attr in ("principles", "duty", "domains"):
        counts = Counter(t for i in ITEMS for t in getattr(i, attr))
        thin = {tag: counts[tag] for tag in getattr(V2, attr) if counts[tag] < 2}
        assert thin == {}, f"{attr} evidenced by fewer than two items: {thin}"


def test_dimensions_and_batons():
    assert [d.id for d in V2.dimensions] == list(DIMENSION_IDS)
    assert all(3 <= len(d.items) <= 6 for d in V2.dimensions)
    assert 60 <= len(ITEMS) <= 76
    assert len(set(ids)) == len(ids)
    hand = V2.handover_items()
    assert {s: i.handover_from for s, i in hand.items()} == HANDOVER_FROM
    for stage in V2.stages:
        assert sum(1 for i in stage.items if i.handover_from) == 1
    backward = [i for i in ITEMS if i.returns_from]
    assert [(i.dimension, i.returns_from) for i in backward] == [("improve", "monitor")]


def test_glossary_keeps_the_terms_that_must_stay_and_each_is_used():
    must = {"VCSE", "Healthwatch", "Place partnership", "Co-production"}
    must |= {"Equality impact assessment", "Duty to involve", "Health inequalities"}
    assert must <= set(V2.glossary)
    parts = [d.purpose for d in V2.dimensions]
    for i in ITEMS:
        parts += [i.statement, i.help, i.count, *i.levels.values(), *i.evidence.values()]
    words = " ".join(parts).casefold()
    # A term is used when its first word (or its short form) appears: "co-design" uses
    # Co-production, "place partnerships" uses Place partnership.
    for term in V2.glossary:
        stem = {"Co-production": "co-design", "ICB": "icb"}.get(term, term.casefold())
        assert stem in words, f"glossary term never used: {term}"


# --- lineage, complete both ways ---------------------------------------------------------


def test_lineage_checker_passes_on_the_shipped_bank():
    assert check_lineage(V2, V1) == []


def test_every_v1_item_is_carried_changed_or_retired_exactly_once():
    """Worked out here from the raw lineage, independently of check_lineage."""
    carried = {i.id for i in ITEMS if i.lineage.kind in ("same", "reworded")}
    changed = {s for i in ITEMS if i.lineage.kind in ("split", "merged") for s in i.lineage.sources}
    retired = set(V2.retired)
    assert carried | changed | retired == set(V1.items)
    assert not (carried & changed) and not (carried & retired) and not (changed & retired)
    assert len(carried) + len(changed) + len(retired) == len(V1.items) == 70


def test_ids_keep_their_meaning():
    for item in ITEMS:
        lin = item.lineage
        if lin.kind in ("same", "reworded"):
            assert lin.sources == (item.id,) and item.id in V1.items
            if lin.kind == "same":
                assert item.statement == V1.items[item.id].statement
        else:
            assert item.id not in V1.items, f"{item.id} reuses a version 1 id with a new meaning"
            assert item.id not in V2.retired
            assert all(s in V1.items for s in lin.sources)
        if lin.kind == "merged":
            assert len(lin.sources) >= 2
        if lin.kind == "new":
            assert lin.sources == ()
    for rid, reason in V2.retired.items():
        assert rid in V1.items and rid not in V2.items and len(reason) > 20


def test_new_ids_take_the_next_unused_numbers():
    for dim in V2.dimensions:
        top = max(i.number for i in V1.dimension(dim.id).items)
        fresh = sorted(i.number for i in dim.items if not i.lineage.carried)
        assert fresh == list(range(top + 1, top + 1 + len(fresh))), dim.id


def test_lineage_counts():
    kinds = Counter(i.lineage.kind for i in ITEMS)
    assert sum(kinds.values()) == len(ITEMS)
    assert kinds["split"] == 0 or all(
        sum(s in i.lineage.sources for i in ITEMS) >= 2
        for j in ITEMS
        if j.lineage.kind == "split"
        for s in j.lineage.sources
    )


# --- the loader refuses malformed files ---------------------------------------------------


def broken(mutate) -> str:
    """The message parse_framework gives for a copy of version 2 changed by `mutate`."""
    raw = copy.deepcopy(V2_RAW)
    mutate(raw)
    with pytest.raises(FrameworkError) as err:
        parse_framework(raw, "v2-broken.yaml")
    return str(err.value)


def item(raw: dict, iid: str) -> dict:
    dim = iid.split(".")[0]
    block = next(d for d in raw["dimensions"] if d["id"] == dim)
    return next(i for i in block["items"] if i["id"] == iid)


def _set(path: list, value):
    def mutate(raw):
        target = raw
        for key in path[:-1]:
            target = item(raw, key) if isinstance(key, str) and "." in key else target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return mutate


_DELETE = object()

MALFORMED = {
    "evidence missing": (
        _set(["vision.1", "levels", 2, "evidence"], _DELETE),
        "vision.1.levels.2.evidence: must be non-empty text",
    ),
    "level 3 missing": (
        _set(["vision.1", "levels", 3], _DELETE),
        "vision.1.levels: must describe every level 0 to 4",
    ),
    "level as plain text": (
        _set(["vision.1", "levels", 1], "Some of it."),
        "vision.1.levels.1: must be a mapping of text and evidence",
    ),
    "two levels alike": (
        _set(["vision.1", "levels", 3, "text"], "Same words."),
        None,  # set below: needs level 2 equal too
    ),
    "unknown principle": (
        _set(["vision.1", "principles"], [1, 11]),
        "vision.1.principles: unknown tag (found 11 (whole number); allowed: 1, 2, 3",
    ),
    "no principle": (
        _set(["vision.1", "principles"], []),
        "vision.1.principles: must be a non-empty list",
    ),
    "unknown domain": (
        _set(["vision.1", "domains"], ["culture"]),
        "vision.1.domains: unknown tag (found 'culture' (text); allowed: governance, annual-reporting",
    ),
    "unknown limb": (
        _set(["vision.1", "duty"], ["d"]),
        "vision.1.duty: unknown tag (found 'd' (text); allowed: a, b, c)",
    ),
    "duty missing": (
        _set(["vision.1", "duty"], _DELETE),
        "vision.1.duty: must be a list (may be empty: [])",
    ),
    "misspelt field": (
        _set(["vision.1", "principle"], [1]),
        "vision.1.principle: unknown field (allowed: count, domains, duty, handover_from",
    ),
    "count missing": (
        _set(["vision.1", "count"], _DELETE),
        "vision.1.count: must be non-empty text",
    ),
    "unknown lineage kind": (
        _set(["vision.1", "lineage"], {"kind": "moved", "from": ["vision.1"]}),
        "vision.1.lineage.kind: unknown kind (found 'moved' (text); allowed: same, reworded, split, merged, new)",
    ),
    "kept item with another id": (
        _set(["vision.1", "lineage"], {"kind": "reworded", "from": ["vision.2"]}),
        "vision.1.lineage.from: does not fit kind reworded (found a list of 1; allowed: [vision.1]",
    ),
    "merge of one": (
        _set(["vision.5", "lineage"], {"kind": "merged", "from": ["vision.3"]}),
        "vision.5.lineage.from: does not fit kind merged (found a list of 1; allowed: two or more earlier ids)",
    ),
    "new with a source": (
        _set(["vision.5", "lineage"], {"kind": "new", "from": ["vision.1"]}),
        "vision.5.lineage.from: does not fit kind new",
    ),
    "lineage not a mapping": (
        _set(["vision.5", "lineage"], "new"),
        "vision.5.lineage: must be a mapping {kind, from}",
    ),
    "source is not an id": (
        _set(["vision.5", "lineage"], {"kind": "split", "from": ["vision one"]}),
        "vision.5.lineage.from: must be a list of item ids",
    ),
    "cites a retired id": (
        _set(["governance.6", "lineage"], {"kind": "merged", "from": ["vision.2", "vision.3"]}),
        "governance.6.lineage.from: cites a retired id (found 'vision.3' (text)",
    ),
    "backward flow on a hub item": (
        _set(["vision.5", "returns_from"], "monitor"),
        "vision.5.returns_from: bad backward flow (found 'monitor' (text); allowed: none in this dimension)",
    ),
    "backward flow from the wrong stage": (
        _set(["improve.6", "returns_from"], "identify"),
        "improve.6.returns_from: bad backward flow (found 'identify' (text); allowed: monitor)",
    ),
    "second hand-over": (
        _set(["improve.6", "handover_from"], "develop"),
        "dimension improve: needs exactly one hand-over item (found 2 (whole number); allowed: 1)",
    ),
    "renamed level": (
        _set(["scale", "levels", 3, "name"], "Mature"),
        "scale.levels.3.name: level name differs (found 'Mature' (text); allowed: Established)",
    ),
    "unknown format": (
        _set(["format"], 3),
        "format: unknown file format (found 3 (whole number); allowed: 1 or 2)",
    ),
    "principles with a gap": (
        _set(["principles", 10], _DELETE),
        None,  # replaced below: delete 4 to leave a gap
    ),
    "previous version not below": (
        _set(["previous_version"], 2),
        "previous_version: bad previous version (found 2 (whole number); allowed: a whole number below version)",
    ),
    "glossary twice": (
        lambda raw: raw["glossary"].append({"term": "vcse", "meaning": "Again."}),
        "glossary[21].term: duplicate glossary term (found 'vcse' (text))",
    ),
    "retired without reason": (
        lambda raw: raw["retired"][0].pop("reason"),
        "retired vision.3.reason: must be non-empty text",
    ),
    "misspelt dimension field": (
        lambda raw: raw["dimensions"][0].update(purpse="Typo."),
        "dimension vision.purpse: unknown field (allowed: id, items, kind, purpose, short, title)",
    ),
    "principles missing": (
        _set(["principles"], _DELETE),
        "v2-broken.yaml: principles: must be a non-empty mapping of tag to label (found nothing)",
    ),
    "misspelt top-level field": (
        _set(["retire"], []),
        "v2-broken.yaml: retire: unknown field (allowed: dimensions, domains, duty, format",
    ),
}
MALFORMED["two levels alike"] = (
    lambda raw: [item(raw, "vision.1")["levels"][n].update(text="Same words.") for n in (2, 3)],
    "vision.1.levels: two levels have the same text",
)
MALFORMED["principles with a gap"] = (
    _set(["principles", 4], _DELETE),
    "principles: must be numbered 1, 2, 3... without gaps",
)


def test_reused_retired_id_is_refused():
    def mutate(raw):
        item(raw, "vision.5")["id"] = "vision.3"

    assert "vision.3: reuses a retired id (found 'vision.3' (text)" in broken(mutate)


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_variant_is_refused_with_its_message(case):
    mutate, message = MALFORMED[case]
    text = broken(mutate)
    assert text.startswith("the framework file v2-broken.yaml is invalid:")
    assert message in text, text


def test_a_broken_tag_list_is_reported_once_not_per_item():
    text = broken(_set(["principles"], _DELETE))
    assert text.count("\n  ") == 1, text


def test_every_fault_in_one_file_is_reported_at_once():
    def mutate(raw):
        for case in ("evidence missing", "unknown domain", "renamed level", "glossary twice"):
            MALFORMED[case][0](raw)

    text = broken(mutate)
    for case in ("evidence missing", "unknown domain", "renamed level", "glossary twice"):
        assert MALFORMED[case][1] in text


def test_format_1_files_ignore_the_new_rules():
    """A format 1 file (version 1, the test mini framework) needs none of the format 2 fields."""
    from tests.helpers import mini_framework

    fw = mini_framework()
    assert fw.format == 1 and fw.items["vision.1"].principles == ()


# --- cross-version lineage refused at load time -------------------------------------------


def lineage_problems(mutate) -> list[str]:
    raw = copy.deepcopy(V2_RAW)
    mutate(raw)
    return [str(p) for p in check_lineage(parse_framework(raw, "v2-broken.yaml"), V1)]


def test_unaccounted_v1_item_is_found():
    out = lineage_problems(lambda raw: raw["retired"].pop(0))
    assert any("version 1 item vision.3: not accounted for" in p for p in out), out


def test_v1_item_accounted_twice_is_found():
    """vision.1 is kept, so it cannot also be merged into governance.6."""

    def mutate(raw):
        it = item(raw, "governance.6")
        it["lineage"] = {"kind": "merged", "from": ["vision.2", "governance.5", "vision.1"]}

    out = lineage_problems(mutate)
    assert any("version 1 item vision.1: accounted for more than once" in p for p in out), out


def test_new_item_reusing_a_v1_id_is_found():
    def mutate(raw):
        it = item(raw, "vision.1")
        it["lineage"] = {"kind": "new", "from": []}

    out = lineage_problems(mutate)
    assert any("vision.1: kind new reuses an id of version 1" in p for p in out), out


def test_same_with_a_changed_statement_is_found():
    def mutate(raw):
        item(raw, "improve.3")["statement"] = "Patients and staff design new pathways together."

    out = lineage_problems(mutate)
    assert any("improve.3.statement: kind same, but differs from version 1" in p for p in out)


def test_kept_id_must_exist_in_v1():
    def mutate(raw):
        it = item(raw, "vision.5")
        it["lineage"] = {"kind": "reworded", "from": ["vision.5"]}

    out = lineage_problems(mutate)
    assert any("vision.5.lineage: kind reworded, but version 1 has no such item" in p for p in out)


def test_new_ids_with_a_gap_are_found():
    def mutate(raw):
        item(raw, "vision.5")["id"] = "vision.7"

    out = lineage_problems(mutate)
    assert any("dimension vision: new ids must take the next unused numbers" in p for p in out)


def test_split_feeding_one_item_is_found():
    def mutate(raw):
        raw["retired"] = [r for r in raw["retired"] if r["id"] != "vision.3"]
        item(raw, "vision.5")["lineage"] = {"kind": "split", "from": ["vision.3"]}

    out = lineage_problems(mutate)
    assert any("vision.5.lineage: a split source must feed two or more items" in p for p in out)


def test_loading_a_file_with_broken_lineage_names_the_file(tmp_path: Path):
    text = V2_PATH.read_text(encoding="utf-8")
    cut = text.index("  - id: vision.3\n    reason:")
    end = text.index("  - id: strategy.3\n")
    path = tmp_path / "my-bank.yaml"
    path.write_text(text[:cut] + text[end:], encoding="utf-8")
    with pytest.raises(FrameworkError) as err:
        load_framework(path)
    assert f"the framework file {path} is invalid" in str(err.value)
    assert "version 1 item vision.3: not accounted for" in str(err.value)


def test_yaml_error_names_the_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: engagement-cycle\nversion: 2\nformat: 2\ndimensions: [\n", "utf-8")
    with pytest.raises(FrameworkError, match=r"bad\.yaml:\d+: the framework is not valid YAML"):
        load_framework(path)


# --- the docs agree with the bank -----------------------------------------------------------

DOCS = Path(__file__).resolve().parents[1] / "docs"
FLAGGED = [
    "vision.2",
    "vision.3",
    "strategy.1",
    "strategy.4",
    "strategy.5",
    "roles.2",
    "roles.3",
    "roles.5",
    "governance.1",
    "governance.2",
    "governance.3",
    "governance.5",
    "insight.1",
    "insight.2",
    "insight.3",
    "insight.4",
    "insight.5",
    "structures.1",
    "structures.2",
    "relationships.1",
    "relationships.3",
    "relationships.4",
    "resources.1",
    "resources.2",
    "resources.3",
    "resources.4",
    "staff-support.1",
    "staff-support.3",
    "public-support.1",
    "public-support.3",
    "public-support.4",
    "public-support.5",
    "identify.2",
    "identify.4",
    "develop.2",
    "develop.3",
    "develop.5",
    "improve.2",
    "improve.3",
    "procure.3",
    "procure.4",
    "monitor.2",
]


def expected_tables() -> list[str]:
    """The tables docs/question-bank.md shows, worked out from the bank."""
    rows = ["| dimension | items | same | reworded | merged | new |", "|---|---|---|---|---|---|"]
    for d in V2.dimensions:
        k = Counter(i.lineage.kind for i in d.items)
        rows.append(
            f"| {d.title} (`{d.id}`) | {len(d.items)} | {k['same']} | {k['reworded']} "
            f"| {k['merged']} | {k['new']} |"
        )
    k = Counter(i.lineage.kind for i in ITEMS)
    rows.append(
        f"| **all** | **{len(ITEMS)}** | **{k['same']}** | **{k['reworded']}** "
        f"| **{k['merged']}** | **{k['new']}** |"
    )
    for attr in ("principles", "duty", "domains"):
        for tag, label in getattr(V2, attr).items():
            its = [i.id for i in ITEMS if tag in getattr(i, attr)]
            rows.append(f"| {tag} | {label} | {len(its)} | {', '.join(its)} |")
    return rows


def test_question_bank_doc_shows_the_banks_own_figures():
    text = (DOCS / "question-bank.md").read_text(encoding="utf-8")
    missing = [row for row in expected_tables() if row not in text]
    assert missing == [], "docs/question-bank.md is stale:\n" + "\n".join(missing)


def test_question_bank_doc_shows_the_measured_reading_ease():
    from tests.test_reading_ease import ease_mod

    table = ease_mod.format_rows(ease_mod.report(), markdown=True)
    assert table in (DOCS / "question-bank.md").read_text(encoding="utf-8")


def test_rating_guide_answers_every_flagged_and_every_dropped_item():
    text = (DOCS / "rating-guide.md").read_text(encoding="utf-8")
    assert len(FLAGGED) == 42
    for v1_id in FLAGGED:
        assert f"\n| {v1_id} |" in text, f"no row for {v1_id}"
    dropped = set(V1.items) - set(V2.items)
    for v1_id in sorted(dropped):
        assert v1_id in text, f"the guide never says what happened to {v1_id}"
    # Every version 2 id the guide names exists, so the answers cannot go stale silently.
    named = set(re.findall(r"\b([a-z]+(?:-[a-z]+)?\.\d+)\b", text))
    v2_named = {n for n in named if n not in V1.items or n in V2.items}
    assert v2_named <= set(V2.items), sorted(v2_named - set(V2.items))
