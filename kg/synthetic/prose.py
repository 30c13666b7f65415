"""The policy prose of synthetic articles: sentences, paragraphs and name lists drawn from word tables."""

from __future__ import annotations

import random

_VERBS = (
    "deepen promote strengthen improve accelerate consolidate optimize advance expand coordinate support enhance "
    "stabilize build implement cultivate"
).split()
_OBJECTS = (
    "the reform of state-owned enterprises",
    "the business environment",
    "the industrial chain and supply chain",
    "scientific and technological innovation",
    "the construction of talent teams",
    "rural infrastructure",
    "the protection of the ecological environment",
    "employment and social security",
    "the private economy",
    "the opening-up platforms",
    "the integration of urban and rural areas",
    "grain production",
    "the prevention of major risks",
    "the digital transformation of manufacturing",
    "county economies",
    "the supervision of work safety",
    "the quality of public services",
    "the development of ports and logistics",
    "foreign trade and foreign investment",
    "the cultivation of leading enterprises",
    "the energy supply",
    "the governance of grassroots communities",
    "the efficiency of government services",
    "the housing market",
    "the education of young cadres",
    "the construction of water conservancy projects",
    "the tourism industry",
    "the modern agricultural system",
    "the allocation of land and capital",
    "medical and health services",
)
_ADVERBS = (
    "resolutely vigorously effectively solidly comprehensively steadily continuously earnestly further actively"
).split()
_OPENERS = (
    "It is necessary to",
    "We must",
    "Efforts should be made to",
    "All localities and departments should",
    "It is essential to",
    "We should",
    "Party committees and governments at all levels should",
)
_CLOSERS = (
    "and make new and greater contributions to the overall development of the province",
    "so as to provide a strong guarantee for economic and social development",
    "and ensure that all tasks for the year are completed with high quality",
    "and strive to achieve new breakthroughs in the new journey",
    "and constantly enhance the sense of gain and happiness of the people",
    "and firmly hold the bottom line of safety",
)
_THEMES = (
    "promoting the high-quality development of the manufacturing industry",
    "optimizing the business environment",
    "attracting investment and talent",
    "deepening the reform of state-owned enterprises",
    "ensuring the safety of production",
    "advancing rural revitalization",
    "strengthening ecological protection",
    "building a modern logistics system",
    "promoting the digital economy",
    "stabilizing employment",
    "improving people's livelihood",
    "developing the private economy",
    "expanding opening up",
)


def _clause(rng: random.Random) -> str:
    return f"{rng.choice(_ADVERBS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}"


def _policy_sentence(rng: random.Random, opener: str | None = None) -> str:
    """A sentence of policy prose; ``opener`` replaces the random opening words."""
    parts = [_clause(rng) for _ in range(rng.randint(2, 3))]
    body = ", ".join(parts[:-1]) + ", and " + parts[-1]
    tail = f", {rng.choice(_CLOSERS)}" if rng.random() < 0.5 else ""
    return f"{opener or rng.choice(_OPENERS)} {body}{tail}."


def _policy_paragraph(rng: random.Random, lead: str, sentences: int) -> str:
    """``lead`` ("The meeting pointed out that") and a reported sentence, then more policy sentences."""
    opener = rng.choice(_OPENERS)
    out = [_policy_sentence(rng, f"{lead} {opener[0].lower()}{opener[1:]}")]
    out += [_policy_sentence(rng) for _ in range(sentences - 1)]
    return " ".join(out)


def _names_list(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
