"""Write the seeded demo assessments for engagecycle (fictional organisations only).

Why this exists: every report, chart and notebook needs realistic data to run on, and tests
need data whose shape is known. Typing it by hand would drift from the question bank, so the
data is generated from the framework at run time and committed; a test regenerates it and
fails when the committed copy is stale.

Shape of the data (the structure is fixed; the seed only changes the numbers and wording):

* 15 invented organisations, codes X01-X15: seven ICBs, five places, one CCG, one trust and one
  "other". Three peer groups of 8, 4 and 3 members.
* Periods 2022/23, 2023/24 and 2024/25. X11 joined in 2023/24; X06 skipped 2023/24.
* Versions of the question bank: 2022/23 and 2023/24 on version 1, 2024/25 on version 2, so
  year on year compares across versions through the lineage. Each 2024/25 team started from
  its 2023/24 answers (`new --from-previous`): answers to items that kept their meaning were
  copied and mostly confirmed or changed in the room (a few left unconfirmed), and most items
  new in version 2 were rated, some left to rate afresh. Evidence often says what was counted.
* A merger: X06 and X12 merged into X15 (Velderby, Tarnholme and Ashcarrow ICB) for 2024/25.
  X15 names them as `predecessors` and is compared with them (X06's last assessment is
  2022/23, X12's 2023/24); X06 and X12 have no 2024/25 assessment.
* Each organisation has a latent maturity per dimension that moves along a trajectory: most
  improve, X05 and X09 slip, X13 stays flat. Stage `monitor` and the hand-over item of each
  stage sit lower (the "dropped baton").
* X08 is very incomplete in 2024/25: most dimensions are under half answered, so too few of
  its answers can be compared with 2023/24 to report a change.
* X13's team copied three whole dimensions from 2023/24 into 2024/25 and never confirmed them
  (answers, targets and notes marked carried over): more than a tenth of its answers.
* Where raters disagreed by two levels or more, or an item was flagged, the room recorded what
  it agreed for about half of them (`agreed`); the rest are still open.
* Per item: mostly a consensus level; about 10% have 3-5 raters (participants' initials),
  often with a spread of 2 or more and sometimes no consensus level (the median is used,
  which can be x.5); about 3% n/a, 4% unknown, some unanswered, a few flagged, a few carried
  over. Evidence on about 40% of answered items, from per-dimension templates with varied
  details. Some targets and notes; 2-6 actions per assessment, with a few of last year's
  actions copied forward as done, dropped or still open.

Usage: python scripts/make_demo_data.py [--out assessments] [--seed 2025] [--force]

Only the organisation folders listed here are wiped and rewritten. The script refuses to run
when the output folder holds anything else, unless --force is given (then the other content is
left untouched).
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from engagecycle.assessment import Assessment, period_slug, period_start
from engagecycle.framework import Framework, Item, load_framework
from engagecycle.levels import LEVELS, MAX_LEVEL, NA, UNKNOWN
from engagecycle.store import Store
from engagecycle.versions import Frameworks, kept_ids
from engagecycle.yamlio import HISTORY_DIR

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "assessments"
DEFAULT_SEED = 2025
PERIODS: tuple[str, ...] = ("2022/23", "2023/24", "2024/25")
V2_FROM = "2024/25"  # the first period answered on version 2 of the question bank

RURAL = "Rural and dispersed"
COASTAL = "Coastal and market towns"
URBAN = "Urban and diverse"


@dataclass(frozen=True)
class OrgSpec:
    """One fictional organisation and the story its data should tell."""

    code: str
    name: str
    org_type: str
    peer_group: str
    trajectory: str  # "improve", "slip" or "flat"
    periods: tuple[str, ...] = PERIODS
    incomplete_in: str | None = None  # period in which most dimensions are under half answered
    copied_in: str | None = None  # period in which whole dimensions are copied, unconfirmed
    predecessors: tuple[str, ...] = ()  # organisations it took over from (a merger)


ORGS: tuple[OrgSpec, ...] = (
    OrgSpec("X01", "Wendlecombe and Saltmire ICB", "ICB", COASTAL, "improve"),
    OrgSpec("X02", "Corvenhithe ICB", "ICB", COASTAL, "improve"),
    OrgSpec("X03", "Lantherby, Oskmoor and Pellowick ICB", "ICB", RURAL, "improve"),
    OrgSpec("X04", "Fallowmere Valley ICB", "ICB", RURAL, "improve"),
    OrgSpec("X05", "Greyrushton and Ambledown ICB", "ICB", URBAN, "slip"),
    OrgSpec("X06", "Velderby and Tarnholme ICB", "ICB", RURAL, "improve", ("2022/23",)),
    OrgSpec("X07", "Thistlewick Place Partnership", "place", URBAN, "improve"),
    OrgSpec("X08", "Upper Quenmoor Place", "place", RURAL, "improve", incomplete_in="2024/25"),
    OrgSpec("X09", "Marrowby Coast Place", "place", COASTAL, "slip"),
    OrgSpec("X10", "Stenhallow Borough Place", "place", URBAN, "improve"),
    OrgSpec("X11", "Brindlecote and Mossingford Place", "place", RURAL, "improve", PERIODS[1:]),
    OrgSpec("X12", "Ashcarrow CCG", "CCG", RURAL, "improve", PERIODS[:2]),
    OrgSpec(
        "X13",
        "Kestrelmouth Community Health Services Trust",
        "trust",
        COASTAL,
        "flat",
        copied_in="2024/25",
    ),
    OrgSpec("X14", "Orchardine Voluntary Sector Health Alliance", "other", RURAL, "improve"),
    OrgSpec(
        "X15",
        "Velderby, Tarnholme and Ashcarrow ICB",
        "ICB",
        RURAL,
        "improve",
        PERIODS[2:],
        predecessors=("X06", "X12"),
    ),
)

# Dimensions that are usually stronger or weaker across the country (shifts on the 0-4 scale).
DIMENSION_SHIFT: dict[str, float] = {
    "vision": 0.3,
    "strategy": 0.2,
    "roles": 0.1,
    "governance": 0.2,
    "insight": -0.1,
    "structures": 0.3,
    "relationships": 0.2,
    "resources": -0.4,
    "staff-support": -0.2,
    "public-support": -0.1,
    "identify": 0.1,
    "develop": -0.1,
    "improve": 0.2,
    "procure": -0.4,
    "monitor": -0.7,
}
HANDOVER_SHIFT = -0.7  # the baton is most often dropped at the hand-over

# Roles and the initials used as rater keys.
ROLES: tuple[tuple[str, str], ...] = (
    ("Lay member for patient and public engagement", "LM"),
    ("Healthwatch representative", "HW"),
    ("Head of engagement", "HE"),
    ("Clinical lead for PPE", "CL"),
    ("Patient reference group chair", "PR"),
    ("Director of strategy and transformation", "DS"),
    ("Engagement officer", "EO"),
    ("Equality and inclusion lead", "EI"),
    ("Voluntary sector alliance representative", "VS"),
    ("Patient experience manager", "PX"),
    ("Contracts manager", "CM"),
    ("Programme lead for mental health", "PM"),
    ("Carers' centre representative", "CC"),
    ("Public health consultant (local authority)", "PH"),
    ("PPG network coordinator", "PN"),
)
FACILITATORS: tuple[str, ...] = (
    "Engagement adviser, commissioning support unit",
    "Independent facilitator from the voluntary sector",
    "Head of engagement",
    "Engagement practitioner from a neighbouring ICB",
    "Organisational development lead",
)
OWNERS: tuple[str, ...] = (
    "Head of engagement",
    "Lay member for PPE",
    "Director of strategy and transformation",
    "Contracts manager",
    "Programme lead for urgent care",
    "Equality and inclusion lead",
    "Patient experience manager",
    "Clinical lead for PPE",
    "Board secretary",
    "Engagement team, commissioning support unit",
)
MONTHS: tuple[str, ...] = (
    "April",
    "May",
    "June",
    "July",
    "September",
    "October",
    "November",
    "January",
    "February",
    "March",
)
GROUPS: tuple[str, ...] = (
    "carers' forum",
    "young people's advisory panel",
    "Deaf community association",
    "over-75s network",
    "Gypsy and Traveller liaison group",
    "learning disability self-advocacy group",
    "maternity voices partnership",
    "mental health service-user network",
    "faith leaders' forum",
    "refugee and asylum seeker support project",
    "LGBTQ+ health group",
    "men's sheds network",
    "sight loss society",
    "patient reference group",
)
SERVICES: tuple[str, ...] = (
    "community diabetes",
    "musculoskeletal physiotherapy",
    "adult hearing",
    "memory assessment",
    "urgent treatment centre",
    "wheelchair",
    "stroke rehabilitation",
    "perinatal mental health",
    "community dermatology",
    "falls prevention",
    "children's speech and language therapy",
    "end-of-life care",
)

# Evidence for answered items at level 2 or above, per dimension. Slots are filled by `_fill`.
EVIDENCE: dict[str, tuple[str, ...]] = {
    "vision": (
        "Definition of engagement agreed at the {month} board development session and added "
        "to the induction pack; {k} of {n} staff asked in a spot check described it in "
        "similar terms.",
        "Board seminar in {month} worked through the benefits of engaging for quality, value "
        "and trust; minutes show members making the case unprompted in two later debates.",
        "Our clinical lead for PPE, a GP, champions engagement at the clinical executive and "
        "opened {n} locality meetings this year with a patient story.",
        "Partners at the health and wellbeing board signed a shared statement of what "
        "engagement is for in {month}; Healthwatch and the council now use the same words.",
        "Staff survey question added in {year}: {pct}% agreed they knew why patients are "
        "involved in commissioning decisions.",
        "The chair’s foreword to the annual report describes engagement as part of how every "
        "decision is made, not a separate activity.",
    ),
    "strategy": (
        "Engagement strategy {year}–{year2} approved by the board in {month}.",
        "Strategy chapters follow the five stages of the cycle; each names who is involved, "
        "how, and which commissioning plan it supports.",
        "Engagement objectives appear in the joint forward plan and the health inequalities "
        "strategy, cross-referenced by paragraph.",
        "Programme start-up template now needs an engagement plan before work begins: {k} of "
        "{n} programmes completed it properly at first submission.",
        "Annual report has a {m}-page section on how we met the duty to involve the public, "
        "with examples of what changed.",
        "Strategy refresh was tested with the {group} and {m} other groups; an annex shows "
        "which comments changed the text.",
    ),
    "roles": (
        "Director of strategy named as the accountable executive for engagement in the "
        "scheme of delegation ({month}).",
        "Objectives of {k} of {n} programme leads include engagement; the rest are due at the "
        "mid-year review.",
        "Lay member role description agreed in {month}: chairs the engagement committee and "
        "gives assurance to the board.",
        "Memorandum of understanding with Healthwatch signed in {month}, setting out each "
        "partner's role at stages 1 and 5.",
        "Central engagement plan records {n}{k} activities this year; programme leads "
        "register an activity before it starts.",
    ),
    "governance": (
        "Engagement is a standing item on the board agenda; in {month} the board spent {m}0 "
        "minutes on the {group}'s findings.",
        'Every board paper asks "How have patients and the public shaped this?"; {k} of the '
        "last {n} papers answered it with specifics.",
        "Two business cases were sent back in {year} because their engagement plans had no "
        "funding.",
        "Constitution revised in {month} to set out our principles for engaging people; "
        "approved at the annual general meeting.",
        "Minutes for {month} show the finance director and a GP board member, not only the "
        "lay member, asking how patients had shaped the proposal.",
    ),
    "insight": (
        "Audit of engagement information for each stage completed in {month}: {n} sources "
        "mapped and {k} gaps found, mostly at stage 5.",
        "Board receives a quarterly 'what people are telling us' report drawing on "
        "complaints, PALS, the Friends and Family Test and outreach.",
        "Experience data is analysed in {service} improvement meetings, not only for "
        "performance returns to the region.",
        "Patient panel co-analysed {n}00 free-text survey comments with the analytics team; "
        "their themes went to the planning group.",
        "'You said, we did' log records {n}{k} changes this year, each linked to the decision "
        "it influenced.",
        "Sources checked at the workshop:\n- patient reference group minutes ({month})\n- "
        "quarterly insight pack (complaints, PALS and Friends and Family Test)\n- survey of "
        "PPG chairs (n={n}{k})",
    ),
    "structures": (
        "Before setting up the {service} reference group we agreed its purpose with the "
        "{group}; the form came second.",
        "Terms of reference for the {group} now state its purpose and what decisions it can "
        "influence.",
        "We built on existing patient participation groups rather than starting a new panel: "
        "the PPG network meets quarterly, supported by Healthwatch.",
        "Each group's route to decision-makers is written down; the PRG chair reports to the "
        "quality committee every {q} months.",
        "Review of our {n} engagement groups in {month} asked what each one is for: two were "
        "merged and one was closed.",
        "Citizens’ panel of {n}00 residents recruited to reflect the local population by age, "
        "sex, ethnicity and locality.",
    ),
    "relationships": (
        "Monthly meeting with the voluntary sector alliance keeps contact going between "
        "exercises; together we led the {service} listening events in {month}.",
        "Patient leaders co-chaired {k} of the {n} programme boards this year and share the "
        "leadership of the engagement plan.",
        "Commitments made at the {month} listening events are tracked in a log: {k} of {n} "
        "kept so far, and the rest explained publicly.",
        "Communications colleagues joined the {service} engagement plan from the start, not "
        "at launch.",
        'The {group} told us in {month}: "first time anyone came back to say what happened '
        'to our ideas".',
    ),
    "resources": (
        "Each programme budget has a costed line for engagement; £{money}k in total for {period}.",
        "Out-of-pocket expenses repaid within {q} weeks on average; {n}{k} claims in {period}.",
        "Involvement payments policy: participants in substantial roles are offered payment "
        "of £{rate} an hour for their time.",
        "Engagement team of {m} posts; two vacancies were filled in {month}, so the plan now "
        "has the capacity it needs.",
        "Small grants of up to £{grant} for community groups to run their own conversations; "
        "{n} awarded in {period}.",
    ),
    "staff-support": (
        "Induction for every new member of staff includes a session on engagement and the "
        "public involvement duty.",
        "Board development session on engagement responsibilities in {month}, led jointly "
        "with the {group}.",
        "Practical engagement methods course run {m} times; {n}{k} staff attended, including "
        "{k} clinicians.",
        "Engagement team runs a weekly advice surgery; {n}{k} requests for expert advice "
        "logged this year.",
        "Toolkit on the intranet viewed {n}{k}0 times; staff say the equality impact checklist "
        "is the part they use most.",
    ),
    "public-support": (
        "New representatives receive an induction before their first meeting: {k} of {n} "
        "this year.",
        "Training on reading contract reports offered to {n} representatives taking on "
        "monitoring roles; {k} completed it.",
        "Buddy scheme: each new representative is paired with an experienced member for "
        "their first six months.",
        "Briefing call before each committee so representatives can prepare their questions.",
        "Debrief after each significant meeting; in {month} members said the jargon had reduced.",
        "Patient leaders’ programme: {n} people completed the {m}-session course run with the "
        "voluntary sector.",
    ),
    "identify": (
        "Findings from monitoring the {service} contract fed into the needs assessment "
        "refresh in {month}.",
        "Gaps in what we know about local needs mapped with public health; new community "
        "engagement for the {service} review targeted those gaps.",
        "Community and patient leaders helped interpret the needs assessment data in {month}; "
        "their reading changed two headline findings.",
        "Community researchers from the {group} interviewed {n}0 residents, reaching "
        "seldom-heard people who rarely come to events.",
        "Equality impact assessment done at the start of the needs assessment in {month}, "
        "checked against all nine protected characteristics.",
        "Café conversations in {m} libraries and a community centre in {month}; notes went "
        "straight into the needs assessment.",
    ),
    "develop": (
        "Priorities report shows how needs found with communities shaped the shortlist; "
        "{n}{k}0 people responded.",
        "Open conversation events in {month}: we said plainly what could and could not "
        "change, set out the budget gap, then asked for views.",
        "Citizens' jury of {n}{k} residents weighed the {service} choices over {m} days; "
        "the board accepted {k} of its recommendations.",
        "Need for formal consultation on the {service} change decided at the outset; the "
        "advice and decision were recorded in {month}.",
        "Lay representatives acted as critical friends on the planning group and challenged "
        "two scoring decisions in {month}.",
    ),
    "improve": (
        "The {service} pathway was chosen for redesign because residents ranked it a top "
        "priority in {year}.",
        "Redesign of {service} started with a review of {m} years of complaints and patient "
        "experience survey results.",
        "Experience-based co-design of the {service} pathway with {n} patients and {m} staff; "
        "{k} changes adopted.",
        "'You said, we did' poster at each {service} site tells people what was done, "
        "updated every {q} months.",
        "Patients helped define {k} quality measures for {service}, now in the draft "
        "specification.",
        "Real-time feedback cards in {service} clinics; themes reviewed monthly with the {group}.",
    ),
    "procure": (
        "Quality measures defined with patients in the {service} redesign are written into "
        "the new service specification.",
        "Contract schedule requires providers to engage their own patients and report what "
        "changed as a result.",
        "Specification for {service} sets out the patient experience data the provider must "
        "report every quarter.",
        "Trained patient representatives sat on the {service} evaluation panel and scored "
        "the quality questions.",
        "Public briefing published while the {service} procurement was under way, updated at "
        "each step.",
        "Market engagement event in {month} included the {group}; two social enterprises bid.",
    ),
    "monitor": (
        "Contract review for {service} checks the engagement requirements in the contract "
        "each quarter; the provider agreed {k} actions in {month}.",
        "Responsibility for gathering patient experience data agreed with each provider and "
        "written into the contract schedule.",
        "Quarterly contract report now shows patient experience data and PROMs beside activity.",
        "Patient members sit on the {service} contract review group and took part in "
        "mystery shopping of the booking line.",
        "Monitoring findings for {service} published on our website in {month} and shared "
        "with the {group}.",
        "Healthwatch’s enter-and-view report on {service} was discussed at the contract "
        "meeting in {month}.",
    ),
}
# What is missing, for levels 0 and 1: phrased around each dimension's topic.
TOPIC: dict[str, str] = {
    "vision": "an agreed description of engagement",
    "strategy": "a written engagement strategy",
    "roles": "clear engagement roles",
    "governance": "engagement assurance at board",
    "insight": "an audit of engagement data",
    "structures": "a purpose statement for each group",
    "relationships": "regular dialogue with community organisations",
    "resources": "a budget for engagement",
    "staff-support": "engagement training for staff",
    "public-support": "support for patient representatives",
    "identify": "community input to the needs assessment",
    "develop": "public involvement in setting priorities",
    "improve": "patient involvement in pathway redesign",
    "procure": "patient roles in procurement",
    "monitor": "patient roles in contract monitoring",
}
GAP_EVIDENCE: tuple[str, ...] = (
    "Nothing written down yet; work on {topic} is planned for {month}.",
    "Happens in one programme only ({service}) and has not been repeated elsewhere.",
    "Discussed at the {month} away day, but no owner was agreed.",
    "We thought we had {topic}, but could not find any evidence when we looked.",
    "Draft exists – not yet agreed.",
    "Depends on one person; it stopped while they were on leave.",
    "Partners see this as a gap: the {group} raised it with us in {month}.",
)
UNKNOWN_EVIDENCE: tuple[str, ...] = (
    "Nobody at the workshop knew; the commissioning support unit holds this.",
    "Ask the contracts team before the next review.",
    "Unclear since the restructure in {month}.",
)
NA_EVIDENCE: dict[str, tuple[str, ...]] = {
    "procure": ("No procurement ran in {period}.", "All contracts were rolled over this year."),
    "provider": ("Not our role: the ICB does this for the whole system.",),
    "commissioner": ("Not relevant this year; agreed at the workshop.",),
}
NOTES: tuple[str, ...] = (
    "Scored cautiously: the refresh is in draft and not yet agreed.",
    "Lay and staff members disagreed on this element; see the flagged items.",
    "Strongest area this year, but it relies on two people.",
    "Revisit after the {service} procurement is complete.",
    "Discussion points:\n- most of the evidence sits with the CSU, not with us\n- ask "
    "Healthwatch for their view before next year",
    "New lead in post since {month}; we expect progress next year.",
    'Participants felt "we talk about this more than we do it".',
)
ACTIONS: dict[str, tuple[str, ...]] = {
    "vision": (
        "Run a board seminar on why we engage, using local patient stories",
        "Agree a one-paragraph definition of engagement and add it to induction",
    ),
    "strategy": (
        "Refresh the engagement strategy and link each chapter to a commissioning plan",
        "Add an engagement section to the operational plan template",
    ),
    "roles": (
        "Publish a who-does-what matrix for engagement and agree it with Healthwatch",
        "Set up a central log of engagement activity",
    ),
    "governance": (
        "Add an engagement assurance question to the business case template",
        "Make engagement insight a standing board item",
    ),
    "insight": (
        "Audit the experience data held for each stage and agree what goes to the board",
        "Involve the patient panel in analysing the annual survey",
    ),
    "structures": (
        "Review the purpose and reporting line of every engagement group",
        "Agree terms of reference for the patient reference group",
    ),
    "relationships": (
        "Set up a quarterly meeting with the voluntary sector alliance",
        "Involve communications colleagues at the start of each engagement plan",
    ),
    "resources": (
        "Cost engagement in every programme business case",
        "Agree an involvement payments policy",
    ),
    "staff-support": (
        "Deliver engagement training to all programme leads",
        "Add the public involvement duty to staff induction",
    ),
    "public-support": (
        "Introduce induction and buddying for new patient representatives",
        "Offer debriefs after every panel meeting",
    ),
    "identify": (
        "Commission community researchers to fill gaps in the needs assessment",
        "Map seldom-heard groups before the next JSNA refresh",
    ),
    "develop": (
        "Hold a deliberative event on next year's priorities",
        "Publish how needs assessment findings shaped the priorities",
    ),
    "improve": (
        "Use experience-based co-design on the {service} pathway",
        "Start a 'you said, we did' log for pathway redesign",
    ),
    "procure": (
        "Write patient-defined quality measures into the next {service} specification",
        "Train patient representatives to sit on evaluation panels",
    ),
    "monitor": (
        "Put patient members on the {service} contract review group",
        "Feed contract monitoring findings into the next needs assessment",
    ),
}

# Rates (per item) that shape the answers.
P_RATERS = 0.12
P_RATERS_NO_CONSENSUS = 0.4
P_SPREAD = 0.55
P_UNKNOWN = 0.04
P_NA_HUB = 0.01
P_NA_STAGE = 0.04
P_NA_PROCURE = 0.10
P_UNANSWERED = 0.04
P_FLAG = 0.02
P_CARRIED = 0.02
# The first year on version 2: the team started from last year's answers, so an answer to an
# item that kept its meaning is still unconfirmed with this chance; an item new in version 2
# is left to rate afresh with this chance; evidence says what was counted with this chance.
P_CARRIED_V2 = 0.1
P_AFRESH_LEFT = 0.12
P_COUNTED = 0.6
P_TARGET = 0.3
P_NOTES = 0.15
P_AGREED = 0.5  # a disputed or flagged item whose discussion outcome was recorded
COPIED_DIMENSIONS = 3  # whole dimensions an organisation with `copied_in` never reviewed

# What a room records when it settles a disagreement (our words; {level} is filled in).
AGREED: tuple[str, ...] = (
    "{level} after discussion: the evidence shows it in some programmes, not all.",
    "{level}: the higher ratings counted plans, the lower ones what has happened.",
    "{level}; the lay member's view that practice lags the policy was accepted.",
    "{level} once the minutes were checked: it is done, but not yet routinely.",
    "{level} for now, to revisit when the survey results arrive.",
)


class RefuseError(RuntimeError):
    """The output folder holds files this script did not write."""


@dataclass
class OrgModel:
    """The latent state of one organisation: what its answers are drawn from."""

    spec: OrgSpec
    base: float
    slope: float
    dim_offset: dict[str, float]
    dim_slope: dict[str, float]
    item_offset: dict[str, float]
    share_evidence: bool
    history: dict[str, Assessment] = field(default_factory=dict)

    def latent(self, item: Item, year: int) -> float:
        d = item.dimension
        value = self.base + self.dim_offset[d] + self.item_offset[item.id]
        return value + (self.slope + self.dim_slope[d]) * year


# ---------------------------------------------------------------- pure helpers

FRAMEWORKS = Frameworks.packaged()
DIGIT = re.compile(r"\d")
COUNTED: tuple[str, ...] = (
    "Counted {done} of {total} in the last 12 months. ",
    "Our count: {done} of the {total} cases this year. ",
    "{done} of {total} when we went through the records. ",
)


def _version(a: Assessment) -> int:
    return FRAMEWORKS.for_assessment(a).version


def _bank(a: Assessment) -> Framework:
    return FRAMEWORKS.for_assessment(a)


def counted(rng: random.Random, value: float) -> str:
    """What a version 2 team counted, in numbers that fit the level it gave.

    Version 2 rates the share of cases (under a quarter, up to three quarters, three
    quarters or more, all with the effect shown), and the rating guide asks the room to write
    the count in the evidence box.
    """
    total = rng.randint(4, 12)
    level = _clamp(value)
    if level >= 4:
        done = total
    elif level == 3:
        done = rng.randint(-(-3 * total // 4), total)
    elif level == 2:
        done = rng.randint(-(-total // 4), max(-(-total // 4), -(-3 * total // 4) - 1))
    else:
        done = rng.randint(0, max(0, -(-total // 4) - 1))
    return rng.choice(COUNTED).format(done=done, total=total)


def _clamp(value: float) -> int:
    return max(0, min(MAX_LEVEL, int(round(value))))


def _fill(rng: random.Random, template: str, period: str, dimension: str) -> str:
    """Fill every slot a template might use; unused slots are ignored by str.format."""
    start = period_start(period)
    n = rng.randint(3, 9)
    return template.format(
        month=rng.choice(MONTHS),
        n=n,
        k=rng.randint(2, n - 1),
        m=rng.randint(2, 6),
        q=rng.choice((2, 3, 4)),
        pct=rng.randint(55, 96),
        small_pct=rng.randint(2, 6),
        money=rng.choice((35, 48, 60, 75, 90, 120)),
        grant=rng.choice(("500", "750", "1,000", "1,500")),
        rate=rng.choice(("15", "20", "25")),
        year=start,
        year2=start + 3,
        period=period,
        group=rng.choice(GROUPS),
        service=rng.choice(SERVICES),
        topic=TOPIC[dimension],
    )


_WORD = re.compile(r"[a-z]{4,}")
_STOP_WORDS = (
    "that this with from have they their there were what when which will your into each "
    "also been more than them then only some does done make made used uses"
)
_STOP = frozenset(_STOP_WORDS.split())


def _words(text: str) -> set[str]:
    return {w.rstrip("s") for w in _WORD.findall(text.lower())} - _STOP


class EvidencePicker:
    """Evidence for one assessment: no template twice, and the closest fit to each item.

    Templates are matched to an item by the words they share with its statement and help
    text, so the sentence usually speaks to the question without naming item ids here.
    """

    def __init__(self, rng: random.Random, period: str):
        self.rng = rng
        self.period = period
        self.used: set[str] = set()

    def _pick(self, pool: Sequence[str], about: str) -> str:
        fresh = [t for t in pool if t not in self.used] or list(pool)
        words = _words(about)
        best = max(fresh, key=lambda t: (len(words & _words(t)), self.rng.random()))
        self.used.add(best)
        return best

    def for_item(self, item: Item, value: float) -> str:
        """What was done when the value is 2 or more; what is missing below that."""
        pool = EVIDENCE[item.dimension] if value >= 2 else GAP_EVIDENCE
        template = self._pick(pool, f"{item.statement} {item.help}")
        return _fill(self.rng, template, self.period, item.dimension)

    def for_status(self, item: Item, status: str, org_type: str) -> str:
        if status == UNKNOWN:
            pool: Sequence[str] = UNKNOWN_EVIDENCE
        elif item.dimension == "procure":
            pool = NA_EVIDENCE["procure"]
        else:
            pool = NA_EVIDENCE["provider" if org_type in ("trust", "other") else "commissioner"]
        return _fill(self.rng, self._pick(pool, item.statement), self.period, item.dimension)


def rater_levels(rng: random.Random, centre: int, count: int, spread: bool) -> list[int]:
    """Individual ratings around `centre`; with `spread`, the range is at least 2."""
    values = [_clamp(centre + rng.choice((-1, 0, 0, 0, 1))) for _ in range(count)]
    if spread:
        low, high = (centre - 1, centre + 1) if 1 <= centre <= 3 else (None, None)
        if centre == 0:
            low, high = 0, 2
        elif centre == MAX_LEVEL:
            low, high = 2, 4
        values[0], values[-1] = low, high
        rng.shuffle(values)
    return values


def assessed_on(rng: random.Random, period: str) -> date:
    """A workshop date between October and mid-March of the financial year."""
    return date(period_start(period), 10, 1) + timedelta(days=rng.randint(0, 165))


def due_date(rng: random.Random, after: date, period: str) -> date:
    """A due date after the workshop, within this period or the next."""
    end = date(period_start(period) + 2, 3, 31)
    first = after + timedelta(days=30)
    return first + timedelta(days=rng.randint(0, (end - first).days))


def plan_organisation(rng: random.Random, spec: OrgSpec, framework: Framework) -> OrgModel:
    """Draw the latent maturity and trajectory of one organisation."""
    slope = {
        "improve": rng.uniform(0.2, 0.5),
        "slip": -rng.uniform(0.3, 0.45),
        "flat": 0.0,
    }[spec.trajectory]
    base = rng.uniform(0.9, 2.6) if spec.trajectory != "slip" else rng.uniform(2.0, 2.8)
    dim_offset = {d.id: DIMENSION_SHIFT[d.id] + rng.gauss(0, 0.4) for d in framework.dimensions}
    jitter = 0.0 if spec.trajectory == "flat" else 0.12
    dim_slope = {d.id: rng.gauss(0, jitter) if jitter else 0.0 for d in framework.dimensions}
    item_offset = {
        i.id: rng.gauss(0, 0.35) + (HANDOVER_SHIFT if i.handover_from else 0.0)
        for i in framework.items.values()
    }
    return OrgModel(spec, base, slope, dim_offset, dim_slope, item_offset, share_evidence=False)


def merged_model(spec: OrgSpec, before: Sequence[OrgModel]) -> OrgModel:
    """A merged organisation starts from the average of its predecessors, and improves."""

    def mean(values: Sequence[float]) -> float:
        return statistics.mean(values)

    first = before[0]
    return OrgModel(
        spec,
        base=mean([m.base for m in before]),
        slope=mean([m.slope for m in before]),
        dim_offset={d: mean([m.dim_offset[d] for m in before]) for d in first.dim_offset},
        dim_slope={d: mean([m.dim_slope[d] for m in before]) for d in first.dim_slope},
        item_offset={i: mean([m.item_offset[i] for m in before]) for i in first.item_offset},
        share_evidence=True,
    )


def _sparse_items(rng: random.Random, framework: Framework) -> set[str]:
    """Items left unanswered in a very incomplete year: 11 of 15 dimensions under half done."""
    dims = list(framework.dimensions)
    thin = {d.id for d in rng.sample(dims, k=min(11, len(dims)))}
    skipped: set[str] = set()
    for d in dims:
        ids = [i.id for i in d.items]
        keep = len(ids) // 3 if d.id in thin else len(ids) - 1
        skipped.update(rng.sample(ids, k=len(ids) - keep))
    return skipped


# ---------------------------------------------------------------- filling one assessment


def fill_assessment(
    rng: random.Random, a: Assessment, model: OrgModel, framework: Framework, period: str
) -> None:
    """Write header, answers, targets, notes and actions into a fresh assessment."""
    spec = model.spec
    year = PERIODS.index(period)
    previous = model.history.get(PERIODS[year - 1]) if year else None
    first_year = not model.history
    on = assessed_on(rng, period)
    roles = rng.sample(ROLES, k=rng.randint(5, 8))
    a.set_header(
        assessed_on=on,
        facilitator=rng.choice(FACILITATORS),
        participants=[r for r, _ in roles],
        share_evidence=model.share_evidence,
    )
    initials = [i for _, i in roles]
    sparse = _sparse_items(rng, framework) if spec.incomplete_in == period else set()
    p_na_procure = P_NA_PROCURE if spec.org_type in ("ICB", "place", "CCG") else 0.35
    p_unanswered = P_UNANSWERED * (2.5 if first_year else 1.0)
    dim_values: dict[str, list[float]] = {d.id: [] for d in framework.dimensions}
    picker = EvidencePicker(rng, period)

    new_version = previous is not None and framework.version != _version(previous)
    kept = kept_ids(framework, _bank(previous), FRAMEWORKS) if new_version else None
    for item in framework.items.values():
        iid, dim = item.id, item.dimension
        if kept is not None and iid not in kept and rng.random() < P_AFRESH_LEFT:
            a.set_afresh(iid, True)  # new in this version and not reached in the room
            continue
        if iid in sparse or rng.random() < p_unanswered:
            if kept is not None and iid not in kept:
                a.set_afresh(iid, True)
            continue
        p_carried = P_CARRIED_V2 if kept is not None and iid in kept else P_CARRIED
        if previous is not None and rng.random() < p_carried:
            old = previous.response(iid)
            if old.level is not None:
                a.set_level(iid, old.level)
                a.set_evidence(iid, old.evidence or None)
                a.set_carried_over(iid, True)
                if isinstance(old.level, int):
                    dim_values[dim].append(float(old.level))
                continue
        if dim == "procure":
            p_na = p_na_procure
        else:
            p_na = P_NA_STAGE if framework.dimension(dim).kind == "stage" else P_NA_HUB
        roll = rng.random()
        if roll < p_na:
            a.set_level(iid, NA)
            if rng.random() < 0.5:
                a.set_evidence(iid, picker.for_status(item, NA, spec.org_type))
            continue
        if roll < p_na + P_UNKNOWN:
            a.set_level(iid, UNKNOWN)
            if rng.random() < 0.3:
                a.set_evidence(iid, picker.for_status(item, UNKNOWN, spec.org_type))
            continue
        level = _clamp(model.latent(item, year) + rng.gauss(0, 0.35))
        value: float = level
        spread = False
        if rng.random() < P_RATERS:
            spread = rng.random() < P_SPREAD
            ratings = rater_levels(rng, level, rng.randint(3, min(5, len(initials))), spread)
            a.set_raters(iid, dict(zip(rng.sample(initials, k=len(ratings)), ratings, strict=True)))
            value = statistics.median(ratings)
            if rng.random() >= P_RATERS_NO_CONSENSUS:
                a.set_level(iid, _clamp(value))
                value = _clamp(value)
        else:
            a.set_level(iid, level)
        dim_values[dim].append(float(value))
        if rng.random() < 0.26 + 0.08 * value:
            evidence = picker.for_item(item, value)
            # (not beside a template's own figures, which would tell a different count)
            if framework.version >= 2 and rng.random() < P_COUNTED and not DIGIT.search(evidence):
                evidence = counted(rng, value) + evidence
            a.set_evidence(iid, evidence)
        if rng.random() < (0.25 if spread else P_FLAG):
            a.set_flag(iid, True)

    for d in framework.dimensions:
        values = dim_values[d.id]
        if values and rng.random() < P_TARGET:
            a.set_target(d.id, min(MAX_LEVEL, max(2, _clamp(statistics.mean(values)) + 1)))
        if rng.random() < P_NOTES:
            a.set_notes(d.id, _fill(rng, rng.choice(NOTES), period, d.id))
    extra = random.Random(f"{spec.code}-{period}-issue-9")  # later additions: own stream
    _record_agreements(extra, a, framework)
    if previous is not None and spec.copied_in == period:
        _copy_unreviewed(extra, a, previous, framework, kept)
    if sparse:
        first = framework.dimensions[0].id
        a.set_notes(
            first,
            "Workshop cut short: only two hours were available, so most elements were left "
            "for a follow-up session that has not yet happened.",
        )
    _add_actions(rng, a, framework, dim_values, previous, on, period)


def _record_agreements(rng: random.Random, a: Assessment, framework: Framework) -> None:
    """For about half of the disputed or flagged items, what the room agreed."""
    for iid in framework.items:
        r = a.response(iid)
        disputed = r.flag or (r.spread is not None and r.spread >= 2)
        if disputed and rng.random() < P_AGREED:
            value = r.value
            if value is None:
                level = "Left as don't know"
            else:
                level = f"{LEVELS[_clamp(value)]} ({_clamp(value)})"
            a.set_agreed(iid, rng.choice(AGREED).format(level=level))


def _copy_unreviewed(
    rng: random.Random,
    a: Assessment,
    previous: Assessment,
    framework: Framework,
    kept: frozenset[str] | None = None,
) -> None:
    """Whole dimensions copied from last year and never confirmed (answers, target, notes).

    On a new version only the items that kept their meaning can be copied; the dimension's
    new items were never reached, so they are left to rate afresh.
    """
    for dim in rng.sample(list(framework.dimensions), k=COPIED_DIMENSIONS):
        for item in dim.items:
            if kept is not None and item.id not in kept:
                a.set_level(item.id, None)
                a.set_raters(item.id, None)
                a.set_flag(item.id, False)
                a.set_agreed(item.id, None)
                a.set_evidence(item.id, None)
                a.set_afresh(item.id, True)
                continue
            old = previous.response(item.id)
            if old.level is None and not old.raters:
                continue
            a.set_level(item.id, None)
            a.set_raters(item.id, None)
            a.set_flag(item.id, False)
            a.set_agreed(item.id, None)
            if old.level is not None:
                a.set_level(item.id, old.level)
            if old.raters:
                a.set_raters(item.id, dict(old.raters))
            a.set_evidence(item.id, old.evidence or None)
            a.set_carried_over(item.id, True)
        if previous.target(dim.id) is not None or previous.notes(dim.id):
            a.set_target(dim.id, previous.target(dim.id))
            a.set_notes(dim.id, previous.notes(dim.id) or None)
            a.set_dimension_carried_over(dim.id, True)


def _add_actions(
    rng: random.Random,
    a: Assessment,
    framework: Framework,
    dim_values: dict[str, list[float]],
    previous: Assessment | None,
    on: date,
    period: str,
) -> None:
    """Copy a few of last year's open actions forward with news, then add new ones."""
    carried = 0
    if previous is not None:
        open_before = [x for x in previous.actions() if x.status == "open"]
        for old in rng.sample(open_before, k=min(len(open_before), rng.randint(1, 3))):
            idx = a.add_action(old.dimension, old.action, old.owner, old.due, "open")
            news = rng.choices(("done", "dropped", "open"), weights=(6, 2, 2))[0]
            if news == "open":
                a.update_action(idx, due=due_date(rng, on, period))
            else:
                a.update_action(idx, status=news)
            carried += 1
    scored = {d: statistics.mean(v) for d, v in dim_values.items() if v}
    weakest = sorted(scored, key=lambda d: (scored[d], d))[:5] or [
        d.id for d in framework.dimensions[:5]
    ]
    count = max(1, rng.randint(2, 6) - carried)
    for dim in rng.sample(weakest, k=min(count, len(weakest))):
        text = _fill(rng, rng.choice(ACTIONS[dim]), period, dim)
        status = "done" if rng.random() < 0.15 else "open"  # a few finished before the workshop
        a.add_action(dim, text, rng.choice(OWNERS), due_date(rng, on, period), status)


