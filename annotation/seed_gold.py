"""Authoring record of the initial gold standard for the four seed articles.

Each document's annotations are written below as a readable specification: the surface string
of every mention in reading order (optionally after an anchor phrase), its label, its canonical
name or number kind, and for every quote its first and last characters and the mention of its
speaker. Code resolves the specification to offsets (`newsspans.corpus.locate.locate`), numbers
the spans T1, T2, ... per document in text order, and writes `corpus/annotations.jsonl` through
the validator:

    python annotation/seed_gold.py

Running it rewrites `corpus/annotations.jsonl` from this specification. It records how the
initial gold was made; later corrections come from Label Studio (`newsspans annotate pull`,
spans with provenance) or are made here. tests/test_gold.py checks that every gold span
without Label Studio provenance is produced by this specification. The rules applied are in
GUIDELINES.md.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsspans.corpus.locate import locate
from newsspans.corpus.model import Document, Span
from newsspans.corpus.standoff import sort_spans
from newsspans.corpus.store import Corpus, writable_corpus

# Number kinds, short so that the specification reads like the text.
CARD, ORD, PCT, MONEY, QTY, DATE, DUR = "cardinal", "ordinal", "percent", "money", "quantity", "date", "duration"


@dataclass(frozen=True)
class Mention:
    """An entity-layer span: the next word-bounded occurrence of `surface` (after `after`, if given)."""

    surface: str
    label: str
    num_kind: str | None = None
    after: str | None = None


@dataclass(frozen=True)
class Quote:
    """A QUOTE from the start of `opening` to the end of `closing` (both include the quotation mark).

    The speaker is the entity span whose text is `by`, at the first occurrence of `by` at or after
    the anchor phrase `by_after` (None: no named speaker in the document).
    """

    opening: str
    closing: str
    by: str | None
    by_after: str | None = None
    after: str | None = None


def PER(surface: str, after: str | None = None) -> Mention:
    return Mention(surface, "PER", after=after)


def LOC(surface: str, after: str | None = None) -> Mention:
    return Mention(surface, "LOC", after=after)


def ORG(surface: str, after: str | None = None) -> Mention:
    return Mention(surface, "ORG", after=after)


def NUM(surface: str, kind: str, after: str | None = None) -> Mention:
    return Mention(surface, "NUM", num_kind=kind, after=after)


def Q(opening: str, closing: str, by: str | None, by_after: str | None = None, after: str | None = None) -> Quote:
    return Quote(opening, closing, by, by_after, after)


@dataclass(frozen=True)
class DocumentSpec:
    """The annotations of one document, in reading order; `canonical` maps short to full names."""

    doc_id: str
    canonical: dict[str, str]
    items: tuple[Mention | Quote, ...]


LAVROV = DocumentSpec(
    "russias-lavrov-praises-pyongyangs-unequivocal-support-on",
    canonical={"Lavrov": "Sergei Lavrov", "Putin": "Vladimir Putin", "Kim": "Kim Jong Un"},
    items=(
        # Title. The quoted words are Lavrov's (body: "reaffirmed their unequivocal support").
        LOC("Russia"), PER("Lavrov"), LOC("Pyongyang"),
        Q("\u2018unequivocal", "support'", by="Lavrov", by_after="Lavrov praises"),
        LOC("Ukraine"),
        # Dateline line.
        LOC("Moscow"),
        PER("Sergei Lavrov"), LOC("North Korea"), NUM("two", CARD),
        PER("Vladimir Putin"),
        Q("'counting on", "future,'", by="Lavrov", by_after="Lavrov told"),
        PER("Lavrov"), PER("Kim Jong Un"), LOC("Wonsan"),
        PER("Putin"), LOC("Moscow"),
        LOC("Moscow"), LOC("Pyongyang"), NUM("2024", DATE), PER("Putin"), LOC("North Korea"),
        NUM("two", CARD, after="one of the two countries"),
        LOC("North Korea"), LOC("Ukraine"), LOC("Moscow"),
        Q("'Our Korean", "Russian army,'", by="Lavrov", by_after="Lavrov said"),
        PER("Lavrov"), ORG("Kremlin"), LOC("Ukraine"), NUM("three years", DUR),
        PER("Kim"), LOC("Wonsan"), PER("Choe Son Hui"),
        # "the North Korean leader said": the nearest preceding named mention is "Kim travelled".
        Q("'I thought", "little here,'", by="Kim", by_after="Kim travelled"),
        LOC("Pyongyang"), ORG("TASS"),
        PER("Lavrov"), NUM("30,000", CARD), LOC("Russia"),
        LOC("Kursk"),
        NUM("14,000", CARD), LOC("North Korea"),
        LOC("North Korea"), ORG("KCTV"), PER("Kim"), LOC("Ukraine"),
        PER("Lavrov"), LOC("North Korea"), LOC("Kursk"),
        LOC("Russia"), LOC("North Korea"),
    ),
)

MOCK = DocumentSpec(
    "russian-officials-mock-trumps-ukraine-plans-sanctions",
    canonical={"Trump": "Donald Trump", "Kosachev": "Konstantin Kosachev", "Medvedev": "Dmitry Medvedev",
               "Putin": "Vladimir Putin"},
    items=(
        PER("Trump"), LOC("Ukraine"),
        ORG("DPA"), LOC("Moscow"), LOC("US"), PER("Donald Trump"), LOC("Ukraine"),
        Q("'If this", "far too high,'", by="Konstantin Kosachev", by_after="Konstantin Kosachev"),
        PER("Trump"), LOC("Ukraine"),
        PER("Konstantin Kosachev"), LOC("Russia"), ORG("Federation Council"), ORG("Telegram"),
        PER("Trump"), LOC("Ukraine"), LOC("Russia"),
        PER("Kosachev"), NUM("50-day", DUR), PER("Trump"), LOC("US"), ORG("NATO"),
        # "He added": the nearest preceding named mention of the speaker is "Kosachev claimed".
        LOC("Washington"), LOC("US"), LOC("Ukraine"), PER("Trump"),
        Q("'while only", "benefit.'", by="Kosachev", by_after="Kosachev claimed"),
        LOC("US"),
        ORG("X"), PER("Dmitry Medvedev"), PER("Trump"),
        Q("'theatrical", "Kremlin'", by="Dmitry Medvedev", by_after="Dmitry Medvedev"),
        ORG("Kremlin"),
        Q("'Russia didn't", "care.'", by="Dmitry Medvedev", by_after="Dmitry Medvedev"),
        LOC("Russia"),
        PER("Medvedev"), LOC("Russia"), ORG("Security Council"),
        NUM("six months", DUR), LOC("Ukraine"), PER("Trump"), LOC("Russia"),
        PER("Trump"), Q("'disappointed'", "'disappointed'", by="Trump", by_after="Trump said he was"),
        PER("Vladimir Putin"),
        LOC("Ukraine"), ORG("NATO"),
        # "He ... threatened 'severe' punitive tariffs": He is Trump, named in the sentence before.
        Q("'severe'", "'severe'", by="Trump", by_after="Trump said he was"),
        LOC("Russia"), NUM("50 days", DUR),
        ORG("Kremlin"), PER("Dmitry Peskov"), LOC("Moscow"),
        Q("'We will", "Washington,'", by="Dmitry Peskov", by_after="Dmitry Peskov"),
        LOC("Washington"), ORG("TASS"),
        PER("Alexander Grushko"), ORG("NATO"), LOC("Ukraine"),
        LOC("Moscow"),
    ),
)

TARIFFS = DocumentSpec(
    "trump-threatens-tariffs-in-50-days-what-harm-will-it-do-to",
    canonical={"Trump": "Donald Trump", "Putin": "Vladimir Putin", "US": "United States",
               "Zelenskyy": "Volodymyr Zelenskyy", "Rutte": "Mark Rutte", "G7": "Group of Seven",
               "EU": "European Union", "Kallas": "Kaja Kallas", "Tompkins": "Kieran Tompkins",
               "Medvedev": "Dmitry Medvedev"},
    items=(
        PER("Trump"), NUM("50 days", DUR), LOC("Russia"),
        LOC("United States"), PER("Donald Trump"), LOC("Russia"), LOC("Ukraine"), NUM("50 days", DUR),
        ORG("NATO"), LOC("Kyiv"),
        LOC("US"), PER("Trump"), LOC("Ukraine"), LOC("Washington"), LOC("Kyiv"),
        PER("Trump"), PER("Vladimir Putin"), LOC("Russia"), NUM("three-year", DUR), LOC("Ukraine"),
        PER("Volodymyr Zelenskyy"), ORG("Telegram"), PER("Trump"),
        Q("'thanked him", "just peace'", by="Volodymyr Zelenskyy", by_after="Volodymyr Zelenskyy"),
        LOC("Ukraine"),
        LOC("Russia"), PER("Dmitry Medvedev"), ORG("Kremlin"),
        Q("'theatrical", "ultimatum'", by="Dmitry Medvedev", by_after="Dmitry Medvedev"),
        PER("Trump"), PER("Putin"), LOC("US"),
        PER("Trump"), ORG("NATO"), PER("Mark Rutte"), LOC("White House"), PER("Trump"), PER("Putin"),
        LOC("US"), LOC("Ukraine"),
        LOC("Russia"), PER("Trump"), PER("Putin"), NUM("July 8", DATE),
        Q("'b*******'", "'b*******'", by="Trump", by_after="Trump, who had accused"),
        LOC("US"),
        PER("Trump"),
        # "he followed up": the nearest preceding named mention of the speaker is "Trump has said".
        Q("'My conversations", "at night,'", by="Trump", by_after="Trump has said"),
        PER("Putin"),
        Q("'We're going", "to NATO,'", by="Trump", by_after="NATO,' Trump said"),
        ORG("NATO"), PER("Trump"), ORG("NATO"),
        PER("Rutte"), LOC("Canada"), LOC("Denmark"), LOC("Finland"), LOC("Germany"), LOC("Sweden"),
        LOC("Netherlands"), LOC("Norway"),
        PER("Trump"), Q("'we're going", "in 50 days'", by="Trump", by_after="Trump also said that"),
        LOC("Russia"), NUM("50 days", DUR),
        PER("Putin"), PER("Trump"), LOC("Kyiv"),
        PER("Trump"), LOC("US"),
        Q("'at about", "percent'", by="Trump", by_after="Trump also said US"),
        NUM("100 percent", PCT),
        Q("'secondary tariffs", "sanctions]'", by="Trump", by_after="Trump also said US"),
        LOC("US"), LOC("Moscow"),
        PER("Trump"), LOC("Russia"),
        LOC("Russia"), LOC("Ukraine"), NUM("February 2022", DATE), LOC("US"), LOC("United Kingdom"),
        ORG("European Union"), NUM("21,692", CARD), LOC("Russia"),
        LOC("Moscow"),
        ORG("Group of Seven"), ORG("G7"), LOC("Russia"), LOC("China"), LOC("India"),
        # "the Sanctioning Russia Act of 2025": a law's name, nothing inside it is annotated.
        LOC("US"),
        PER("Trump"), NUM("500 percent", PCT), LOC("Russia"),
        LOC("US"), PER("Trump"),
        PER("Trump"),
        ORG("EU"), LOC("Russia"), PER("Kaja Kallas"),
        Q("'We hope", "package,'", by="Kallas", by_after="package,' Kallas said"),
        NUM("18th", ORD), PER("Kallas"), NUM("27", CARD), ORG("EU"), LOC("Brussels"),
        LOC("Russia"), ORG("Kremlin"),
        NUM("2024", DATE),
        LOC("Russia", after="Russia's 'shadow fleet'"),
        ORG("G7"), LOC("Moscow"),
        NUM("2022", DATE), NUM("2025", DATE), LOC("China"), LOC("Russia"),
        NUM("5 million barrels per day", QTY), LOC("India"), NUM("40 percent", PCT),
        LOC("Brazil"), LOC("Turkiye"), LOC("Egypt"),
        ORG("EU"), LOC("Brussels"), NUM("2027", DATE),
        LOC("US"), LOC("US"), NUM("$3bn", MONEY), NUM("2024", DATE), NUM("0.7 percent", PCT), LOC("Russia"),
        LOC("Russia"), LOC("Moscow"),
        NUM("55 percent", PCT), NUM("16 percent", PCT), NUM("$280bn", MONEY), NUM("60 percent", PCT),
        NUM("18 percent", PCT), LOC("Russia"), LOC("Ukraine"), NUM("February 2022", DATE),
        PER("Trump"), LOC("Moscow"),
        Q("'The impact", "than oil,'", by="Kieran Tompkins", by_after="Kieran Tompkins"),
        PER("Kieran Tompkins"), ORG("Capital Economics"),
        # "He pointed out": the nearest preceding named mention is "Kieran Tompkins" (twice).
        Q("'the oil market", "Russian exports'", by="Kieran Tompkins", by_after="Kieran Tompkins"),
        ORG("OPEC"),
        Q("'knocking out", "or so.'", by="Kieran Tompkins", by_after="Kieran Tompkins"),
        LOC("Russia"), PER("Trump"), NUM("$75bn", MONEY),
        PER("Tompkins"),
        Q("'fiscal crisis'", "'fiscal crisis'", by="Tompkins", by_after="Tompkins said"),
        LOC("Russia"),
        Q("'debt issuance", "tightening.'", by="Tompkins", by_after="Tompkins said"),
        PER("Trump"), NUM("50-day", DUR), LOC("Moscow"),
        PER("Trump"), PER("Putin"),
    ),
)

KARL_MARX = DocumentSpec(
    "russia-claims-capture-of-one-of-last-settlements-in-ukraines",
    canonical={"Zelensky": "Volodymyr Zelensky", "Voloshyn": "Vladyslav Voloshyn"},
    items=(
        # Title: "one of last settlements" is a pronoun "one", not a number.
        LOC("Russia"), LOC("Ukraine"), LOC("Donetsk"),
        ORG("DPA"), LOC("Kiev"), LOC("Moscow"), LOC("Russia"),
        LOC("Karl Marx"), LOC("Donetsk"),
        LOC("Donetsk"), NUM("two", CARD), ORG("TASS"),
        LOC("Soviet Union"), ORG("Communist Party"),
        PER("Karl Marx"), LOC("Soviet Union"), PER("Vladimir Ilyich Lenin"),
        LOC("St Petersburg"), LOC("Leningrad Oblast"), LOC("Leningrad"), LOC("St Petersburg"),
        NUM("1991", DATE),
        LOC("Kiev"),
        LOC("Ukraine"), NUM("three years", DUR), LOC("Donetsk"),
        PER("Volodymyr Zelensky"), LOC("Russia"), NUM("1,800", CARD), LOC("Ukraine"),
        NUM("1,200", CARD), LOC("Ukraine"), NUM("83", CARD), ORG("Telegram"),
        LOC("Ukraine"),
        PER("Zelensky"),
        LOC("Dnipro"), LOC("Kherson"),
        NUM("two", CARD), NUM("three", CARD), NUM("six", CARD), NUM("10", CARD), PER("Vladyslav Voloshyn"),
        Q("'The enemy", "region,'", by="Voloshyn", by_after="Voloshyn said"),
        PER("Voloshyn"),
        LOC("Dnipro"),
        LOC("Ukraine"),
    ),
)

SPECS: tuple[DocumentSpec, ...] = (LAVROV, MOCK, TARIFFS, KARL_MARX)


class SpecError(ValueError):
    """A specification entry that cannot be resolved to exactly the intended text."""


def _bounded(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is not part of a longer word ("Russia" inside "Russian")."""
    return not (start > 0 and text[start - 1].isalnum()) and not (end < len(text) and text[end].isalnum())


