"""Invariance probes (CheckList's idea, with exact offsets): swap names in the gold documents
for others of the same kind and see whether an extractor's F1 holds."""
