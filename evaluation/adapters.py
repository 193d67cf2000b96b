"""The model adapters an extractor spec can name (`spacy:NAME`, `hf:PATH`, `textacy-quotes[:NAME]`).

This module imports nothing heavy: the CLI lists adapters with `available_adapters()`, which only
asks whether the packages are installed (`importlib.util.find_spec`), and `load_adapter` imports
an adapter module only when a spec names it.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType


@dataclass(frozen=True)
class Adapter:
    """Where an adapter's class lives, the packages it needs, and the command that installs them."""

    path: str
    packages: tuple[str, ...]
    install: str
    # The argument after the prefix: what it means, and its value when the spec has none.
    argument: str
    default: str | None = None


ADAPTERS: dict[str, Adapter] = {
    "spacy": Adapter("newsspans.evaluation.adapter_spacy:SpacyExtractor", ("spacy",),
                     "pip install 'newsspans[spacy]'", "an installed spaCy pipeline: package name or folder"),
    "hf": Adapter("newsspans.evaluation.adapter_hf:HFExtractor", ("transformers", "torch"),
                  "pip install 'newsspans[hf]'", "a local Hugging Face token-classification model folder"),
    "textacy-quotes": Adapter("newsspans.evaluation.adapter_textacy:TextacyQuotesExtractor", ("textacy", "spacy"),
                              "pip install 'newsspans[textacy]'", "a spaCy pipeline with a parser",
                              default="en_core_web_sm"),
}


def require(module: str, install: str) -> ModuleType:
    """Import `module`, or raise ImportError saying which command installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"the Python package {module!r} is not installed ({exc}); "
                          f"install it with: {install}") from exc


def split_spec(spec: str) -> tuple[str, str | None] | None:
    """(adapter prefix, argument) when `spec` names an adapter, else None.

    `spacy:en_core_web_sm` -> ("spacy", "en_core_web_sm"); `textacy-quotes` -> ("textacy-quotes", None).
    A `module.path:callable` spec is not an adapter: its part before the colon is no prefix here.
    """
    prefix, sep, argument = spec.partition(":")
    if prefix not in ADAPTERS:
        return None
    return prefix, (argument if sep and argument else None)


def load_adapter(spec: str) -> object:
    """The extractor object for an adapter spec; ValueError if the spec names no adapter or lacks
    its argument; ImportError/RuntimeError (saying what to install) if the package or model is missing."""
    parsed = split_spec(spec)
    if parsed is None:
        raise ValueError(f"{spec!r} names no adapter ({', '.join(ADAPTERS)})")
    prefix, argument = parsed
    adapter = ADAPTERS[prefix]
    argument = argument or adapter.default
    if argument is None:
        raise ValueError(f"{prefix}: needs {adapter.argument}, as in {prefix}:NAME_OR_PATH")
    for package in adapter.packages:
        require(package, adapter.install)
    module_name, _, attr = adapter.path.partition(":")
    return getattr(importlib.import_module(module_name), attr)(argument)


# Modules whose code decides every adapter's output (label table and edge rules).
_SHARED_MODULES = ("newsspans.evaluation.adapter_labels", "newsspans.evaluation.labelmap",
                   "newsspans.evaluation.adapters")


def code_version(prefix: str) -> str:
    """A fingerprint of the code that maps an adapter's model output: its module, the label table
    and edge rules. For prediction caches: an edited mapping is a new version even when the
    package version is not bumped. Reads the source files; imports nothing heavy."""
    modules = (ADAPTERS[prefix].path.partition(":")[0], *_SHARED_MODULES)
    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        digest.update(Path(spec.origin).read_bytes() if spec and spec.origin else name.encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class AdapterStatus:
    prefix: str
    available: bool
    missing: tuple[str, ...]
    install: str
    argument: str


def available_adapters() -> list[AdapterStatus]:
    """Which adapters can load, judged by whether their packages are installed (nothing is imported).

    A model (a spaCy pipeline, a transformers folder) is only checked when a spec names it.
    """
    out = []
    for prefix, adapter in ADAPTERS.items():
        missing = tuple(p for p in adapter.packages if importlib.util.find_spec(p) is None)
        out.append(AdapterStatus(prefix, not missing, missing, adapter.install, adapter.argument))
    return out
