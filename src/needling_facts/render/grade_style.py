"""Styles for the summary-of-findings table, forest plots and risk-of-bias tables."""

from __future__ import annotations

from needling_facts.render.rob import ROB_COLOURS

__all__ = ["GRADE_STYLESHEET"]


def _rob_rules() -> str:
    return "".join(
        f".nf-rob-{level.value} {{ color: {text}; background: {background}; }}\n"
        for level, (text, background) in ROB_COLOURS.items()
    )


GRADE_STYLESHEET = """
.nf-sof, .nf-forest-figure, .nf-rob-tables { margin: 1em 0; }
.nf-visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
.md-typeset .nf-sof-table, .md-typeset .nf-rob-table { display: table; font-size: .75rem;
  border-collapse: collapse; margin: 0; }
.nf-sof-table th, .nf-sof-table td, .nf-rob-table th, .nf-rob-table td {
  border: 1px solid var(--md-default-fg-color--lightest, #ddd); padding: .45em .6em;
  vertical-align: top; text-align: left; }
.nf-sof-table thead th, .nf-rob-table thead th {
  background: var(--md-default-fg-color--lightest, #f2f2f2); font-weight: 600; }
.nf-sof-table td:nth-child(2) { min-width: 16em; }
.nf-rob-table caption { text-align: left; font-weight: 600; padding-bottom: .3em; }
.md-typeset .nf-sof-effects { margin: 0; padding-left: 1.1em; }
.md-typeset .nf-sof-effects li { margin-left: 0; margin-bottom: .3em; }
.nf-sof-context, .nf-sof-notes, .nf-sof-footnotes { font-size: .85em;
  color: var(--md-default-fg-color--light, #555); }
.nf-grade-symbols { letter-spacing: .05em; }
@media (max-width: 44em) {
  .md-typeset .nf-sof-table, .nf-sof-table tbody, .nf-sof-table tr, .nf-sof-table td,
  .md-typeset .nf-rob-table, .nf-rob-table tbody, .nf-rob-table tr, .nf-rob-table td,
  .nf-rob-table tbody th, .nf-rob-table caption { display: block; width: 100%;
    box-sizing: border-box; }
  .nf-sof-table thead, .nf-rob-table thead { position: absolute; width: 1px; height: 1px;
    overflow: hidden; clip: rect(0 0 0 0); }
  .nf-sof-table td::before { content: attr(data-label); display: block; font-weight: 600; }
  .nf-rob-table td::before { content: attr(data-label) ": "; }
  .nf-rob-table td, .nf-rob-table tbody th { border-width: 0 1px; padding: .2em .6em; }
  .nf-rob-table tr { border-bottom: 1px solid var(--md-default-fg-color--lightest, #ddd);
    padding-bottom: .3em; }
}
.nf-scroll { overflow-x: auto; max-width: 100%; }
.nf-rob { display: inline-block; padding: 0 .45em; border-radius: .25em; font-weight: 600;
  white-space: nowrap; }
.nf-rob-domains { margin-top: .2em; }
.md-typeset .nf-forest-figure { display: block; width: 100%; max-width: 26rem; margin: 1em 0; }
.md-typeset .nf-forest-figure svg { display: block; width: 100%; height: auto; }
.nf-forest text { font-size: 12px; fill: currentColor; }
.nf-forest .nf-forest-tick, .nf-forest .nf-forest-axis { font-size: 11px; }
.nf-forest-figure figcaption { font-size: .8em; text-align: left; }
""" + _rob_rules()
