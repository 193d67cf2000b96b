"""The root `newsspans` app; each part adds its commands through the `newsspans.cli` entry points."""
from __future__ import annotations

import sys
from importlib.metadata import entry_points

import typer

app = typer.Typer(help="newsspans: a gold-annotated news span corpus and an honest extractor scorer.",
                  no_args_is_help=True, pretty_exceptions_enable=False)


def load_plugins(root: typer.Typer) -> None:
    for ep in sorted(entry_points(group="newsspans.cli"), key=lambda e: e.name):
        ep.load()(root)


def main() -> None:
    load_plugins(app)
    app()


if __name__ == "__main__":
    sys.exit(main())
