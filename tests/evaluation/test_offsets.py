"""--offsets utf16|utf8: offsets counted in another unit are converted, and offsets that look
like another unit are warned about instead of scored silently."""
from __future__ import annotations

import json
import re
import sys
import textwrap

import pytest
from cli_app import make_app
from typer.testing import CliRunner

from newsspans.corpus.errors import CorpusError
from newsspans.evaluation.predictions import Prediction, convert_offsets, inside_word

APP = make_app()
runner = CliRunner()

# Code points: "Zoë" [0, 3), "José" [8, 12), "Köln" [16, 20). In UTF-8 bytes (ë, é, ö are two
# bytes each): [0, 4), [9, 14), [18, 23).
UTF8_TEXT = "Zoë met José in Köln."
# The emoji is one code point and two UTF-16 units: "Ada" [2, 5), "Bob" [10, 13), "Cy" [18, 20)
# are [3, 6), [11, 14), [19, 21) in UTF-16.
UTF16_TEXT = "😀 Ada met Bob and Cy."
GOLD = [
    {"id": "u8", "text": UTF8_TEXT, "spans": [{"start": 0, "end": 3, "label": "PER"},
                                              {"start": 8, "end": 12, "label": "PER"},
                                              {"start": 16, "end": 20, "label": "LOC"}]},
    {"id": "u16", "text": UTF16_TEXT, "spans": [{"start": 2, "end": 5, "label": "PER"},
                                                {"start": 10, "end": 13, "label": "PER"},
                                                {"start": 18, "end": 20, "label": "PER"}]},
]
UTF8_SPANS = [(0, 4, "PER"), (9, 14, "PER"), (18, 23, "LOC")]
UTF16_SPANS = [(3, 6, "PER"), (11, 14, "PER"), (19, 21, "PER")]


@pytest.fixture
def gold(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in GOLD), encoding="utf-8")
    return path


def write_preds(path, records: dict[str, list[tuple[int, int, str]]]):
    path.write_text("".join(json.dumps({"id": k, "spans": [{"start": s, "end": e, "label": lab}
                                                            for s, e, lab in v]}) + "\n"
                            for k, v in records.items()))
    return path


def score(*args):
    return runner.invoke(APP, ["score", "--bootstrap", "0", "--no-progress", "--format", "json",
                               *[str(a) for a in args]], catch_exceptions=False)


def micro_f1(result) -> float:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["layers"]["entity"]["schemes"]["strict"]["micro"]["f1"]


def test_utf8_and_utf16_offsets_convert_to_a_perfect_score(gold, tmp_path):
    u16 = write_preds(tmp_path / "u16.jsonl", {"u16": UTF16_SPANS, "u8": [(0, 3, "PER"), (8, 12, "PER"),
                                                                         (16, 20, "LOC")]})
    result = score("--gold", gold, "--predictions", u16, "--offsets", "utf16")
    assert micro_f1(result) == 1.0 and result.stderr == ""
    # In UTF-8 the emoji is 4 bytes: "Ada" [5, 8), "Bob" [13, 16), "Cy" [21, 23).
    both8 = write_preds(tmp_path / "b8.jsonl", {"u8": UTF8_SPANS, "u16": [(5, 8, "PER"), (13, 16, "PER"),
                                                                         (21, 23, "PER")]})
    assert micro_f1(score("--gold", gold, "--predictions", both8, "--offsets", "utf8")) == 1.0


def test_utf16_offsets_scored_as_code_points_give_a_warning_with_counts(gold, tmp_path):
    preds = write_preds(tmp_path / "p.jsonl", {"u16": UTF16_SPANS, "u8": [(0, 3, "PER"), (8, 12, "PER"),
                                                                         (16, 20, "LOC")]})
    result = score("--gold", gold, "--predictions", preds)
    assert micro_f1(result) == 0.5  # 3 of 6 right
    assert result.stderr == (f"warning: {preds}: 3 of 6 predicted spans (50%) start or end inside a word; if the "
                             "offsets are not codepoints, say which unit they are (--offsets utf16 or --offsets "
                             "utf8)\n")
    assert score("--gold", gold, "--predictions", preds, "--quiet").stderr == ""


@pytest.mark.parametrize("kind", ["command", "extractor"])
def test_offsets_apply_to_commands_and_callables_too(gold, tmp_path, kind):
    # An extractor that finds capitalised words and reports UTF-16 offsets, as JavaScript would.
    code = textwrap.dedent("""
        import re
        def utf16(text, i):
            return len(text[:i].encode("utf-16-le")) // 2
        def extract(text):
            return [{"start": utf16(text, m.start()), "end": utf16(text, m.end()),
                     "label": "LOC" if m.group() == "Köln" else "PER"}
                    for m in re.finditer(r"[A-Z]\\w+", text)]
    """)
    path = tmp_path / "js_like.py"
    if kind == "command":
        path.write_text(code + "import json, sys\nfor line in sys.stdin:\n    doc = json.loads(line)\n"
                        "    print(json.dumps({'id': doc['id'], 'spans': extract(doc['text'])}), flush=True)\n")
        source = ["--command", f"{sys.executable} {path}"]
    else:
        path.write_text(code)
        source = ["--extractor", f"{path}:extract"]
    assert micro_f1(score("--gold", gold, *source, "--offsets", "utf16")) == 1.0


