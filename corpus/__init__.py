"""newsspans.corpus: the bundled gold corpus, its types, validator and dataset build.

Names are imported on first use, so that `newsspans --help` does not pay for the readers.
"""
from __future__ import annotations

import importlib
from pathlib import Path

_EXPORTS = {
    "CorpusError": ".errors", "Problem": ".errors",
    "ENTITY_LABELS": ".model", "LABELS": ".model", "NUM_KINDS": ".model", "QUOTE_LABELS": ".model",
    "Document": ".model", "Segment": ".model", "Span": ".model",
    "CORPUS_DIR": ".store", "Corpus": ".store",
}
__all__ = sorted([*_EXPORTS, "load"])


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module 'newsspans.corpus' has no attribute {name!r}")


def load(config: str = "documents", path: str | Path | None = None):
    """The bundled corpus (or the dataset folder at `path`) as a `datasets.DatasetDict`."""
    from datasets import load_dataset  # imported here: the CLI should not pay for it on every call

    from .card import dataset_info
    from .store import CORPUS_DIR

    dataset_dict = load_dataset(str(path or CORPUS_DIR), config)
    # `datasets` reads only features and split sizes from a card; the description and citation
    # live in the card's prose, and are filled in here for package users.
    info = dataset_info(config)
    for dataset in dataset_dict.values():
        dataset.info.description, dataset.info.citation, dataset.info.license = info.description, info.citation, info.license
    return dataset_dict
