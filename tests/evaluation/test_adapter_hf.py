"""The Hugging Face adapter, run for real on a tiny BERT token classifier the test builds.

No downloaded weights: a WordPiece tokenizer is trained on a few sentences written for the test,
and a one-layer BertForTokenClassification is created from a config and then set by hand to be a
lookup table (each token's label is decided by its own embedding), so the expected entities are
known and the test checks the plumbing: chunking with a stride, aggregation of word pieces into
entities, character offsets, and the label mapping.
"""
from __future__ import annotations

import sys

import pytest
from adapter_support import need

torch = need("torch", "hf")
transformers = need("transformers", "hf")

from newsspans.evaluation.adapters.hf import HFExtractor  # noqa: E402
from newsspans.evaluation.extractors.registry import load_adapter  # noqa: E402

SENTENCES = [
    "The World Bank said Amara Okafor flew to Lagos on Friday .",
    "Brazil's partners paid $4bn for 40 days , officials said .",
]
# The label each (lower-cased) vocabulary word gets; every other word is O.
LEXICON = {"the": "B-ORG", "world": "I-ORG", "bank": "I-ORG", "amara": "B-PERSON", "okafor": "I-PERSON",
           "lagos": "B-GPE", "brazil": "B-GPE", "friday": "B-DATE", "$": "B-MONEY", "4bn": "I-MONEY",
           "40": "B-DATE", "days": "I-DATE", "officials": "B-NORP"}
LABELS = ["O"] + sorted(set(LEXICON.values()))
WINDOW = 16  # tokens per chunk: the test text is several windows long
TEXT = ("The World Bank said Amara Okafor flew to Lagos on Friday. "
        "Brazil's partners paid $4bn for 40 days, officials said. ") * 3
EXPECTED_ONE = [("World Bank", "ORG", None), ("Amara Okafor", "PER", None), ("Lagos", "LOC", None),
                ("Brazil", "LOC", None), ("$4bn", "NUM", "money"), ("40 days", "NUM", "duration")]


def tokenizer():
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.train_from_iterator(SENTENCES, trainers.WordPieceTrainer(vocab_size=200, special_tokens=specials))
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[(s, tok.token_to_id(s)) for s in ("[CLS]", "[SEP]")])
    return transformers.PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]",
                                                cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]",
                                                model_max_length=WINDOW)


def lookup_model(vocab: dict[str, int], lookup: bool = True):
    """A 1-layer BERT; with `lookup`, rewired so a token's label is LEXICON[token] (random otherwise)."""
    hidden = 32
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=hidden, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=16, max_position_embeddings=64,
                                     id2label=dict(enumerate(LABELS)), label2id={x: i for i, x in enumerate(LABELS)})
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(config)
    if not lookup:
        return model
    with torch.no_grad():
        # Zero output projections make each layer pass its input through (residual + LayerNorm),
        # zero position/type embeddings leave the token embedding alone; a one-hot embedding on
        # the label's dimension and an identity classifier then predict exactly that label.
        emb = model.bert.embeddings
        emb.position_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        emb.word_embeddings.weight.zero_()
        for word, idx in vocab.items():
            emb.word_embeddings.weight[idx, LABELS.index(LEXICON.get(word, "O"))] = 1.0
        for layer in model.bert.encoder.layer:
            for dense in (layer.attention.output.dense, layer.output.dense):
                dense.weight.zero_()
                dense.bias.zero_()
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.weight[:, :len(LABELS)] = torch.eye(len(LABELS))
    return model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny-ner")
    tok = tokenizer()
    vocab = tok.get_vocab()
    assert all(word in vocab for word in LEXICON), "every lexicon word must be one vocabulary token"
    lookup_model(vocab).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def triples(spans: list[dict], text: str) -> list[tuple[str, str, str | None]]:
    for s in spans:
        assert text[s["start"]:s["end"]] == s["text"]
    return [(s["text"], s["label"], s.get("num_kind")) for s in spans]


