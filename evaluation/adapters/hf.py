"""`hf:PATH`: a local Hugging Face token-classification model as a newsspans extractor.

Runs the `transformers` token-classification pipeline with an aggregation strategy (word pieces
grouped into entities, with character offsets from a fast tokenizer) and a stride, so texts
longer than the model's window are read in overlapping chunks instead of being cut off. Entity
groups are mapped like spaCy's (OntoNotes and CoNLL names, see `adapter_labels`); `label_map`
adds or overrides pairs. Each prediction keeps the pipeline's `score` (for --threshold and --sweep).
Only a local folder is accepted: nothing is downloaded.

The device is the pipeline's: `hf:PATH@cuda:0` (or `device="cuda:0"` from Python) runs the
model on that GPU; `cpu` is the default. A device that is malformed or not there is an error
before the model is loaded.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

from .labels import entity_predictions, label_table
from ..extractors.registry import REGISTRY, require

INSTALL = REGISTRY["hf"].install
AGGREGATIONS = ("simple", "first", "average", "max")
# Models whose position ids start after the padding index can read two fewer tokens than
# max_position_embeddings says.
_OFFSET_POSITIONS = ("roberta", "xlm-roberta", "camembert", "longformer")


def _window(tokenizer, config) -> int:
    """Tokens the model reads at once: the tokenizer's limit, unless it is unset (a huge sentinel)."""
    positions = getattr(config, "max_position_embeddings", None) or 512
    if config.model_type in _OFFSET_POSITIONS:
        positions -= 2
    return min(tokenizer.model_max_length, positions)


def entity_label(output: Mapping) -> str:
    """The label of one pipeline output: `entity_group` when aggregated, else the tag without B-/I-."""
    if "entity_group" in output:
        return output["entity_group"]
    tag = output["entity"]
    return tag[2:] if tag[:2] in ("B-", "I-", "E-", "S-", "L-", "U-") else tag


_DEVICE = re.compile(r"(cpu|mps|(cuda|xpu)(:\d+)?|\d+|-1)")


def split_device(path: str | Path, device: int | str = -1) -> tuple[str | Path, int | str]:
    """`PATH@DEVICE` -> (PATH, DEVICE); ValueError for a malformed device. A path without `@`, or
    whose part after the last `@` holds a `/`, keeps `device`."""
    text = str(path)
    head, sep, tail = text.rpartition("@")
    if not sep or "/" in tail:
        return path, device
    if not _DEVICE.fullmatch(tail):
        raise ValueError(f"bad device {tail!r} in {text!r}: expected cpu, cuda, cuda:N, mps, xpu:N or a GPU index")
    return head, int(tail) if tail.lstrip("-").isdigit() else tail


def check_device(device: int | str, torch) -> None:
    """RuntimeError when `device` names an accelerator torch cannot see."""
    name = f"cuda:{device}" if isinstance(device, int) and device >= 0 else str(device)
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device {name!r} asked for, but torch sees no CUDA GPU (torch {torch.__version__})")
    if name.startswith("cuda:") and int(name[5:]) >= torch.cuda.device_count():
        raise RuntimeError(f"device {name!r} asked for, but torch sees {torch.cuda.device_count()} CUDA GPU(s)")
    if name == "mps" and not torch.backends.mps.is_available():
        raise RuntimeError("device 'mps' asked for, but torch sees no Apple GPU")


class HFExtractor:
    """Entities of a local transformers token-classification model as newsspans predictions.

    `HFExtractor("/models/my-ner", label_map={"MISC": None, "B-ART": "ORG"})`; the folder holds
    the model and a fast tokenizer (`save_pretrained`). `stride` is the overlap in tokens between
    chunks of a long text (default: a quarter of the window). `dropped` counts dropped entities
    per original label.
    """

    def __init__(self, path: str | Path, *, label_map: Mapping[str, str | None] | None = None,
                 aggregation_strategy: str = "simple", stride: int | None = None, batch_size: int = 8,
                 device: int | str = -1):
        path, device = split_device(path, device)
        transformers = require("transformers", INSTALL)
        check_device(device, require("torch", INSTALL))
        if aggregation_strategy not in AGGREGATIONS:
            raise ValueError(f"aggregation_strategy must be one of {', '.join(AGGREGATIONS)} "
                             f"(word pieces must be grouped into entities), got {aggregation_strategy!r}")
        folder = Path(path)
        if not (folder / "config.json").is_file():
            raise RuntimeError(f"{str(path)!r} is not a local Hugging Face model folder (no config.json): give a "
                               "folder written by save_pretrained; models are not downloaded")
        try:
            model = transformers.AutoModelForTokenClassification.from_pretrained(folder, local_files_only=True)
            tokenizer = transformers.AutoTokenizer.from_pretrained(folder, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise RuntimeError(f"cannot load a token-classification model and tokenizer from {str(folder)!r}: "
                               f"{exc}") from None
        if not tokenizer.is_fast:
            raise RuntimeError(f"the tokenizer in {str(folder)!r} is not a fast tokenizer: character offsets "
                               "need one (install `tokenizers` and save a PreTrainedTokenizerFast)")
        tokenizer.model_max_length = _window(tokenizer, model.config)
        self.stride = stride if stride is not None else tokenizer.model_max_length // 4
        self.pipe = transformers.pipeline("token-classification", model=model, tokenizer=tokenizer,
                                          aggregation_strategy=aggregation_strategy, stride=self.stride,
                                          device=device)
        self.table = label_table(label_map)
        self.batch_size = batch_size
        self.dropped: Counter[str] = Counter()
        self.version = f"hf-{folder.resolve().name}-{getattr(model.config, '_commit_hash', None) or 'local'}"

    def _spans(self, text: str, outputs: list[Mapping]) -> list[dict]:
        out = []
        for o in outputs:
            label = entity_label(o)
            spans = entity_predictions(text, int(o["start"]), int(o["end"]), label, self.table)
            for span in spans:  # the pipeline's confidence (mean/first/max of the word pieces' softmax)
                span["score"] = float(o["score"])
            out.extend(spans)
            if not spans:
                self.dropped[label] += 1
        return out

    def predict_batch(self, texts: list[str]) -> list[list[dict]]:
        texts = list(texts)
        # The pipeline rejects an empty batch, and a blank text has no tokens to classify.
        filled = [t for t in texts if t.strip()]
        results = iter(self.pipe(filled, batch_size=self.batch_size) if filled else [])
        return [self._spans(text, next(results)) if text.strip() else [] for text in texts]

    def __call__(self, text: str) -> list[dict]:
        return self.predict_batch([text])[0]
