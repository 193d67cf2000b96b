"""Annotation tooling: Label Studio config, tasks, push/pull, strict import, policies and agreement.

Entry points: `newsspans annotate ...` (cli.py). Only client.py talks to a server.
"""
