"""The handbook's stylesheet, shipped with the plugin so a site needs no extra files."""

STYLESHEET = """
.nf-badge { display: inline-block; padding: .1em .55em; border-radius: 1em; font-size: .75em;
  font-weight: 600; line-height: 1.6; white-space: nowrap; color: #fff; background: #6b7280; }
a.nf-badge, a.nf-badge:hover { color: #fff; }
.nf-certainty-high { background: #1b7f3b; }
.nf-certainty-moderate { background: #3f7d20; }
.nf-certainty-low { background: #b7791f; }
.nf-certainty-very-low { background: #b91c1c; }
.nf-verdict-supported { background: #1b7f3b; }
.nf-verdict-partly-supported { background: #b7791f; }
.nf-verdict-not-supported { background: #6b7280; }
.nf-verdict-contradicted { background: #b91c1c; }
.nf-outcome { background: var(--md-primary-fg-color, #4051b5); }
.nf-statement { font-size: 1.1em; }
.nf-compare { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; margin: 1em 0; }
.nf-compare-side { border: 1px solid var(--md-default-fg-color--lightest, #ddd);
  border-radius: .3rem; padding: .2rem .9rem; }
@media (max-width: 44em) { .nf-compare { grid-template-columns: 1fr; } }
.nf-stance-supports { color: #1b7f3b; font-weight: 600; }
.nf-stance-contradicts { color: #b91c1c; font-weight: 600; }
.nf-stance-mentions { color: #6b7280; }
.nf-cite a { text-decoration: none; }
.nf-cite-unknown { color: #b91c1c; }
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
