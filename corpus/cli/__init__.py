"""The `newsspans` command line: the root app (`app`), the helpers every part's commands share
(`common`), and the corpus commands (`commands`).

`main` is the console script's entry point. It lives here, in a module that imports nothing,
so that a Ctrl-C while click, typer and rich are still being imported (a few tenths of a
second on a busy machine) exits 130 with one line instead of an import traceback.
"""


# Set in newsspans' own process when the user has not (inherited by its workers and Ray, not by
# a user's --command: `user_environment`). OpenBLAS's worker threads, started when numpy is
# imported, spin about 2^28 cycles (0.1 s of CPU each) before they sleep, at start-up and after
# every product: a quarter of a small run's CPU, and nothing gained, as the products here are
# few. Spinning 2^4 cycles they sleep at once; a product still uses every thread.
QUIET_BLAS = {"OPENBLAS_THREAD_TIMEOUT": "4"}
# The names `main` set, kept in the environment itself (not in this module), so that any process
# started from newsspans', a spawned worker too, knows what the user did not set.
ADDED = "NEWSSPANS_ADDED_ENVIRONMENT"


def user_environment() -> dict[str, str]:
    """The environment as the user gave it: os.environ without what `main` added to it."""
    import os

    added = set(os.environ.get(ADDED, "").split(",")) | {ADDED}
    return {k: v for k, v in os.environ.items() if k not in added}


def main() -> None:
    import os
    import sys

    added = [name for name in QUIET_BLAS if name not in os.environ]
    for name in added:  # before numpy is imported: OpenBLAS reads it when loaded
        os.environ[name] = QUIET_BLAS[name]
    if added:
        os.environ[ADDED] = ",".join(added)
    try:
        from .app import main as run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        sys.exit(130)  # common.INTERRUPTED, which cannot be imported before this point
    run()
