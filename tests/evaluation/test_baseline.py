"""The rule-based baseline on news-like sentences written for these tests (none is from the
corpus): exact spans for every rule, quotes with their speakers, numbers with their kinds."""
from __future__ import annotations

import pytest

from newsspans.evaluation.baseline.extract import BASELINE_VERSION, extract


def labelled(text: str, label: str) -> list[str]:
    """Surfaces of the predicted spans with `label`, in text order."""
    return [s["text"] for s in extract(text) if s["label"] == label]


def quotes(text: str) -> list[tuple[str, str | None]]:
    """(quote surface, speaker surface or None) for every predicted QUOTE."""
    out = []
    for s in extract(text):
        if s["label"] == "QUOTE":
            sp = s.get("speaker")
            out.append((s["text"], text[sp["start"]:sp["end"]] if sp else None))
    return out


def at(text: str, surface: str, nth: int = 1) -> tuple[int, int]:
    start = -1
    for _ in range(nth):
        start = text.index(surface, start + 1)
    return start, start + len(surface)


# --- quotes -----------------------------------------------------------------------------------

def test_quote_with_apostrophes_inside_and_speaker_after():
    text = "'Germany's economy didn't grow this year,' Olaf Scholz said on Tuesday."
    assert quotes(text) == [("'Germany's economy didn't grow this year,'", "Olaf Scholz")]
    q = [s for s in extract(text) if s["label"] == "QUOTE"][0]
    assert (q["start"], q["end"]) == (0, text.index(" Olaf"))
    assert (q["speaker"]["start"], q["speaker"]["end"]) == at(text, "Olaf Scholz")


def test_curly_opening_closed_by_straight_mark():
    text = "\u2018We will not give up the fight,' Emmanuel Macron said in Paris."
    assert quotes(text) == [("\u2018We will not give up the fight,'", "Emmanuel Macron")]


def test_curly_double_quotes_and_x_told():
    text = "\u201cThe talks were productive,\u201d Japanese Prime Minister Fumio Kishida told reporters in Tokyo."
    assert quotes(text) == [("\u201cThe talks were productive,\u201d", "Fumio Kishida")]


def test_x_said_colon_before_the_quote():
    text = 'Brazilian President Luiz Inacio Lula da Silva said: "We need peace in the region."'
    assert quotes(text) == [('"We need peace in the region."', "Luiz Inacio Lula da Silva")]


def test_said_x_after_the_quote():
    text = '"Prices will keep rising next year," said Maria Lopez, an economist at Banco Santander.'
    assert quotes(text) == [('"Prices will keep rising next year,"', "Maria Lopez")]
    assert labelled(text, "ORG") == ["Banco Santander"]


def test_according_to_x():
    text = 'According to Jane Whitfield, "the budget was already spent in April."'
    assert quotes(text) == [('"the budget was already spent in April."', "Jane Whitfield")]


def test_x_wrote_on_platform():
    text = 'Elon Musk wrote on the platform X that "the deal is dead for now."'
    assert quotes(text) == [('"the deal is dead for now."', "Elon Musk")]
    assert labelled(text, "ORG") == ["X"]


def test_pronoun_speaker_is_the_subject_of_the_previous_sentence():
    text = ("Canadian Prime Minister Justin Trudeau opened a hospital with Mayor Olivia Chow on Monday. "
            '"This is a proud day for everyone," he said.')
    assert quotes(text) == [('"This is a proud day for everyone,"', "Justin Trudeau")]


def test_pronoun_links_the_nearest_mention_of_that_person():
    text = ("Kenyan President William Ruto flew to Nairobi. Ruto met the governor there. "
            "Then the governor left. 'We are ready to help our neighbours,' he said.")
    # The subject of the nearest earlier sentence naming a person is "Ruto" (not "William Ruto").
    [(surface, speaker)] = quotes(text)
    assert speaker == "Ruto"
    q = [s for s in extract(text) if s["label"] == "QUOTE"][0]
    assert (q["speaker"]["start"], q["speaker"]["end"]) == at(text, "Ruto", nth=2)


def test_split_quote_is_two_spans_with_one_speaker():
    text = '"We are ready," Kenyan President William Ruto said, "but we need partners to pay for it."'
    assert quotes(text) == [('"We are ready,"', "William Ruto"),
                            ('"but we need partners to pay for it."', "William Ruto")]