def test_long_text_is_read_in_chunks_with_offsets_and_labels_mapped(model_dir):
    extractor = HFExtractor(model_dir)
    assert extractor.pipe.tokenizer.model_max_length == WINDOW and extractor.stride == WINDOW // 4
    spans = extractor(TEXT)
    assert len(extractor.pipe.tokenizer(TEXT)["input_ids"]) > 4 * WINDOW  # really several chunks
    assert triples(spans, TEXT) == EXPECTED_ONE * 3
    # Each repetition's spans sit at that repetition's offsets: nothing lost or doubled at chunk seams.
    period = len(TEXT) // 3
    assert [s["start"] - period for s in spans[6:12]] == [s["start"] for s in spans[:6]]
    # The pipeline's confidence is kept on every span, a probability (the lookup model is sure of its labels).
    assert all(isinstance(s["score"], float) and 0.5 < s["score"] <= 1 for s in spans)
    # "Friday" (a date without a numeral) and "officials" (NORP) are dropped, and counted.
    assert extractor.dropped == {"DATE": 3, "NORP": 3}


def test_batches_and_other_aggregations(model_dir):
    texts = [TEXT, "Lagos", "", "officials said"]
    for strategy in ("simple", "first", "max", "average"):
        extractor = HFExtractor(model_dir, aggregation_strategy=strategy, batch_size=3)
        got = extractor.predict_batch(texts)
        assert [triples(s, t) for s, t in zip(got, texts)] == [EXPECTED_ONE * 3, [("Lagos", "LOC", None)], [], []]
    with pytest.raises(ValueError, match="aggregation_strategy"):
        HFExtractor(model_dir, aggregation_strategy="none")


def test_label_map_overrides_the_default_table(model_dir):
    extractor = HFExtractor(model_dir, label_map={"GPE": None, "NORP": "ORG", "MONEY": "NUM:quantity"})
    got = triples(extractor("Brazil's partners paid $4bn, officials said."), "Brazil's partners paid $4bn, "
                  "officials said.")
    assert got == [("$4bn", "NUM", "quantity"), ("officials", "ORG", None)]
    assert extractor.dropped == {"GPE": 1}


def test_random_weights_give_well_formed_spans(tmp_path):
    tok = tokenizer()
    # A tokenizer saved without a length limit (transformers' huge sentinel): the window must come
    # from the model's 64 positions, or a text longer than that would overflow them.
    tok.model_max_length = int(1e30)
    lookup_model(tok.get_vocab(), lookup=False).save_pretrained(tmp_path)
    tok.save_pretrained(tmp_path)
    extractor = HFExtractor(tmp_path)
    assert extractor.pipe.tokenizer.model_max_length == 64
    spans = extractor(TEXT * 2)
    assert spans  # random weights tag something (seeded), so the checks below run
    allowed = {"PER", "LOC", "ORG", "NUM"}
    for s in spans:
        assert 0 <= s["start"] < s["end"] <= 2 * len(TEXT) and (TEXT * 2)[s["start"]:s["end"]] == s["text"]
        assert s["label"] in allowed and (s["label"] == "NUM") == ("num_kind" in s)


def test_loads_through_the_adapter_spec(model_dir):
    extractor = load_adapter(f"hf:{model_dir}")
    assert isinstance(extractor, HFExtractor)
    assert triples(extractor("Amara Okafor flew to Lagos."), "Amara Okafor flew to Lagos.") == EXPECTED_ONE[1:3]


def test_the_device_of_the_spec_reaches_the_pipeline_and_a_bad_one_is_one_line(model_dir):
    from newsspans.corpus.errors import CorpusError
    from newsspans.evaluation.extractors.runner import load_extractor

    assert load_extractor(f"hf:{model_dir}@cpu").pipe.device.type == "cpu"
    assert HFExtractor(model_dir, device="cpu").pipe.device.type == "cpu"
    if not torch.cuda.is_available():  # this machine: asking for a GPU is an error, not a silent CPU run
        with pytest.raises(CorpusError, match="torch sees no CUDA GPU") as exc:
            load_extractor(f"hf:{model_dir}@cuda:0")
        assert "\n" not in str(exc.value)
    else:
        assert load_extractor(f"hf:{model_dir}@cuda:0").pipe.device.type == "cuda"
    with pytest.raises(CorpusError, match="bad device 'gpu9'"):
        load_extractor(f"hf:{model_dir}@gpu9")


def test_missing_model_folder_is_refused_without_download(tmp_path):
    with pytest.raises(RuntimeError, match="not a local Hugging Face model folder"):
        HFExtractor(tmp_path / "dslim-bert-base-NER")


def test_missing_transformers_says_what_to_install(monkeypatch, model_dir):
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(ImportError, match=r"pip install 'newsspans\[hf\]'"):
        HFExtractor(model_dir)
