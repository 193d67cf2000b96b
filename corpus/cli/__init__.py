"""The `newsspans` command line: the root app (`app`), the helpers every part's commands share
(`common`), and the corpus commands (`commands`).

`main` is the console script's entry point. It lives here, in a module that imports nothing,
so that a Ctrl-C while click, typer and rich are still being imported (a few tenths of a
second on a busy machine) exits 130 with one line instead of an import traceback.
"""


def main() -> None:
    import sys

    try:
        from .app import main as run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)  # common.INTERRUPTED, which cannot be imported before this point
    run()