# ---------------------------------------------------------------- the output folder


def planned_files(orgs: Sequence[OrgSpec] = ORGS) -> dict[str, set[str]]:
    """Organisation folder -> the file names this script writes in it."""
    return {o.code: {f"{period_slug(p)}.yaml" for p in o.periods} for o in orgs}


def foreign_files(out: Path, orgs: Sequence[OrgSpec] = ORGS) -> list[Path]:
    """Everything under `out` that this script would not have written (backups excepted)."""
    if not out.exists():
        return []
    if not out.is_dir():
        return [out]
    planned = planned_files(orgs)
    foreign: list[Path] = []
    for entry in sorted(out.iterdir()):
        if not (entry.is_dir() and entry.name in planned):
            foreign.append(entry)
            continue
        for f in sorted(entry.rglob("*")):
            rel = f.relative_to(entry)
            if rel.parts[0] == HISTORY_DIR or f.is_dir():
                continue
            if len(rel.parts) != 1 or rel.name not in planned[entry.name]:
                foreign.append(f)
    return foreign


def generate(
    out: Path | str = DEFAULT_OUT,
    seed: int = DEFAULT_SEED,
    *,
    force: bool = False,
    framework: Framework | None = None,
) -> list[Path]:
    """Wipe and rewrite the demo organisation folders under `out`; return the files written."""
    out = Path(out)
    framework = framework or load_framework()
    foreign = foreign_files(out)
    if foreign and not force:
        shown = "\n  ".join(str(p) for p in foreign[:10])
        more = f"\n  ... and {len(foreign) - 10} more" if len(foreign) > 10 else ""
        raise RefuseError(
            f"{out} holds files this script did not write:\n  {shown}{more}\n"
            "Choose an empty folder with --out, or pass --force to rewrite only the demo "
            "organisation folders and leave everything else alone."
        )
    if out.exists() and not out.is_dir():
        raise RefuseError(f"{out} is a file, not a folder")
    for spec in ORGS:
        shutil.rmtree(out / spec.code, ignore_errors=True)

    rng = random.Random(seed)
    first = [o.code for o in ORGS if not o.predecessors]  # as before the merger was added
    shared = set(rng.sample(first, k=round(len(first) / 3)))
    store = Store(out, frameworks=FRAMEWORKS)
    written: list[Path] = []
    v2 = FRAMEWORKS.get(2)
    models: dict[str, OrgModel] = {}
    for spec in ORGS:
        org_rng = random.Random(rng.getrandbits(64))
        model = plan_organisation(org_rng, spec, framework)
        if spec.predecessors:
            model = merged_model(spec, [models[c] for c in spec.predecessors])
        model.share_evidence = spec.code in shared or bool(spec.predecessors)
        models[spec.code] = model
        # items new in version 2 get their own offsets, from a stream of their own so that
        # the version 1 years are drawn exactly as before
        v2_rng = random.Random(f"{spec.code}-v2")
        for item in v2.items.values():
            if item.id not in model.item_offset:
                shift = HANDOVER_SHIFT if item.handover_from else 0.0
                model.item_offset[item.id] = v2_rng.gauss(0, 0.35) + shift
        for period in spec.periods:
            bank = v2 if period_start(period) >= period_start(V2_FROM) else framework
            a = store.create(
                spec.code, period, spec.name, spec.org_type, spec.peer_group, framework=bank
            )
            if spec.predecessors:
                a.doc["organisation"]["predecessors"] = list(spec.predecessors)
            fill_assessment(org_rng, a, model, bank, period)
            written.append(store.save(a))
            model.history[period] = a
        # The store keeps a backup of each overwritten file; the first save was a blank.
        shutil.rmtree(out / spec.code / HISTORY_DIR, ignore_errors=True)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write the seeded demo assessments (fictional organisations X01-X15).",
        epilog="Example: python scripts/make_demo_data.py --out assessments --seed 2025",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: assessments/)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (2025)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="run even if the folder holds other files (they are left untouched)",
    )
    args = parser.parse_args(argv)
    try:
        written = generate(args.out, args.seed, force=args.force)
    except RefuseError as exc:
        print(f"make_demo_data: {exc}", file=sys.stderr)
        return 2
    orgs = len({p.parent.name for p in written})
    print(f"wrote {len(written)} assessments for {orgs} organisations under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
