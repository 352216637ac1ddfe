"""The allow-list sanitiser and the unsafe-link finder on their own."""

from __future__ import annotations

import pytest

from needling_facts.render.sanitize import clean_html
from needling_facts.sources.links import unsafe_links, unsafe_url


@pytest.mark.parametrize(
    "html",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<img src="x" onerror="alert(1)">',
        '<p onclick="alert(1)">x</p>',
        "<script>alert(1)</script>",
        '<iframe src="https://example.org"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<svg><a href="javascript:alert(1)"><text>x</text></a></svg>',
    ],
)
def test_clean_html_removes_script(html: str) -> None:
    cleaned = clean_html(html).lower()
    for bad in ("javascript:", "vbscript:", "data:", "onerror", "onclick", "<script", "iframe"):
        assert bad not in cleaned
    assert "background" not in cleaned


def test_clean_html_keeps_what_pages_need() -> None:
    html = (
        '<p class="nf-badges"><a href="../outcomes/scars/" title="t">x</a> '
        '<a href="https://doi.org/10.1/x" rel="noopener">DOI</a> <a href="mailto:a@b.org">m</a></p>'
        '<table><tr><th style="text-align: right;">n</th></tr></table>'
        '<svg class="nf-evidence-map" viewBox="0 0 10 10" role="group"><circle cx="1" cy="1" r="2" '
        'fill="#166534"/></svg><input type="checkbox" disabled checked>'
        '<script type="application/ld+json">{"@type": "ClaimReview", "name": "\\u003c/script>"}'
        "</script>"
    )
    cleaned = clean_html(html)
    for kept in (
        'href="../outcomes/scars/"',
        'href="https://doi.org/10.1/x"',
        'href="mailto:a@b.org"',
        'style="text-align: right;"',
        'viewBox="0 0 10 10"',
        'type="checkbox"',
        '<script type="application/ld+json">{"@type": "ClaimReview"',
    ):
        assert kept in cleaned
    assert cleaned.count("</script>") == 1  # the JSON-LD's "</script>" stays escaped
    # A JSON-LD block that breaks out of itself is not JSON: it is dropped, not kept as code.
    broken = '<script type="application/ld+json">{"a": "</script><script>alert(1)</script>"}'
    assert "<script" not in clean_html(broken)


def test_unsafe_url_sees_through_entities_and_invisible_characters() -> None:
    assert unsafe_url("java&#x09;script:alert(1)") == "javascript"
    assert unsafe_url(" \u200bdata:text/html,x") == "data"
    assert unsafe_url("https://example.org") is None
    assert unsafe_url("../relative.md#x") is None
    assert unsafe_url("mailto:x@y.org") is None


def test_unsafe_links_in_markdown() -> None:
    text = (
        "ok [a](https://x.org) [b](javascript:alert(1))\n"
        "[ref]: vbscript:x\n"
        'para\n{: onclick="alert(1)" }\n'
        "<data:text/html,x> <https://fine.org>\n"
    )
    found = [
        (text.count("\n", 0, f.offset) + 1, f.message.split(" ")[0]) for f in unsafe_links(text)
    ]
    assert found == [(1, "link"), (2, "link"), (4, "attribute"), (5, "autolink")]


def test_content_naming_the_json_ld_placeholder_cannot_move_the_block() -> None:
    # Issue 19: the JSON-LD was spliced back at the first place the text named its placeholder.
    block = '<script type="application/ld+json">{"a": 1}</script>'
    html = clean_html("<p>nf-json-ld-0-nf</p>" + block)
    assert html.startswith("<p>nf-json-ld-0-nf</p>")
    assert html.endswith('{"a": 1}</script>') or html.endswith('{"a":1}</script>')


def test_a_removed_tag_cannot_join_text_into_citation_syntax() -> None:
    # Found by Hypothesis: "[</div>@" lost its stray tag and read "[@" on the page.
    assert clean_html("<p>[</div>@</p>") == "<p>[&#64;</p>"
    assert clean_html("<pre><code>[@Key]</code></pre>") == "<pre><code>[@Key]</code></pre>"
