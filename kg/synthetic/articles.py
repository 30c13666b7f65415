"""Synthetic articles: the prose and sentence shapes of the genre, and the generator's public functions.

See ``kg.synthetic`` for the whole generator.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from kg.model import Document
from kg.synthetic.prose import _THEMES, _clause, _names_list, _policy_paragraph, _policy_sentence
from kg.synthetic.provinces import (
    DAYS,
    FIRST_DAY,
    MONTHS,
    ORDINALS,
    Official,
    PlantedFact,
    Province,
    SyntheticCorpus,
    _strategies,
    government,
    party_committee,
    world,
)

# ---------------------------------------------------------------- prose


def _day(d: date) -> str:
    return f"{MONTHS[d.month - 1]} {d.day}"


# ---------------------------------------------------------------- articles


@dataclass
class _Article:
    rng: random.Random
    province: Province
    when: date
    facts: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, subject, object)

    def fact(self, kind: str, subject: str, obj: str) -> None:
        self.facts.append((kind, subject, obj))

    def holds(self, person: Official, title: str | None = None, org: str | None = None) -> None:
        self.fact("holds", person.name, f"{title or person.title} of the {org or person.org}")


def _post_phrase(o: Official, province: str, short: bool = False) -> str:
    """How the text names an official's post (canonical title, organization written out)."""
    title, org = o.title, o.org
    if title == "Governor":
        return f"Deputy Secretary of the CPC {province} Provincial Committee and Governor of {province} Province"
    if title == "Secretary" and org == party_committee(province):
        return f"Secretary of the CPC {province} Provincial Committee"
    if title == "Vice Governor":
        return f"Vice Governor of {province} Province"
    if title == "Chairman":
        return f"Chairman of the {province} Provincial Committee of the CPPCC"
    if title == "Director":
        return f"Director of the Standing Committee of the {province} Provincial People's Congress"
    return f"{title} of the {org}"


def _plant_post(article: _Article, o: Official) -> None:
    p = article.province.name
    if o.title == "Governor":
        article.holds(o, "Deputy Secretary", party_committee(p))
        article.holds(o, "Governor", government(p))
    else:
        article.holds(o)


def _lead(article: _Article, kind: str) -> tuple[str, str]:
    """The opening sentences for a meeting of ``kind``: (text, kg meeting kind)."""
    rng, p, d = article.rng, article.province, article.when
    on = f"On {_day(d)}"
    topic = rng.choice(_THEMES)
    if kind == "party_standing":
        text = (
            f"{on}, the Standing Committee of the CPC {p.name} Provincial Committee held a meeting to convey and "
            f"study the spirit of the important speeches of General Secretary Xi Jinping and to study measures for "
            f"{topic}. Provincial party secretary {p.secretary.name} presided over the meeting."
        )
        article.fact("presided", "standing committee meeting", p.secretary.name)
        return text, "standing committee meeting"
    if kind == "executive":
        text = (
            f"{on}, {p.governor.name}, Governor of {p.name} Province, presided over an executive meeting of the "
            f"{p.name} Provincial People's Government in {p.capital} to study measures for {topic}."
        )
        article.fact("presided", "standing committee meeting", p.governor.name)
        article.holds(p.governor, "Governor", government(p.name))
        return text, "standing committee meeting"
    if kind == "cppcc_standing":
        n = rng.randint(3, 19)
        text = (
            f"{on}, the {ORDINALS[n]} meeting of the Standing Committee of the 13th {p.name} Provincial Committee "
            f"of the CPPCC was held in {p.capital}. Provincial CPPCC Chairman {p.cppcc_chairman.name} presided "
            f"over the meeting."
        )
        article.fact("presided", "standing committee meeting", p.cppcc_chairman.name)
        article.holds(p.cppcc_chairman)
        return text, "standing committee meeting"
    if kind == "npc_standing":
        n = rng.randint(3, 19)
        text = (
            f"{on}, the {ORDINALS[n]} meeting of the Standing Committee of the 14th {p.name} Provincial People's "
            f"Congress was held in {p.capital}. {p.congress_director.name}, Director of the Standing Committee of "
            f"the {p.name} Provincial People's Congress, presided over the meeting."
        )
        article.fact("presided", "standing committee meeting", p.congress_director.name)
        article.holds(p.congress_director)
        return text, "standing committee meeting"
    if kind == "symposium":
        city = rng.choice(p.cities)
        text = (
            f"{on}, {p.secretary.name}, Secretary of the CPC {p.name} Provincial Committee, presided over a "
            f"symposium of experts and entrepreneurs in {city} to hear opinions and suggestions on {topic}."
        )
        article.fact("presided", "symposium", p.secretary.name)
        article.holds(p.secretary)
        return text, "symposium"
    if kind == "conference":
        text = (
            f"{on}, {p.name} held a provincial work conference on {topic} in {p.capital}. "
            f"{p.secretary.name}, Secretary of the CPC {p.name} Provincial Committee, attended the conference "
            f"and delivered a speech. {p.governor.name}, Governor of {p.name} Province, presided over the "
            f"conference."
        )
        article.fact("attended", "conference", p.secretary.name)
        article.fact("spoke", "conference", p.secretary.name)
        article.fact("presided", "conference", p.governor.name)
        article.holds(p.secretary)
        article.holds(p.governor, "Governor", government(p.name))
        return text, "conference"
    if kind == "study":
        text = (
            f"{on}, the Standing Committee of the CPC {p.name} Provincial Committee held a collective study session "
            f"on {topic}. {p.secretary.name}, Secretary of the CPC {p.name} Provincial Committee, presided over the "
            f"study session and delivered a speech."
        )
        article.fact("presided", "collective study session", p.secretary.name)
        article.fact("spoke", "collective study session", p.secretary.name)
        article.holds(p.secretary)
        return text, "collective study session"
    # plenary
    n = rng.randint(2, 9)
    text = (
        f"The {ORDINALS[n]} plenary session of the 12th CPC {p.name} Provincial Committee was held in "
        f"{p.capital} on {_day(d)}. The plenary session was presided over by the Standing Committee of the "
        f"Provincial Party Committee, and {p.secretary.name}, Secretary of the CPC {p.name} Provincial Committee, "
        f"delivered a speech."
    )
    article.fact("spoke", "plenary session", p.secretary.name)
    article.holds(p.secretary)
    return text, "plenary session"


