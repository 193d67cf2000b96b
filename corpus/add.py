"""Add a new source (a scraped page or a JSONL file of records) to a corpus."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from .atomic import write_atomic
from .errors import CorpusError, Problem
from .model import Document
from .sources import parse_source, source_files
from .store import Corpus


def next_source_name(sources_dir: Path, original: str) -> str:
    """`NNN_<name>`, one past the highest sequence number, so the new file sorts last."""
    numbers = [int(m.group(1)) for p in source_files(sources_dir) if (m := re.match(r"(\d+)_", p.name))]
    stem = re.sub(r"^\d+_", "", original)
    return f"{max(numbers, default=-1) + 1:03d}_{stem}"


def add_source(corpus: Corpus, path: Path) -> list[Document]:
    """Copy `path` into the corpus sources if it parses and its ids are new; return its documents.

    Existing documents and their annotations are untouched: ids are stable slugs and the new
    file sorts after every existing one.
    """
    path = Path(path)
    new_docs = parse_source(path)
    existing = {d.id: d.source for d in corpus.documents()}
    seen: set[str] = set()
    for d in new_docs:
        if d.id in seen:
            existing.setdefault(d.id, path.name)
        seen.add(d.id)
    clashes = [Problem(f"document id already exists (from {existing[d.id]}); give the record an explicit "
                       "'id' or change its title", file=str(path), line=d.segments[0].line, doc_id=d.id)
               for d in new_docs if d.id in existing]
    if clashes:
        raise CorpusError(clashes)
    target = corpus.sources / next_source_name(corpus.sources, path.name)
    write_atomic(target, lambda tmp: shutil.copyfile(path, tmp))
    return parse_source(target)
