"""Checking a saved JSON report's shape before `newsspans report` draws it.

A damaged or crafted report must be a one-line error naming the field ("layers.entity.gold[3].start:
expected an integer, got '1<b>'"), not a traceback or markup in the page. The check covers every
field the renderer reads: counts and offsets are integers, scores are numbers, names are strings,
outcomes are known, and every match points at an entry that exists. Optional sections are drawn
defensively (sections.py), so only their top level must be an object.
"""
from __future__ import annotations

from collections.abc import Mapping

from newsspans.corpus.errors import CorpusError, Problem

from .marks import KNOWN_OUTCOMES, LAYER_NAMES

SCHEMES = ("strict", "exact", "partial", "type")
COUNTS = ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual")
SCORES = ("precision", "recall", "f1")
OPTIONAL_SECTIONS = ("alignment", "thresholds", "entities", "coreference", "num_kinds", "breakdowns")


class Invalid(Exception):
    pass


def _show(x: object) -> str:
    if x is None:
        return "nothing (missing or null)"
    r = repr(x)
    return r if len(r) <= 40 else r[:39] + "…"


def _int(x: object, where: str) -> int:
    if not isinstance(x, int) or isinstance(x, bool):
        raise Invalid(f"{where}: expected an integer, got {_show(x)}")
    return x


def _num(x: object, where: str) -> None:
    if not isinstance(x, (int, float)) or isinstance(x, bool):
        raise Invalid(f"{where}: expected a number, got {_show(x)}")


def _str(x: object, where: str) -> None:
    if not isinstance(x, str):
        raise Invalid(f"{where}: expected a string, got {_show(x)}")


def _obj(x: object, where: str) -> Mapping:
    if not isinstance(x, Mapping):
        raise Invalid(f"{where}: expected an object, got {_show(x)}")
    return x


def _list(x: object, where: str) -> list:
    if not isinstance(x, list):
        raise Invalid(f"{where}: expected a list, got {_show(x)}")
    return x


def _ci(x: object, where: str) -> None:
    if x is not None:
        if not isinstance(x, list) or len(x) != 2:
            raise Invalid(f"{where}: expected null or [low, high], got {_show(x)}")
        _num(x[0], f"{where}[0]")
        _num(x[1], f"{where}[1]")


def _counts(c: object, where: str, with_ci: bool = True) -> None:
    c = _obj(c, where)
    for k in COUNTS:
        if _int(c.get(k), f"{where}.{k}") < 0:
            raise Invalid(f"{where}.{k}: a count cannot be negative")
    for k in SCORES:
        _num(c.get(k), f"{where}.{k}")
    if with_ci:
        _ci(c.get("f1_ci"), f"{where}.f1_ci")


def _entry(e: object, where: str, gold: bool, doc_ids: set) -> Mapping:
    e = _obj(e, where)
    _str(e.get("doc_id"), f"{where}.doc_id")
    if e["doc_id"] not in doc_ids:
        raise Invalid(f"{where}.doc_id: {_show(e['doc_id'])} is not in the report's documents")
    if not gold and e.get("alignment") == "unaligned" and e.get("start") is None and e.get("end") is None:
        if e.get("match") is not None:  # an offset-free string found nowhere: never matched
            raise Invalid(f"{where}.match: an unaligned prediction has no match, got {_show(e['match'])}")
    else:
        start, end = _int(e.get("start"), f"{where}.start"), _int(e.get("end"), f"{where}.end")
        if not 0 <= start < end:
            raise Invalid(f"{where}: offsets [{start}, {end}) are not a span")
    _str(e.get("label"), f"{where}.label")
    if e.get("text") is not None:
        _str(e["text"], f"{where}.text")
    outcomes = _obj(e.get("outcomes"), f"{where}.outcomes")
    for s in SCHEMES:
        if outcomes.get(s) not in KNOWN_OUTCOMES:
            raise Invalid(f"{where}.outcomes.{s}: expected one of {', '.join(sorted(KNOWN_OUTCOMES))}, "
                          f"got {_show(outcomes.get(s))}")
    if gold:
        _str(e.get("id"), f"{where}.id")
        if e.get("match") is not None:
            _int(e["match"], f"{where}.match")
        for k in ("speaker", "speaker_name"):
            if e.get(k) is not None:
                _str(e[k], f"{where}.{k}")
    else:
        _int(e.get("index"), f"{where}.index")
        if e.get("match") is not None:
            _str(e["match"], f"{where}.match")
        sp = e.get("speaker")
        if sp is not None and not isinstance(sp, str):
            sp = _list(sp, f"{where}.speaker")
            if len(sp) != 2:
                raise Invalid(f"{where}.speaker: expected a name or [start, end], got {_show(sp)}")
            _int(sp[0], f"{where}.speaker[0]")
            _int(sp[1], f"{where}.speaker[1]")
        if e.get("speaker_correct") not in (None, True, False):
            raise Invalid(f"{where}.speaker_correct: expected true, false or null, got {_show(e['speaker_correct'])}")
    return e


