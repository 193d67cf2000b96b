"""Model adapters (spaCy, Hugging Face, textacy): each turns a third-party model into an
extractor; declared in `newsspans.evaluation.extractors.registry`."""
