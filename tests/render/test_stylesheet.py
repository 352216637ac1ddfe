"""The one shipped stylesheet: what it holds, and that its colours can be read."""

from __future__ import annotations

import re
from importlib.resources import files

from needling_facts.evidence.risk_of_bias import BiasLevel
from needling_facts.evidence.vocabulary import Verdict
from needling_facts.loading import load_from
from needling_facts.render.evidence_map import VERDICT_COLOURS
from needling_facts.render.stylesheet import STYLESHEET
from needling_facts.site.handbook import STYLESHEET_PATH, build_site
from tests.conftest import FIXTURES


def _contrast(hex_colour: str, other: str = "#ffffff") -> float:
    def luminance(value: str) -> float:
        channels = [int(value[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(hex_colour), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _background(selector: str) -> str:
    """The background of a one-class rule written ``.name { background: #rrggbb; }``."""
    (colour,) = re.findall(
        rf"^{re.escape(selector)} \{{ background: (#[0-9a-f]{{6}}); \}}$", STYLESHEET, re.M
    )
    return str(colour)


def test_the_stylesheet_is_the_shipped_file_and_the_site_writes_it() -> None:
    shipped = files("needling_facts.render").joinpath("handbook.css").read_text("utf-8")
    assert shipped == STYLESHEET
    assert STYLESHEET.count("{") == STYLESHEET.count("}")  # an unclosed block eats the rest
    good = load_from(FIXTURES / "good" / "references.bib", FIXTURES / "good" / "claims")
    assert build_site(good, {}, {}).pages[STYLESHEET_PATH] == STYLESHEET


def test_badges_meet_aa_contrast_and_never_share_a_colour() -> None:
    map_colours = dict(VERDICT_COLOURS)
    colours = dict(
        re.findall(
            r"\.nf-((?:certainty|verdict)-[a-z-]+) \{ background: (#[0-9a-f]{6}); \}", STYLESHEET
        )
    )
    certainty = {k: v for k, v in colours.items() if k.startswith("certainty")}
    verdict = {k: v for k, v in colours.items() if k.startswith("verdict")}
    assert len(certainty) == 4
    assert len(verdict) == 4
    assert not set(certainty.values()) & set(verdict.values())
    for name, colour in colours.items():
        assert _contrast(colour) >= 4.5, name  # white badge text
    # Claims beyond the article get an outlined badge (dark text on white) and a near-black marker.
    outlined = map_colours.pop(Verdict.NOT_IN_ARTICLE)
    assert f".nf-verdict-not-in-article {{ background: #fff; color: {outlined};" in STYLESHEET
    assert _contrast(outlined) >= 4.5
    assert outlined not in set(certainty.values()) | set(verdict.values())
    assert set(map_colours.values()) == set(verdict.values())  # the map's legend matches
    assert _contrast("#00695c") >= 4.5  # links and header


def test_every_risk_of_bias_level_has_a_chip_colour_that_meets_aa() -> None:
    rules = {
        level: (text, background)
        for level, text, background in re.findall(
            r"^\.nf-rob-([a-z-]+) \{ color: (#[0-9a-f]{6}); background: (#[0-9a-f]{6}); \}$",
            STYLESHEET,
            re.M,
        )
    }
    assert set(rules) == {level.value for level in BiasLevel}
    for level, (text, background) in rules.items():
        assert _contrast(text, background) >= 4.5, level


def test_a_retracted_badge_is_red_and_a_notice_amber() -> None:
    retracted, notice = _background(".nf-retracted"), _background(".nf-notice")
    red, green, blue = (int(retracted[i : i + 2], 16) for i in (1, 3, 5))
    assert red > 2 * green
    assert red > 2 * blue
    assert _background(".nf-verdict-partly-supported") == notice  # the verdicts' amber
    for colour in (retracted, notice):
        assert _contrast(colour) >= 7  # white text
    # After the plain badge's grey: the same specificity, so the later rule wins.
    assert STYLESHEET.index(".nf-retracted {") > STYLESHEET.index(".nf-badge {")