def _layer(layer: object, where: str, doc_ids: set) -> None:
    layer = _obj(layer, where)
    for i, lb in enumerate(_list(layer.get("labels"), f"{where}.labels")):
        _str(lb, f"{where}.labels[{i}]")
    schemes = _obj(layer.get("schemes"), f"{where}.schemes")
    for s, v in schemes.items():
        v = _obj(v, f"{where}.schemes.{s}")
        for lb, c in _obj(v.get("labels"), f"{where}.schemes.{s}.labels").items():
            _counts(c, f"{where}.schemes.{s}.labels.{lb}")
        _counts(v.get("micro"), f"{where}.schemes.{s}.micro")
        for avg in ("macro", "weighted"):
            a = _obj(v.get(avg), f"{where}.schemes.{s}.{avg}")
            for k in SCORES:
                _num(a.get(k), f"{where}.schemes.{s}.{avg}.{k}")
            _ci(a.get("f1_ci"), f"{where}.schemes.{s}.{avg}.f1_ci")
    for d, per in _obj(layer.get("documents", {}), f"{where}.documents").items():
        for s, c in _obj(per, f"{where}.documents.{d}").items():
            _counts(c, f"{where}.documents.{d}.{s}", with_ci=False)
    gold = [_entry(e, f"{where}.gold[{i}]", True, doc_ids) for i, e in enumerate(_list(layer.get("gold"),
                                                                                     f"{where}.gold"))]
    pred = [_entry(e, f"{where}.predicted[{i}]", False, doc_ids)
            for i, e in enumerate(_list(layer.get("predicted"), f"{where}.predicted"))]
    indices = {e["index"] for e in pred}
    ids = {(e["doc_id"], e["id"]) for e in gold}
    for i, e in enumerate(gold):
        if e.get("match") is not None and e["match"] not in indices:
            raise Invalid(f"{where}.gold[{i}].match: no prediction with index {e['match']}")
    for i, e in enumerate(pred):
        if e.get("match") is not None and (e["doc_id"], e["match"]) not in ids:
            raise Invalid(f"{where}.predicted[{i}].match: no gold span {_show(e['match'])} in that document")
    sp = layer.get("speakers")
    if sp is not None:
        sp = _obj(sp, f"{where}.speakers")
        _int(sp.get("matched"), f"{where}.speakers.matched")
        _int(sp.get("speaker_correct"), f"{where}.speakers.speaker_correct")
        _num(sp.get("accuracy"), f"{where}.speakers.accuracy")
        for s, att in _obj(sp.get("attribution"), f"{where}.speakers.attribution").items():
            att = _obj(att, f"{where}.speakers.attribution.{s}")
            for k in SCORES:
                _num(att.get(k), f"{where}.speakers.attribution.{s}.{k}")
            _ci(att.get("f1_ci"), f"{where}.speakers.attribution.{s}.f1_ci")


def check_shape(data: object) -> None:
    """Raise `Invalid` naming the first field that is not what the HTML report reads."""
    data = _obj(data, "report")
    documents = _list(data.get("documents"), "documents")
    for i, d in enumerate(documents):
        _str(d, f"documents[{i}]")
    doc_ids = set(documents)
    if len(doc_ids) != len(documents):
        raise Invalid("documents: a document id is listed twice")
    for name, layer in _obj(data.get("layers"), "layers").items():
        if name not in LAYER_NAMES:
            raise Invalid(f"layers.{name}: unknown layer (known: {', '.join(LAYER_NAMES)})")
        _layer(layer, f"layers.{name}", doc_ids)
    settings = _obj(data.get("settings", {}), "settings")
    _num(settings.get("min_overlap", 0), "settings.min_overlap")
    boot = _obj(settings.get("bootstrap", {}), "settings.bootstrap")
    if boot.get("resamples") is not None:
        _int(boot["resamples"], "settings.bootstrap.resamples")
        _num(boot.get("confidence"), "settings.bootstrap.confidence")
    for k, v in _obj(data.get("dropped", {}), "dropped").items():
        _int(v, f"dropped.{k}")
    for k, v in _obj(data.get("extractor_errors", {}), "extractor_errors").items():
        _str(v, f"extractor_errors.{k}")
    for i, d in enumerate(_list(data.get("missing_predictions", []), "missing_predictions")):
        _str(d, f"missing_predictions[{i}]")
    for key in OPTIONAL_SECTIONS:
        if data.get(key) is not None:
            _obj(data[key], key)


def validate_report(data: object, file: str) -> None:
    """CorpusError (exit 2) with one line naming the file and the field, unless `data` has the shape."""
    try:
        check_shape(data)
    except Invalid as exc:
        raise CorpusError(Problem(f"not a valid newsspans score report: {exc}", file=file)) from None
