"""Build the Hugging Face dataset folder (Parquet per config + card) from sources and gold."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
from datasets import Dataset

from .atomic import write_atomic, write_text_atomic
from .card import REPOSITORY_LINKS, CardLinks, data_path, render_card
from .errors import CorpusError
from .rows import document_rows, token_rows
from .schema import CONFIG_FEATURES
from .store import Corpus


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    documents: int
    spans: int
    sentences: int


def build(corpus: Corpus = Corpus(), out_dir: Path | None = None, links: CardLinks = REPOSITORY_LINKS) -> BuildResult:
    """Validate the gold, then write `<out>/<config>/test-*.parquet` and `<out>/README.md` (card links: `links`)."""
    out = Path(out_dir) if out_dir is not None else Path(corpus.root)
    documents, spans = corpus.load()
    doc_rows = document_rows(documents, spans)
    tok_rows, problems = token_rows(documents, spans)
    if problems:
        raise CorpusError(problems)
    sizes = {}
    for name, rows in (("documents", doc_rows), ("tokens", tok_rows)):
        dataset = Dataset.from_list(rows, features=CONFIG_FEATURES[name])
        # The Arrow table's schema metadata carries the features (ClassLabel names included).
        write_atomic(out / data_path(name), lambda tmp, ds=dataset: pq.write_table(ds.data.table, tmp),
                     make_parents=True)
        sizes[name] = (dataset.data.nbytes, len(dataset))
    write_text_atomic(out / "README.md", render_card(documents, spans, doc_rows, sizes, links), make_parents=True)
    return BuildResult(out, len(documents), len(spans), len(tok_rows))