def test_an_offset_inside_a_character_is_an_error_naming_it(gold, tmp_path):
    preds = write_preds(tmp_path / "p.jsonl", {"u8": [(0, 3, "PER")], "u16": [(3, 6, "PER")]})
    result = score("--gold", gold, "--predictions", preds, "--offsets", "utf8")
    assert result.exit_code == 2
    # Byte 3 is the second byte of "ë"; byte 3 of the emoji text is inside the 4-byte emoji.
    assert result.stderr == (
        f"error: {preds}:1, document 'u8', span 'prediction 0': utf8 offset 3 falls inside the character 'ë' "
        "(code point 2)\n"
        f"error: {preds}:2, document 'u16', span 'prediction 0': utf8 offset 3 falls inside the character '😀' "
        "(code point 0)\n")


def test_conversion_of_speaker_spans_and_out_of_range_offsets():
    texts = {"d": "“Hi,” said Zoë."}  # typographic quotes: 3 bytes each
    # Code points: the quote [0, 5), "Zoë" [11, 14); in UTF-8 bytes: [0, 9), [15, 19); 20 bytes in all.
    [quote] = convert_offsets({"d": [Prediction("d", 0, 9, "QUOTE", speaker=(15, 19))]}, texts, "utf8")["d"]
    assert (quote.start, quote.end, quote.speaker) == (0, 5, (11, 14))
    with pytest.raises(CorpusError, match=r"utf8 offset 30 is outside the text \(20 UTF-8 bytes long\)"):
        convert_offsets({"d": [Prediction("d", 0, 30, "QUOTE")]}, texts, "utf8")
    # ASCII text: every unit agrees, offsets pass through untouched.
    ascii_pred = Prediction("e", 1, 2, "PER")
    assert convert_offsets({"e": [ascii_pred]}, {"e": "abc"}, "utf16")["e"] == [ascii_pred]


def test_inside_word_counts_cuts_at_either_end():
    text = "Olaf Scholz, 5%"
    preds = [Prediction("d", 0, 4, "PER"), Prediction("d", 1, 4, "PER"), Prediction("d", 5, 9, "PER"),
             Prediction("d", 13, 14, "NUM"), Prediction("d", 5, 99, "PER")]  # the last one is out of range
    assert inside_word({"d": preds}, {"d": text}) == (2, 4)


def test_offset_free_predictions_pass_through_conversion_and_the_word_check():
    texts = {"d": "“Hi,” said Zoë."}
    free = Prediction("d", None, None, "PER", text="Zoë")
    with_bytes = Prediction("d", 15, 19, "PER")
    converted = convert_offsets({"d": [free, with_bytes]}, texts, "utf8")["d"]
    assert converted[0] == free and (converted[1].start, converted[1].end) == (11, 14)
    assert inside_word({"d": [free, Prediction("d", 11, 14, "PER")]}, texts) == (0, 1)  # the free one is not looked at


def test_the_bundled_gold_as_utf8_byte_offsets_is_warned_about_and_converts_back(tmp_path):
    # The case: byte offsets, no text fields. Typographic quotes and accents make the
    # bytes drift from the code points after the first one in each article.
    from newsspans.evaluation import load_gold

    gold = load_gold()
    texts = {d.id: d.text for d in gold.documents}
    byte = {doc_id: [len(text[:i].encode()) for i in range(len(text) + 1)] for doc_id, text in texts.items()}
    records: dict[str, list] = {d.id: [] for d in gold.documents}
    for s in gold.spans:
        records[s.doc_id].append((byte[s.doc_id][s.start], byte[s.doc_id][s.end], s.label))
    preds = write_preds(tmp_path / "bytes.jsonl", records)
    unconverted = score("--predictions", preds)
    if unconverted.exit_code == 0:  # byte offsets past a text's end would be an error instead
        assert micro_f1(unconverted) < 0.5
    warning = re.fullmatch(rf"warning: {re.escape(str(preds))}: (\d+) of (\d+) predicted spans \(\d+%\) start or end "
                           r"inside a word; .*\n", unconverted.stderr)
    assert warning and int(warning[1]) > int(warning[2]) / 2
    converted = score("--predictions", preds, "--offsets", "utf8")
    assert micro_f1(converted) == 1.0 and converted.stderr == ""
