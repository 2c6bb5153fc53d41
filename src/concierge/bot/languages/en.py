"""English: Porter's Snowball stemmer ("cancelled", "cancelling" → "cancel"), stop words, small talk
and the ways people ask for a person in a chat."""

import re

from concierge.bot.languages import LanguageRules, word_set

STOP_WORDS = word_set(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing don done down during each either else
    even ever every few for from further get gets getting got had has have having he her here hers
    herself him himself his how however i if in into is isn it its itself just let lets like ll m
    may me might mine more most much must my myself need needs no nor not now of off on once only or
    other our ours ourselves out over own please re really s same shall she should so some someone
    something still such t than that the their theirs them themselves then there these they this
    those through to too under until up us ve very via want wants was we were what whats when where
    whether which while who whom why will with would yet you your yours yourself d im ive id
    hi hello hey thanks thank thx pls plz guys
    """
)

SMALL_TALK = word_set(
    """
    hi hello hey heya hiya yo hallo howdy greetings morning afternoon evening night good great
    fine ok okay cool nice awesome perfect thanks thank thx ty cheers appreciate appreciated
    bye goodbye cya later see soon day have anyone anybody someone somebody there here needed
    all set thats that it sorted everything help helped lot much welcome test testing
    """
)

PERSON = r"(?:human|person|people|agent|someone|somebody|representative|rep|operator|staff|support|sales|engineer|manager)"
ASKS_FOR_A_PERSON = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a\s+|an\s+|the\s+|your\s+|some\s+)?(?:real\s+|live\s+|actual\s+)?{PERSON}\b",
        r"\b(?:real|live|actual)\s+(?:human|person|agent|people)\b",
        rf"\b(?:get|put|connect|transfer)\s+me\s+(?:through\s+)?(?:to\s+|with\s+)?(?:a\s+|an\s+|the\s+|your\s+)?{PERSON}\b",
        r"\bput\s+me\s+through\b",
        r"^(?:human|agent|operator|representative|person|support)$",
        r"\bphone\s+number\b|\bcall\s+(?:me|us|you)\b|\bcall\s*back\b",
        r"\b(?:contact|reach)\s+(?:your\s+|the\s+)?sales\b|\bsales\s+team\b",
        r"\b(?:this|the|your)\s+bot\b",
    )
)

RULES = LanguageRules(
    stemmer="english",
    stop_words=STOP_WORDS,
    small_talk=SMALL_TALK,
    asks_for_a_person=ASKS_FOR_A_PERSON,
)
