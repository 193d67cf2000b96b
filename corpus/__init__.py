"""newsspans.corpus: the bundled gold corpus, its types, validator and dataset build."""
from __future__ import annotations

from pathlib import Path

from .errors import CorpusError, Problem
from .model import ENTITY_LABELS, LABELS, NUM_KINDS, QUOTE_LABELS, Document, Segment, Span
from .store import CORPUS_DIR, Corpus

__all__ = ["CORPUS_DIR", "Corpus", "CorpusError", "Document", "ENTITY_LABELS", "LABELS", "NUM_KINDS",
           "Problem", "QUOTE_LABELS", "Segment", "Span", "load"]


def load(config: str = "documents", path: str | Path | None = None):
    """The bundled corpus (or the dataset folder at `path`) as a `datasets.DatasetDict`."""
    from datasets import load_dataset  # imported here: the CLI should not pay for it on every call

    return load_dataset(str(path or CORPUS_DIR), config)
