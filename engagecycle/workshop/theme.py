"""Projector styling for the workshop form, injected as a <style> in an HTML widget.

The form is read from the back of a meeting room: large type (20px body at 1280 wide, growing
with the screen to 24px at 1920; nothing a person reads below 18px), dark text on white, NHS
blue (#005EB8, 5.6:1 on white) for accents and a thick black and yellow focus ring so
keyboard users can see where they are. Everything is scoped to
`.ec-workshop` so it cannot restyle the rest of JupyterLab. No web fonts: nothing is fetched.
"""

from __future__ import annotations

NHS_BLUE = "#005EB8"
TEXT = "#212B32"
SECONDARY = "#425563"  # 7.6:1 on white
WARM_YELLOW = "#FFB81C"
RED = "#D5281B"  # 4.9:1 on white
FOCUS = "#FFEB3B"
AFRESH = "#330072"  # new or changed in this version: NHS purple, white text on it (13:1)

CSS = f"""
.ec-workshop {{
  --ec-font: clamp(20px, 1.25vw, 26px);
  --ec-small: max(18px, calc(var(--ec-font) * 0.9));
  --jp-widgets-font-size: var(--ec-font);
  --jp-widgets-inline-height: 44px;
  --jp-widgets-inline-label-width: 9em;
  --jp-widgets-inline-width: 100%;
  --jp-widgets-color: {TEXT};
  --jp-widgets-label-color: {TEXT};
  --jp-widgets-readout-color: {TEXT};
  --jp-widgets-input-color: {TEXT};
  --jp-widgets-input-background-color: #ffffff;
  --jp-widgets-input-border-color: #4C6272;
  --jp-widgets-input-focus-border-color: {NHS_BLUE};
  --jp-widgets-border-width: 2px;
  --jp-ui-font-size1: var(--ec-font);
  --jp-content-font-size1: var(--ec-font);
  font-family: Arial, "Liberation Sans", "DejaVu Sans", Helvetica, sans-serif;
  font-size: var(--ec-font);
  line-height: 1.4;
  color: {TEXT};
  background: #ffffff;
  max-width: min(1760px, 100%);
  margin: 0 auto;
  padding: 0 8px 60px 8px;
}}
.ec-workshop .widget-html-content {{ font-size: var(--ec-font); line-height: 1.4; }}
.ec-workshop label, .ec-workshop .widget-label, .ec-workshop .widget-label-basic {{
  font-size: var(--ec-font); color: {TEXT};
}}
/* The bar that never scrolls away: organisation, save state, dimension, item, progress. */
.ec-workshop .ec-sticky {{
  position: sticky; top: 0; z-index: 20; background: #ffffff; padding: 2px 0 2px 0;
  border-bottom: 3px solid {NHS_BLUE};
}}
/* Sticky needs every box between the bar and the page's scroller to let it out:
   widget boxes and output areas default to overflow auto/hidden. */
.ec-workshop, .ec-workshop .widget-box,
.jp-OutputArea:has(.ec-workshop), .jp-OutputArea-child:has(.ec-workshop),
.jp-OutputArea-output:has(.ec-workshop) {{ overflow: visible; }}
.ec-workshop .ec-header {{
  background: {NHS_BLUE}; color: #ffffff; padding: 2px 12px; border-radius: 4px;
  align-items: center; flex-wrap: nowrap; gap: 12px;
}}
.ec-workshop .ec-header .ec-title {{ flex: 1 1 auto; min-width: 0; overflow: hidden; }}
.ec-workshop .ec-header .ec-status-box {{ flex: 0 0 auto; }}
.ec-workshop .ec-title .widget-html-content {{ overflow: hidden; }}
.ec-workshop .ec-header h1 {{
  font-size: calc(var(--ec-font) * 1.2); margin: 0; color: #ffffff; line-height: 1.25;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}}
.ec-workshop .ec-orgcode {{ font-weight: 400; }}
.ec-workshop .ec-header .widget-html-content {{ color: #ffffff; }}
.ec-workshop .ec-status-box {{ flex: 0 1 auto; min-width: 0; }}
.ec-workshop .ec-status {{
  font-weight: 700; padding: 2px 10px; border-radius: 4px; background: #ffffff; color: {TEXT};
  display: inline-block; white-space: nowrap;
}}
.ec-workshop .ec-status.conflict, .ec-workshop .ec-status.failed {{ white-space: normal; }}
.ec-workshop .ec-status.saved::before {{ content: "\\2714  "; color: #007F3B; }}
.ec-workshop .ec-status.unsaved {{ background: {FOCUS}; }}
.ec-workshop .ec-status.failed, .ec-workshop .ec-status.conflict {{
  background: {RED}; color: #ffffff;
}}
.ec-workshop .ec-header .jupyter-button {{
  min-height: 34px; margin: 2px 0; padding: 2px 12px; flex: 0 0 auto;
}}
.ec-workshop .ec-where {{
  display: flex; align-items: center; gap: 18px; padding: 0 4px; font-weight: 700;
}}
.ec-workshop .ec-where-dim {{
  color: {NHS_BLUE}; white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
  flex: 0 1 auto; min-width: 6em; max-width: 50%;
}}
.ec-workshop .ec-where-item {{ white-space: nowrap; flex: 0 0 auto; }}
.ec-workshop .ec-where .ec-progress {{ flex: 1 1 auto; min-width: 0; font-weight: 400; }}
.ec-workshop .ec-where .ec-bar {{ min-width: 60px; }}
.ec-workshop .ec-bar {{
  height: 18px; background: #E8EDEE; border: 2px solid {TEXT}; border-radius: 4px;
  overflow: hidden; min-width: 120px;
}}
.ec-workshop .ec-bar > div {{ height: 100%; background: {NHS_BLUE}; }}
.ec-workshop .ec-progress {{ display: flex; align-items: center; gap: 12px; }}
.ec-workshop .ec-progress .ec-bar {{ flex: 1; }}
.ec-workshop .ec-progress span {{ white-space: nowrap; }}
.ec-workshop .ec-nav {{ align-items: center; flex-wrap: wrap; gap: 4px 8px; padding: 4px 0; }}
.ec-workshop select {{ font-size: var(--ec-font); height: 44px; color: {TEXT}; }}
.ec-workshop input, .ec-workshop textarea {{ font-size: var(--ec-font); color: {TEXT}; }}
.ec-workshop textarea {{
  font-family: Arial, "Liberation Sans", sans-serif; line-height: 1.35; padding: 6px 8px;
  min-height: 44px; field-sizing: content; max-height: 9em;
}}
.ec-workshop .jupyter-button {{
  font-size: var(--ec-font); height: auto; min-height: 44px; padding: 4px 14px;
  margin: 2px 6px 2px 0; background: #ffffff; color: {NHS_BLUE}; border: 2px solid {NHS_BLUE};
  border-radius: 6px; font-weight: 700; width: auto; white-space: nowrap;
}}
.ec-workshop .jupyter-button:hover {{ background: #E8EDEE; }}
.ec-workshop .jupyter-button.mod-active {{ background: {NHS_BLUE}; color: #ffffff; }}
.ec-workshop .jupyter-button.ec-primary {{ background: {NHS_BLUE}; color: #ffffff; }}
.ec-workshop .jupyter-button.ec-danger {{ color: {RED}; border-color: {RED}; }}
.ec-workshop .jupyter-button:disabled,
.ec-workshop .jupyter-button.ec-primary:disabled {{
  color: #4C6272; background: #E8EDEE; border-color: #AEB7BD; opacity: 1;
}}
.ec-workshop .widget-toggle-buttons {{ flex-wrap: wrap; height: auto; line-height: 1.3; }}
.ec-workshop .widget-toggle-buttons .widget-toggle-button {{ width: auto; }}
/* A focus ring nobody can miss (WCAG 2.2 focus appearance): 3px dark outline plus a 4px
   yellow halo, on every control, beating the 1px outline of the widget library. */
.ec-workshop.ec-workshop :is(button, input, textarea, select, [tabindex]):focus-visible {{
  outline: 3px solid {TEXT} !important; outline-offset: 2px !important;
  box-shadow: 0 0 0 7px {FOCUS} !important;
}}
.ec-workshop input[type="checkbox"] {{ width: 26px; height: 26px; margin-right: 10px; }}
.ec-workshop .widget-checkbox {{ height: auto; min-height: 44px; align-items: center; width: auto; }}
.ec-workshop .ec-dimtitle {{ margin-top: 8px; }}
.ec-workshop .ec-dimtitle h2 {{
  font-size: calc(var(--ec-font) * 1.5); color: {NHS_BLUE}; margin: 2px 0; line-height: 1.2;
}}
.ec-workshop .ec-purpose {{ font-size: var(--ec-small); }}
.ec-workshop .ec-kicker {{ font-size: var(--ec-small); color: {SECONDARY}; font-weight: 700; }}
/* One item: statement and state, help, the level buttons with their descriptions, then
   evidence, flag and ratings in one row. Two fit on a 1280x800 screen. */
.ec-workshop .ec-item {{
  border: 2px solid #AEB7BD; border-left: 10px solid {NHS_BLUE}; border-radius: 4px;
  padding: 2px 10px 4px 10px; margin: 4px 0;
}}
.ec-workshop .ec-item.ec-state-carried {{ border-left-color: {WARM_YELLOW}; }}
.ec-workshop .ec-item.ec-state-unanswered {{ border-left-color: #AEB7BD; }}
.ec-workshop .ec-item.ec-state-afresh {{ border-left-color: {AFRESH}; }}
.ec-workshop .ec-itemhead {{ line-height: 1.2; margin: 1px 0; }}
.ec-workshop .ec-itemid, .ec-workshop .ec-itemstate {{
  font-size: var(--ec-small); color: {SECONDARY}; font-weight: 700; margin-right: 0.6em;
}}
.ec-workshop .ec-itemhead .ec-badge {{ margin-right: 0.6em; padding: 0 8px; }}
.ec-workshop .ec-statement {{
  font-size: calc(var(--ec-font) * 1.1); font-weight: 700; line-height: 1.2;
}}
.ec-workshop .ec-help {{
  color: {SECONDARY}; font-size: var(--ec-small); line-height: 1.2; margin: 1px 0 3px 0;
}}
.ec-workshop .ec-levelgroup {{ width: 100%; }}
.ec-workshop .ec-levelgroup > div {{
  display: grid; width: 100%; gap: 4px 6px;
  grid-template-columns: repeat(5, minmax(0, 1fr)) max-content;
  grid-auto-rows: auto;
}}
.ec-workshop .ec-levelgroup .widget-toggle-button {{
  margin: 0; white-space: normal; text-align: left; font-weight: 700;
  font-size: var(--ec-font); line-height: 1.2; padding: 3px 7px; height: 100%;
  min-height: 44px; color: {TEXT}; border-color: #4C6272;
  display: flex; flex-direction: column; justify-content: center; align-items: flex-start;
}}
/* Described: the label is what the level looks like; its name (the button's title) is shown
   above it in bold, and both start at the top of the button. */
.ec-workshop .ec-levelgroup.ec-described .widget-toggle-button:nth-of-type(-n+5) {{
  justify-content: flex-start; font-weight: 400; font-size: var(--ec-small);
}}
.ec-workshop .ec-levelgroup.ec-described .widget-toggle-button:nth-of-type(-n+5)::before {{
  content: attr(title); display: block; font-weight: 700; font-size: var(--ec-small);
}}
.ec-workshop .ec-levelgroup .widget-toggle-button:nth-of-type(-n+5) {{ grid-row: span 2; }}
.ec-workshop .ec-levelgroup .widget-toggle-button:nth-of-type(n+6) {{ white-space: nowrap; }}
.ec-workshop .ec-levelgroup .widget-toggle-button:nth-of-type(6) {{ grid-column: 6; }}
.ec-workshop .ec-levelgroup .widget-toggle-button:nth-of-type(7) {{ grid-column: 6; }}
.ec-workshop .ec-levelgroup .widget-toggle-button.mod-active {{
  background: {NHS_BLUE}; color: #ffffff; border-color: {NHS_BLUE};
  box-shadow: inset 0 0 0 3px #ffffff;
}}
.ec-workshop .ec-tools {{ align-items: center; gap: 10px; margin-top: 4px; flex-wrap: nowrap; }}
.ec-workshop .ec-tools .widget-checkbox, .ec-workshop .ec-tools .jupyter-button {{
  flex: 0 0 auto;
}}
.ec-workshop .ec-tools .widget-textarea {{ flex: 1 1 auto; min-width: 12em; }}
.ec-workshop .ec-item textarea {{ max-height: 3.6em; }}
.ec-workshop .ec-ratings {{ border-top: 1px solid #AEB7BD; margin-top: 6px; padding-top: 4px; }}
.ec-workshop .ec-rating-grid {{
  display: grid !important; grid-template-columns: repeat(auto-fill, minmax(25em, 1fr));
  gap: 0 16px; width: 100%;
}}
.ec-workshop .widget-toggle-buttons.ec-rating-row {{
  display: flex; align-items: center; flex-wrap: nowrap; width: auto;
}}
.ec-workshop .ec-rating-row .widget-label {{
  width: 9em !important; max-width: 9em; min-width: 9em; overflow: hidden;
  text-overflow: ellipsis; white-space: nowrap; text-align: right; padding-right: 8px;
}}
.ec-workshop .ec-rating-row > div {{ display: flex; flex-wrap: nowrap; }}
.ec-workshop .ec-rating-row .widget-toggle-button {{
  min-height: 40px; padding: 2px 4px; margin: 2px 3px 2px 0; text-align: center;
}}
.ec-workshop .ec-rating-row .widget-toggle-button:first-of-type.mod-active {{
  background: #E8EDEE; color: {TEXT}; border-color: #768692;
}}
.ec-workshop .ec-badge {{
  background: {WARM_YELLOW}; color: {TEXT}; font-weight: 700; padding: 2px 10px;
  border-radius: 4px; display: inline-block; font-size: var(--ec-small);
}}
.ec-workshop .ec-carried .ec-carried-text {{
  background: #FFF4D6; border-left: 8px solid {WARM_YELLOW}; padding: 4px 12px; margin: 6px 0;
}}
.ec-workshop .ec-carried-dim {{ gap: 10px; flex-wrap: wrap; margin: 4px 0; }}
/* Version 2 on: new or changed items to rate afresh, the rule, counts, evidence, glossary. */
.ec-workshop .ec-badge.ec-badge-afresh {{ background: {AFRESH}; color: #ffffff; }}
.ec-workshop .ec-carried .ec-afresh-text {{ background: #EFE9F5; border-left-color: {AFRESH}; }}
.ec-workshop .ec-rule-row {{ align-items: center; gap: 8px; flex-wrap: nowrap; }}
.ec-workshop .ec-rule-row .ec-rule-text {{ flex: 1 1 auto; min-width: 0; }}
.ec-workshop .ec-rule-row .jupyter-button {{ flex: 0 0 auto; }}
.ec-workshop .ec-rule {{
  font-size: var(--ec-small); line-height: 1.25; padding: 2px 10px; margin: 0 0 2px 0;
  border-left: 6px solid {NHS_BLUE}; background: #F0F4F5;
}}
.ec-workshop .ec-count {{
  font-size: var(--ec-small); line-height: 1.2; margin: 0 0 1px 0; color: {TEXT};
}}
.ec-workshop .ec-evlevels {{ font-size: var(--ec-small); margin: 0 0 2px 0; }}
.ec-workshop .ec-evlevels summary {{
  cursor: pointer; color: {NHS_BLUE}; font-weight: 700; line-height: 1.2;
}}
.ec-workshop .ec-evgrid {{
  display: grid; gap: 4px 6px; grid-template-columns: repeat(5, minmax(0, 1fr)) max-content;
  line-height: 1.2; margin-top: 2px;
}}
.ec-workshop .ec-evgrid > div {{ background: #F0F4F5; padding: 3px 7px; border-radius: 4px; }}
.ec-workshop .ec-evgrid > div.ec-evpad {{
  visibility: hidden; font-size: var(--ec-font); font-weight: 700; white-space: nowrap;
  border: 2px solid transparent; padding: 3px 7px; height: 0; overflow: hidden;
}}
.ec-workshop .ec-evgrid strong {{ display: block; }}
.ec-workshop abbr.ec-term {{ text-decoration: underline dotted; cursor: help; }}
.ec-workshop .ec-guide {{
  border: 2px solid {NHS_BLUE}; border-radius: 4px; padding: 4px 14px; margin: 4px 0;
  font-size: var(--ec-small); line-height: 1.3;
}}
.ec-workshop .ec-guide h3 {{ font-size: var(--ec-font); margin: 6px 0 2px 0; }}
.ec-workshop .ec-guide ul {{ margin: 2px 0 6px 0; padding-left: 1.2em; }}
.ec-workshop .ec-scale {{ border-collapse: collapse; margin: 4px 0; }}
.ec-workshop .ec-scale th, .ec-workshop .ec-scale td {{
  text-align: left; vertical-align: top; padding: 2px 10px 2px 0;
  border-bottom: 1px solid #AEB7BD;
}}
.ec-workshop .ec-scale th {{ white-space: nowrap; }}

.ec-workshop .ec-warn {{ color: {RED}; font-weight: 700; }}
.ec-workshop .ec-note {{ background: #E8EDEE; padding: 4px 12px; border-radius: 4px; margin: 2px 0; }}
.ec-workshop .ec-details {{ border: 2px solid #AEB7BD; border-radius: 4px; padding: 6px 12px; }}
.ec-workshop .ec-conflict {{
  border: 4px solid {RED}; padding: 8px 14px; margin: 8px 0; border-radius: 4px;
}}
.ec-workshop .ec-diff-row {{ border-top: 1px solid #AEB7BD; padding: 6px 0; }}
.ec-workshop .ec-diff-label {{ font-weight: 700; }}
.ec-workshop .ec-diff {{ display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }}
.ec-workshop .ec-diff > div {{ background: #F0F4F5; padding: 4px 10px; border-radius: 4px; }}
.ec-workshop .ec-section {{ border-top: 3px solid {NHS_BLUE}; margin-top: 14px; padding-top: 4px; }}
.ec-workshop .ec-section h3 {{ font-size: calc(var(--ec-font) * 1.2); margin: 4px 0; }}
.ec-workshop .ec-action {{ flex-wrap: wrap; align-items: center; border-bottom: 1px solid #AEB7BD; }}
.ec-workshop .ec-summary {{ border-collapse: collapse; font-size: var(--ec-font); }}
.ec-workshop .ec-summary th, .ec-workshop .ec-summary td {{
  border-bottom: 1px solid #AEB7BD; padding: 4px 10px; text-align: left;
}}
.ec-workshop .ec-summary .num {{ text-align: right; }}
.ec-workshop .ec-summary tr.ec-sumtotal th, .ec-workshop .ec-summary tr.ec-sumtotal td {{
  border-top: 2px solid {TEXT}; font-weight: 700;
}}
.ec-workshop .ec-sumbar {{
  width: 220px; height: 20px; background: #E8EDEE; border: 1px solid {TEXT};
}}
.ec-workshop .ec-sumbar > div {{ height: 100%; }}
.ec-workshop .ec-sumflex {{ display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }}
.ec-workshop .ec-wheel {{ max-width: 860px; width: 100%; }}
.ec-workshop .ec-low {{ color: {RED}; font-weight: 700; }}
.ec-workshop .ec-summary-box {{ border: 3px solid {NHS_BLUE}; padding: 8px 16px; margin: 10px 0; }}
"""


def style_tag() -> str:
    return f"<style>{CSS}</style>"
