"""The scoring core: pure functions from gold and predicted spans to counts, metrics,
intervals and the report. No file or network I/O here."""
