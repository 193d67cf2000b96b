"""Build the Hugging Face dataset folder (Parquet per config + card) from sources and gold.

The dataset (`<config>/test-*.parquet` for every config and the card `README.md`) is replaced
as a whole, so that an interrupted build leaves it all old or all new:

1. every file is written into `<out>/.newsspans-build.tmp/` and flushed to disk;
2. that folder is renamed to `<out>/.newsspans-build.ready/`: the commit point (one rename);
3. each file is renamed from the ready folder onto its place (each rename is atomic), then the
   ready folder is removed. SIGINT and SIGTERM are held back during these few renames.

Recovery rule, run at the start of every build and of `build --check`: a `.tmp` folder is an
unfinished build and is deleted (the dataset was never touched); a `.ready` folder is a
finished build whose swap was cut short (a SIGKILL or a power cut between two renames), so the
swap is completed: the files still in it are renamed into place. Either way the dataset ends
all old or all new.
"""
from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
from datasets import Dataset

from .atomic import remove_empty, write_error
from .card import REPOSITORY_LINKS, CardLinks, data_path, render_card
from .errors import CorpusError, Problem
from .rows import document_rows, token_rows
from .schema import CONFIG_FEATURES
from .store import Corpus

BUILDING = ".newsspans-build.tmp"
READY = ".newsspans-build.ready"
CARD = "README.md"


@dataclass(frozen=True)
class BuildResult:
    out_dir: Path
    documents: int
    spans: int
    sentences: int


def dataset_files() -> list[str]:
    """The dataset's files, relative to its folder: one Parquet file per config, then the card."""
    return [data_path(name) for name in CONFIG_FEATURES] + [CARD]


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM back (they are delivered on exit) so that the swap is never cut short by them."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no masks; the recovery rule still applies
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _swap_in(out: Path, ready: Path) -> None:
    """Rename every file still in `ready` onto its place in `out`, then remove `ready` (idempotent)."""
    for name in dataset_files():
        new = ready / name
        if new.exists():
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            os.replace(new, out / name)
    if ready.exists():
        shutil.rmtree(ready, ignore_errors=True)


def _finish_swap(out: Path) -> None:
    """Complete the swap from `<out>/.newsspans-build.ready`, even when Ctrl-C comes meanwhile.

    The signal mask keeps new SIGINTs out; one delivered just before it took effect still raises
    KeyboardInterrupt at the next Python instruction, so the (idempotent) swap is then simply
    resumed and the interruption passed on once it is done.
    """
    interrupted: KeyboardInterrupt | None = None
    with _signals_held():
        while (out / READY).exists():
            try:
                _swap_in(out, out / READY)
            except KeyboardInterrupt as exc:
                interrupted = exc
    if interrupted is not None:
        raise interrupted


def recover(out: Path) -> None:
    """Apply the recovery rule to the dataset folder `out` (see the module docstring)."""
    out = Path(out)
    if (out / BUILDING).exists():
        shutil.rmtree(out / BUILDING)
    _finish_swap(out)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(out: Path, files: dict[str, object]) -> None:
    """Write `files` (name -> Arrow table or card text) into a fresh `.tmp` folder of `out`, flushed."""
    staging = out / BUILDING
    staging.mkdir()
    for name, content in files.items():
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if isinstance(content, str):
                path.write_text(content, encoding="utf-8", newline="\n")
            else:
                pq.write_table(content, path)
            _fsync(path)
        except OSError as exc:
            raise write_error(out / name, exc) from None


def write_dataset(out: Path, files: dict[str, object]) -> None:
    """Replace the dataset in `out` by `files` as a whole; `out` is created if need be, and removed again on failure."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CorpusError(Problem("cannot build the dataset here: this is a file, not a folder", file=str(out)))
    created = [p for p in [out, *out.parents] if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_error(out, exc) from None
    try:
        recover(out)
        _write_all(out, files)
        (out / BUILDING).rename(out / READY)   # the commit point
        _finish_swap(out)
    except BaseException:
        shutil.rmtree(out / BUILDING, ignore_errors=True)
        _finish_swap(out)  # interrupted right after the commit point: finish what was committed
        remove_empty(created)
        raise


def build(corpus: Corpus = Corpus(), out_dir: Path | None = None, links: CardLinks = REPOSITORY_LINKS) -> BuildResult:
    """Validate the gold, then write `<out>/<config>/test-*.parquet` and `<out>/README.md` (card links:
    `links`), all or nothing."""
    out = Path(out_dir) if out_dir is not None else Path(corpus.root)
    documents, spans = corpus.load()
    doc_rows = document_rows(documents, spans)
    tok_rows, problems = token_rows(documents, spans)
    if problems:
        raise CorpusError(problems)
    files: dict[str, object] = {}
    sizes = {}
    for name, rows in (("documents", doc_rows), ("tokens", tok_rows)):
        dataset = Dataset.from_list(rows, features=CONFIG_FEATURES[name])
        # The Arrow table's schema metadata carries the features (ClassLabel names included).
        files[data_path(name)] = dataset.data.table
        sizes[name] = (dataset.data.nbytes, len(dataset))
    files[CARD] = render_card(documents, spans, doc_rows, sizes, links)
    write_dataset(out, files)
    return BuildResult(out, len(documents), len(spans), len(tok_rows))
