"""Terminal rendering keeps document text literal: brackets in the text are not rich markup."""
from rich.console import Console

from newsspans.evaluation.render import _context


def test_error_context_shows_the_span_in_brackets_and_text_brackets_literally():
    console = Console(width=200, record=True)
    console.print(_context("should one of the two countries", 7, 10))
    console.print(_context("tariffs [on Russia] if [/bold] we", 8, 19))
    out = console.export_text()
    assert "should [one] of the two countries" in out
    assert "tariffs [[on Russia]] if [/bold] we" in out


def test_damaged_inputs_are_one_line_errors_not_tracebacks(tmp_path):
    import json

    from cli_app import make_app
    from typer.testing import CliRunner

    from newsspans.corpus.cli.commands import corpus_app

    runner = CliRunner()
    bad = tmp_path / "corpus"
    (bad / "sources").mkdir(parents=True)
    (bad / "sources" / "000_a.jsonl").write_text('{"id": "d", "title": "T", "text": "Body."}\n')
    (bad / "annotations.jsonl").write_bytes(b'{"doc_id": "d"}\n\xff\n')
    result = runner.invoke(corpus_app, ["validate", "--corpus", str(bad)])
    assert result.exit_code == 1
    assert f"{bad / 'annotations.jsonl'}:2: not valid UTF-8 (byte 0xff" in result.output

    app = make_app()
    report = tmp_path / "r.json"
    assert runner.invoke(app, ["score", "--predictions", str(_gold_as_predictions(tmp_path)), "--no-progress",
                               "--output", str(report)]).exit_code == 0
    data = json.loads(report.read_text())
    del data["layers"]["entity"]["schemes"]
    report.write_text(json.dumps(data))
    result = runner.invoke(app, ["report", str(report), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert (f"{report}: not a valid newsspans score report: layers.entity.schemes: expected an object, "
            "got nothing (missing or null)") in result.output
    assert not (tmp_path / "r.html").exists()


def _gold_as_predictions(tmp_path):
    from newsspans.corpus import Corpus
    from newsspans.evaluation.predictions import prediction_from_dict, write_predictions

    documents, gold = Corpus().load()
    preds = {d.id: [prediction_from_dict(d.id, {"start": s.start, "end": s.end, "label": s.label})
                    for s in gold if s.doc_id == d.id] for d in documents}
    path = tmp_path / "preds.jsonl"
    write_predictions(path, preds)
    return path