def test_role_description_links_the_person_introduced_with_that_role():
    text = ("Army spokesman Ahmed Khalil spoke in Cairo on Sunday. "
            "'The border is calm and our troops are in control,' the spokesman said.")
    assert quotes(text) == [("'The border is calm and our troops are in control,'", "Ahmed Khalil")]


def test_plural_possessive_does_not_close_a_quote():
    text = "'The farmers' anger is justified and we will listen,' Spanish minister Luis Planas said."
    assert quotes(text) == [("'The farmers' anger is justified and we will listen,'", "Luis Planas")]


def test_plural_possessive_outside_quotes_is_not_a_quote():
    text = "The three banks' losses grew, and the ministers' meeting in Rome ended early."
    assert quotes(text) == []


def test_scare_quotes_without_speech_verb_are_not_quotes():
    text = "The company's 'green' bonds lost value in Norway last year."
    assert quotes(text) == []


def test_short_quoted_phrase_with_a_speech_verb_is_a_quote():
    text = "Premier Li Qiang said the measures were 'temporary' and 'fair'."
    assert quotes(text) == [("'temporary'", "Li Qiang"), ("'fair'", "Li Qiang")]


def test_relative_clause_subject():
    text = "It angered Boris Johnson, who had accused the bank of 'reckless' lending in London."
    assert quotes(text) == [("'reckless'", "Boris Johnson")]


def test_pointed_out_reports_speech_but_pointed_to_does_not():
    text = 'Portfolio manager Ines Moreau pointed out that "bond markets have stopped believing the forecasts."'
    assert quotes(text) == [('"bond markets have stopped believing the forecasts."', "Ines Moreau")]
    # "pointed to" is not a verb of saying, so a short quoted phrase after it is a scare quote.
    assert quotes('Ines Moreau pointed to the chart, which showed "sharp declines" in orders.') == []


def test_quote_without_any_named_speaker_has_no_speaker():
    text = "'The enemy is close to the river,' officials said on Friday."
    assert quotes(text) == [("'The enemy is close to the river,'", None)]


# --- numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("The airline carried 1,250,000 passengers, up 4.5 percent, and earned $2.3bn in 2023.",
     [("1,250,000", "cardinal"), ("4.5 percent", "percent"), ("$2.3bn", "money"), ("2023", "date")]),
    ("Inflation hit 12% in March 2023, and the central bank met again on June 14.",
     [("12%", "percent"), ("March 2023", "date"), ("June 14", "date")]),
    ("The 21st summit lasted three days and ended a 90-day truce after 10 weeks.",
     [("21st", "ordinal"), ("three days", "duration"), ("90-day", "duration"), ("10 weeks", "duration")]),
    ("Seven tankers carried about 2 million barrels per day to Japan.",
     [("Seven", "cardinal"), ("2 million barrels per day", "quantity")]),
    ("Officials counted twenty-five trucks and hundreds of cars, half of them empty.",
     [("twenty-five", "cardinal")]),
    ("No one knows whether one soldier survived, one of the officers said.",
     [("one", "cardinal")]),
    ("The firm paid \u20ac40m to 300 workers over a five-year period.",
     [("\u20ac40m", "money"), ("300", "cardinal"), ("five-year", "duration")]),
    ("Output fell by between two and 4 percent from 2019 to 2021.",
     [("two", "cardinal"), ("4 percent", "percent"), ("2019", "date"), ("2021", "date")]),
    ("The F-16 jets and the G20 summit in the 1990s cost 3 billion dollars.",
     [("1990s", "date"), ("3 billion dollars", "money")]),
    ("Late June and last summer were hot; months ago, on Monday, nothing happened.", []),
])
def test_numbers_and_kinds(text, expected):
    got = [(s["text"], s["num_kind"]) for s in extract(text) if s["label"] == "NUM"]
    assert got == expected


def test_number_span_offsets_exclude_approximators_and_counted_noun():
    text = "Around 14,500 troops and up to 2,000 tanks moved, roughly $75bn or so."
    nums = [(s["start"], s["end"]) for s in extract(text) if s["label"] == "NUM"]
    assert nums == [at(text, "14,500"), at(text, "2,000"), at(text, "$75bn")]


# --- people, places, organisations -----------------------------------------------------------

def test_titles_stay_outside_person_spans():
    text = "German Chancellor Friedrich Merz met Pope Leo and Health Minister Ana Silva in Rome."
    assert labelled(text, "PER") == ["Friedrich Merz", "Leo", "Ana Silva"]
    assert labelled(text, "LOC") == ["Rome"]


