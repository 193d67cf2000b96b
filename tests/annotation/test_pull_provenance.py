"""Pull keeps ids and provenance of spans equal to the gold, credits the rest, and loses no annotation.

Without a server: annotations as parse_export makes them (TaskAnnotation) and the policies.
The browser test in test_labelstudio.py proves the same with Label Studio's own editor.
"""
from newsspans.annotation.convert import ParsedExport, TaskAnnotation
from newsspans.annotation.gold import gold_from_annotations, keep_unchanged
from newsspans.annotation.policies import choose
from newsspans.corpus.model import Span
from test_annotation_import import small_corpus


def _by(spans, annotator, n, ground_truth=False, doc="unicode-doc"):
    stamped = tuple(Span(**{**s.to_dict(), "annotator": annotator, "annotation_id": n}) for s in spans)
    return TaskAnnotation(1, n, doc, annotator, f"2025-01-0{n}", f"2025-01-0{n}", ground_truth, stamped)


def _gold(tmp_path):
    corpus = small_corpus(tmp_path / "c")
    docs, spans = corpus.load()
    # The current gold carries the provenance of an earlier pull.
    gold = [Span(**{**s.to_dict(), "annotator": "first@x", "annotation_id": 7, "annotated_at": "2024-12-01"})
            for s in spans]
    return docs, gold, [s for s in gold if s.doc_id == "unicode-doc"]


def test_agreement_on_exactly_the_gold_keeps_ids_and_provenance(tmp_path):
    docs, gold, doc_gold = _gold(tmp_path)
    # Three annotators drew the gold again in the editor: new region ids, same content.
    redrawn = []
    for n, who in enumerate(("a@x", "b@x", "c@x"), start=1):
        ids = {s.id: f"{who[0]}{i}" for i, s in enumerate(doc_gold)}
        redrawn.append(_by([Span(**{**s.to_dict(), "id": ids[s.id], "speaker": ids.get(s.speaker)})
                            for s in doc_gold], who, n))
    parsed = ParsedExport(annotations=redrawn)
    outcome = gold_from_annotations(parsed, docs, gold, "agreement")
    assert outcome.problems == [] and outcome.adjudication == []
    assert sorted(outcome.spans, key=lambda s: (s.doc_id, s.id)) == sorted(gold, key=lambda s: (s.doc_id, s.id))


def test_a_changed_span_is_credited_to_its_annotator_and_speakers_follow_the_kept_ids(tmp_path):
    docs, gold, doc_gold = _gold(tmp_path)
    # One annotator redraws everything (new ids) and changes the canonical name of the speaker T2.
    ids = {s.id: f"r{i}" for i, s in enumerate(doc_gold)}
    mine = [Span(**{**s.to_dict(), "id": ids[s.id], "speaker": ids.get(s.speaker),
                    **({"canonical": "J. Müller"} if s.id == "T2" else {})}) for s in doc_gold]
    merged = {s.id: s for s in keep_unchanged(list(_by(mine, "ann@x", 9).spans), doc_gold)}
    changed = merged[ids["T2"]]
    assert (changed.canonical, changed.annotator, changed.annotation_id) == ("J. Müller", "ann@x", 9)
    assert merged["T5"].speaker == ids["T2"] and merged["T5"].annotator == "first@x"  # the quote is unchanged
    assert {k: v for k, v in merged.items() if k != ids["T2"]} == {s.id: s for s in doc_gold if s.id != "T2"} | {
        "T5": merged["T5"]}


def test_ground_truth_does_not_silently_take_an_empty_annotation(tmp_path):
    _, _, doc_gold = _gold(tmp_path)
    empty_gt = _by([], "pusher@x", 1, ground_truth=True)
    drawn = _by(doc_gold, "ann@x", 2)
    choice = choose([empty_gt, drawn], "ground-truth")
    assert choice.spans == [] and len(choice.problems) == 1
    assert "the ground-truth annotation 1 is empty while annotation(s) 2 have spans" in str(choice.problems[0])


def test_annotations_a_policy_leaves_out_are_listed(tmp_path):
    docs, gold, doc_gold = _gold(tmp_path)
    a, b = _by(doc_gold, "a@x", 1, ground_truth=True), _by(doc_gold[:3], "b@x", 2)
    outcome = gold_from_annotations(ParsedExport(annotations=[a, b]), docs, gold, "ground-truth")
    assert outcome.skipped == ["task 1, annotation 2 by b@x (document 'unicode-doc', 3 spans): not used, policy "
                               "ground-truth took annotation(s) 1"]
    outcome = gold_from_annotations(ParsedExport(annotations=[a, b]), docs, gold, "latest")
    assert [line.split(": not used")[0] for line in outcome.skipped] == [
        f"task 1, annotation 1 by a@x (document 'unicode-doc', {len(doc_gold)} spans)"]


def test_an_annotation_last_saved_by_someone_else_is_noted(tmp_path):
    """An older project's pushed-gold annotation edited by an annotator: credited to its author, and said so."""
    from newsspans.annotation.convert import parse_export
    from newsspans.annotation.tasks import gold_result
    from test_annotation_import import export_of

    corpus = small_corpus(tmp_path / "c")
    docs, gold = corpus.load()
    result = gold_result(docs[0], [s for s in gold if s.doc_id == docs[0].id])
    export = export_of(corpus, {docs[0].id: [{"result": result, "updated_by": 2}]})
    parsed = parse_export(export, docs, {1: "pusher@x", 2: "ann@x"})
    assert parsed.notes == ["task 1, annotation 101 (document 'unicode-doc'): made by pusher@x, last saved by ann@x; "
                            "its changed spans are credited to pusher@x (have ann@x submit their own annotation to "
                            "be credited)"]
    assert parse_export(export_of(corpus), docs, {1: "pusher@x"}).notes == []
