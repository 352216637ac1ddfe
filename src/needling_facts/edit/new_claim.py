"""``needling-facts new-claim``: a commented claim skeleton that ``check`` guides you through."""

from __future__ import annotations

import re

from needling_facts.evidence.vocabulary import CLAIM_ID_PATTERN

__all__ = ["new_claim_text"]


_SKELETON = """\
---
# Claim file: YAML front matter (the typed fields), then the handbook prose.
# The file name is the claim's id. Fill in every field, then run `needling-facts check`:
# it reports each field still missing or invalid. Grading rules: docs/method.md.
title:            # short title, e.g. "Microneedling for atrophic acne scars"
statement:        # one neutral sentence: what the evidence shows
outcome:          # rejuvenation | scars | pigmentation | collagen | pores | absorption |
                  # mechanism | comedones | procedure | safety | satisfaction
# scar_types: []  # only for outcome scars: atrophic-acne, surgical, burn, keloid,
                  # hypertrophic, striae
article_wording:  # the source article's own words, quoted exactly (delete the line if the
                  # article does not make the claim, and use verdict: not-in-article)
population:       # who was studied (optional)
intervention:     # needling device, depth, sessions (optional)
comparator:       # control, other treatment or baseline (optional)
skin_types: []    # Fitzpatrick types studied: I, II, III, IV, V, VI (optional)
protocol:         # as the studies report them; a number or a range like 3-6 (optional)
  sessions:
  interval_weeks:
  needle_depth_mm:
certainty:        # GRADE: high | moderate | low | very-low; must equal what `grade` computes
grade:            # GRADE profile: start high (randomised) or low (observational), then rate
                  # each domain none | serious (-1) | very-serious (-2), with a reason
  judged_from:    # abstract | full-text | mixed
  starting_level: # high | low
  risk_of_bias:     {{concern: , reason: }}
  inconsistency:    {{concern: , reason: }}
  indirectness:     {{concern: , reason: }}
  imprecision:      {{concern: , reason: }}
  publication_bias: {{concern: , reason: }}
  # large_effect: {{levels: 1, reason: }}  # upgrades (observational evidence): large_effect
                                         # (1 or 2), dose_response, plausible_confounding
verdict:          # on the article's wording: supported | partly-supported |
                  # not-supported | contradicted | not-in-article
evidence:         # one item per study; `ref` is a key in references.bib
  - ref:          # e.g. Alam2014
    design:       # meta-analysis | systematic-review | rct | split-face-rct |
                  # non-randomised-trial | cohort | case-series | case-report | review |
                  # in-vitro | animal | expert-opinion
    participants: # number of people (pooled total for a meta-analysis); omit if none
    finding:      # what the study found, with its numbers
    stance:       # supports | contradicts | mentions
    locator:      # e.g. Abstract, Table 2, p. 149 (optional)
    # includes: []  # meta-analysis / systematic review only: cited keys of the primary
                    # studies it includes (each study is then counted once)
    # effects:      # effect estimates as reported (optional, several allowed)
    #   - comparison: microneedling vs untreated half-face
    #     outcome: Goodman and Baron grade
    #     measure: mean-difference  # standardised-mean-difference | odds-ratio | risk-ratio |
    #                               # risk-difference | proportion | percent-change | p-value-only
    #     value: -1.2
    #     ci: [-1.9, -0.5]          # exactly two numbers
    #     p: "<0.001"
    #     locator: Table 2
    # risk_of_bias:  # required for rct / split-face-rct / non-randomised-trial that
    #                # supports or contradicts; tool: not-assessed with a reason is allowed
    #   tool: rob2   # rob2 | robins-i | amstar2 | not-assessed
    #   judged_from: abstract
    #   domains:
    #     - {{domain: randomisation, judgement: some-concerns, reason: "..."}}
    #   overall: some-concerns
caveats: []       # limits of the evidence
contraindications: []
last_reviewed: {today}
---

Handbook prose, 150 to 400 words, neutral, citing studies as [@Key] or [@Key, p. 12].
"""


def new_claim_text(claim_id: str, today: str) -> str:
    if not re.match(CLAIM_ID_PATTERN, claim_id):
        raise ValueError(
            f"{claim_id!r} is not a valid claim id: use lowercase letters, digits and hyphens"
        )
    return _SKELETON.format(today=today)
