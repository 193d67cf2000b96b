"""The corpus on disk: raw sources plus the gold standoff file, read and checked together."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import CorpusError, Problem
from .model import Document, Span
from .sources import read_documents
from .standoff import LocatedSpan, read_spans, write_spans
from .validate import validate

CORPUS_DIR = Path(__file__).resolve().parent


def default_corpus_dir() -> Path:
    """`./corpus` when the working directory is a checkout (it has `corpus/sources/`), else the bundled corpus.

    So that, after a plain `pip install .`, commands run in a checkout read and write the
    checkout's files, not the copy installed in site-packages.
    """
    here = Path.cwd() / "corpus"
    return here if (here / "sources").is_dir() else CORPUS_DIR


def writable_corpus(path: Path | None) -> "Corpus":
    """The corpus a command may change: `path`, else the default, never the installed copy."""
    root = Path(path) if path is not None else default_corpus_dir()
    installed = root.resolve() == CORPUS_DIR and not (CORPUS_DIR.parent / "pyproject.toml").exists()
    if installed:
        raise CorpusError(Problem(
            "this is the corpus installed with the package, which is not edited in place; run the command in a "
            "checkout (where ./corpus is used), pass --corpus PATH, or install the checkout with pip install -e .",
            file=str(root)))
    return Corpus(root)


@dataclass(frozen=True)
class Corpus:
    """Paths of one corpus folder: `sources/` (raw input) and `annotations.jsonl` (gold)."""

    root: Path = CORPUS_DIR

    @property
    def sources(self) -> Path:
        return Path(self.root) / "sources"

    @property
    def annotations(self) -> Path:
        return Path(self.root) / "annotations.jsonl"

    def documents(self) -> list[Document]:
        return read_documents(self.sources)

    def located_spans(self) -> list[LocatedSpan]:
        return read_spans(self.annotations)

    def load(self) -> tuple[list[Document], list[Span]]:
        """Documents and validated gold spans; raises CorpusError listing every problem."""
        docs = self.documents()
        located = self.located_spans()
        problems = validate(docs, located, require_canonical=True)
        if problems:
            raise CorpusError(problems)
        return docs, [ls.span for ls in located]

    def write_gold(self, spans: list[Span]) -> None:
        """Replace the gold file with `spans`, only if they pass the validator."""
        docs = self.documents()
        name = str(self.annotations)
        problems = validate(docs, [LocatedSpan(s, name, i + 1) for i, s in enumerate(spans)], require_canonical=True)
        if problems:
            raise CorpusError(problems)
        write_spans(self.annotations, spans, [d.id for d in docs])
