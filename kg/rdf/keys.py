"""Lookup keys: the exact, normalised form of a name or title that kg stores beside it.

Parameter lookups (a person's name, a post's title, a region) match ``kg:nameKey`` /
``kg:titleKey`` literals exactly, which an RDF store answers from its index, instead of
case-folding every name in a FILTER. The same function makes the stored keys (at mapping time)
and the keys looked up (a query's parameter value), so both sides always agree.
"""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")


def name_key(text: str) -> str:
    """The lookup key of a name or title: NFKC, case-folded, whitespace collapsed and trimmed.

    ``name_key("  Li  QIANG ")`` is ``"li qiang"``; ``name_key("Ｇｕａｎｇｄｏｎｇ")`` is ``"guangdong"``.
    Punctuation and accents are kept: "Xi'an" and "Xian" are different places.
    """
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()
