"""The evaluation commands: one module per command group, sharing `options`."""
from __future__ import annotations

import typer

from newsspans.corpus.cli.common import PolicyCommand

from .leaderboard import extractors_command, leaderboard_command
from .probe import probe_command
from .report import report_command
from .run import run_command
from .score import compare_command, merge_command, score_command, score_tokens_command

COMMANDS = {"score": score_command, "run": run_command, "merge": merge_command, "compare": compare_command,
            "report": report_command, "score-tokens": score_tokens_command, "leaderboard": leaderboard_command,
            "extractors": extractors_command, "probe": probe_command}


def register(app: typer.Typer) -> None:
    """Add the evaluation commands to the root app."""
    for name, function in COMMANDS.items():
        app.command(name, cls=PolicyCommand)(function)
