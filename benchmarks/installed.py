"""What a whole-process benchmark needs so that it times newsspans as users run it."""
from __future__ import annotations

import compileall
from pathlib import Path

PARTS = ("corpus", "annotation", "evaluation")


def byte_compile() -> None:
    """Byte-compile newsspans' modules, as `pip install .` does when it installs them.

    A development checkout is an editable install: its modules are compiled on import, and
    under PYTHONDONTWRITEBYTECODE (set on this project's machines) compiled again in every
    process, about 0.05 s of CPU per run that no installed copy spends.
    """
    root = Path(__file__).resolve().parents[1]
    for part in PARTS:
        compileall.compile_dir(root / part, quiet=1)
