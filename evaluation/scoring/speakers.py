"""Is a predicted quote's speaker right? Speaker accuracy and end-to-end attribution, at two levels.

A gold quote names its speaker by span id; the speaker's entity is every gold PER/ORG span of
the document with the same `canonical` name (just the speaker span when it has none). As in
Muzny et al. (2017), who score quote-to-mention and mention-to-entity separately, there are two
levels:

Entity level (`entity_level`):
- A predicted speaker given as a span `(start, end)` is right when it has the boundaries of
  one of the entity's gold mentions (any mention, not only the one the gold quote points to).
- A speaker given as a name string is right when it equals, ignoring case and surrounding
  spaces, the canonical name or the text of one of the mentions.

Mention level (`mention_level`):
- A span is right only with the boundaries of the very mention the gold quote points to.
- A name string is right only when it equals (same normalization) that mention's own text.

At both levels a gold quote without a speaker is right only with no predicted speaker, and
vice versa.

Attribution credit of a matched quote pair under a scheme is its detection credit (1 for
correct, 0.5 for partial, else 0) when the speaker is right, else 0.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsspans.corpus.model import SPEAKER_LABELS, Span

from ..predictions import Prediction


@dataclass(frozen=True)
class GoldSpeaker:
    """The gold speaker of one quote that names one: the mention it points to (None when the id
    is none of the document's spans) and every gold mention of that mention's entity."""

    mention: Span | None
    mentions: tuple[Span, ...]


def gold_speakers(quotes: Sequence[Span], doc_spans: Sequence[Span]) -> list[GoldSpeaker | None]:
    """The `GoldSpeaker` of each of `quotes` (all of one document, whose gold spans are
    `doc_spans`), None for a quote without a speaker. The document's spans are indexed once,
    not once per quote: a rule below runs for every matched quote pair."""
    by_id = {s.id: s for s in doc_spans}
    entities: dict[str, tuple[Span, ...]] = {}
    out: list[GoldSpeaker | None] = []
    for quote in quotes:
        if quote.speaker is None:
            out.append(None)
            continue
        target = by_id.get(quote.speaker)
        if target is None:
            out.append(GoldSpeaker(None, ()))
        elif target.canonical is None:
            out.append(GoldSpeaker(target, (target,)))
        else:
            if target.canonical not in entities:
                entities[target.canonical] = tuple(s for s in doc_spans if s.label in SPEAKER_LABELS
                                                   and s.canonical == target.canonical)
            out.append(GoldSpeaker(target, entities[target.canonical]))
    return out


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def entity_level(gold: GoldSpeaker | None, predicted: Prediction) -> bool:
    """Whether `predicted.speaker` names the entity of the quote's gold speaker (module docstring)."""
    guess = predicted.speaker
    if gold is None or guess is None:
        return gold is None and guess is None
    if isinstance(guess, tuple):
        return any((m.start, m.end) == guess for m in gold.mentions)
    names = {_norm(m.text) for m in gold.mentions} | {_norm(m.canonical) for m in gold.mentions if m.canonical}
    return _norm(guess) in names


def mention_level(gold: GoldSpeaker | None, predicted: Prediction) -> bool:
    """Whether `predicted.speaker` is the very gold mention the quote points to (module docstring)."""
    guess = predicted.speaker
    if gold is None or guess is None:
        return gold is None and guess is None
    if gold.mention is None:
        return False
    if isinstance(guess, tuple):
        return (gold.mention.start, gold.mention.end) == guess
    return _norm(guess) == _norm(gold.mention.text)


# The two levels, in the order the report lists them.
SPEAKER_LEVELS = {"mention": mention_level, "entity": entity_level}


def gold_speaker_name(gold: GoldSpeaker | None) -> str | None:
    """The gold speaker's canonical name (or its text when it has none), for reports."""
    target = None if gold is None or gold.mention is None else \
        next((m for m in gold.mentions if m.id == gold.mention.id), None)
    return None if target is None else target.canonical or target.text
