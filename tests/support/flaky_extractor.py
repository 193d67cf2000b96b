"""A batch extractor that fails on one document: the baseline, except on texts containing FAIL-ME.

A batch holding that document raises as a whole (as a model server might), so the runner must
retry it document by document and report only the bad one.
"""
from newsspans.evaluation.baseline.extract import extract

MARK = "FAIL-ME"


class Flaky:
    def predict_batch(self, texts):
        if any(MARK in t for t in texts):
            raise ValueError("a batch with a bad document")
        return [extract(t) for t in texts]

    def __call__(self, text):
        if MARK in text:
            raise ValueError("cannot read this document")
        return extract(text)