_KINDS = "party_standing executive cppcc_standing npc_standing symposium conference study plenary".split()


def _attendance(article: _Article, kind: str, meeting_kind: str) -> list[str]:
    """Sentences on who else attended and spoke."""
    rng, p = article.rng, article.province
    noun = {"conference": "conference", "collective study session": "study session", "symposium": "symposium"}.get(
        meeting_kind, "meeting"
    )
    noun = "plenary session" if meeting_kind == "plenary session" else noun
    out = []
    if kind in ("party_standing", "study", "symposium"):
        g = p.governor
        out.append(f"{g.name}, {_post_phrase(g, p.name)}, attended the {noun} and delivered a speech.")
        article.fact("attended", meeting_kind, g.name)
        article.fact("spoke", meeting_kind, g.name)
        _plant_post(article, g)
    if kind in ("cppcc_standing",):
        chairs = rng.sample(p.vice_chairmen, rng.randint(2, 4))
        out.append(f"Vice chairmen {_names_list([c.name for c in chairs])} attended the {noun}.")
        for c in chairs:
            article.fact("attended", meeting_kind, c.name)
    if kind in ("party_standing", "conference", "plenary"):
        people = [p.congress_director, p.cppcc_chairman]
        out.append(
            f"{p.congress_director.name}, {_post_phrase(p.congress_director, p.name)}; and "
            f"{p.cppcc_chairman.name}, {_post_phrase(p.cppcc_chairman, p.name)}, attended the {noun}."
        )
        for o in people:
            article.fact("attended", meeting_kind, o.name)
            _plant_post(article, o)
    if kind in ("executive", "conference"):
        vgs = rng.sample(p.vice_governors, rng.randint(2, 3))
        out.append(f"Vice governors {_names_list([v.name for v in vgs])} attended the {noun}.")
        for v in vgs:
            article.fact("attended", meeting_kind, v.name)
    if kind in ("party_standing", "study", "plenary") and rng.random() < 0.7:
        members = rng.sample(p.standing_members, rng.randint(2, 3))
        out.append(
            f"Members of the Standing Committee of the Provincial Party Committee "
            f"{_names_list([m.name for m in members])} attended the {noun}."
        )
        for m in members:
            article.fact("attended", meeting_kind, m.name)
    if kind == "npc_standing":
        vg, new = rng.sample(p.vice_governors, 2)
        if rng.random() < 0.5:
            out.append(f"The meeting voted to appoint {new.name} as Vice Governor of {p.name} Province.")
            article.fact("appointed", new.name, f"Vice Governor of the {government(p.name)}")
        out.append(f"{vg.name}, Vice Governor of {p.name} Province, attended the {noun} as a nonvoting delegate.")
        article.fact("attended", meeting_kind, vg.name)
        _plant_post(article, vg)
    if kind == "symposium" and rng.random() < 0.8:
        cs = rng.choice(p.city_secretaries)
        out.append(f"{cs.name}, Secretary of the {cs.org}, attended the {noun}.")
        article.fact("attended", meeting_kind, cs.name)
        _plant_post(article, cs)
    return out


