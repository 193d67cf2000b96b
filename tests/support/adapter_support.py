"""Shared by the adapter tests: import an optional package, or skip, except under CI.

The `test` extra installs spaCy, textacy, transformers and torch, so under CI (CI set) a missing
package is a broken install and must fail the run instead of quietly skipping the adapter tests.
"""
from __future__ import annotations

import importlib
import os
from types import ModuleType

import pytest


def need(module: str, extra: str) -> ModuleType:
    """`module`, imported; outside CI, skip the test module when it is not installed."""
    if os.environ.get("CI"):
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"needs {module}: pip install 'newsspans[{extra}]'")
