"""Running extractors: the registry of built-ins and adapters, in-process and command
runners, worker pools and the prediction cache."""