def _speech(article: _Article, speaker: Official, meeting_kind: str) -> str:
    """A paragraph of what the speaker said (person spoke; surname-only follow-ups)."""
    rng = article.rng
    verb = rng.choice(("pointed out that", "stressed that", "emphasized that", "noted that"))
    first = _policy_sentence(rng, f"{speaker.name} {verb} we must")
    article.fact("spoke", meeting_kind, speaker.name)
    body = [first] + [_policy_sentence(rng) for _ in range(rng.randint(2, 4))]
    if rng.random() < 0.6:
        name, wording = rng.choice(_strategies())
        body.append(f"{speaker.surname} called for efforts to fully implement the {wording} and {_clause(rng)}.")
        article.fact("promotes", speaker.name, name)
    return " ".join(body)


def _initiatives(article: _Article) -> str:
    rng = article.rng
    (first, first_wording), (second, second_wording) = rng.sample(_strategies(), 2)
    article.fact("promotes", "meeting", first)
    article.fact("promotes", "meeting", second)
    text = (
        f"The meeting stressed that it is necessary to thoroughly implement the {first_wording}, "
        f"{_clause(rng)}, and {_clause(rng)}. The meeting called for efforts to promote the {second_wording} "
        f"and {_clause(rng)}."
    )
    if rng.random() < 0.5:
        start = article.when.year + 1
        topic = " ".join(w if w in ("and", "of", "the") else w.capitalize() for w in rng.choice(_THEMES).split())
        text += (
            f" The meeting reviewed and approved the \u201cAction Plan of {article.province.name} for {topic} "
            f"({start}-{start + 2})\u201d."
        )
    return text


def _article(seed: int, index: int) -> tuple[str, date, list[tuple[str, str, str]]]:
    rng = random.Random(f"kg-synthetic-article:{seed}:{index}")
    provinces = world(seed)
    province = provinces[rng.randrange(len(provinces))]
    when = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    article = _Article(rng, province, when)
    kind = rng.choice(_KINDS)
    lead, meeting_kind = _lead(article, kind)
    article.fact("reports", meeting_kind, when.isoformat())
    paragraphs = [lead + " " + " ".join(_attendance(article, kind, meeting_kind))]
    paragraphs.append(_policy_paragraph(rng, "The meeting pointed out that", rng.randint(3, 5)))
    speaker = {
        "executive": province.governor,
        "cppcc_standing": province.cppcc_chairman,
        "npc_standing": province.congress_director,
    }.get(kind, province.secretary)
    paragraphs.append(_speech(article, speaker, meeting_kind))
    paragraphs.append(_initiatives(article))
    while sum(len(p.split()) for p in paragraphs) < rng.randint(400, 700):
        lead_in = rng.choice(
            ("The meeting emphasized that", "The meeting required that", "The meeting held that", "It was noted that")
        )
        paragraphs.append(_policy_paragraph(rng, lead_in, rng.randint(3, 6)))
    paragraphs.append(f"The meeting also {rng.choice(('studied', 'discussed'))} other matters.")
    text = "\n\n".join(paragraphs) + "\n"
    return text, when + timedelta(days=rng.choice((0, 0, 1))), article.facts


def doc_id(seed: int, index: int) -> str:
    return f"syn{seed}_{index:06d}"


def _document(seed: int, index: int) -> tuple[Document, list[PlantedFact]]:
    text, published, facts = _article(seed, index)
    ident = doc_id(seed, index)
    doc = Document(
        doc_id=ident,
        file_name=f"{ident}.txt",
        path=f"synthetic/{ident}.txt",
        text=text,
        date=published,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    planted = list(dict.fromkeys(PlantedFact(ident, k, s, o) for k, s, o in facts))
    return doc, planted


def iter_documents(n: int, seed: int = 0) -> Iterator[Document]:
    """The ``n`` articles of ``seed``, one at a time (nothing else is held in memory)."""
    for i in range(n):
        yield _document(seed, i)[0]


def generate(n: int, seed: int = 0) -> list[Document]:
    """``n`` synthetic articles; the same ``seed`` gives identical texts."""
    return list(iter_documents(n, seed))


def generate_corpus(n: int, seed: int = 0) -> SyntheticCorpus:
    """``n`` synthetic articles and the facts planted in them."""
    docs, facts = [], []
    for i in range(n):
        doc, planted = _document(seed, i)
        docs.append(doc)
        facts.extend(planted)
    return SyntheticCorpus(tuple(docs), tuple(facts))


def file_text(doc: Document) -> str:
    """What ``write_corpus`` writes for ``doc``: `` date YYYY-MM-DD `` and the body (kg.ingest reads it back)."""
    return f" date {doc.date.isoformat()} {doc.text}" if doc.date else doc.text


def write_corpus(folder: str | Path, n: int, seed: int = 0) -> list[Path]:
    """Write the ``n`` articles of ``seed`` as ``{doc_id}.txt`` files into ``folder``; return their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for doc in iter_documents(n, seed):
        path = out / doc.file_name
        path.write_text(file_text(doc), encoding="utf-8")
        paths.append(path)
    return paths


def word_count(text: str) -> int:
    return len(text.split())
