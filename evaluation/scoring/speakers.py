"""Is a predicted quote's speaker right? Speaker accuracy and end-to-end attribution, at two levels.

A gold quote names its speaker by span id; the speaker's entity is every gold PER/ORG span of
the document with the same `canonical` name (just the speaker span when it has none). As in
Muzny et al. (2017), who score quote-to-mention and mention-to-entity separately, there are two
levels:

Entity level (`speaker_is_right`):
- A predicted speaker given as a span `(start, end)` is right when it has the boundaries of
  one of the entity's gold mentions (any mention, not only the one the gold quote points to).
- A speaker given as a name string is right when it equals, ignoring case and surrounding
  spaces, the canonical name or the text of one of the mentions.

Mention level (`speaker_mention_is_right`):
- A span is right only with the boundaries of the very mention the gold quote points to.
- A name string is right only when it equals (same normalization) that mention's own text.

At both levels a gold quote without a speaker is right only with no predicted speaker, and
vice versa.

Attribution credit of a matched quote pair under a scheme is its detection credit (1 for
correct, 0.5 for partial, else 0) when the speaker is right, else 0.
"""
from __future__ import annotations

from collections.abc import Sequence

from newsspans.corpus.model import SPEAKER_LABELS, Span

from ..predictions import Prediction


def speaker_mentions(quote: Span, doc_spans: Sequence[Span]) -> list[Span]:
    """Gold mentions of the entity speaking `quote` ([] when the quote has no speaker)."""
    if quote.speaker is None:
        return []
    by_id = {s.id: s for s in doc_spans}
    target = by_id.get(quote.speaker)
    if target is None:
        return []
    if target.canonical is None:
        return [target]
    return [s for s in doc_spans if s.label in SPEAKER_LABELS and s.canonical == target.canonical]


def _norm(name: str) -> str:
    return " ".join(name.split()).casefold()


def speaker_is_right(quote: Span, predicted: Prediction, doc_spans: Sequence[Span]) -> bool:
    """Whether `predicted.speaker` names the speaker of gold `quote` (rules in the module docstring)."""
    guess = predicted.speaker
    if quote.speaker is None or guess is None:
        return quote.speaker is None and guess is None
    mentions = speaker_mentions(quote, doc_spans)
    if isinstance(guess, tuple):
        return any((m.start, m.end) == guess for m in mentions)
    names = {_norm(m.text) for m in mentions} | {_norm(m.canonical) for m in mentions if m.canonical}
    return _norm(guess) in names


def speaker_mention_is_right(quote: Span, predicted: Prediction, doc_spans: Sequence[Span]) -> bool:
    """Whether `predicted.speaker` is the very gold mention `quote` points to (module docstring)."""
    guess = predicted.speaker
    if quote.speaker is None or guess is None:
        return quote.speaker is None and guess is None
    target = next((s for s in doc_spans if s.id == quote.speaker), None)
    if target is None:
        return False
    if isinstance(guess, tuple):
        return (target.start, target.end) == guess
    return _norm(guess) == _norm(target.text)


# The two levels, in the order the report lists them.
SPEAKER_LEVELS = {"mention": speaker_mention_is_right, "entity": speaker_is_right}


def speaker_name(quote: Span, doc_spans: Sequence[Span]) -> str | None:
    """The gold speaker's canonical name (or its text when it has none), for reports."""
    mentions = speaker_mentions(quote, doc_spans)
    target = next((m for m in mentions if m.id == quote.speaker), None)
    if target is None:
        return None
    return target.canonical or target.text
