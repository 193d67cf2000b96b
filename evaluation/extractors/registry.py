"""The one registry of built-in extractors and model adapters.

Each entry says everything the toolkit needs to know about one extractor: where its callable
lives, where the version for the cache key comes from, which code decides its output (hashed
into that key), the layers it produces, the packages and install extra it needs, and its help
line. Adding an adapter means one entry here and its own module under `adapters/`.

This module imports nothing heavy: listing (`available_adapters`) only asks whether packages
are installed (`importlib.util.find_spec`); an adapter module is imported when a spec names it.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

ALL_LAYERS = ("entity", "quote")
# Modules whose code decides every adapter's output (label table and edge rules).
ADAPTER_SHARED_CODE = ("newsspans.evaluation.adapters.labels", "newsspans.evaluation.labelmap")


@dataclass(frozen=True)
class Entry:
    """One built-in extractor (`kind="built-in"`, used by name) or model adapter (`kind="adapter"`,
    used as `NAME:ARGUMENT`)."""

    name: str
    kind: str
    target: str  # module:attr of the extract callable, or of the adapter class (called with the argument)
    layers: tuple[str, ...]
    help: str
    # Modules or packages whose files decide the output; a package stands for every file in its folder.
    code: tuple[str, ...]
    # module:ATTR of a declared version constant (built-ins), or, for an adapter whose model is no
    # installed package or folder (an LLM endpoint), of a function `argument -> model identity`.
    version: str | None = None
    packages: tuple[str, ...] = ()  # Python packages an adapter needs
    extra: str | None = None  # the newsspans extra that installs them
    argument: str | None = None  # what the argument after the prefix means
    placeholder: str = "NAME_OR_PATH"  # how listings write that argument
    default: str | None = None  # the argument when a spec gives none

    @property
    def install(self) -> str | None:
        return f"pip install 'newsspans[{self.extra}]'" if self.extra else None

    @property
    def spec(self) -> str:
        """How a user writes this entry, as listings show it."""
        if self.kind == "built-in":
            return self.name
        return f"{self.name}[:{self.placeholder}]" if self.default else f"{self.name}:{self.placeholder}"


REGISTRY: dict[str, Entry] = {e.name: e for e in (
    Entry("baseline", "built-in", "newsspans.evaluation.baseline.extract:extract", ALL_LAYERS,
          "rules and a small shipped gazetteer; no model, no network",
          code=("newsspans.evaluation.baseline",), version="newsspans.evaluation.baseline.extract:BASELINE_VERSION"),
    Entry("spacy", "adapter", "newsspans.evaluation.adapters.spacy:SpacyExtractor", ("entity",),
          "a spaCy pipeline's named entities, mapped to PER/LOC/ORG/NUM",
          code=("newsspans.evaluation.adapters.spacy", *ADAPTER_SHARED_CODE), packages=("spacy",), extra="spacy",
          argument="an installed spaCy pipeline: package name or folder"),
    Entry("hf", "adapter", "newsspans.evaluation.adapters.hf:HFExtractor", ("entity",),
          "a Hugging Face token-classification model folder",
          code=("newsspans.evaluation.adapters.hf", *ADAPTER_SHARED_CODE), packages=("transformers", "torch"),
          extra="hf", placeholder="PATH",
          argument="a local Hugging Face token-classification model folder (PATH@cuda:0 runs it on that GPU)"),
    Entry("textacy-quotes", "adapter", "newsspans.evaluation.adapters.textacy:TextacyQuotesExtractor", ("quote",),
          "direct quotes with speakers from textacy's rules on a spaCy parse",
          code=("newsspans.evaluation.adapters.textacy", "newsspans.evaluation.adapters.spacy",
                *ADAPTER_SHARED_CODE),
          packages=("textacy", "spacy"), extra="textacy", argument="a spaCy pipeline with a parser",
          placeholder="NAME", default="en_core_web_sm"),
    Entry("llm", "adapter", "newsspans.evaluation.adapters.llm:LLMExtractor", ALL_LAYERS,
          "a chat model behind an OpenAI-compatible server (vLLM, llama.cpp, Ollama, a hosted API); "
          "answers without offsets",
          code=("newsspans.evaluation.adapters.llm",), version="newsspans.evaluation.adapters.llm:cache_version",
          packages=("httpx",), extra="llm", argument="the model name the server serves, optionally "
          "?option=value&... (see the README)", placeholder="MODEL"),
)}


def spec_forms() -> str:
    """Every way to name an extractor, for help texts and errors: built-ins, adapters, user code."""
    names = [e.spec for e in REGISTRY.values()]
    return f"a built-in or adapter ({', '.join(names)}), module.path:callable or path/to/file.py:callable"


def builtins() -> list[Entry]:
    return [e for e in REGISTRY.values() if e.kind == "built-in"]


def adapters() -> list[Entry]:
    return [e for e in REGISTRY.values() if e.kind == "adapter"]


def _where_in(exc: BaseException, path: str | None) -> str:
    """`file:line` of the deepest frame of `exc` inside the user's file (or anywhere, without one)."""
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    mine = [f for f in frames if path is None or Path(f.filename).resolve() == Path(path).resolve()]
    frame = (mine or frames or [None])[-1]
    return f"{frame.filename}:{frame.lineno}" if frame is not None else ""


