"""Plain-text views of the score table for the terminal (`engagecycle score`)."""

from __future__ import annotations

import math

import pandas as pd

from .framework import Framework


def _num(x: float, fmt: str = "{:.1f}") -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else fmt.format(x)


def _pct(x: float) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x * 100:.0f}%"


def _table(rows: list[list[str]], header: list[str], right: set[int]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def fmt(r: list[str]) -> str:
        cells = [
            str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i])
            for i, c in enumerate(r)
        ]
        return "  ".join(cells).rstrip()

    lines = [fmt(header), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in rows]
    return "\n".join(lines)


def _trim(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def score_summary(table: pd.DataFrame, framework: Framework, period: str | None) -> str:
    """One line per organisation, or one line per dimension when a single organisation."""
    if table.empty:
        return "No scores: no valid assessments matched.\n"
    out: list[str] = []
    orgs = table["organisation"].unique()
    periods = sorted(table["period"].unique())
    short = {d.id: d.short for d in framework.dimensions}
    for p in periods:
        sub = table[table["period"] == p]
        if len(orgs) == 1:
            out.append(_one_org(sub, short))
        else:
            out.append(_many_orgs(sub, short, p))
    out.append(
        "Scores are on a 0-4 scale (0 Not started ... 4 Embedded). '*' marks low evidence: "
        "fewer than half the applicable items answered.\n"
        "Full table: engagecycle score --format csv. Method: docs/scoring.md."
    )
    return "\n\n".join(out) + "\n"


def _many_orgs(sub: pd.DataFrame, short: dict[str, str], period: str) -> str:
    rows = []
    for code, g in sub.groupby("organisation", sort=True):
        by = g.set_index("dimension")
        overall = by.loc["overall"]
        stages = g[g["kind"] == "stage"].dropna(subset=["score"])
        weakest = "-"
        if not stages.empty:
            w = stages.loc[stages["score"].idxmin()]
            weakest = f"{short[w['dimension']]} {w['score']:.1f}"
        low = int((g["low_evidence"] & g["kind"].isin(["hub", "stage"])).sum())
        star = "*" if overall["low_evidence"] else ""
        rows.append(
            [
                code,
                _trim(str(overall["name"]), 30),
                str(overall["org_type"]),
                str(overall["peer_group"] or "-"),
                f"{_num(overall['score'])}{star}",
                overall["level"] or "no score",
                _num(by.loc["hub", "score"]),
                _num(by.loc["cycle", "score"]),
                _pct(overall["completeness"]),
                str(low) if low else "-",
                str(int(overall["unconfirmed"])) if overall["unconfirmed"] else "-",
                weakest,
            ]
        )
    header = [
        "Code",
        "Organisation",
        "Type",
        "Group",
        "Overall",
        "Level",
        "Hub",
        "Cycle",
        "Answered",
        "Low-ev. dims",
        "Not confirmed",
        "Weakest stage",
    ]
    n = len(rows)
    title = f"Scores for {period}: {n} organisation{'s' if n != 1 else ''}"
    return title + "\n\n" + _table(rows, header, right={4, 6, 7, 8, 9, 10})


def _one_org(sub: pd.DataFrame, short: dict[str, str]) -> str:
    first = sub.iloc[0]
    rows = []
    for _, r in sub.iterrows():
        label = short.get(r["dimension"], r["title"])
        if r["kind"] in ("hub", "cycle", "overall") and r["dimension"] == r["kind"]:
            label = r["title"]
        star = "*" if r["low_evidence"] else ""
        target = "-" if pd.isna(r["target"]) else str(int(r["target"]))
        rows.append(
            [
                label,
                "hub element"
                if r["kind"] == "hub" and r["dimension"] != "hub"
                else ("stage" if r["kind"] == "stage" else "summary"),
                f"{_num(r['score'])}{star}",
                r["level"] or "no score",
                f"{r['answered']}/{r['applicable']}",
                _pct(r["completeness"]),
                str(r["unknown"]) if r["unknown"] else "-",
                target,
                str(r["discuss"]) if r["discuss"] else "-",
                str(r["unconfirmed"]) if r["unconfirmed"] else "-",
            ]
        )
    header = [
        "Dimension",
        "Kind",
        "Score",
        "Level",
        "Answered",
        "",
        "Don't know",
        "Target",
        "To discuss",
        "Not confirmed",
    ]
    title = f"{first['organisation']} {first['name']}: {first['period']}"
    return title + "\n\n" + _table(rows, header, right={2, 4, 5, 6, 7, 8, 9})
