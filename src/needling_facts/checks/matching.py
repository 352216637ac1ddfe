"""When do two spellings of a title, page range or journal name mean the same thing?

Records and bibliographies write the same facts differently: Crossref titles carry HTML
(``<i>in vivo</i>``), PubMed ends titles with a full stop and brackets translated ones, page
ranges come as ``1421-9``, ``1421\u20131429`` (en dash) or ``1421--1429``, and a journal is
named in full or by its NLM abbreviation. These pure functions say when such spellings agree.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = [
    "is_abbreviation_of",
    "journals_agree",
    "normalise_journal",
    "normalise_pages",
    "normalise_title",
    "pages_agree",
    "titles_agree",
]

_TAG = re.compile(r"<[^>]+>")
_LATEX_COMMAND = re.compile(r"\\[A-Za-z]+\s*")
_NON_WORD = re.compile(r"[^\w]+")


def _fold(text: str) -> str:
    """Casefolded, without accents, tags, entities, LaTeX commands or punctuation."""
    text = html.unescape(_TAG.sub(" ", text))
    text = _LATEX_COMMAND.sub(" ", text).replace("{", "").replace("}", "")
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = _NON_WORD.sub(" ", bare.casefold().replace("_", " "))
    return " ".join(words.split())


def normalise_title(title: str) -> str:
    """``"Microneedling: <i>A</i> Review."`` -> ``"microneedling a review"``."""
    return _fold(title)


def titles_agree(a: str, b: str) -> bool:
    """Whether two titles name the same work: equal once normalised, or one is the other
    plus a subtitle. ``check`` (title mismatches) and ``verify --find-ids`` use this one rule."""
    x, y = normalise_title(a), normalise_title(b)
    if x == y:
        return True
    # A record may drop or add a subtitle; a different paper does not share its first words.
    shorter, longer = sorted((x, y), key=len)
    return len(shorter.split()) >= 4 and longer.startswith(shorter + " ")


_DASHES = re.compile(r"\s*(?:-{1,3}|[\u2010-\u2015\u2212])\s*")
_NUMBERED = re.compile(r"^(?P<prefix>[A-Za-z]*)(?P<first>\d+)-(?P<prefix2>[A-Za-z]*)(?P<last>\d+)$")


def normalise_pages(pages: str) -> str:
    """One spelling of a page range: hyphen, full last page, no spaces, lowercase.

    ``1421-9`` and ``1421\u20131429`` (en dash) both give ``1421-1429``; ``e13005`` stays.
    """
    text = _DASHES.sub("-", pages.strip()).replace(" ", "").lower()
    match = _NUMBERED.match(text)
    if match is None:
        return text
    first, last = match.group("first"), match.group("last")
    if len(last) < len(first):
        # Abbreviated range (MEDLINE style): the last page repeats the first's leading digits.
        last = first[: len(first) - len(last)] + last
    prefix = match.group("prefix")
    return f"{prefix}{first}-{prefix}{last}" if prefix else f"{first}-{last}"


def pages_agree(a: str, b: str) -> bool:
    return normalise_pages(a) == normalise_pages(b)


_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")
_SKIPPABLE = frozenset({"of", "and", "the", "for", "in", "on", "i", "de", "la", "fur", "und"})


def normalise_journal(name: str) -> str:
    """``"J. Clin. & Aesthet. Dermatol."`` -> ``"j clin and aesthet dermatol"``."""
    return _fold(name.replace("&", " and "))


def is_abbreviation_of(short: str, full: str) -> bool:
    """Whether ``short`` abbreviates ``full`` word by word, as NLM and ISO 4 abbreviations do.

    Each abbreviated word must begin the next word of the full title; the full title may skip
    short function words (``of``, ``and``, Polish ``i``...) that abbreviations drop.
    ``J Clin Aesthet Dermatol`` abbreviates ``Journal of Clinical and Aesthetic Dermatology``.
    """
    # NLM tells journals of the same name apart with a place: "Front Med (Lausanne)".
    abbreviated = normalise_journal(_QUALIFIER.sub("", short)).split()
    words = normalise_journal(full).split()
    if not abbreviated or len(abbreviated) > len(words):
        return False
    position = 0
    for part in abbreviated:
        while position < len(words) and not words[position].startswith(part):
            if words[position] not in _SKIPPABLE:
                return False
            position += 1
        if position == len(words):
            return False
        position += 1
    return all(word in _SKIPPABLE for word in words[position:])


def journals_agree(a: str, b: str) -> bool:
    """Same journal: equal when normalised, or one abbreviates the other."""
    if normalise_journal(a) == normalise_journal(b):
        return True
    return is_abbreviation_of(a, b) or is_abbreviation_of(b, a)
