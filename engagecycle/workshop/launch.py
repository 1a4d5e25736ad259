"""Entry point for `notebooks/workshop.ipynb`, in JupyterLab and in Voilà.

Which assessment a page opens, strongest first:

1. The server's lock: `engagecycle workshop ORG PERIOD` sets `ENGAGECYCLE_WORKSHOP_ONLY` and
   the page refuses to open anything else (a typo in the address, a value saved in the
   notebook, another organisation in the start panel).
2. The page address: Voilà puts its query string (`?organisation=X01&period=2025/26`) in
   the kernel's `QUERY_STRING`, and in Voilà only the address counts.
3. The notebook's `parameters` cell, for JupyterLab and papermill, where there is no address.

A value once saved in the notebook can therefore never pick the organisation behind the
address's back. The assessments folder is never taken from the address: the server decides
which files a page may touch, through `ENGAGECYCLE_ASSESSMENTS`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import ipywidgets as w

from ..assessment import ORG_TYPES, normalise_code, normalise_period
from ..errors import EngageError
from ..store import Store
from .form import WorkshopForm
from .server import ENV_FOLDER, ENV_ONLY
from .session import AUTOSAVE_DELAY, WorkshopSession, parse_dimensions
from .theme import style_tag

VOILA_MARKERS = ("VOILA_BASE_URL", "VOILA_SERVER_URL", "VOILA_REQUEST_URL")
SCRIPT = Path(__file__).parent / "jupyter" / "voila" / "templates" / "ec-workshop" / "workshop.js"
URL_KEYS = (
    "organisation",
    "period",
    "dimensions",
    "name",
    "org_type",
    "peer_group",
    "from_previous",
)
TRUE_WORDS = ("1", "true", "yes", "on")


def resolve_parameters(explicit: Mapping[str, Any], query: str | None = None) -> dict[str, Any]:
    """In Voilà the address alone decides; without one, the notebook's parameters do.

    `query` is the page's query string (None outside Voilà). Inside Voilà even a value the
    address leaves out is not taken from the notebook: a focus or a name saved there in
    JupyterLab would otherwise change what the room sees behind the address's back.
    """
    if query is None:
        source: Mapping[str, Any] = explicit
    else:
        source = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=False).items()}
    out: dict[str, Any] = {key: source.get(key) for key in URL_KEYS}
    fp = out["from_previous"]
    out["from_previous"] = fp if isinstance(fp, bool) else str(fp or "").lower() in TRUE_WORDS
    for key in ("organisation", "period", "dimensions", "name", "org_type", "peer_group"):
        out[key] = "" if out[key] is None else str(out[key]).strip()
    return out


def locked_to(env: Mapping[str, str] | None = None) -> tuple[str, str] | None:
    """The (code, period) a server started by `engagecycle workshop` may open, if any."""
    env = os.environ if env is None else env
    value = (env.get(ENV_ONLY) or "").split()
    if len(value) != 2:
        return None
    return normalise_code(value[0]), normalise_period(value[1])


def apply_lock(params: dict[str, Any], lock: tuple[str, str] | None) -> str | None:
    """Fill blanks from the lock; return a refusal if the page asks for anything else."""
    if lock is None:
        return None
    code, period = lock
    asked_code = params.get("organisation") or code
    asked_period = params.get("period") or period
    try:
        same = (normalise_code(asked_code), normalise_period(asked_period)) == lock
    except EngageError:
        same = False
    if not same:
        return (
            f"This workshop server was started for {code} {period} only, so it will not open "
            f"{asked_code} {asked_period}. Use the address printed by `engagecycle workshop "
            f"{code} {period}`, or start another session for the other assessment."
        )
    params["organisation"], params["period"] = code, period
    return None


def in_voila(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return any(env.get(k) for k in VOILA_MARKERS)


def load_script() -> None:
    """In JupyterLab, run the form's small browser script (Voilà's template includes it)."""
    if in_voila():
        return
    try:
        from IPython import get_ipython
        from IPython.display import Javascript, display
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return
    if get_ipython() is None or not SCRIPT.is_file():
        return
    display(Javascript(SCRIPT.read_text(encoding="utf-8")))


def resolve_folder(
    explicit: str | os.PathLike | None, env: Mapping[str, str] | None = None
) -> Path:
    """The assessments folder: the parameter, else $ENGAGECYCLE_ASSESSMENTS, else the project's.

    The notebook runs with its own folder (`notebooks/`) as the working directory, so the
    project's `assessments/` is looked for beside it as well as below it.
    """
    env = os.environ if env is None else env
    if explicit:
        return Path(explicit).expanduser()
    if env.get(ENV_FOLDER):
        return Path(env[ENV_FOLDER]).expanduser()
    cwd = Path.cwd()
    for candidate in (cwd / "assessments", cwd.parent / "assessments"):
        if candidate.is_dir():
            return candidate
    return cwd / "assessments"


def current_period(today: date | None = None) -> str:
    """The NHS financial year (April to March) containing `today`."""
    today = today or date.today()
    y = today.year if today.month >= 4 else today.year - 1
    return f"{y}/{(y + 1) % 100:02d}"


class StartPanel:
    """Choose or create an assessment when the notebook was opened without one."""

    def __init__(self, app: WorkshopApp, params: Mapping[str, Any], message: str = ""):
        self.app = app
        store = app.store
        known: dict[str, str] = {}
        if store.folder.is_dir():
            for a in store.load_all().assessments:
                known[a.code] = a.name
        style = {"description_width": "12em"}
        wide = w.Layout(width="70%")
        self.existing = w.Dropdown(
            options=[("New organisation (type its code below)", "")]
            + [(f"{code}: {name}", code) for code, name in sorted(known.items())],
            value=params.get("organisation") if params.get("organisation") in known else "",
            description="Organisation",
            style=style,
            layout=wide,
        )
        self.existing.add_class("ec-start-existing")
        self.code = w.Text(
            value="" if params.get("organisation") in known else params.get("organisation", ""),
            description="New code",
            placeholder="e.g. X20 (letters, digits, - or _)",
            style=style,
            layout=wide,
        )
        self.code.add_class("ec-start-code")
        self.name = w.Text(
            value=params.get("name", ""),
            description="Name (new only)",
            placeholder="e.g. Fenwold Place",
            style=style,
            layout=wide,
        )
        self.name.add_class("ec-start-name")
        self.org_type = w.Dropdown(
            options=list(ORG_TYPES),
            value=params.get("org_type") if params.get("org_type") in ORG_TYPES else "ICB",
            description="Type (new only)",
            style=style,
        )
        self.period = w.Text(
            value=params.get("period") or current_period(),
            description="Period",
            placeholder="e.g. 2025/26",
            style=style,
        )
        self.period.add_class("ec-start-period")
        fw = store.framework
        self.dimensions = w.Dropdown(
            options=[
                ("All fifteen dimensions", ""),
                ("The ten hub elements", "hub"),
                ("The five stages", "stages"),
            ]
            + [(f"Only: {d.title}", d.id) for d in fw.dimensions],
            value=params.get("dimensions")
            if params.get("dimensions") in ("", "hub", "stages", *fw.by_id)
            else "",
            description="Focus",
            style=style,
            layout=wide,
        )
        self.from_previous = w.Checkbox(
            value=bool(params.get("from_previous")),
            description="Start from last year's answers (only for a new or empty assessment)",
            indent=False,
        )
        self.open_button = w.Button(description="Open the form")
        self.open_button.add_class("ec-primary")
        self.open_button.add_class("ec-start-open")
        self.open_button.on_click(self._on_open)
        self.message = w.HTML(f'<div class="ec-warn">{escape(message)}</div>' if message else "")
        self.widget = w.VBox(
            [
                w.HTML(
                    "<h1>Engagement Cycle workshop</h1><p>Open an organisation's assessment "
                    "for a period, or create a new one. Every change is saved as you go.</p>"
                ),
                self.existing,
                self.code,
                self.name,
                self.org_type,
                self.period,
                self.dimensions,
                self.from_previous,
                self.open_button,
                self.message,
            ]
        )

    def _on_open(self, _: Any) -> None:
        code = self.existing.value or self.code.value.strip()
        if not code:
            self.message.value = (
                '<div class="ec-warn">Choose an organisation, or type a new code.</div>'
            )
            return
        params = {
            "organisation": code,
            "period": self.period.value.strip(),
            "dimensions": self.dimensions.value,
            "name": "" if self.existing.value else self.name.value.strip(),
            "org_type": self.org_type.value,
            "peer_group": "",
            "from_previous": self.from_previous.value,
        }
        error = self.app.open(params)
        if error:
            self.message.value = f'<div class="ec-warn">{escape(error)}</div>'


class WorkshopApp:
    """What the notebook displays: the start panel or the form, swapped in place."""

    def __init__(self, store: Store, *, autosave_delay: float | None = AUTOSAVE_DELAY):
        self.store = store
        self.autosave_delay = autosave_delay
        self.session: WorkshopSession | None = None
        self.form: WorkshopForm | None = None
        self.start: StartPanel | None = None
        self.body = w.VBox()
        self.widget = w.VBox([w.HTML(style_tag()), self.body])
        self.widget.add_class("ec-workshop")

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def open(self, params: Mapping[str, Any]) -> str | None:
        """Open the form for `params`; returns an error message instead of raising."""
        try:
            code = normalise_code(params["organisation"])
            period = normalise_period(params["period"])
            parse_dimensions(params.get("dimensions"), self.store.framework)
            session = WorkshopSession.open(
                self.store,
                code,
                period,
                name=params.get("name") or None,
                org_type=params.get("org_type") or None,
                peer_group=params.get("peer_group") or None,
                from_previous=bool(params.get("from_previous")),
                dimensions=params.get("dimensions") or None,
                autosave_delay=self.autosave_delay,
            )
        except EngageError as exc:
            return str(exc)
        self.session = session
        self.form = WorkshopForm(session, styled=False)
        self.body.children = [self.form.widget]
        if self.start is not None:
            self.start.widget.close()
            self.start = None
        return None

    def show_refusal(self, message: str) -> None:
        """The page asked for an assessment this server may not open: say so, offer nothing."""
        self.refusal = w.HTML(f'<div class="ec-conflict ec-refused">{escape(message)}</div>')
        self.body.children = [self.refusal]

    def show_start(self, params: Mapping[str, Any], message: str = "") -> None:
        self.start = StartPanel(self, params, message)
        self.body.children = [self.start.widget]


def open_workshop(
    organisation: Any = "",
    period: Any = "",
    *,
    assessments: str | os.PathLike | None = "",
    dimensions: str = "",
    name: str = "",
    org_type: str = "",
    peer_group: str = "",
    from_previous: bool = False,
    query: str | None = None,
    autosave_delay: float | None = AUTOSAVE_DELAY,
) -> WorkshopApp:
    """Build the workshop for the notebook; display the returned app (last line of a cell).

    With an organisation and period it opens (or creates) that assessment; otherwise, or if
    that fails, it shows a start panel with the reason. On a server locked to one assessment
    it opens that one or refuses (see the module docstring).
    """
    params = resolve_parameters(
        {
            "organisation": organisation,
            "period": period,
            "dimensions": dimensions,
            "name": name,
            "org_type": org_type,
            "peer_group": peer_group,
            "from_previous": from_previous,
        },
        os.environ.get("QUERY_STRING") if query is None else query,
    )
    app = WorkshopApp(Store(resolve_folder(assessments)), autosave_delay=autosave_delay)
    load_script()
    refusal = apply_lock(params, locked_to())
    if refusal:
        app.show_refusal(refusal)
    elif params["organisation"] and params["period"]:
        error = app.open(params)
        if error:
            app.show_start(params, error)
    else:
        app.show_start(params)
    return app
