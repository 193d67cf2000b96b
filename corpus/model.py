"""Document and span types shared by the corpus, annotation and evaluation parts."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, fields
from typing import TypeVar

T = TypeVar("T")

ENTITY_LABELS: tuple[str, ...] = ("PER", "LOC", "ORG", "NUM")
QUOTE_LABELS: tuple[str, ...] = ("QUOTE",)
LABELS: tuple[str, ...] = ENTITY_LABELS + QUOTE_LABELS
NUM_KINDS: tuple[str, ...] = ("cardinal", "ordinal", "percent", "money", "quantity", "date", "duration")
# Labels whose spans carry a canonical name, and labels a quote's speaker may point to.
CANONICAL_LABELS: frozenset[str] = frozenset({"PER", "LOC", "ORG"})
SPEAKER_LABELS: frozenset[str] = frozenset({"PER", "ORG"})


def layer_of(label: str) -> str:
    """The annotation layer a label belongs to: entity spans may sit inside quote spans."""
    return "quote" if label in QUOTE_LABELS else "entity"


@dataclass(frozen=True)
class Segment:
    """Where `text[start:end]` comes from: `line` (1-based) of the source file, from `column` on.

    For a JSONL source, `field` names the record field the characters were copied from and
    `column` is an offset into that field's value; for a scraped page `field` is empty and
    `column` is an offset into the raw line.
    """

    start: int
    end: int
    line: int
    column: int
    field: str = ""


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    text: str
    outlet: str = ""
    agency: str = ""
    dateline: str = ""
    published: str = ""
    source: str = ""
    segments: tuple[Segment, ...] = ()

    def to_dict(self) -> dict:
        d = asdict(self)
        d["segments"] = [asdict(s) for s in self.segments]
        return d


@dataclass(frozen=True, slots=True)  # slots: millions of gold spans; see `fast_constructor`
class Span:
    """One standoff annotation: `text == document.text[start:end]`, end exclusive, code points."""

    doc_id: str
    id: str
    start: int
    end: int
    label: str
    text: str
    canonical: str | None = None
    num_kind: str | None = None
    speaker: str | None = None
    # Provenance of spans pulled from Label Studio: who annotated them, in which annotation, when.
    annotator: str | None = None
    annotation_id: int | None = None
    annotated_at: str | None = None

    @property
    def layer(self) -> str:
        return layer_of(self.label)

    def to_dict(self) -> dict:
        d = asdict(self)
        for key in ("annotator", "annotation_id", "annotated_at"):
            if d[key] is None:
                del d[key]
        return d


def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """`cls(...)` for a frozen slots dataclass without `__post_init__`, by position, with the same
    defaults, but setting each field through its slot directly: the frozen `__init__` calls
    `object.__setattr__` once per field, which made building spans and predictions the largest
    cost of reading them (this takes a quarter to a half less). The function is generated, as
    dataclasses generate `__init__`: a loop over the fields would cost what it saves. No check
    or conversion: for values already checked."""
    if "__slots__" not in cls.__dict__ or hasattr(cls, "__post_init__") \
            or any(f.default_factory is not MISSING for f in fields(cls)):
        raise TypeError(f"{cls.__name__}: not a slots dataclass without __post_init__ and default factories")
    names = [f.name for f in fields(cls)]
    scope = {"new": object.__new__, "cls": cls} | {f"set_{n}": cls.__dict__[n].__set__ for n in names}
    params = []
    for f in fields(cls):
        if f.default is not MISSING:
            scope[f"default_{f.name}"] = f.default
        params.append(f.name if f.default is MISSING else f"{f.name}=default_{f.name}")
    body = "".join(f"    set_{n}(o, {n})\n" for n in names)
    exec(f"def build({', '.join(params)}):\n    o = new(cls)\n{body}    return o\n", scope)
    return scope["build"]


PROVENANCE_FIELDS: tuple[str, ...] = ("annotator", "annotation_id", "annotated_at")
SPAN_FIELDS: tuple[str, ...] = tuple(f for f in Span.__dataclass_fields__ if f not in PROVENANCE_FIELDS)


build_span: Callable[..., Span] = fast_constructor(Span)
