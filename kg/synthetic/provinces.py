"""The synthetic world: provinces and their officials (distinct Chinese names), and the planted facts.

See ``kg.synthetic`` for the whole generator.
"""

from __future__ import annotations

import json
import random
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib.resources import files

from kg.extract.people import one_letter_apart
from kg.model import Document

MONTHS = "January February March April May June July August September October November December".split()
ORDINALS = (
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
).split()
FIRST_DAY = date(2021, 1, 4)
DAYS = 5 * 365
# Syllables common in given names (all in chinese_names.toml), so names read like real ones.
_GIVEN = (
    "jian guo qing hua ming wei jun hong li yong ping gang feng bo tao hui xin lin hai dong jie bin yu zhi wen "
    "jin liang chun lei qiang xiao yan ning peng kai zhong de sheng cheng xiang rong an hao yun fei long shan "
    "song jia zhen yi min chao kun qi bao fang lan mei xue shu ye zhan heng quan yuan wu shi hu gui jing kang le "
    "nan pei qin ren ru sen tian xing xu yang ying zheng zhou zhu jiang cai chang fu he huai ji kui lu mu qun "
    "rui shou tong wan xi xian yao you ze zi zhao ke shuang tie wang biao di ting xia hang"
).split()
# Common surnames of officials: single syllable, unambiguous as names in English text.
_SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo Gao Lin Luo Zheng Liang Xie Song "
    "Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Yuan Pan Jiang Cai Du Ye Cheng Wei Su Lu Ding Ren Shen "
    "Yao Jin Qian Hao Xia Meng Kong Bai Cui Kang Mao Qiu Qin Shi Gu Hou Shao Duan Lei Tan Yin Wen Niu Fang "
    "Fu Fan Zou Xiong Jia Gong Yan Dai Xue Xing Tao Hong Zhai Yue Ning Guan Lai Miao"
).split()


# ---------------------------------------------------------------- the data kg ships


@cache
def _toml(name: str) -> dict:
    return tomllib.loads(files("kg.data").joinpath(name).read_text(encoding="utf-8"))


@cache
def _places() -> tuple[dict, ...]:
    text = files("kg.data").joinpath("places.jsonl").read_text(encoding="utf-8")
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


@cache
def _given_syllables() -> tuple[str, ...]:
    known = set(_toml("chinese_names.toml")["syllables"])
    return tuple(s for s in _GIVEN if s in known)


@cache
def _place_words() -> frozenset[str]:
    """Every place name and alias, lowercase (a given name must not read as a place: "Wang Shenzhen")."""
    out = set()
    for place in _places():
        out.add(place["name"].lower())
        out.update(a.lower() for a in place.get("aliases", ()))
    return frozenset(out)


@cache
def _surnames() -> tuple[str, ...]:
    known = set(_toml("chinese_names.toml")["surnames"])
    return tuple(s for s in _SURNAMES if s in known)


@cache
def _titles() -> frozenset[str]:
    return frozenset(t["name"] for t in _toml("titles.toml")["title"])


@cache
def _strategies() -> tuple[tuple[str, str], ...]:
    """National strategies of initiatives.toml (regional ones excluded): (canonical name, wording in text)."""
    out = []
    for entry in _toml("initiatives.toml").get("strategy", []):
        if entry.get("regional") or entry.get("optional"):
            continue
        forms = entry.get("forms") or [entry["name"].lower()]
        out.append((entry["name"], entry["name"] if entry["name"].lower() in forms else forms[0]))
    return tuple(out)


@cache
def _meeting_kinds() -> frozenset[str]:
    return frozenset(k["kind"] for k in _toml("meetings.toml")["kind"])


