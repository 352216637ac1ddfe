"""A retracted study is shown red in a real browser: the computed colour, not the class."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from tests.browser.site_server import chromium_page, serve
from tests.conftest import REPO
from tests.engines.site_builder import build, fixture_site

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("retraction-site")
    # A retracted reference fails `--strict` (ref.retracted); a plain build shows it to readers.
    result = build(fixture_site(root, "retraction"), root / "out", strict=False)
    assert result.returncode == 0, result.stderr
    with serve(root / "out") as url:
        yield url


def _rgb(css: str) -> tuple[int, int, int]:
    """``rgb(127, 29, 29)`` -> (127, 29, 29); fails on anything else (e.g. transparent)."""
    match = re.fullmatch(r"rgb\((\d+), (\d+), (\d+)\)", css)
    assert match is not None, css
    red, green, blue = (int(part) for part in match.groups())
    return red, green, blue


def _contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    def luminance(rgb: tuple[int, int, int]) -> float:
        linear = [
            c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
            for c in (value / 255 for value in rgb)
        ]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _colours(page: Page, selector: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(background, text) colour of the first element matching ``selector``, as computed."""
    element = page.locator(selector).first
    background = element.evaluate("e => getComputedStyle(e).backgroundColor")
    text = element.evaluate("e => getComputedStyle(e).color")
    return _rgb(background), _rgb(text)


def test_the_retracted_badge_is_red_and_the_correction_amber(base_url: str) -> None:
    with chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base_url + "bibliography/")
        badge = page.locator("#ref-Retracted2018 .nf-retracted")
        assert badge.inner_text() == "Retracted"
        assert badge.is_visible()
        background, text = _colours(page, "#ref-Retracted2018 .nf-retracted")
        red, green, blue = background
        assert red >= 100  # a red that reads as red ...
        assert red > 2 * green  # ... not the plain badge's grey (107, 114, 128)
        assert red > 2 * blue
        assert _contrast(background, text) >= 7
        background, text = _colours(page, "#ref-Corrected2017 .nf-notice")
        red, green, blue = background
        assert red > green > blue  # amber: red, then less green, little blue
        assert _contrast(background, text) >= 7
        artifacts = REPO / "test-artifacts"
        artifacts.mkdir(exist_ok=True)
        page.locator("#ref-Retracted2018").screenshot(path=str(artifacts / "retracted.png"))
        assert errors == []
