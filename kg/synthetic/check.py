"""Checking kg's extraction against the facts planted in synthetic articles."""

from __future__ import annotations

from collections.abc import Iterable

from kg.model import Corpus
from kg.synthetic.provinces import PlantedFact


def found_facts(corpus: Corpus) -> set[PlantedFact]:
    """The facts of a resolved kg ``Corpus`` in the shape of ``PlantedFact`` (for comparison)."""
    names = {p.key: p.name for p in corpus.people}
    posts = {p.key: p.label for p in corpus.posts}
    meetings = {m.key: m for m in corpus.meetings}
    initiatives = {i.key: i.name for i in corpus.initiatives}
    out = set()
    for f in corpus.facts:
        doc = f.evidence.doc_id
        if f.kind in ("presided", "spoke", "attended") and f.subject in meetings and f.object in names:
            out.add(PlantedFact(doc, f.kind, meetings[f.subject].kind, names[f.object]))
        elif f.kind in ("holds", "appointed") and f.subject in names and f.object in posts:
            out.add(PlantedFact(doc, f.kind, names[f.subject], posts[f.object]))
        elif f.kind == "promotes" and f.object in initiatives:
            promoter = "meeting" if f.subject in meetings else names.get(f.subject, f.subject)
            out.add(PlantedFact(doc, "promotes", promoter, initiatives[f.object]))
        elif f.kind == "reports" and f.object in meetings:
            meeting = meetings[f.object]
            out.add(PlantedFact(doc, "reports", meeting.kind, meeting.date or ""))
    return out


def recall(planted: Iterable[PlantedFact], corpus: Corpus) -> dict[str, tuple[int, int]]:
    """Per fact kind: (planted facts that kg found, planted facts), comparing ``found_facts(corpus)``."""
    found = found_facts(corpus)
    out: dict[str, tuple[int, int]] = {}
    for fact in planted:
        hit, total = out.get(fact.kind, (0, 0))
        out[fact.kind] = (hit + (fact in found), total + 1)
    return dict(sorted(out.items()))