def test_lower_case_role_before_a_name_and_appositive_role_after():
    text = ("The bloc's trade chief Valdis Dombrovskis met Sophie Laurent, spokeswoman for the "
            "French farmers' union, in Brussels.")
    assert labelled(text, "PER") == ["Valdis Dombrovskis", "Sophie Laurent"]
    assert labelled(text, "LOC") == ["Brussels"]


def test_surname_alone_takes_the_full_name_label():
    text = "Opposition leader Maria Corina Machado spoke first. Later, Machado left for Caracas."
    assert labelled(text, "PER") == ["Maria Corina Machado", "Machado"]


def test_organisation_head_words_and_of_complements():
    text = ("The Bank of Japan and the National Grid Company warned the Federal Aviation "
            "Administration about the Labour Party's plans.")
    assert labelled(text, "ORG") == ["Bank of Japan", "National Grid Company",
                                     "Federal Aviation Administration", "Labour Party"]
    assert labelled(text, "LOC") == []


def test_acronyms_are_organisations_except_common_abbreviations():
    text = "The broadcaster KBS said GDP grew, citing UNICEF and the IMF, while the CEO stayed quiet."
    assert labelled(text, "ORG") == ["KBS", "UNICEF", "IMF"]


def test_platform_introducer_and_news_agency():
    text = "He posted the video on the platform Bluesky, the news agency Reuters reported."
    assert labelled(text, "ORG") == ["Bluesky", "Reuters"]


def test_gazetteer_places_and_government_metonymy():
    text = "Protests spread from Nairobi to Lagos and across West Africa, and Washington warned the US embassy."
    assert labelled(text, "LOC") == ["Nairobi", "Lagos", "West Africa", "Washington", "US"]


def test_place_cue_words():
    text = "Fighting continued in the Tigray region and near the town of Adigrat, close to Mekelle Province."
    assert labelled(text, "LOC") == ["Tigray", "Adigrat", "Mekelle Province"]


def test_an_administrative_unit_shows_its_town_is_a_place_but_a_sea_does_not():
    text = "Shelling hit Zaporizhzhia Oblast overnight, and Zaporizhzhia lost power for hours."
    assert labelled(text, "LOC") == ["Zaporizhzhia Oblast", "Zaporizhzhia"]
    text = "Ships crossed the Black Sea on Friday. Black smoke later rose over the harbour."
    assert [(s["text"], s["label"]) for s in extract(text)] == [("Black Sea", "LOC")]


def test_a_cue_elsewhere_overrides_a_weak_guess_for_the_same_name():
    # "Abay Sidist" alone would be guessed a person (two capitalised words); the place cue in
    # the first sentence gives every mention of the name the same label.
    text = "Troops entered the Abay Sidist district. Families from Abay Sidist fled north."
    assert [(s["text"], s["label"]) for s in extract(text)] == [("Abay Sidist", "LOC"), ("Abay Sidist", "LOC")]


def test_settlement_names_a_place_only_before_of():
    assert labelled("Soldiers reached the settlement of Nova Poltavka at dawn.", "LOC") == ["Nova Poltavka"]
    # "the <Name> settlement" is as often a legal settlement: no place cue.
    assert labelled("The judge approved the Corvell settlement after a long hearing.", "LOC") == []


def test_research_firm_head_words():
    text = "Oxford Economics cut its forecast, and Pantheon Capital kept its own."
    assert labelled(text, "ORG") == ["Oxford Economics", "Pantheon Capital"]


def test_no_leading_the_no_possessive_no_demonyms():
    text = "The Kremlin's statement angered the Netherlands, Canadian officials and North Korean diplomats."
    spans = [(s["text"], s["label"]) for s in extract(text) if s["label"] != "NUM"]
    assert spans == [("Kremlin", "ORG"), ("Netherlands", "LOC")]


def test_building_is_a_place_after_at_and_an_organisation_as_actor():
    text = "Leaders met at the White House, and the White House said talks went well."
    assert [(s["text"], s["label"]) for s in extract(text)] == [("White House", "LOC"), ("White House", "ORG")]


def test_laws_and_events_hide_the_names_inside_them():
    text = "Congress passed the Protecting Ukraine Act of 2024 before the Paris Peace Conference."
    assert [(s["text"], s["label"]) for s in extract(text)] == [("Congress", "ORG")]


