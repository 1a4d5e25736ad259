"""Refuse, with file, line and field, what would crash or mislead the YAML loaders.

Building a document from YAML can fail in ways that are not syntax errors and that a person
can easily cause in a text editor: an impossible date (`due: 2025-02-30`) or a 5,000-digit
number stops the loader with a bare ValueError; a list nested 100,000 deep overflows the C
loader's stack and kills the process; a `!!python/...` tag is refused by one loader and kept
by the other. So before any document is built, `check_events` walks the parser's *events*
(the C parser keeps its own stack, so depth costs it nothing, and no document is built) and
stops at the first sign of trouble with a `Problem` naming the line and the field.

It costs about a quarter of the time the loader itself takes (benchmarks/README.md). What it
refuses:

- nesting deeper than `MAX_DEPTH` and more than `MAX_NODES` values (memory stays bounded);
- aliases (`*name`), which can make a small file expand into a huge or endless document;
- tags of any kind (`!!python/...`, but also `!!str`, which the round-trip loader keeps as a
  tagged object rather than text, so the two loaders would disagree);
- unquoted numbers longer than `MAX_NUMBER_CHARS` characters, and unquoted dates and times
  that are not real (the check is ruamel's own timestamp construction);
- any text longer than an Excel cell (`MAX_TEXT_CHARS`).
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.util import create_timestamp, timestamp_regexp

from .errors import Problem
from .limits import MAX_DEPTH, MAX_NODES, MAX_NUMBER_CHARS, MAX_TEXT_CHARS, text_problem
from .yamlio import YamlSyntaxError, syntax_error

STANDARD = "tag:yaml.org,2002:"
_NUMBER_START = frozenset("0123456789+-.")


def field_name(path: list[Any]) -> str:
    """A path as validation messages write it: vision.1.level, actions[2].due, period."""
    parts = list(path)
    if len(parts) >= 2 and parts[0] == "responses":
        parts = parts[1:]  # answers are named by their item id, as everywhere else
    out = ""
    for n, p in enumerate(parts):
        if n == 6:
            return out + "..."  # deep enough to find it; a 100,000-step path helps no one
        if isinstance(p, int):
            out += f"[{p + 1}]"
        else:
            name = str(p)
            out += ("." if out else "") + (name if len(name) <= 40 else name[:37] + "...")
    return out


def check_events(text: str, file: str, loader: YAML | None = None) -> list[Problem]:
    """Problems found while reading the parser's events; empty when a loader can build it.

    Stops at the first problem: after a structural fault the rest of the file cannot be
    trusted to mean what it seems to. The loop is written for speed (it runs for every
    file `score` and the batch read): one open collection is a list
    [is_map, expecting_a_key, key_or_index, is_itself_a_key].
    """
    loader = loader or YAML(typ="safe", pure=False)
    stack: list[list[Any]] = []
    nodes = 0
    top: list[Any] | None = None
    is_key = False

    def problem(ev: Any, message: str, *, located: bool = True) -> list[Problem]:
        """The one problem found, at the node being read (named only now: naming costs)."""
        where = ""
        if located:
            # Each open collection is named in its parent by the parent's current key or
            # position, or is itself a (complex) key.
            names = ["(a key)" if stack[n + 1][3] else f[2] for n, f in enumerate(stack[:-1])]
            if top is not None and not is_key:
                names.append(top[2])
            where = field_name(names) + (" (a key)" if is_key else "")
        return [Problem(file, where, message, line=ev.start_mark.line + 1, has_value=False)]

    _, parser = loader.get_constructor_parser(text)
    get = parser.get_event
    try:
        while True:
            ev = get()
            cls = type(ev)
            if cls is ScalarEvent or cls is MappingStartEvent or cls is SequenceStartEvent:
                is_key = top is not None and top[0] and top[1]
                nodes += 1
                if nodes > MAX_NODES:
                    return problem(
                        ev,
                        f"the file holds more than {MAX_NODES:,} values; an assessment needs "
                        "a few thousand at most",
                        located=False,
                    )
                tag = ev.tag
                if tag is not None:
                    return problem(ev, _tag_message(tag))
                if cls is ScalarEvent:
                    value = ev.value
                    if len(value) > MAX_TEXT_CHARS:
                        return problem(ev, f"the text {text_problem(value)}")
                    if not ev.style and value[:1] in _NUMBER_START and _maybe_trouble(value):
                        kind = loader.resolver.resolve(ScalarNode, value, (True, False))
                        why = _plain_problem(kind, value)
                        if why:
                            return problem(ev, why)
                    if top is not None:
                        if not top[0]:
                            top[2] += 1
                        elif is_key:
                            top[1], top[2] = False, value
                        else:
                            top[1] = True
                    continue
                if len(stack) >= MAX_DEPTH:
                    return problem(
                        ev,
                        f"lists and mappings are nested more than {MAX_DEPTH} deep; an "
                        "assessment needs 5",
                    )
                top = [
                    cls is MappingStartEvent,
                    True,
                    None if cls is MappingStartEvent else 0,
                    is_key,
                ]
                stack.append(top)
            elif cls is MappingEndEvent or cls is SequenceEndEvent:
                ended = stack.pop()
                top = stack[-1] if stack else None
                if top is not None:
                    if not top[0]:
                        top[2] += 1
                    elif ended[3]:
                        top[1], top[2] = False, "(a key)"
                    else:
                        top[1] = True
            elif cls is AliasEvent:
                is_key = top is not None and top[0] and top[1]
                return problem(
                    ev,
                    f"YAML aliases (*{ev.anchor}) are not allowed in an assessment; write "
                    "the value out in full",
                )
            elif cls is StreamEndEvent:
                return []
    except YAMLError as exc:
        err: YamlSyntaxError = syntax_error(exc)
        return [Problem(file, "", f"not valid YAML: {err}", line=err.line, has_value=False)]
    finally:
        parser.dispose()


def _tag_message(tag: str) -> str:
    shown = "!!" + tag[len(STANDARD) :] if tag.startswith(STANDARD) else tag
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return f"the YAML tag {shown} is not allowed; remove it (to keep a value as text, quote it)"


def _maybe_trouble(value: str) -> bool:
    """Could this unquoted value be a number too long to convert, or a date or time?

    Only those are worth asking the resolver about (it is slow); a date starts YYYY-.
    """
    if value[:1] not in _NUMBER_START:
        return False
    return len(value) > MAX_NUMBER_CHARS or (len(value) >= 8 and value[4:5] == "-")


def _plain_problem(kind: str, value: str) -> str | None:
    """Why an unquoted number, date or time cannot be loaded, or None when it can."""
    if kind == STANDARD + "int" or kind == STANDARD + "float":
        if len(value) > MAX_NUMBER_CHARS:
            return (
                f"a number {len(value):,} characters long; numbers here are levels (0-4) or "
                "versions; put text in quotes"
            )
        return None
    if kind == STANDARD + "timestamp":
        m = timestamp_regexp.match(value)
        if m is None:
            return f"{value!r} looks like a date but is not one; write YYYY-MM-DD"
        try:
            create_timestamp(**m.groupdict())
        except (ValueError, OverflowError) as exc:
            return f"{value} is not a real date ({exc}); write a date that exists, as YYYY-MM-DD"
    return None
