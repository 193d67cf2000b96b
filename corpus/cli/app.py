"""The root `newsspans` app; each part adds its commands through the `newsspans.cli` entry points."""
from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, entry_points, version

import typer

from .common import INTERRUPTED, STDOUT_CLOSED, _quiet_stdout, new_app

app = new_app("newsspans: a gold-annotated news span corpus and an honest extractor scorer.")


def _version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"newsspans {version('newsspans')}")
        except PackageNotFoundError:
            typer.echo("newsspans (not installed: no version)")
        raise typer.Exit()


@app.callback()
def root(show_version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                           help="Print the version and exit.")) -> None:
    """newsspans: a gold-annotated news span corpus and an honest extractor scorer."""


def load_plugins(root_app: typer.Typer) -> None:
    for ep in sorted(entry_points(group="newsspans.cli"), key=lambda e: e.name):
        ep.load()(root_app)


def main() -> None:
    try:
        load_plugins(app)
        app()
        code = 0
    except KeyboardInterrupt:
        # Ctrl-C while the commands load, or while typer builds and parses them (the policy
        # handles it once a command runs): one line, no traceback.
        typer.echo("interrupted", err=True)
        code = INTERRUPTED
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:  # while typer builds the commands, before the policy is in place
        typer.echo("interrupted", err=True)
        code = INTERRUPTED
    try:
        sys.stdout.flush()  # a reader that closed the pipe early is told here, not at interpreter exit
    except BrokenPipeError:
        _quiet_stdout()
        code = STDOUT_CLOSED
    sys.exit(code)


if __name__ == "__main__":
    main()
