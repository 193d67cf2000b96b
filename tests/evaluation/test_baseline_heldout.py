"""Held-out checks of the baseline on short news-style articles written for these tests (not from
the corpus) and annotated by hand following annotation/GUIDELINES.md before the baseline was run
on them. The corpus score is in-sample for the rules' author; these are not, or less so.

Run `python tests/test_baseline_heldout.py` to print the measured scores of both sets.

ARTICLES (athletics, chips, senate): the first run (baseline 1.0.0 in the making) measured entity
F1 90.4 (P 92.4, R 88.4), quote F1 100 and 9/9 speakers right; the errors it showed led to four
general rules (capitalised datelines, "US Senate" as LOC + ORG, "House" as an organisation head,
"on X"), so later runs on this set are no longer held out.

FRESH_ARTICLES (opioids, climate, football): written and annotated for the baseline 1.1.0 review,
before any baseline version was run on them. First run: 1.0.0 and 1.1.0 both measured entity F1
80.7 (P 85.2, R 76.7), quote F1 100 (6/6) and 6/6 speakers right. No rule has been changed
because of this set; whoever changes one must say so here, as above.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from newsspans.corpus.locate import locate
from newsspans.evaluation.baseline.extract import extract

ARTICLES = {
    "athletics": (
        "Kenya's Faith Kipyegon breaks 1,500m world record in Florence\n\n"
        "FLORENCE, Italy \u2014 Faith Kipyegon of Kenya set a world record in the women's 1,500 metres on "
        "Friday at the Golden Gala meeting. \"I came here to run fast and I am very happy,\" Kipyegon told "
        "reporters after the race. The 29-year-old, a double Olympic champion, beat the previous mark set by "
        "Ethiopia's Genzebe Dibaba in 2015. World Athletics president Sebastian Coe called it \"a performance "
        "for the ages.\" Kipyegon, who trains in Iten with coach Patrick Sang, said she would now target the "
        "5,000m. Her agent said: \"She has not decided yet.\""
    ),
    "chips": (
        "Nvidia shares jump 9% as AI demand lifts forecast\n\n"
        "SANTA CLARA, California (Reuters) - Nvidia Corp forecast revenue of $28 billion for the second "
        "quarter on Wednesday, above Wall Street estimates of $26.6 billion, as demand for its chips from "
        "Microsoft, Meta and Alphabet's Google stayed strong. \"The next industrial revolution has begun,\" "
        "Chief Executive Jensen Huang said on a call with analysts. Shares rose 9% in extended trading after "
        "closing at $949.50. \"Nvidia continues to be the arms dealer of the AI boom,\" said Dan Ives, an "
        "analyst at Wedbush Securities. The European Commission, meanwhile, is examining whether the "
        "company's dominance harms competition, a spokesperson for the EU executive said."
    ),
    "senate": (
        "Senate passes $95 billion aid package for Ukraine, Israel and Taiwan\n\n"
        "WASHINGTON \u2014 The U.S. Senate on Tuesday passed a $95 billion package of aid for Ukraine, Israel "
        "and Taiwan after months of delay, with 70 senators voting in favor and 29 against. \"Today we make "
        "Vladimir Putin regret the day he questioned America's resolve,\" Senate Majority Leader Chuck Schumer "
        "said on the floor. Republican Senator Mitch McConnell, a longtime supporter of aid to Kyiv, called the "
        "vote \"a test of our credibility.\" The bill now goes to the House of Representatives, where Speaker "
        "Mike Johnson has refused to bring it to a vote. \"The House will work its own will,\" Johnson said in "
        "a statement. Ukrainian President Volodymyr Zelenskiy thanked senators on X. \"American assistance "
        "brings just peace in Ukraine closer,\" he wrote."
    ),
}

FRESH_ARTICLES = {
    "opioids": (
        "Drugmaker agrees $1.2 billion opioid settlement with US states\n\n"
        "NEW YORK (AP) \u2014 Drugmaker Harlow Pharma agreed on Thursday to pay $1.2 billion over nine years to "
        "settle claims that it fuelled the opioid crisis, attorneys general from 14 states said. The Harlow "
        "settlement, one of the largest of its kind, still needs the approval of a federal judge in Ohio. \"This "
        "money will go to treatment and prevention, not to lawyers,\" Pennsylvania Attorney General Michelle Henry "
        "said at a news conference in Harrisburg. Harlow Pharma, which is based in Stamford, Connecticut, denied "
        "any wrongdoing. Its chief executive, Maria Delgado, said in a statement that the company was \"pleased to "
        "put this chapter behind us.\" Shares of Harlow rose 3.4% in New York trading."
    ),
    "climate": (
        "EU lawmakers back 90% emissions cut target for 2040\n\n"
        "BRUSSELS (Reuters) - The European Parliament voted on Wednesday to support a target of cutting net "
        "greenhouse gas emissions by 90% by 2040, a compromise that lets countries count international carbon "
        "credits toward up to 5 percentage points of the goal. The vote, 379 to 248, came after weeks of talks "
        "between the largest groups. \"This is a realistic path that keeps industry in Europe,\" said Peter Liese, "
        "the lead negotiator for the centre-right European People's Party. Environmental groups were less pleased. "
        "Greenpeace called the credits \"a loophole the size of a continent.\" Danish climate minister Lars "
        "Aagaard, whose country holds the rotating EU presidency, said talks with member states would start in "
        "December. Poland and Hungary had pushed for a weaker goal."
    ),
    "football": (
        "Napoli sign Danish striker Rasmus Hojlund from Manchester United\n\n"
        "NAPLES, Italy \u2014 Napoli completed the loan signing of striker Rasmus Hojlund from Manchester United on "
        "Monday, with an obligation to buy him for 44 million euros next summer. The 22-year-old Dane scored 26 "
        "goals in two seasons at Old Trafford. \"I am proud to join a club with such a history,\" Hojlund told the "
        "club's website. Coach Antonio Conte had asked for a new striker after Romelu Lukaku injured his thigh in "
        "August. United, who finished 15th in the Premier League last season, have signed three forwards this "
        "summer. \"It was the right moment for everyone,\" a United spokesman said."
    ),
}

FRESH_GOLD: dict[str, list[tuple]] = {
    "opioids": [
        ("$1.2 billion", "NUM", None), ("US", "LOC", None), ("NEW YORK", "LOC", None), ("AP", "ORG", None),
        ("Harlow Pharma", "ORG", None), ("$1.2 billion", "NUM", "Thursday"), ("nine years", "NUM", None),
        ("14", "NUM", None), ("Harlow", "ORG", "The Harlow"), ("Ohio", "LOC", None),
        ("\"This money will go to treatment and prevention, not to lawyers,\"", "QUOTE", None, "Michelle Henry", None),
        ("Pennsylvania", "LOC", None), ("Michelle Henry", "PER", None), ("Harrisburg", "LOC", None),
        ("Harlow Pharma", "ORG", "Harrisburg"), ("Stamford", "LOC", None), ("Connecticut", "LOC", None),
        ("Maria Delgado", "PER", None),
        ("\"pleased to put this chapter behind us.\"", "QUOTE", None, "Maria Delgado", None),
        ("Harlow", "ORG", "Shares of"), ("3.4%", "NUM", None), ("New York", "LOC", "3.4%"),
    ],
    "climate": [
        ("EU", "ORG", None), ("90%", "NUM", None), ("2040", "NUM", None), ("BRUSSELS", "LOC", None),
        ("Reuters", "ORG", None), ("European Parliament", "ORG", None), ("90%", "NUM", "Wednesday"),
        ("2040", "NUM", "Wednesday"), ("5 percentage points", "NUM", None), ("379", "NUM", None),
        ("248", "NUM", None),
        ("\"This is a realistic path that keeps industry in Europe,\"", "QUOTE", None, "Peter Liese", None),
        ("Europe", "LOC", "industry in"), ("Peter Liese", "PER", None), ("European People's Party", "ORG", None),
        ("Greenpeace", "ORG", None), ("\"a loophole the size of a continent.\"", "QUOTE", None, "Greenpeace", None),
        ("Lars Aagaard", "PER", None), ("EU", "ORG", "rotating"), ("Poland", "LOC", None), ("Hungary", "LOC", None),
    ],
    "football": [
        ("Napoli", "ORG", None), ("Rasmus Hojlund", "PER", None), ("Manchester United", "ORG", None),
        ("NAPLES", "LOC", None), ("Italy", "LOC", None), ("Napoli", "ORG", "Italy"),
        ("Rasmus Hojlund", "PER", "Italy"), ("Manchester United", "ORG", "Italy"), ("44 million euros", "NUM", None),
        ("22-year-old", "NUM", None), ("26", "NUM", None), ("two", "NUM", "26 goals"), ("Old Trafford", "LOC", None),
        ("\"I am proud to join a club with such a history,\"", "QUOTE", None, "Hojlund", "history,\""),
        ("Hojlund", "PER", "history,\""), ("Antonio Conte", "PER", None), ("Romelu Lukaku", "PER", None),
        ("United", "ORG", "August."), ("15th", "NUM", None), ("Premier League", "ORG", None),
        ("three", "NUM", "season"), ("\"It was the right moment for everyone,\"", "QUOTE", None, None, None),
        ("United", "ORG", "everyone,\""),
    ],
}

# (surface, label, anchor phrase or None, speaker surface or None, speaker anchor or None)
GOLD: dict[str, list[tuple]] = {
    "athletics": [
        ("Kenya", "LOC", None), ("Faith Kipyegon", "PER", None), ("1,500m", "NUM", None),
        ("Florence", "LOC", None), ("FLORENCE", "LOC", None), ("Italy", "LOC", None),
        ("Faith Kipyegon", "PER", "FLORENCE"), ("Kenya", "LOC", "FLORENCE"), ("1,500 metres", "NUM", None),
        ("\"I came here to run fast and I am very happy,\"", "QUOTE", None, "Kipyegon", "happy"),
        ("Kipyegon", "PER", "happy"), ("29-year-old", "NUM", None), ("Ethiopia", "LOC", None),
        ("Genzebe Dibaba", "PER", None), ("2015", "NUM", None), ("World Athletics", "ORG", None),
        ("Sebastian Coe", "PER", None),
        ("\"a performance for the ages.\"", "QUOTE", None, "Sebastian Coe", None),
        ("Kipyegon", "PER", "ages."), ("Iten", "LOC", None), ("Patrick Sang", "PER", None),
        ("5,000m", "NUM", None), ("\"She has not decided yet.\"", "QUOTE", None, None, None),
    ],
    "chips": [
        ("Nvidia", "ORG", None), ("9%", "NUM", None), ("SANTA CLARA", "LOC", None),
        ("California", "LOC", None), ("Reuters", "ORG", None), ("Nvidia Corp", "ORG", None),
        ("$28 billion", "NUM", None), ("second", "NUM", "$28 billion"), ("Wall Street", "LOC", None),
        ("$26.6 billion", "NUM", None), ("Microsoft", "ORG", None), ("Meta", "ORG", None),
        ("Alphabet", "ORG", None), ("Google", "ORG", None),
        ("\"The next industrial revolution has begun,\"", "QUOTE", None, "Jensen Huang", None),
        ("Jensen Huang", "PER", None), ("9%", "NUM", "Shares rose"), ("$949.50", "NUM", None),
        ("\"Nvidia continues to be the arms dealer of the AI boom,\"", "QUOTE", None, "Dan Ives", None),
        ("Nvidia", "ORG", "\"Nvidia"), ("Dan Ives", "PER", None),
        ("Wedbush Securities", "ORG", None), ("European Commission", "ORG", None), ("EU", "ORG", None),
    ],
    "senate": [
        ("Senate", "ORG", None), ("$95 billion", "NUM", None), ("Ukraine", "LOC", None),
        ("Israel", "LOC", None), ("Taiwan", "LOC", None), ("WASHINGTON", "LOC", None), ("U.S.", "LOC", None),
        ("Senate", "ORG", "U.S."), ("$95 billion", "NUM", "Tuesday"), ("Ukraine", "LOC", "Tuesday"),
        ("Israel", "LOC", "Tuesday"), ("Taiwan", "LOC", "Tuesday"), ("70", "NUM", None), ("29", "NUM", "70"),
        ("\"Today we make Vladimir Putin regret the day he questioned America's resolve,\"", "QUOTE", None,
         "Chuck Schumer", None),
        ("Vladimir Putin", "PER", None), ("America", "LOC", None), ("Senate", "ORG", "resolve"),
        ("Chuck Schumer", "PER", None), ("Mitch McConnell", "PER", None), ("Kyiv", "LOC", None),
        ("\"a test of our credibility.\"", "QUOTE", None, "Mitch McConnell", None),
        ("House of Representatives", "ORG", None), ("Mike Johnson", "PER", None),
        ("\"The House will work its own will,\"", "QUOTE", None, "Johnson", "will,\""),
        ("House", "ORG", "\"The"), ("Johnson", "PER", "will,\""), ("Volodymyr Zelenskiy", "PER", None),
        ("X", "ORG", "senators on"),
        ("\"American assistance brings just peace in Ukraine closer,\"", "QUOTE", None, "Volodymyr Zelenskiy", None),
        ("Ukraine", "LOC", "American assistance"),
    ],
}


@dataclass
class Counts:
    tp: int = 0
    gold: int = 0
    predicted: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / self.predicted if self.predicted else 0.0
        r = self.tp / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def gold_spans(text: str, rows: list[tuple]) -> list[dict]:
    spans = []
    for surface, label, after, *speaker in rows:
        start, end = locate(text, surface, after)
        span = {"start": start, "end": end, "label": label}
        if label == "QUOTE" and speaker and speaker[0]:
            span["speaker"] = locate(text, speaker[0], speaker[1])
        spans.append(span)
    return spans


def measure(articles: dict[str, str], gold_rows: dict[str, list[tuple]]) -> dict[str, Counts]:
    """Strict matches (same start, end, label) per layer, and quotes whose speaker is right."""
    counts = {"entity": Counts(), "quote": Counts(), "speaker": Counts()}
    for doc_id, text in articles.items():
        gold = gold_spans(text, gold_rows[doc_id])
        predicted = extract(text)
        for layer, labels in (("entity", {"PER", "LOC", "ORG", "NUM"}), ("quote", {"QUOTE"})):
            g = {(s["start"], s["end"], s["label"]) for s in gold if s["label"] in labels}
            p = {(s["start"], s["end"], s["label"]) for s in predicted if s["label"] in labels}
            counts[layer].tp += len(g & p)
            counts[layer].gold += len(g)
            counts[layer].predicted += len(p)
        gold_speakers = {(s["start"], s["end"]): s.get("speaker") for s in gold if s["label"] == "QUOTE"}
        for s in predicted:
            if s["label"] == "QUOTE" and (s["start"], s["end"]) in gold_speakers:
                sp = s.get("speaker")
                counts["speaker"].predicted += 1
                counts["speaker"].tp += (sp and (sp["start"], sp["end"])) == gold_speakers[(s["start"], s["end"])] \
                    or (sp is None and gold_speakers[(s["start"], s["end"])] is None)
        counts["speaker"].gold += len(gold_speakers)
    return counts


SETS = {"first": (ARTICLES, GOLD), "fresh": (FRESH_ARTICLES, FRESH_GOLD)}


@pytest.mark.parametrize("name", SETS)
def test_gold_of_the_heldout_articles_is_well_formed(name):
    articles, gold_rows = SETS[name]
    for doc_id, text in articles.items():
        spans = gold_spans(text, gold_rows[doc_id])
        entities = sorted((s["start"], s["end"]) for s in spans if s["label"] != "QUOTE")
        assert all(a[1] <= b[0] for a, b in zip(entities, entities[1:])), doc_id
        assert len({(s["start"], s["end"], s["label"]) for s in spans}) == len(spans), doc_id


# Entity F1 floors a few points under the measured scores: 97.8 on the first set (which rules
# were since fitted to), 80.7 on the fresh one. Quotes and speakers measured 100 on both; with
# 6-9 quotes per set one miss costs over 10 points, hence the lower quote and speaker floors.
ENTITY_F1_FLOOR = {"first": 0.9, "fresh": 0.75}


@pytest.mark.parametrize("name", SETS)
def test_heldout_scores_stay_above_a_floor(name):
    """A regression floor under the measured scores (printed by running this file)."""
    counts = measure(*SETS[name])
    assert counts["entity"].prf()[2] >= ENTITY_F1_FLOOR[name]
    assert counts["quote"].prf()[2] >= 0.8
    assert counts["speaker"].tp >= 0.7 * counts["speaker"].predicted


if __name__ == "__main__":
    for name, (articles, gold_rows) in SETS.items():
        for layer, c in measure(articles, gold_rows).items():
            p, r, f = c.prf()
            print(f"{name:5s} {layer:8s} P {100 * p:5.1f}  R {100 * r:5.1f}  F1 {100 * f:5.1f}  "
                  f"(correct {c.tp}, gold {c.gold}, predicted {c.predicted})")
