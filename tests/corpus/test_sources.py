"""Parsing the scraped seed page and rejecting malformed sources."""
from pathlib import Path

import pytest

from newsspans.corpus import CORPUS_DIR, CorpusError
from newsspans.corpus.sources import parse_jsonl, parse_page, read_documents

SEED = CORPUS_DIR / "sources" / "000_ce9a732754e3591d.txt"
SHARED_SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_ce9a732754e3591d.txt"


@pytest.fixture(scope="module")
def docs():
    return parse_page(SEED)


# SHA-256 of the scraped page as delivered in shared/seeds/ (checked against it once, by
# `sha256sum ../shared/seeds/000_ce9a732754e3591d.txt`), so that any clone can check its copy.
SEED_SHA256 = "8570b8d84b0f6755a3a204a7c4450007227dc50c1772f1de734eff709f8f2a5f"


def test_seed_is_a_verbatim_copy_of_the_delivered_page():
    import hashlib

    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256
    if SHARED_SEED.exists():  # beside a checkout that has shared/, compare the bytes too
        assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_four_documents_with_titles_outlets_and_metadata(docs):
    assert [(d.title, d.outlet, d.agency, d.dateline, d.published) for d in docs] == [
        ("Russia's Lavrov praises Pyongyang's \u2018unequivocal support' on Ukraine", "", "", "Moscow", ""),
        ("Russian officials mock Trump's Ukraine plans, sanctions threats", "Qatar Tribune", "DPA", "Moscow",
         "5 hours ago"),
        ("Trump threatens tariffs in 50 days: What harm will it do to Russia?", "Al Jazeera", "", "",
         "13 hours ago"),
        ("Russia claims capture of one of last settlements in Ukraine's Donetsk", "Qatar Tribune", "DPA",
         "Kiev/Moscow", "a day ago"),
    ]
    assert [d.id for d in docs] == [
        "russias-lavrov-praises-pyongyangs-unequivocal-support-on",
        "russian-officials-mock-trumps-ukraine-plans-sanctions",
        "trump-threatens-tariffs-in-50-days-what-harm-will-it-do-to",
        "russia-claims-capture-of-one-of-last-settlements-in-ukraines",
    ]


def test_text_is_title_blank_line_body_and_drops_chrome(docs):
    main = docs[0]
    assert main.text.startswith(main.title + "\n\nMoscow\nRussian Foreign Minister Sergei Lavrov")
    assert main.text.endswith("There has been no official confirmation of this.")
    # Scrape quirks stay as they are.
    assert "Ukraine war.Lavrov thanked" in main.text
    chrome = ["Try Our AI Features", "Daily8", "Comments", "No comments yet", "Related Articles",
              "5 hours ago", "- Qatar Tribune", "13 hours ago", "a day ago"]
    for doc in docs:
        for line in chrome:
            assert line not in doc.text, (doc.id, line)
    assert docs[1].text.startswith(docs[1].title + "\n\nDPA Moscow Senior Russian politicians")


def test_every_character_is_traceable_to_the_raw_file(docs):
    raw_lines = SEED.read_text(encoding="utf-8").split("\n")
    for doc in docs:
        covered = 0
        for seg in doc.segments:
            assert doc.text[seg.start:seg.end] == raw_lines[seg.line - 1][seg.column:seg.column + seg.end - seg.start]
            covered += seg.end - seg.start
        separators = doc.text.count("\n")
        assert covered + separators == len(doc.text)


def write(tmp_path, name, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data, message, line", [
    (b"", "file is empty", None),
    (b"\xef\xbb\xbfTitle\nBody text.\n", "byte-order mark", 1),
    (b"Title\nBody \xff text.\n", "not valid UTF-8", 2),
    (b"Title\r\nBody text.\r\n", "CRLF", 1),
    (b"Title only\n", "expected a title line followed by", 1),
])
def test_bad_pages_get_a_clear_error_with_file_and_line(tmp_path, data, message, line):
    path = write(tmp_path, "page.txt", data)
    with pytest.raises(CorpusError) as err:
        parse_page(path)
    text = str(err.value)
    assert message in text and str(path) in text
    if line is not None:
        assert f"{path}:{line}:" in text


def test_related_article_with_wrong_layout_names_the_line(tmp_path):
    page = "Title\nMoscow\nBody one.\n\nRelated Articles\n\nOutlet\nyesterday\n- Outlet\nTitle 2\nBody 2.\n"
    path = write(tmp_path, "page.txt", page.encode())
    with pytest.raises(CorpusError, match=r"page.txt:8: expected a relative time"):
        parse_page(path)


def test_jsonl_records_and_their_errors(tmp_path):
    good = write(tmp_path, "a.jsonl", b'{"title": "A title", "text": "AFP Paris Body.", "outlet": "X"}\n')
    [doc] = parse_jsonl(good)
    assert (doc.id, doc.text, doc.agency, doc.dateline, doc.outlet) == (
        "a-title", "A title\n\nAFP Paris Body.", "AFP", "Paris", "X")
    assert [(s.field, s.line) for s in doc.segments] == [("title", 1), ("text", 1)]
    bad = write(tmp_path, "b.jsonl", b'{"title": "T", "text": "x"}\n{not json\n{"title": "", "text": "y", "z": 1}\n')
    with pytest.raises(CorpusError) as err:
        parse_jsonl(bad)
    assert [p.line for p in err.value.problems] == [2, 3]
    assert "malformed JSON" in str(err.value) and "unknown field 'z'" in str(err.value)


def test_duplicate_document_ids_across_sources(tmp_path):
    (tmp_path / "000_a.jsonl").write_text('{"title": "Same", "text": "one"}\n')
    (tmp_path / "001_b.jsonl").write_text('{"title": "Same", "text": "two"}\n')
    with pytest.raises(CorpusError, match=r"001_b.jsonl:1, document 'same': duplicate document id"):
        read_documents(tmp_path)
