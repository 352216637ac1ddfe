"""The handbook's CSS (not a citation style: those are CSL styles, see `csl`), shipped with the
plugin so a site needs no extra files."""

from needling_facts.render.currency import CURRENCY_STYLESHEET
from needling_facts.render.grade_style import GRADE_STYLESHEET

__all__ = ["STYLESHEET"]

STYLESHEET = """
.nf-badge { display: inline-block; padding: .1em .55em; border-radius: 1em; font-size: .75em;
  font-weight: 600; line-height: 1.6; white-space: nowrap; color: #fff; background: #6b7280; }
a.nf-badge, a.nf-badge:hover { color: #fff; }
/* Certainty in blues and violets, verdicts in green/amber/grey/red: the two never share a
   colour, and white text on each is at least 7:1 (WCAG AA asks 4.5:1). */
.nf-certainty-high { background: #1e3a8a; }
.nf-certainty-moderate { background: #1d4ed8; }
.nf-certainty-low { background: #6d28d9; }
.nf-certainty-very-low { background: #86198f; }
.nf-verdict-supported { background: #166534; }
.nf-verdict-partly-supported { background: #92400e; }
.nf-verdict-not-supported { background: #4b5563; }
.nf-verdict-contradicted { background: #991b1b; }
/* Claims beyond the article have no verdict: an outlined badge, unlike every filled one. */
.nf-verdict-not-in-article { background: #fff; color: #111827;
  box-shadow: inset 0 0 0 1px #111827; }
.nf-outcome { background: #00695c; }
/* Material's teal (#009485) gives links and the header 3.8:1 on white; a darker teal, 6.9:1. */
:root, [data-md-color-primary="teal"] { --md-primary-fg-color: #00695c;
  --md-primary-fg-color--dark: #004d40; --md-typeset-a-color: #00695c; }
/* Links in running text are underlined: colour alone does not tell them apart. */
.md-typeset :is(p, li, td, blockquote) a:not(.nf-badge):not(.headerlink) {
  text-decoration: underline; text-underline-offset: .15em; }
.md-typeset .nf-cite a { text-decoration: none; }
/* The evidence table stacks its cells on a phone, each labelled, instead of scrolling. */
@media (max-width: 44em) {
  .nf-evidence table, .nf-evidence thead, .nf-evidence tbody, .nf-evidence tr,
  .nf-evidence td { display: block; width: auto; }
  .md-typeset .nf-evidence table:not([class]) { display: block; overflow: visible; }
  .nf-evidence thead { position: absolute; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); }
  .nf-evidence tr { border-top: 1px solid var(--md-default-fg-color--lightest, #ddd);
    padding: .4em 0; }
  .md-typeset .nf-evidence td { border: 0; padding: .15em .6em; }
  .nf-evidence td::before { content: attr(data-label) ": "; font-weight: 600; }
  .md-typeset .nf-evidence .md-typeset__table, .md-typeset .nf-evidence .md-typeset__scrollwrap {
    display: block; overflow: visible; margin: 0; }
}
.nf-statement { font-size: 1.1em; }
.nf-compare { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin: 1em 0; }
.nf-compare-side { border: 1px solid var(--md-default-fg-color--lightest, #ddd);
  border-radius: .3rem; padding: .2rem .9rem; }
@media (max-width: 44em) { .nf-compare { grid-template-columns: 1fr; } }
.nf-stance-supports { color: #166534; font-weight: 600; }
.nf-stance-contradicts { color: #991b1b; font-weight: 600; }
.nf-stance-mentions { color: #4b5563; }
.nf-cite a { text-decoration: none; }
.nf-cite-unknown, .nf-cite-unparsed { color: #991b1b; }
.nf-references :target, .nf-ref:target {
  background: var(--md-accent-fg-color--transparent, #fff3c4); }
.nf-link { font-size: .8em; margin-left: .3em; }
.nf-to-bibliography { font-size: .8em; margin-left: .3em; }
.nf-ref { margin: 1em 0 .2em; }
.nf-cited-by { margin-top: 0; }
.nf-cited-by { font-size: .85em; color: var(--md-default-fg-color--light, #555); }
.nf-key { font-size: .75em; }
.nf-reviewed { font-size: .8em; color: var(--md-default-fg-color--light, #555); }
.md-typeset .nf-map { width: 100%; margin: 1em 0; }
.md-typeset .nf-map svg { display: block; width: 100%; max-width: 60rem; height: auto; }
.nf-evidence-map text { font-size: 12px; fill: currentColor; }
.nf-evidence-map .nf-map-axis { font-weight: 600; }
.nf-evidence-map a:hover text { text-decoration: underline; }
"""

STYLESHEET += GRADE_STYLESHEET  # summary of findings, forest plot, risk of bias
STYLESHEET += CURRENCY_STYLESHEET  # search and screening (living evidence)
