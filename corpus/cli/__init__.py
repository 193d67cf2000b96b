"""The `newsspans` command line: the root app (`app`), the helpers every part's commands share
(`common`), and the corpus commands (`commands`)."""