def _module_from_file(file: str) -> ModuleType:
    """Import a `.py` file as a module (its folder goes on sys.path, as when running a script)."""
    import importlib.util
    import sys

    path = Path(file).expanduser().resolve()
    if not path.is_file():
        raise ImportError(f"no such file: {file}")
    name = "newsspans_user_" + hashlib.sha256(str(path).encode()).hexdigest()[:12] + "_" + \
        "".join(c if c.isalnum() else "_" for c in path.stem)
    if name in sys.modules:
        return sys.modules[name]
    if str(path.parent) not in sys.path:
        sys.path.append(str(path.parent))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def split_target(spec: str) -> tuple[str, str]:
    """(module or file, attribute) of `module.path:attr` or `path/to/file.py:attr`."""
    left, sep, attr = spec.rpartition(":")
    if sep and left.endswith(".py"):
        return left, attr
    module, _, attr = spec.partition(":")
    return module, attr


def import_attr(path: str) -> tuple[ModuleType, object]:
    """(module, attribute) for `module.path:attr` or `path/to/file.py:attr`, where attr may be
    dotted (`pkg.mod:Class.method`). A plain module is also looked for in the working directory,
    as `python -c` would (the `newsspans` script itself does not put it on sys.path)."""
    import os
    import sys

    module_name, attr = split_target(path)
    if module_name.endswith(".py") or os.sep in module_name:
        module = _module_from_file(module_name)
    else:
        if os.getcwd() not in sys.path:
            sys.path.append(os.getcwd())
        module = importlib.import_module(module_name)
    obj: object = module
    for part in attr.split("."):
        obj = getattr(obj, part)
    return module, obj


class ExtractorLoadError(Exception):
    """A user's extractor module or class failed to load; the message says where and why."""


def import_user(spec: str) -> tuple[ModuleType, object]:
    """`import_attr` for a user's spec: whatever the user's code raises while importing (an
    ImportError, a SyntaxError, any exception at module level) becomes one ExtractorLoadError
    naming the spec, the file and line, and the error."""
    module_name, _ = split_target(spec)
    file = module_name if module_name.endswith(".py") else None
    if file is not None and not Path(file).expanduser().is_file():
        # Said here: raised inside the loader, the message would name newsspans' own file and line.
        what = "is a folder, not a file" if Path(file).expanduser().is_dir() else "no such file"
        raise ExtractorLoadError(f"{file}: {what}")
    try:
        return import_attr(spec)
    except SyntaxError as exc:
        raise ExtractorLoadError(f"{exc.filename}:{exc.lineno}: syntax error: {exc.msg}") from None
    except ModuleNotFoundError as exc:
        raise ExtractorLoadError(f"{exc} (looked on sys.path and in the working directory)") from None
    except AttributeError as exc:
        raise ExtractorLoadError(f"AttributeError: {exc}") from None
    except Exception as exc:  # the user's module code: any error is theirs to see, in one line
        raise ExtractorLoadError(f"{_where_in(exc, file)}: {type(exc).__name__} while importing: {exc}") from None


