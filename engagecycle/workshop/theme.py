"""Projector styling for the workshop form, injected as a <style> in an HTML widget.

The form is read from the back of a meeting room: large type (20px body at 1280 wide, growing
with the screen to 24px at 1920; statements 1.3 times that),
dark text on white, NHS blue (#005EB8, 5.6:1 on white) for accents and a thick black and
yellow focus ring so keyboard users can see where they are. Everything is scoped to
`.ec-workshop` so it cannot restyle the rest of JupyterLab. No web fonts: nothing is fetched.
"""

from __future__ import annotations

NHS_BLUE = "#005EB8"
TEXT = "#212B32"
SECONDARY = "#425563"  # 7.6:1 on white
WARM_YELLOW = "#FFB81C"
RED = "#D5281B"  # 4.9:1 on white
FOCUS = "#FFEB3B"

CSS = f"""
.ec-workshop {{
  --ec-font: clamp(20px, 1.25vw, 26px);
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
  line-height: 1.45;
  color: {TEXT};
  background: #ffffff;
  max-width: min(1760px, 100%);
  margin: 0 auto;
  padding: 0 8px 60px 8px;
}}
.ec-workshop .widget-html-content {{ font-size: var(--ec-font); line-height: 1.45; }}
.ec-workshop label, .ec-workshop .widget-label, .ec-workshop .widget-label-basic {{
  font-size: var(--ec-font); color: {TEXT};
}}
.ec-workshop .ec-sticky {{
  position: sticky; top: 0; z-index: 20; background: #ffffff; padding-top: 4px;
}}
/* Sticky needs every box between the bar and the page's scroller to let it out:
   widget boxes and output areas default to overflow auto/hidden. */
.ec-workshop, .ec-workshop .widget-box,
.jp-OutputArea:has(.ec-workshop), .jp-OutputArea-child:has(.ec-workshop),
.jp-OutputArea-output:has(.ec-workshop) {{ overflow: visible; }}
/* Keep focused or scrolled-to widgets out from under the sticky bar (Voila's scroller). */
.lm-BoxPanel-child:has(.ec-workshop) {{ scroll-padding-top: 130px; }}
.ec-workshop .ec-header {{
  background: {NHS_BLUE}; color: #ffffff; padding: 10px 18px; border-radius: 4px;
  align-items: center; justify-content: space-between; flex-wrap: wrap;
}}
.ec-workshop .ec-header h1 {{ font-size: calc(var(--ec-font) * 1.35); margin: 4px 0; color: #ffffff; line-height: 1.2; }}
.ec-workshop .ec-header .widget-html-content {{ color: #ffffff; }}
.ec-workshop .ec-status {{
  font-weight: 700; padding: 4px 12px; border-radius: 4px;
  background: #ffffff; color: {TEXT}; display: inline-block;
}}
.ec-workshop .ec-status.saved::before {{ content: "\\2714  "; color: #007F3B; }}
.ec-workshop .ec-status.unsaved {{ background: {FOCUS}; }}
.ec-workshop .ec-status.failed, .ec-workshop .ec-status.conflict {{
  background: {RED}; color: #ffffff;
}}
.ec-workshop .ec-bar {{
  height: 22px; background: #E8EDEE; border: 2px solid {TEXT}; border-radius: 4px;
  overflow: hidden; min-width: 240px;
}}
.ec-workshop .ec-bar > div {{ height: 100%; background: {NHS_BLUE}; }}
.ec-workshop .ec-progress {{ display: flex; align-items: center; gap: 14px; }}
.ec-workshop .ec-progress .ec-bar {{ flex: 1; }}
.ec-workshop .ec-nav {{
  align-items: center; flex-wrap: wrap; gap: 8px; padding: 8px 0;
  border-bottom: 3px solid {NHS_BLUE};
}}
.ec-workshop select {{ font-size: var(--ec-font); height: 44px; color: {TEXT}; }}
.ec-workshop input, .ec-workshop textarea {{ font-size: var(--ec-font); color: {TEXT}; }}
.ec-workshop textarea {{ font-family: Arial, "Helvetica Neue", Helvetica, "Liberation Sans", sans-serif; line-height: 1.4; padding: 6px 8px; min-height: 3.2em; }}
.ec-workshop .jupyter-button {{
  font-size: var(--ec-font); height: auto; min-height: 44px; padding: 4px 16px; margin: 3px 6px 3px 0;
  background: #ffffff; color: {NHS_BLUE}; border: 2px solid {NHS_BLUE}; border-radius: 6px;
  font-weight: 700; width: auto; white-space: nowrap;
}}
.ec-workshop .jupyter-button:hover {{ background: #E8EDEE; }}
.ec-workshop .jupyter-button.mod-active {{ background: {NHS_BLUE}; color: #ffffff; }}
.ec-workshop .jupyter-button.ec-primary {{ background: {NHS_BLUE}; color: #ffffff; }}
.ec-workshop .jupyter-button.ec-danger {{ color: {RED}; border-color: {RED}; }}
.ec-workshop .jupyter-button:disabled {{ color: #768692; border-color: #AEB7BD; opacity: 1; }}
.ec-workshop .widget-toggle-buttons {{ flex-wrap: wrap; height: auto; }}
.ec-workshop .widget-toggle-buttons .widget-toggle-button {{ width: auto; }}
.ec-workshop button:focus, .ec-workshop input:focus, .ec-workshop textarea:focus,
.ec-workshop select:focus {{
  outline: 4px solid {TEXT}; outline-offset: 1px; box-shadow: 0 0 0 8px {FOCUS};
}}
.ec-workshop input[type="checkbox"] {{ width: 26px; height: 26px; margin-right: 10px; }}
.ec-workshop .widget-checkbox {{ height: auto; min-height: 44px; align-items: center; }}
.ec-workshop .widget-datepicker input {{ min-width: 12em; }}
.ec-workshop .ec-dimtitle {{ margin-top: 16px; }}
.ec-workshop .ec-dimtitle h2 {{ font-size: calc(var(--ec-font) * 1.6); color: {NHS_BLUE}; margin: 6px 0; line-height: 1.2; }}
.ec-workshop .ec-kicker {{ font-size: var(--ec-font); color: {SECONDARY}; font-weight: 700; }}
.ec-workshop .ec-item {{
  border: 2px solid #AEB7BD; border-left: 10px solid {NHS_BLUE}; border-radius: 4px;
  padding: 10px 16px; margin: 14px 0;
}}
.ec-workshop .ec-item.ec-state-carried {{ border-left-color: {WARM_YELLOW}; }}
.ec-workshop .ec-item.ec-state-unanswered {{ border-left-color: #AEB7BD; }}
.ec-workshop .ec-statement {{ font-size: calc(var(--ec-font) * 1.3); font-weight: 700; line-height: 1.3; margin: 4px 0; }}
.ec-workshop .ec-itemid {{ font-size: calc(var(--ec-font) * 0.9); color: {SECONDARY}; font-weight: 700; }}
.ec-workshop .ec-help {{ color: {SECONDARY}; font-size: calc(var(--ec-font) * 0.95); }}
.ec-workshop .ec-badge {{
  background: {WARM_YELLOW}; color: {TEXT}; font-weight: 700; padding: 4px 10px;
  border-radius: 4px; display: inline-block;
}}
.ec-workshop .ec-warn {{ color: {RED}; font-weight: 700; }}
.ec-workshop .ec-note {{ background: #E8EDEE; padding: 6px 12px; border-radius: 4px; }}
.ec-workshop .ec-levels {{ border-collapse: collapse; width: 100%; margin: 6px 0; font-size: calc(var(--ec-font) * 0.95); }}
.ec-workshop .ec-levels td, .ec-workshop .ec-levels th {{
  border: 1px solid #AEB7BD; padding: 4px 10px; vertical-align: top; text-align: left;
}}
.ec-workshop .ec-levels th {{ white-space: nowrap; width: 11em; }}
.ec-workshop .ec-levels tr.ec-chosen {{ background: #D9E8F6; outline: 3px solid {NHS_BLUE}; }}
.ec-workshop .ec-conflict {{
  border: 4px solid {RED}; padding: 10px 16px; margin: 10px 0; border-radius: 4px;
}}
.ec-workshop .ec-section {{ border-top: 3px solid {NHS_BLUE}; margin-top: 18px; padding-top: 6px; }}
.ec-workshop .ec-section h3 {{ font-size: calc(var(--ec-font) * 1.3); margin: 6px 0; }}
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
