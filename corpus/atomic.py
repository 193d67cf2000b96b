"""Write files whole or not at all: write a temporary sibling, then rename it into place."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import CorpusError, Problem


def write_atomic(path: Path, writer: Callable[[Path], None], make_parents: bool = False) -> None:
    """Call `writer(tmp)` to fill a temporary file next to `path`, then rename it onto `path`.

    Missing folders are created only with `make_parents` (the dataset build, the cache): for a
    user-given output path a missing folder is more likely a typo than a wish.
    """
    path = Path(path)
    if make_parents:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise CorpusError(Problem("cannot write: the folder does not exist", file=str(path)))
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        # mkstemp creates the file 0600; give the result the mode a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path, text: str, make_parents: bool = False) -> None:
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8", newline="\n"), make_parents)
