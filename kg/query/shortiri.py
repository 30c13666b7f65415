"""Short IRIs as kg prints them (``id:person/zhou-bo``) are accepted in queries.

kg's tables abbreviate IRIs with its prefixes, keeping the slashes of the local part, which SPARQL's
prefixed names do not allow (``id:person/zhou-bo`` would parse as a property path). Before a
query is parsed, each such name with a known prefix (kg's, or one the query declares) is written
as the full IRI ``<https://w3id.org/kg/id/person/zhou-bo>``. Property paths (``ex:p/ex:q``,
``ex:p/a``), strings, comments and IRIs are left as they are.
"""

from __future__ import annotations

import re

__all__ = ["expand_short_iris"]

_SEGMENT = r"[A-Za-z0-9_%\-](?:[A-Za-z0-9_%.\-]*[A-Za-z0-9_%\-])?"
_SHORT = re.compile(rf"(?<![\w?$<:.\-])(?P<prefix>[A-Za-z][\w.-]*)?:(?P<local>{_SEGMENT}(?:/{_SEGMENT})+)(?![\w:/])")


def expand_short_iris(sparql: str, masked: str, namespaces: dict[str, str]) -> str:
    """``sparql`` with printed short IRIs (a known prefix, a local part with slashes) as full ``<IRI>``s.

    ``masked`` is ``sparql`` with its strings, comments and IRIs blanked (``kg.query.prepare.mask``)
    and ``namespaces`` the prefixes in force (kg's and those the query declares).
    """
    out, last = [], 0
    for match in _SHORT.finditer(masked):
        prefix, local = match.group("prefix") or "", match.group("local")
        if prefix not in namespaces or "a" in local.split("/")[1:]:
            continue
        out += [sparql[last : match.start()], f"<{namespaces[prefix]}{local}>"]
        last = match.end()
    return "".join(out) + sparql[last:] if out else sparql
