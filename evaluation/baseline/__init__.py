"""The rule-based baseline extractor (`--extractor baseline`): rules plus small gazetteers in `data/`.

Its cache fingerprint is every file of this package (`newsspans.evaluation.extractors.registry`).
"""