def test_sentence_initial_capitals_are_not_names():
    text = "However, Spain's government disagreed. Analysts expect little. What did Italy say?"
    assert [(s["text"], s["label"]) for s in extract(text)] == [("Spain", "LOC"), ("Italy", "LOC")]


def test_capitalised_compound_modifier_keeps_only_the_place():
    text = "The US-made rockets and Iranian-made drones hit Odesa."
    assert [(s["text"], s["label"]) for s in extract(text)] == [("US", "LOC"), ("Odesa", "LOC")]


def test_version_string_for_caching():
    assert isinstance(BASELINE_VERSION, str) and BASELINE_VERSION


# --- wire-style text --------------------------------------------------------------------------

def test_capitalised_dateline_and_abbreviated_titles():
    text = "WASHINGTON (Reuters) - Mr. Biden met Sen. Elizabeth Warren and Dr. Anthony Fauci."
    assert [(s["text"], s["label"]) for s in extract(text)] == [
        ("WASHINGTON", "LOC"), ("Reuters", "ORG"), ("Biden", "PER"), ("Elizabeth Warren", "PER"),
        ("Anthony Fauci", "PER")]


def test_employer_before_a_role_is_an_organisation():
    text = "Goldman Sachs economist Jan Hatzius expects three cuts."
    assert [(s["text"], s["label"]) for s in extract(text)] == [
        ("Goldman Sachs", "ORG"), ("Jan Hatzius", "PER"), ("three", "NUM")]


def test_participle_speech_verb_takes_the_sentence_subject():
    text = ("Sen. Elizabeth Warren, a Massachusetts Democrat, criticized the decision, "
            'saying: "Families are hurting."')
    assert quotes(text) == [('"Families are hurting."', "Elizabeth Warren")]


def test_prefixed_arabic_name_and_ages():
    text = 'Spokesman Majed al-Ansari said a 45-year-old man was hurt. "We are working," al-Ansari said.'
    assert labelled(text, "PER") == ["Majed al-Ansari", "al-Ansari"]
    assert [(s["text"], s["num_kind"]) for s in extract(text) if s["label"] == "NUM"] == [("45-year-old", "duration")]
    assert quotes(text) == [('"We are working,"', "al-Ansari")]


def test_company_short_names_abbreviated_months_and_fractions():
    text = ("TOKYO, Oct 31 (Reuters) - Toyota Motor Corp said profits rose by about a third. "
            "Shares of Toyota rose 1.2% after Chief Executive Koji Sato spoke of a third plant.")
    assert [(s["text"], s["label"], s.get("num_kind")) for s in extract(text)] == [
        ("TOKYO", "LOC", None), ("Oct 31", "NUM", "date"), ("Reuters", "ORG", None),
        ("Toyota Motor Corp", "ORG", None), ("Toyota", "ORG", None), ("1.2%", "NUM", "percent"),
        ("Koji Sato", "PER", None), ("third", "NUM", "ordinal")]


def test_guillemets_and_nested_quotes():
    text = ("Interior Minister Gerald Darmanin told France Inter: \"The attackers used a tool called "
            "'LockBit', and we know where they are.\"\n\u00abNous ne c\u00e9derons pas\u00bb, a d\u00e9clar\u00e9 le ministre.")
    assert quotes(text) == [
        ("\"The attackers used a tool called 'LockBit', and we know where they are.\"", "Gerald Darmanin"),
        ("\u00abNous ne c\u00e9derons pas\u00bb", None)]


def test_title_as_first_word_of_an_organisation():
    text = "General Motors cut 500 jobs, a union said."
    assert [(s["text"], s["label"]) for s in extract(text)] == [("General Motors", "ORG"), ("500", "NUM")]


def test_dateline_country_institutions_and_posts_on_x():
    text = ("Budget vote\n"
            "SAN ANTONIO, Texas \u2014 The UK Parliament and the House of Commons debated it, "
            "and Jane Doe wrote on X that the US Department of Energy agreed.")
    assert [(s["text"], s["label"]) for s in extract(text)] == [
        ("SAN ANTONIO", "LOC"), ("Texas", "LOC"), ("UK", "LOC"), ("Parliament", "ORG"),
        ("House of Commons", "ORG"), ("Jane Doe", "PER"), ("X", "ORG"), ("US", "LOC"),
        ("Department of Energy", "ORG")]