def _unique_anchor(text: str, anchor: str, where: str) -> None:
    if text.count(anchor) != 1:
        raise SpecError(f"{where}: anchor {anchor!r} occurs {text.count(anchor)} times; it must be unique")


def _next_word(text: str, surface: str, cursor: int, where: str) -> tuple[int, int]:
    """First occurrence of `surface` at or after `cursor` that is not inside a longer word."""
    nth = 1
    while True:
        try:
            start, end = locate(text[cursor:], surface, nth=nth)
        except ValueError as exc:
            raise SpecError(f"{where}: {exc} at or after offset {cursor}") from None
        if _bounded(text, cursor + start, cursor + end):
            return cursor + start, cursor + end
        nth += 1


def _resolve_mention(text: str, m: Mention, cursor: int, where: str) -> tuple[int, int]:
    if m.after is None:
        return _next_word(text, m.surface, cursor, where)
    _unique_anchor(text, m.after, where)
    start, end = locate(text, m.surface, after=m.after)
    if start < cursor or not _bounded(text, start, end):
        raise SpecError(f"{where}: {m.surface!r} after {m.after!r} is out of reading order or inside a word")
    return start, end


def _resolve_quote(text: str, q: Quote, cursor: int, where: str) -> tuple[int, int]:
    if q.after is not None:
        _unique_anchor(text, q.after, where)
        cursor = max(cursor, text.find(q.after))
    try:
        start, _ = locate(text[cursor:], q.opening)
        start += cursor
        if q.closing == q.opening:
            end = start + len(q.opening)
        else:
            _, end = locate(text[start:], q.closing)
            end += start
    except ValueError as exc:
        raise SpecError(f"{where}: {exc}") from None
    if not (text[start] in "'\"\u2018\u201c" and text[end - 1] in "'\"\u2019\u201d"):
        raise SpecError(f"{where}: quote {text[start:end]!r} must run from its opening to its closing mark")
    return start, end