@cache
def _provinces() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(province, its cities) for the provinces of places.jsonl that have at least three cities."""
    seen: dict[str, int] = {}
    for place in _places():
        for name in (place["name"], *place.get("aliases", ())):
            seen[name.lower()] = seen.get(name.lower(), 0) + 1
    cities: dict[str, list[str]] = {}
    for place in _places():  # cities whose name means one place only ("Suzhou" is in Anhui and Jiangsu)
        if place.get("level") == "city" and place.get("parent") and seen[place["name"].lower()] == 1:
            cities.setdefault(place["parent"], []).append(place["name"])
    out = []
    for place in _places():
        if place.get("level") == "province" and place.get("parent") == "China":
            own = sorted(cities.get(place["name"], []))
            if len(own) >= 3:
                out.append((place["name"], tuple(own)))
    return tuple(sorted(out))


# ---------------------------------------------------------------- the world


@dataclass(frozen=True)
class Official:
    name: str
    title: str  # canonical kg title, e.g. "Vice Governor"
    org: str  # canonical organization name, e.g. "Liaoning Provincial People's Government"
    also: tuple[tuple[str, str], ...] = ()  # further (title, org) posts

    @property
    def surname(self) -> str:
        return self.name.split()[0]


@dataclass(frozen=True)
class Province:
    name: str
    capital: str
    cities: tuple[str, ...]
    secretary: Official
    governor: Official  # also Deputy Secretary of the party committee
    deputy_secretary: Official
    congress_director: Official
    cppcc_chairman: Official
    vice_governors: tuple[Official, ...]
    vice_chairmen: tuple[Official, ...]
    standing_members: tuple[Official, ...]
    city_secretaries: tuple[Official, ...]  # one per city of ``cities``


def party_committee(province: str) -> str:
    return f"CPC {province} Provincial Committee"


def government(province: str) -> str:
    return f"{province} Provincial People's Government"


def congress(province: str) -> str:
    return f"{province} Provincial People's Congress"


def cppcc(province: str) -> str:
    return f"{province} Provincial Committee of the CPPCC"


class _Namer:
    """Distinct names: unique in the world, one surname per province, no two names one letter apart."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.by_surname: dict[str, list[str]] = {}

    def name(self, taken_surnames: set[str]) -> str:
        syllables, surnames = _given_syllables(), _surnames()
        for _ in range(10_000):
            surname = self.rng.choice(surnames)
            if surname in taken_surnames:
                continue
            count = 1 if self.rng.random() < 0.2 else 2
            given = "".join(self.rng.choice(syllables) for _ in range(count))
            if given.lower() in _place_words() or given.capitalize() in surnames:
                continue
            full = f"{surname} {given.capitalize()}"
            if full in self.used or any(one_letter_apart(full, o) for o in self.by_surname.get(surname, ())):
                continue
            self.used.add(full)
            self.by_surname.setdefault(surname, []).append(full)
            taken_surnames.add(surname)
            return full
        raise RuntimeError("cannot draw a new name")  # pragma: no cover


@cache
def world(seed: int = 0) -> tuple[Province, ...]:
    """The officials of every province for ``seed`` (deterministic)."""
    rng = random.Random(f"kg-synthetic-world:{seed}")
    namer = _Namer(rng)
    provinces = []
    for name, cities in _provinces():
        taken: set[str] = set()
        pc, gov, npc, cp = party_committee(name), government(name), congress(name), cppcc(name)
        own_cities = tuple(rng.sample(cities, min(4, len(cities))))

        def official(title: str, org: str, also: tuple[tuple[str, str], ...] = ()) -> Official:
            return Official(namer.name(taken), title, org, also)  # noqa: B023 - used at once

        provinces.append(
            Province(
                name=name,
                capital=own_cities[0],
                cities=own_cities,
                secretary=official("Secretary", pc),
                governor=official("Governor", gov, (("Deputy Secretary", pc),)),
                deputy_secretary=official("Deputy Secretary", pc),
                congress_director=official("Director", f"Standing Committee of the {npc}"),
                cppcc_chairman=official("Chairman", cp),
                vice_governors=tuple(official("Vice Governor", gov) for _ in range(4)),
                vice_chairmen=tuple(official("Vice Chairman", cp) for _ in range(4)),
                standing_members=tuple(official("Member of the Standing Committee", pc) for _ in range(4)),
                city_secretaries=tuple(official("Secretary", f"CPC {c} Municipal Committee") for c in own_cities),
            )
        )
    return tuple(provinces)


# ---------------------------------------------------------------- planted facts


@dataclass(frozen=True)
class PlantedFact:
    """A fact written into a synthetic article.

    - ``presided`` / ``spoke`` / ``attended``: subject = the meeting's kind (kg's label, e.g.
      "standing committee meeting"), object = the person's full name
    - ``holds`` / ``appointed``: subject = the person, object = the post's label ("Vice Governor of
      the Hebei Provincial People's Government", kg's ``Post.label`` form)
    - ``promotes``: subject = "meeting" or a person's name, object = the strategy's canonical name
    - ``reports``: subject = the meeting's kind, object = its date (YYYY-MM-DD)
    """

    doc_id: str
    kind: str
    subject: str
    object: str


@dataclass(frozen=True)
class SyntheticCorpus:
    documents: tuple[Document, ...]
    facts: tuple[PlantedFact, ...] = field(default=(), repr=False)

    def facts_of(self, kind: str) -> list[PlantedFact]:
        return [f for f in self.facts if f.kind == kind]
