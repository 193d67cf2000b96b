"""What every part's commands share: exit codes, one error policy, the corpus option.

Exit codes, for every command of every part:
0 success; 1 a finding (validator violations, audit items, a score below --fail-under);
2 bad input, usage or environment; 130 interrupted (Ctrl-C); 141 standard output closed by
its reader (`| head -1`), silently, as a program killed by SIGPIPE would report.

The policy lives in `PolicyGroup.invoke` and `PolicyCommand.invoke`, so it holds for the
installed `newsspans` command, for sub-apps and for CliRunner tests alike: a command raises
`CorpusError` (or lets an `OSError` through) and the user sees one line per problem, never a
traceback.
"""
from __future__ import annotations

import errno
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click
import typer
from typer.core import TyperCommand, TyperGroup

from ..errors import CorpusError, Problem

OK = 0
FINDING = 1
BAD_INPUT = 2
INTERRUPTED = 130
STDOUT_CLOSED = 141
MAX_PROBLEMS = 20  # longer lists end with "... and N more"

CorpusOption = typer.Option(None, "--corpus", help="Corpus folder (sources/ + annotations.jsonl); default: "
                            "./corpus in a checkout, else the bundled corpus.", file_okay=False)


def reading(corpus: Path | None):
    """The corpus at `corpus` (default: ./corpus in a checkout, else the bundled one); a path that
    is not a corpus folder is a CorpusError naming it."""
    from ..store import Corpus, default_corpus_dir

    root = Path(corpus) if corpus is not None else default_corpus_dir()
    if not (root / "sources").is_dir():
        what = "does not exist" if not root.exists() else "is not a corpus folder (it has no sources/ folder)"
        raise CorpusError(Problem(f"{what}", file=str(root)))
    return Corpus(root)


def folder_out(out: Path | None, option: str = "--out") -> Path | None:
    """`out` for an option naming an output folder; `-` is refused, since a dataset is a folder
    of files and cannot go to standard output (it would otherwise become a folder named `-`)."""
    if out is not None and str(out) == "-":
        raise CorpusError(Problem(f"{option} -: a dataset is a folder of files and cannot be written to "
                                  "standard output; give a folder"))
    return out


def echo_problems(problems: list[Problem], prefix: str = "error") -> None:
    """One line per problem on stderr, the first MAX_PROBLEMS, then how many more."""
    for problem in problems[:MAX_PROBLEMS]:
        typer.echo(f"{prefix}: {problem}", err=True)
    if len(problems) > MAX_PROBLEMS:
        typer.echo(f"{prefix}: ... and {len(problems) - MAX_PROBLEMS} more", err=True)


def fail(error: CorpusError, code: int = BAD_INPUT) -> NoReturn:
    """Print every problem (capped) and exit with `code`."""
    echo_problems(error.problems)
    raise typer.Exit(code)


def loaded(corpus: Path | None):
    """Documents and validated gold of `corpus`; violations are a finding (exit 1)."""
    source = reading(corpus)
    try:
        return source.load()
    except CorpusError as exc:
        fail(exc, FINDING)


def _quiet_stdout() -> None:
    """After a closed pipe, send what is still buffered nowhere, so exit prints no second error."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _os_message(exc: OSError) -> str:
    name = exc.filename if exc.filename is not None else ""
    text = exc.strerror or str(exc)
    return f"{name}: {text}" if name else text


@contextmanager
def policy() -> Iterator[None]:
    """The error policy around one command: every failure a user can cause becomes an exit code
    and one line per problem."""
    try:
        yield
    except (typer.Exit, click.exceptions.Exit, click.ClickException, click.Abort):
        raise
    except CorpusError as exc:
        fail(exc, BAD_INPUT)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        raise typer.Exit(INTERRUPTED) from None
    except MemoryError:
        typer.echo("error: out of memory; score fewer documents per run (shards: --partial-out, then "
                   "`newsspans merge`), or run on a machine with more memory", err=True)
        raise typer.Exit(BAD_INPUT) from None
    except RecursionError:
        typer.echo("error: input nested too deeply to read", err=True)
        raise typer.Exit(BAD_INPUT) from None
    except OSError as exc:
        if exc.errno == errno.EPIPE:  # BrokenPipeError: the reader closed stdout
            _quiet_stdout()
            raise typer.Exit(STDOUT_CLOSED) from None
        where = "standard output" if exc.errno == errno.ENOSPC and exc.filename is None else ""
        typer.echo(f"error: {where + ': ' if where else ''}{_os_message(exc)}", err=True)
        raise typer.Exit(BAD_INPUT) from None


def _plain_flags(params: list[click.Parameter]) -> list[click.Parameter]:
    # A flag takes no value, so help shows no "<bool>" type for it.
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


@contextmanager
def _rich_pipe() -> Iterator[None]:
    """While a command runs or its help is drawn: rich's handler for a closed stdout exits 1,
    which means a finding here; make it exit 141 as every other closed stdout does."""
    from rich.console import Console

    def closed(console: Console) -> None:
        console.quiet = True
        _quiet_stdout()
        raise typer.Exit(STDOUT_CLOSED)

    original = Console.on_broken_pipe
    Console.on_broken_pipe = closed
    try:
        yield
    finally:
        Console.on_broken_pipe = original


class _Policy:
    """What commands and groups share: the error policy around `invoke`, a closed pipe while
    help is printed, and flags shown without a value type."""

    def invoke(self, ctx: click.Context):
        with policy(), _rich_pipe():
            return super().invoke(ctx)

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _rich_pipe():
            return super().format_help(ctx, formatter)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return _plain_flags(super().get_params(ctx))


class PolicyCommand(_Policy, TyperCommand):
    """A command under the error policy."""


class PolicyGroup(_Policy, TyperGroup):
    """A command group under the error policy; its commands default to PolicyCommand."""

    command_class = PolicyCommand

    def make_context(self, *args, **kwargs) -> click.Context:
        # Ctrl-C while the arguments are parsed would be click's "Aborted!" with exit 1.
        try:
            return super().make_context(*args, **kwargs)
        except KeyboardInterrupt:
            typer.echo("interrupted", err=True)
            raise typer.Exit(INTERRUPTED) from None


def new_app(help: str, **kwargs) -> typer.Typer:
    """A typer app (root or part) whose commands follow the error policy."""
    return typer.Typer(help=help, cls=PolicyGroup, no_args_is_help=True, pretty_exceptions_enable=False, **kwargs)


def command(app: typer.Typer, name: str | None = None, **kwargs):
    """`app.command(...)` with the policy's command class."""
    return app.command(name, cls=PolicyCommand, **kwargs)


def console(stderr: bool = False):
    """A rich Console for stdout (or stderr, when an output file `-` holds stdout); under the
    policy its closed pipe exits 141 (`_rich_pipe`)."""
    from rich.console import Console

    return Console(stderr=stderr)