def _speaker_offsets(text: str, q: Quote, where: str) -> tuple[int, int] | None:
    if q.by is None:
        return None
    if q.by_after is None:
        raise SpecError(f"{where}: a speaker needs an anchor phrase (by_after)")
    _unique_anchor(text, q.by_after, where)
    return locate(text, q.by, after=q.by_after)


def resolve(doc: Document, spec: DocumentSpec) -> list[Span]:
    """Spans of one document from its specification, with ids T1.. in text order and speakers linked."""
    text = doc.text
    cursors = {"entity": 0, "quote": 0}
    drafts: list[tuple[int, int, str, dict]] = []  # start, end, label, extra fields
    speakers: list[tuple[int, tuple[int, int] | None]] = []  # index into drafts, speaker offsets
    for n, item in enumerate(spec.items, start=1):
        where = f"{spec.doc_id} item {n} ({item!r})"
        if isinstance(item, Mention):
            start, end = _resolve_mention(text, item, cursors["entity"], where)
            cursors["entity"] = end
            extra = {"num_kind": item.num_kind} if item.label == "NUM" else {
                "canonical": spec.canonical.get(item.surface, item.surface)}
            drafts.append((start, end, item.label, extra))
        else:
            start, end = _resolve_quote(text, item, cursors["quote"], where)
            cursors["quote"] = end
            speakers.append((len(drafts), _speaker_offsets(text, item, where)))
            drafts.append((start, end, "QUOTE", {}))
    ordered = sorted(range(len(drafts)), key=lambda i: (drafts[i][0], -drafts[i][1], drafts[i][2]))
    ids = {i: f"T{rank}" for rank, i in enumerate(ordered, start=1)}
    id_at = {(drafts[i][0], drafts[i][1]): ids[i] for i in ids if drafts[i][2] in ("PER", "ORG")}
    speaker_of: dict[int, str | None] = {}
    for i, offsets in speakers:
        if offsets is not None and offsets not in id_at:
            raise SpecError(f"{spec.doc_id}: speaker {text[offsets[0]:offsets[1]]!r} at {offsets} "
                            "is not an annotated PER/ORG span")
        speaker_of[i] = id_at[offsets] if offsets is not None else None
    return [Span(doc.id, ids[i], s, e, label, text[s:e], speaker=speaker_of.get(i), **extra)
            for i, (s, e, label, extra) in enumerate(drafts)]


def build_gold(documents: Sequence[Document], specs: Sequence[DocumentSpec] = SPECS) -> list[Span]:
    """All gold spans, in the standoff file's order; every document must have a specification."""
    by_id = {s.doc_id: s for s in specs}
    missing = [d.id for d in documents if d.id not in by_id]
    if missing:
        raise SpecError(f"no specification for document(s): {', '.join(missing)}")
    spans = [span for d in documents for span in resolve(d, by_id[d.id])]
    return sort_spans(spans, [d.id for d in documents])


def main(corpus: Corpus | None = None) -> None:
    """Resolve the specification and write the gold file of `corpus` (default: ./corpus in a checkout)."""
    corpus = corpus if corpus is not None else writable_corpus(None)
    spans = build_gold(corpus.documents())
    corpus.write_gold(spans)
    print(f"wrote {len(spans)} spans to {corpus.annotations}")


if __name__ == "__main__":
    main()
