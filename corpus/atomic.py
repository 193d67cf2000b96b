"""Write output files whole or not at all, without clobbering what the path really is.

What a path names decides how it is written:
- `-`: standard output (`is_stdout`); every command that takes an output path accepts it;
- a regular file, or a path that does not exist yet: a temporary sibling is filled and renamed
  onto it, so a reader never sees half a file and an interrupted write leaves the old one;
- a symlink: its target is the file written (resolved first, then replaced as above), so the
  link stays a link and the target is not left stale;
- anything else that exists (a device such as /dev/null or /dev/full, a FIFO, a pipe from
  process substitution `>(wc -c)` seen as /dev/fd/N): written directly, since renaming over it
  would replace the device or pipe with a regular file.
Every failure (a full disk, a read-only folder) is a `CorpusError` naming the file, and leaves
no temporary file and no folder this call created behind.
"""
from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import CorpusError, Problem

STDOUT = "-"


def is_stdout(path: os.PathLike | str | None) -> bool:
    """True for the path `-`, which means standard output wherever an output path is taken."""
    return path is not None and str(path) == STDOUT


def _why(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full (no space left on the device)"
    return exc.strerror or str(exc)


def write_error(path: os.PathLike | str, exc: OSError) -> CorpusError:
    """The one-line error for an output that could not be written."""
    return CorpusError(Problem(f"cannot write: {_why(exc)}", file=str(path)))


def _made_parents(folder: Path) -> list[Path]:
    """Create `folder` and missing ancestors; the ones created, deepest first (to undo on failure)."""
    missing = []
    for p in [folder, *folder.parents]:
        if p.exists():
            break
        missing.append(p)
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def remove_empty(folders: list[Path]) -> None:
    """Remove folders this process created, deepest first, as long as they are empty."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            break


def _direct_kind(path: Path) -> bool:
    """True when `path` exists and is not a regular file (device, FIFO, pipe): written in place."""
    try:
        mode = os.stat(path).st_mode  # follows symlinks: /dev/fd/N answers for the pipe itself
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise write_error(path, exc) from None
    if stat.S_ISDIR(mode):
        raise CorpusError(Problem("cannot write: this is a folder, not a file", file=str(path)))
    return not stat.S_ISREG(mode)


def write_atomic(path: Path, writer: Callable[[Path], None], make_parents: bool = False) -> None:
    """Call `writer(p)` to write the output named by `path` (see the module docstring for what `p` is).

    Missing folders are created only with `make_parents` (the dataset build, the cache): for a
    user-given output path a missing folder is more likely a typo than a wish.
    """
    if is_stdout(path):
        _to_stdout(writer)
        return
    path = Path(path)
    if _direct_kind(path):
        try:
            writer(path)
        except OSError as exc:
            raise write_error(path, exc) from None
        return
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    created: list[Path] = []
    if make_parents:
        try:
            created = _made_parents(target.parent)
        except OSError as exc:
            raise write_error(path, exc) from None
    elif not target.parent.is_dir():
        raise CorpusError(Problem("cannot write: the folder does not exist", file=str(path)))
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        writer(tmp)
        # mkstemp creates the file 0600; keep the mode of the file replaced, else what open() would give.
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        remove_empty(created)
        if isinstance(exc, OSError):
            raise write_error(path, exc) from None
        raise


def _to_stdout(writer: Callable[[Path], None]) -> None:
    """Run `writer` into a temporary file, then copy it to standard output (text or binary)."""
    with tempfile.TemporaryDirectory(prefix="newsspans-") as folder:
        tmp = Path(folder) / "out"
        writer(tmp)
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        with open(tmp, "rb") as src:
            if buffer is not None:
                shutil.copyfileobj(src, buffer)
                buffer.flush()
            else:  # a text-only stream (a test runner's capture)
                sys.stdout.write(src.read().decode("utf-8"))
                sys.stdout.flush()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: Path | str, text: str, make_parents: bool = False) -> None:
    """Write `text` as UTF-8 with LF line ends to `path` (`-` is standard output), as `write_atomic` does."""
    if is_stdout(path):
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    write_atomic(Path(path), lambda p: p.write_text(text, encoding="utf-8", newline="\n"), make_parents)


# The name other parts call for a user-given output path: `-` is stdout, the rest as above.
write_output = write_text_atomic
