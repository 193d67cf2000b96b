"""Completeness audit: every word that could be a mention but is not covered by a gold span.

The audit lists, per document, every capitalized word and every number (digits or a number
word) outside the entity layer, and every quotation-mark character outside the quote layer.
Each listed item must either be annotated or be explained by a guideline rule in a reviewed
exclusions file (`corpus/audit_explained.tsv`); what is left is what still needs a decision.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError, Problem
from .jsonl import read_utf8
from .model import Document, Span
from .standoff import spans_by_document

KINDS: tuple[str, ...] = ("capitalized", "number", "quote-mark")

# Number words an annotator must look at; vague ones ("half", "dozen") are listed too, so that
# leaving them out is a conscious, explained decision.
_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy "
          "eighty ninety").split()
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
             "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
             "thirtieth fortieth fiftieth hundredth thousandth millionth").split()
_SCALES = "hundred thousand million billion trillion dozen half twice".split()
NUMBER_WORDS: frozenset[str] = frozenset(_UNITS + _ORDINALS + _SCALES + [w + "s" for w in _SCALES[:5] + ["dozen"]])

QUOTE_MARKS: frozenset[str] = frozenset("'\"\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u00ab\u00bb\u2039\u203a`")
_APOSTROPHES = frozenset("'\u2019")
# A number with separators ("14,000", "0.7") or a run of letters and digits ("Russia's" -> "Russia", "s").
_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+")
CONTEXT_CHARS = 40


@dataclass(frozen=True)
class AuditItem:
    """One uncovered token: `text[start:end] == token`, with surrounding context on one line."""

    doc_id: str
    start: int
    end: int
    kind: str
    token: str
    context: str


@dataclass(frozen=True)
class Explanation:
    """A reviewed exclusion: `token` in `doc_id` ("*" = any document) is left out because of `rule`.

    `where` selects occurrences: "*" (every occurrence), a start offset, or a phrase that
    contains the token and must be found in the text around it at the token's position.
    """

    doc_id: str
    token: str
    where: str
    rule: str
    file: str = ""
    line: int | None = None

    def matches(self, item: AuditItem, text: str) -> bool:
        if item.token != self.token or self.doc_id not in ("*", item.doc_id):
            return False
        if self.where == "*":
            return True
        if self.where.isdigit():
            return int(self.where) == item.start
        return _phrase_at(text, self.where, item.token, item.start)


def _phrase_at(text: str, phrase: str, token: str, start: int) -> bool:
    """Whether `phrase` occurs in `text` with one of its occurrences of `token` at `start`."""
    k = phrase.find(token)
    while k >= 0:
        if start - k >= 0 and text[start - k:start - k + len(phrase)] == phrase:
            return True
        k = phrase.find(token, k + 1)
    return False


def _context(text: str, start: int, end: int, width: int = CONTEXT_CHARS) -> str:
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    return (left + "[" + text[start:end] + "]" + right).replace("\n", " \u23ce ")


def _kind_of_word(word: str) -> str | None:
    if any(c.isdigit() for c in word):
        return "number"
    if word.lower() in NUMBER_WORDS:
        return "number"
    if word[0].isupper():
        return "capitalized"
    return None


def _is_apostrophe(text: str, i: int) -> bool:
    """An apostrophe between two letters ("Russia's", "didn't") is not a quotation mark."""
    return (text[i] in _APOSTROPHES and 0 < i < len(text) - 1
            and text[i - 1].isalpha() and text[i + 1].isalpha())


def candidates(text: str) -> Iterable[tuple[int, int, str]]:
    """Every (start, end, kind) the audit looks at, in text order."""
    found = [(m.start(), m.end(), kind) for m in _WORD.finditer(text)
             if (kind := _kind_of_word(m.group())) is not None]
    found += [(i, i + 1, "quote-mark") for i, c in enumerate(text)
              if c in QUOTE_MARKS and not _is_apostrophe(text, i)]
    return sorted(found)


def _coverage(length: int, spans: Iterable[Span]) -> bytearray:
    """A mask of the characters covered by `spans` (linear in text length plus span lengths)."""
    mask = bytearray(length)
    for s in spans:
        mask[s.start:s.end] = b"\x01" * (min(s.end, length) - s.start)
    return mask


def audit(documents: Sequence[Document], spans: Iterable[Span],
          explained: Sequence[Explanation] | None = None) -> list[AuditItem]:
    """Uncovered candidates of every document, minus those an explanation accounts for.

    Words and numbers are checked against the entity layer (PER/LOC/ORG/NUM), quotation
    marks against the quote layer (QUOTE).
    """
    by_doc = spans_by_document(spans)
    items = []
    for doc in documents:
        doc_spans = by_doc.get(doc.id, [])
        masks = {layer: _coverage(len(doc.text), (s for s in doc_spans if s.layer == layer))
                 for layer in ("entity", "quote")}
        for start, end, kind in candidates(doc.text):
            if all(masks["quote" if kind == "quote-mark" else "entity"][start:end]):
                continue
            item = AuditItem(doc.id, start, end, kind, doc.text[start:end], _context(doc.text, start, end))
            if not any(e.matches(item, doc.text) for e in explained or ()):
                items.append(item)
    return items


def unused_explanations(documents: Sequence[Document], spans: Iterable[Span],
                        explained: Sequence[Explanation]) -> list[Explanation]:
    """Explanations that match no uncovered item: stale rows that should be removed or fixed."""
    raw = audit(documents, spans)
    texts = {d.id: d.text for d in documents}
    return [e for e in explained if not any(e.matches(i, texts[i.doc_id]) for i in raw)]


def format_audit(items: Sequence[AuditItem]) -> str:
    """One tab-separated line per item (document, offset, kind, token, context), then a total."""
    lines = [f"{i.doc_id}\t{i.start}\t{i.kind}\t{i.token}\t{i.context}" for i in items]
    counts = {k: sum(1 for i in items if i.kind == k) for k in KINDS}
    lines.append(f"{len(items)} item(s) to review: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return "\n".join(lines) + "\n"


def load_explained(path: Path) -> list[Explanation]:
    """Read the reviewed-exclusions TSV: doc_id, token, where, rule (blank lines and # comments skipped).

    Every malformed line is reported with its file and line number.
    """
    path = Path(path)
    out, problems = [], []
    for number, raw in enumerate(read_utf8(path).split("\n"), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = raw.split("\t")
        if fields[:4] == ["doc_id", "token", "where", "rule"]:
            continue  # header
        if len(fields) != 4 or not all(f.strip() for f in fields):
            problems.append(Problem(f"expected 4 non-empty tab-separated fields (doc_id, token, where, rule), "
                                    f"found {len(fields)}: {raw!r}", file=str(path), line=number))
            continue
        doc_id, token, where, rule = fields
        if where != "*" and not where.isdigit() and token not in where:
            problems.append(Problem(f"'where' must be '*', an offset, or a phrase containing the token "
                                    f"{token!r}; found {where!r}", file=str(path), line=number,
                                    doc_id=None if doc_id == "*" else doc_id))
            continue
        out.append(Explanation(doc_id, token, where, rule, str(path), number))
    if problems:
        raise CorpusError(problems)
    return out