def instantiate(cls: type, spec: str) -> object:
    """`cls()` for a class spec; what its constructor raises (or a missing argument) is an
    ExtractorLoadError naming the class."""
    try:
        return cls()
    except Exception as exc:  # the user's constructor
        where = _where_in(exc, None)
        where = "" if where.startswith(__file__) else f" ({where})"  # a missing argument fails right here
        raise ExtractorLoadError(f"{cls.__name__}() raised {type(exc).__name__}: {exc}{where}; a class extractor "
                                 "is built with no arguments") from None


def require(module: str, install: str | None) -> ModuleType:
    """Import `module`, or raise ImportError saying which command installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"the Python package {module!r} is not installed ({exc}); "
                          f"install it with: {install}") from exc


def split_spec(spec: str) -> tuple[Entry, str | None] | None:
    """(adapter entry, argument) when `spec` names an adapter, else None.

    `spacy:en_core_web_sm` -> (spacy, "en_core_web_sm"); `textacy-quotes` -> (textacy-quotes, None).
    A `module.path:callable` spec is not an adapter: its part before the colon is no adapter name.
    """
    prefix, sep, argument = spec.partition(":")
    entry = REGISTRY.get(prefix)
    if entry is None or entry.kind != "adapter":
        return None
    return entry, (argument if sep and argument else None)


def load_adapter(spec: str) -> object:
    """The extractor object for an adapter spec; ValueError if the spec names no adapter or lacks
    its argument; ImportError/RuntimeError (saying what to install) if the package or model is missing."""
    parsed = split_spec(spec)
    if parsed is None:
        raise ValueError(f"{spec!r} names no adapter ({', '.join(e.name for e in adapters())})")
    entry, argument = parsed
    argument = argument or entry.default
    if argument is None:
        raise ValueError(f"{entry.name}: needs {entry.argument}, as in {entry.name}:{entry.placeholder}")
    for package in entry.packages:
        require(package, entry.install)
    return import_attr(entry.target)[1](argument)


def _code_files(name: str) -> list[Path]:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return []
    origin = Path(spec.origin)
    if spec.submodule_search_locations:  # a package: every file of its folder, data included
        folder = origin.parent
        return sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return [origin]


def code_fingerprint(entry: Entry) -> str:
    """SHA-256 (16 hex digits) of the files that decide `entry`'s output, for cache keys: an edit
    without a version bump must not serve the old code's predictions. Reads files, imports nothing."""
    digest = hashlib.sha256()
    for name in entry.code:
        files = _code_files(name)
        if not files:
            digest.update(name.encode() + b"\0")
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def declared_version(entry: Entry) -> str | None:
    """The version a built-in declares (e.g. BASELINE_VERSION), as shown to users."""
    return str(import_attr(entry.version)[1]) if entry.version else None


def extractor_layers(spec: str) -> tuple[str, ...]:
    """The layers `spec` produces: from its registry entry, else a `layers` attribute on a
    `module.path:callable` extractor (say `layers = ("quote",)`), else every layer.
    Imports a user module, loads no model."""
    if spec in REGISTRY:
        return REGISTRY[spec].layers
    parsed = split_spec(spec)
    if parsed is not None:
        return parsed[0].layers
    try:
        obj = import_user(spec)[1]
    except ExtractorLoadError:
        return ALL_LAYERS  # loading the extractor reports the problem
    declared = getattr(obj, "layers", None)
    if isinstance(declared, (tuple, list)) and declared and all(layer in ALL_LAYERS for layer in declared):
        return tuple(declared)
    return ALL_LAYERS


@dataclass(frozen=True)
class AdapterStatus:
    entry: Entry
    available: bool
    missing: tuple[str, ...]


def available_adapters() -> list[AdapterStatus]:
    """Which adapters can load, judged by whether their packages are installed (nothing is imported).

    A model (a spaCy pipeline, a transformers folder) is only checked when a spec names it.
    """
    out = []
    for entry in adapters():
        missing = tuple(p for p in entry.packages if importlib.util.find_spec(p) is None)
        out.append(AdapterStatus(entry, not missing, missing))
    return out
