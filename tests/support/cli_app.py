"""A fresh root typer app with the evaluation commands, for CliRunner tests."""
import typer

from newsspans.evaluation.cli import register


def make_app() -> typer.Typer:
    app = typer.Typer(pretty_exceptions_enable=False)

    @app.callback()
    def root() -> None:
        """Test root app."""

    register(app)
    return app
