"""Score any information extractor against the gold corpus: the public Python API.

`load_gold`, `run_extractor` and `score_run` are the pipeline `newsspans score` runs
(`newsspans.evaluation.pipeline`); `score_files` streams a predictions file against gold
files in bounded memory; `Partial` and `merge` combine shards; `score` is the scoring core on
its own. Heavy imports
(numpy, scipy) happen on first use, so `import newsspans.evaluation` stays cheap.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "load_gold": "newsspans.evaluation.pipeline", "run_extractor": "newsspans.evaluation.pipeline",
    "score_run": "newsspans.evaluation.pipeline", "Gold": "newsspans.evaluation.pipeline",
    "ExtractorRun": "newsspans.evaluation.pipeline", "RunSettings": "newsspans.evaluation.pipeline",
    "ScoreOptions": "newsspans.evaluation.pipeline", "score_files": "newsspans.evaluation.pipeline",
    "OffsetsWarning": "newsspans.evaluation.pipeline",
    "merge": "newsspans.evaluation.scoring.partial", "Partial": "newsspans.evaluation.scoring.partial",
    "score": "newsspans.evaluation.scoring.scorer",
    "Report": "newsspans.evaluation.scoring.report", "load_extractor": "newsspans.evaluation.extractors.runner",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'newsspans.evaluation' has no attribute {name!r}")
