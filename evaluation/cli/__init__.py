"""The evaluation commands: one module per command group, sharing `options`."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add `score`, `compare`, `score-tokens`, `report` (HTML from a saved JSON report),
    `leaderboard` and `extractors` to the root app."""
    from .leaderboard import extractors_command, leaderboard_command
    from .report import report_command
    from .score import compare_command, score_command, score_tokens_command

    app.command("score")(score_command)
    app.command("compare")(compare_command)
    app.command("report")(report_command)
    app.command("score-tokens")(score_tokens_command)
    app.command("leaderboard")(leaderboard_command)
    app.command("extractors")(extractors_command)
