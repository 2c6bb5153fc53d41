"""The coach's English rules. Each cue is a general way of writing an element (docs/coach.md says
what each element means); a cue's veto is searched in the same sentence and cancels it."""

import re

from concierge.replies.coach.languages import Cue, LanguageRules


def _words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


def _re(pattern: str) -> re.Pattern:
    return re.compile(pattern, re.IGNORECASE)


FUTURE = _words(
    r"\bwill\b", r"'ll\b", r"\bgoing to\b", r"\bgets?\b", r"\bshall\b", r"\bis coming\b", r"\bships?\b"
)
HEDGE = _words(
    r"\b(?:can't|cannot|can not|won't|couldn't|not able to|unable to) (?:\w+ ){0,2}(?:commit|promise|guarantee|"
    r"pin|give you|say|tell you|put)",
    r"\bno (?:date|eta|timeline)\b",
    r"\bnot sure\b",
    r"\b(?:might|may|hope|hopefully|aim|aiming|probably|likely|should|usually|expect|estimate|roughly|"
    r"possibly|perhaps|ideally|if all goes)\b",
    r"\bif and when\b",
    r"\bwhich one\b",
    r"\brather not guess\b",
)
# The date or moment an outcome is tied to: a weekday, a date, a span from now, the next release.
WHEN = _words(
    r"\b(?:by|on|before|until|from|within|in|over) (?:the )?(?:end of )?(?:the )?(?:next |this )?"
    r"(?:tomorrow|tonight|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|"
    r"morning|week|month|year|\d{1,2}(?:st|nd|rd|th)?\b)",
    r"\b(?:tomorrow|tonight)\b",
    r"\b(?:next|this|coming) (?:week|month|monday|tuesday|wednesday|thursday|friday|sprint)\b",
    r"\b(?:january|february|march|april|may|june|july|august|september|october|november|december)"
    r" \d{1,2}(?:st|nd|rd|th)?\b",
    r"\b\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:january|february|march|april|june|july|august|september|october"
    r"|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b",
    r"\b(?:within|in) (?:the next )?(?:\d+|a|an|one|two|three|four|five|six|ten|twenty|thirty|24|48) "
    r"(?:minutes?|hours?|days?|weeks?|months?)\b",
    r"\b(?:the |our )?(?:next|upcoming|coming) (?:\w+ )?(?:release|update|version|deploy|build|patch)\b",
    r"\b(?:next week|tonight|tomorrow)'s (?:release|deploy|update)\b",
)
# What support promises about its own work (looking into it, writing back) is in its control.
OWN_WORK = _words(
    r"\b(?:get|write|come|reply|report) back\b",
    r"\blook(?:ing)? into\b",
    r"\b(?:let you know|update you|keep you posted|follow up|check|email you|hear from)\b",
    r"\bconfirm (?:with you|the outcome|back|by)\b",
    r"\breceipt\b",
)

REASONING = (
    Cue(
        _re(r"\bbecause\b(?! of (?:\w+ )?(?:\w+)[.!]?$)"),
        "because",
        veto=_re(
            r"\bbecause (?:that's|that is|it's|this is) (?:our|the) (?:policy|rule|way)|because (?:your (?:feedback|opinion|input|satisfaction)|we value|"
            r"we care|feedback|you matter|we love)|because (?:\w+ )*feedback is|important to us|because of (?:android|ios|windows|the system|technical)\b"
        ),
    ),
    Cue(_re(r"\b(?:which|that) is why\b|\bthat's why\b|\bthis is why\b|\bwhich is why\b"), "that is why"),
    Cue(_re(r"\bthe reason\b|\bthe cause\b|\bcaused by\b|\bthe culprit\b|\broot cause\b"), "reason"),
    Cue(_re(r"\bon purpose\b|\bdeliberate(?:ly)?\b|\bby design\b|\bintentional(?:ly)?\b"), "on purpose"),
    Cue(
        _re(
            r"\bwe (?:chose|decided|kept|built|designed|made|put|introduced|added|held)\b.{0,80}\b(?:because|so|"
            r"rather than|instead|to avoid|on purpose|as)\b"
        ),
        "decision",
    ),
    Cue(_re(r"\btrade-?offs?\b|\brather than\b.{0,60}\bbecause\b"), "trade-off"),
    Cue(
        _re(
            r"\bwould (?:\w+ly )?(?:break|require|mean|slow|make|cause|enable|need|risk|confuse|have|let|turn|"
            r"cost|force|lose)\b"
        ),
        "consequence",
    ),
    Cue(_re(r"\bso that\b|\bin order to\b|\bis in place\b|\bexists to\b"), "purpose"),
    Cue(
        _re(
            r"\bsince (?!you\b|you're|you've|yesterday|last|monday|tuesday|wednesday|thursday|friday|saturday|"
            r"sunday|then|the (?:update|outage|morning|weekend|start)|this|january|february|march|april|may\b|june|"
            r"july|august|september|october|november|december|\d|early|we spoke|our last)\w"
        ),
        "since",
    ),
    Cue(
        _re(
            r"(?:^|[.;:]\s+)as (?:\w+ ){1,6}(?:are|is|was|were|has|have|would|can)\b|, as (?:this|that|it|each|"
            r"every|they|we|our|the|these|those)\b"
        ),
        "as",
    ),
    Cue(
        _re(
            r"\b(?:went wrong|timed out|expired|ran out|stopped renewing|got stuck|was misconfigured|"
            r"(?:is|was|are|were) (?:billed|charged|counted|loaded|capped|limited|designed|built) "
            r"(?:\w+ ){0,3}(?:separately|per|by|on|for|at|because|so))\b"
        ),
        "cause",
    ),
    Cue(
        _re(
            r", so (?!you\b|that you|please|if|feel|let|I'll|we'll|here|far)(?:the|it|its|it's|every|everything|they|"
            r"there|we|our|that|this|a|an|any|no|nothing|anyone|each|nobody|new|old|your \w+ (?:is|are|was|were|"
            r"will|won't|can't|don't|doesn't))\b"
        ),
        "consequence",
    ),
    Cue(
        _re(
            r"\b(?:consequently|as a result|which means|this means|that means|given that|due to|owing to|our "
            r"reason|some context|for (?:security|privacy|legal|performance|safety|compliance) reasons|(?:is|are|"
            r"we're|we are) (?:legally )?required to|by law|the case for|the idea is)\b"
        ),
        "cause",
        veto=_re(r"\bdue to (?:high|heavy|an?|the) (?:volume|demand|number)\b"),
    ),
    Cue(
        _re(
            r"\b(?:appears?|happens?|occurs?|fails?|triggers?|kicks in|shows? up|runs?|breaks?|resets?) (?:only )?"
            r"(?:when|whenever|because|under)\b|^(?:when|whenever|until|once|if) [^,]{8,90}, (?:the|it|every|we|"
            r"your|this|that|they|any|each|all)\b|\buntil (?:it|they) (?:is|are)\b"
        ),
        "mechanism",
    ),
    Cue(
        _re(
            r", which would\b|\b(?:a|the|this|that) (?:bug|glitch|fault|mistake|change|setting) (?:made|caused|meant|"
            r"makes|causes|means|stopped|broke)\b"
        ),
        "cause",
    ),
    Cue(
        _re(r"\bhere's what happened\b|\bwhat (?:happened|changed) (?:is|was)\b|\bturns? out\b"), "back story"
    ),
)

RESOLUTION = (
    Cue(
        _re(
            r"\b(?:I|we)(?:'ve| have)(?: just| now| already| also)? (?:refunded|cancell?ed|switched|turned|"
            r"applied|credited|reset|restored|fixed|removed|extended|upgraded|downgraded|moved|corrected|enabled|"
            r"disabled|unlocked|merged|issued|reassigned|reactivated|waived|deleted|restarted|rolled|unblocked|"
            r"re-?sent|resent|sent (?:you|it|them|both|the|a|an)|split|given|granted|emailed|attached|created|booked|"
            r"scheduled|renewed|replaced|recovered|added (?:a|an|the|\w+ credit|\d)|set up|changed|updated your|"
            r"released|lifted)\b"
        ),
        "done",
    ),
    Cue(
        _re(
            r"\b(?:I|we)(?:'ll| will) (?:\w+ly )?(?:let you know|tell you|write|get back to you|email you|"
            r"update you|message you|reply|ping you|notify you)\b.{0,60}\b(?:if|when|as soon as|once|by|today|"
            r"tomorrow|within|here|the moment|before)\b"
        ),
        "follow-up",
    ),
    Cue(
        _re(
            r"\b(?:I|we)(?:'ll| will| am going to|'m going to) (?:\w+ly )?(?:refund|cancel|switch|apply|credit|"
            r"reset|restore|fix|remove|extend|upgrade|downgrade|move|correct|enable|disable|unlock|merge|issue|"
            r"reassign|waive|send you|look into|check|investigate|take it from here|set up|add|escalate|call|keep "
            r"you)\b"
        ),
        "will do",
    ),
    Cue(
        _re(
            r"\bnot planned\b|\bnothing (?:we|I) can do\b|\b(?:we|I) (?:would )?(?:\w+ )?(?:recommend|suggest)\b|\bno plans? to\b|\bnot planning to\b|\bnot (?:currently )?(?:scheduled|on (?:the|our) "
            r"roadmap)\b|\b(?:we|I) (?:won't|will not|can't|cannot) (?:be )?(?:add|change|build|offer|refund|make|"
            r"support|do)\w*\b|\bnot going to (?:add|change|build|happen)\b|\bno (?:waiver|refund|change)s? "
            r"(?:is |are )?(?:necessary|needed|for|planned)\b|\bnot in the next\b|\bisn't (?:planned|scheduled|"
            r"happening)\b|\bis not (?:planned|scheduled|available)\b|\bwon't be (?:adding|changing|building)\b"
        ),
        "decision",
    ),
    Cue(_re(r"\b\w[\w' ]{0,30} ?(?:>|→|›|»|->) ?['\"]?\w"), "path"),
    Cue(
        _re(
            r"(?:^|[.!:;]\s+|, (?:so |then |and )?|\band |\bjust )(?:please |kindly |simply )?(?:go to|open|click|"
            r"select|reply with|send (?:me|us)|tell me|create|remove|set|switch|invite|filter|export|add|ask|"
            r"pick|use|try|press|tap|drag|paste|type|enter|choose|upgrade|downgrade|turn|tick|uncheck|check "
            r"(?:the|your) (?!help|docs|documentation|faq|knowledge)|forward (?:me|us)|share (?:the|your)|"
            r"restart|reload|refresh|log (?:out|in)|sign (?:out|in|up)|install|update the|delete|rename|contact "
            r"your)\b"
        ),
        "step",
        veto=_re(r"\b(?:if you have|should you|any (?:other|further) questions|hesitate)\b"),
    ),
    Cue(
        _re(r"\byou're (?:all )?(?:set|done|good to go)\b|\band you're done\b|\bthat's it\b"), "done for you"
    ),
    Cue(
        _re(
            r"\b(?:will|'ll) (?:\w+ly )?(?:be )?(?:fixed|resolved|restored|released|shipped|live|back|deployed|"
            r"available|applied|sorted|gone|there|ready|out|raised|lifted|increased|added|improved|changed)\b"
        ),
        "outcome",
        veto=_re(HEDGE + r"|\bdue course\b|\bshared with\b|\bforwarded\b|\bpassed\b"),
    ),
    Cue(
        _re(
            r"\b(?:fixed|sorted|shipping|live|out) (?:in|by|on) (?:the )?next\b|^(?:next|this) (?:release|week)"
        ),
        "when",
    ),
)

OVERPROMISE = (
    Cue(
        _re(
            r"\bpromise(?!s? to (?:look|check|investigate|get back|reply|follow|update|keep|let|write|dig|come))"
        ),
        "promise",
        veto=_re(r"\b(?:can't|cannot|can not|won't|couldn't|not|no|never)\s+(?:\w+ ){0,1}promis"),
        suggestion="I can't promise a date, but I'll let you know as soon as it's done.",
    ),
    Cue(
        _re(r"\bguarantee|\bassure you\b|\brest assured\b|\bassured\b|\bwill ensure\b"),
        "guarantee",
        veto=_re(
            r"\b(?:can't|cannot|can not|won't|couldn't|not|no|without)\s+(?:\w+ ){0,1}(?:guarantee|assur)"
        ),
        suggestion="We're doing everything we can, and I'll keep you posted as it moves.",
    ),
    Cue(
        _re(r"\b(?:definitely|definitively|certainly|100 ?%|without fail|done deal|for sure|absolutely)\b"),
        "certainty",
        veto=_re(
            r"\b(?:definitely|certainly|absolutely) (?:not|worth|right|a|the|agree|understand|see|hear)\b|"
            r"\bnot (?:\w+ )?for sure\b"
        ),
        suggestion="We're working on it, and I'll let you know when it's ready rather than guess.",
    ),
    Cue(
        _re(
            r"\bnever (?:\w+ ){0,2}again\b|\bwill never\b|\b(?:won't|will not) (?:\w+ ){0,4}(?:again|ever)\b|"
            r"\bnever have to\b|\b(?:nobody|no one|no-one) will ever\b|\bwill not recur\b|\bno (?:further|more) "
            r"(?:\w+ ){0,3}will ever\b|\bwill always\b|'ll always\b|\bever again\b"
        ),
        "never again",
        suggestion="We've taken steps to make this much less likely, and I'll keep an eye on your account.",
    ),
    Cue(
        _re(
            r"\bfor good\b|\bfor as long as you\b|\bforever\b|\bfor life\b|\blifetime\b|\beven though it's been\b"
        ),
        "beyond authority",
        veto=_re(r"\b(?:delete[sd]?|gone|remove[sd]?|lost)\b (?:\w+ ){0,3}(?:for good|forever)"),
        suggestion="Let me check with the billing team what we can offer, and I'll get back to you today.",
    ),
    Cue(
        _re(WHEN),
        "date",
        veto=_re(HEDGE + "|" + OWN_WORK + r"|\bago\b|\bsince\b|\blast\b"),
        needs=_re(FUTURE + r"|^\W*(?:\w+\W+){0,4}\w+\W*$"),
        suggestion="The team is working on a fix; I'll let you know when it's out rather than guess a date.",
    ),
)

RULES = LanguageRules(
    code="en",
    stemmer="english",
    stop_words=frozenset(
        [
            "a",
            "about",
            "above",
            "after",
            "again",
            "against",
            "all",
            "also",
            "am",
            "an",
            "and",
            "any",
            "are",
            "aren't",
            "as",
            "at",
            "be",
            "because",
            "been",
            "before",
            "being",
            "below",
            "between",
            "both",
            "but",
            "by",
            "can",
            "can't",
            "cannot",
            "could",
            "couldn't",
            "did",
            "didn't",
            "do",
            "does",
            "doesn't",
            "doing",
            "don't",
            "down",
            "during",
            "each",
            "few",
            "for",
            "from",
            "further",
            "had",
            "hadn't",
            "has",
            "hasn't",
            "have",
            "haven't",
            "having",
            "he",
            "her",
            "here",
            "hers",
            "herself",
            "him",
            "himself",
            "his",
            "how",
            "i",
            "i'd",
            "i'll",
            "i'm",
            "i've",
            "if",
            "in",
            "into",
            "is",
            "isn't",
            "it",
            "it's",
            "its",
            "itself",
            "just",
            "let's",
            "like",
            "me",
            "more",
            "most",
            "mustn't",
            "my",
            "myself",
            "no",
            "nor",
            "not",
            "now",
            "of",
            "off",
            "on",
            "once",
            "only",
            "or",
            "other",
            "ought",
            "our",
            "ours",
            "ourselves",
            "out",
            "over",
            "own",
            "same",
            "shan't",
            "she",
            "should",
            "shouldn't",
            "so",
            "some",
            "such",
            "than",
            "that",
            "that's",
            "the",
            "their",
            "theirs",
            "them",
            "themselves",
            "then",
            "there",
            "there's",
            "these",
            "they",
            "they'd",
            "they'll",
            "they're",
            "they've",
            "this",
            "those",
            "through",
            "to",
            "too",
            "under",
            "until",
            "up",
            "very",
            "was",
            "wasn't",
            "we",
            "we'd",
            "we'll",
            "we're",
            "we've",
            "were",
            "weren't",
            "what",
            "what's",
            "when",
            "when's",
            "where",
            "where's",
            "which",
            "while",
            "who",
            "who's",
            "whom",
            "why",
            "why's",
            "will",
            "with",
            "won't",
            "would",
            "wouldn't",
            "you",
            "you'd",
            "you'll",
            "you're",
            "you've",
            "your",
            "yours",
            "yourself",
            "yourselves",
            "hi",
            "hello",
            "hey",
            "dear",
            "thanks",
            "thank",
            "please",
            "get",
            "got",
            "go",
            "one",
            "still",
            "even",
            "really",
            "way",
            "want",
            "need",
            "make",
            "would",
            "could",
            "can",
            "may",
            "might",
            "much",
            "many",
            "every",
            "right",
            "yes",
            "ok",
            "okay",
        ]
    ),
    greeting=_re(
        r"^\s*(?:hi|hey|hello|dear|good (?:morning|afternoon|evening)|greetings)\b[^,.!:\n]{0,40}[,.!:\n]\s*"
    ),
    stock_sentence=_re(
        r"^(?:thanks?|thank you|we appreciate|i appreciate|i (?:totally |completely )?understand|we understand "
        r"(?:your|how)|great question|sorry for any|we're sorry for any|have a|hope|we value|we always|we get "
        r"asked)"
    ),
    reflecting=_re(
        r"\byou(?:'re|'ve|'d| are| have| want| need| were|r)\b|\bsounds?\b|\bmust (?:have|be)\b|\bmakes? (?:a lot of )?"
        r"sense\b|\bi can see\b|\bi see\b|\bthe worst\b|\bwe note\b|\bwe understand that\b|\byou're right\b|"
        r"\bfor your\b|\bwith your\b|\bsince you\b|\bsorry\b|\bi agree\b|\bfair\b"
    ),
    reasoning=REASONING,
    resolution=RESOLUTION,
    overpromise=OVERPROMISE,
    formal=(
        _re(r"\bdear (?:sir|madam|customer|user|valued|client|mr|ms|mrs|miss|dr|team)\b"),
        _re(r"\bkindly\b"),
        _re(r"\bplease (?:be advised|be informed|note that|rest assured|find)\b"),
        _re(r"\bwe regret\b|\bregrettably\b"),
        _re(r"\bwe trust\b"),
        _re(r"\byours (?:sincerely|faithfully|truly)\b"),
        _re(r"\bwe (?:acknowledge|note that|note your|understand that|wish to|would like to inform)\b"),
        _re(
            r"\bthank you for (?:your|contacting) (?:enquiry|inquiry|message|request|question|correspondence|"
            r"patience|feedback|considering|tasklane|support)?\b"
        ),
        _re(r"\bshould you (?:have|require|wish)\b|\bdo not hesitate\b|\bat your disposal\b|\bremain at\b"),
        _re(r"\bduly\b|\baccordingly\b|\bherewith\b|\bhereby\b|\bpursuant\b|\bin due course\b|\brevert\b"),
        _re(r"\bwe (?:sincerely )?apologi[sz]e\b|\bany inconvenience\b|\bwe are pleased to\b"),
        _re(r"^\s*good (?:morning|afternoon|evening)\b"),
        _re(r"\b(?:kind|best|warm) regards\b|^\s*regards\b|\n\s*regards\b|\.\s*regards,"),
    ),
    warm=(
        _re(r"^\s*(?:hi|hey|hello|hiya)\b"),
        _re(r"!"),
        _re(r"\b(?:sorry|glad|happy to|love to|no worries|good catch|nice|great news|good news)\b"),
    ),
    # Dismissive anywhere: sending the customer away. Dismissive as the reply's opening: a brush-off.
    dismissive=(
        _re(r"\b(?:read|check|see) (?:the|our) (?:documentation|docs|help cent(?:er|re)|faq)\b"),
        _re(
            r"\bbefore contacting (?:us|support)\b|\bnot our problem\b|\bas (?:already|previously) (?:stated|explained)\b"
        ),
        _re(
            r"^\W*(?:it's in (?:the|your|our) \w+|works (?:for|on) (?:us|our end|my end)|nothing(?:'s| is) (?:broken|"
            r"wrong)|that's not how|we get a lot of requests|(?:ok|okay|noted|no|fine|sure)\W*$)"
        ),
    ),
    familiar=_re(r"\b\w+'(?:s|re|ve|ll|d|m|t)\b|\bn't\b"),
    missing_suggestions={
        "restates": "Say back what the customer is trying to do, in your own words, or engage with the details "
        "they gave (their numbers, their setup, what it means for them).",
        "reasoning": "Share the why: the cause of the problem, or the reason and trade-off behind the answer.",
        "resolution": "End with a clear next step: what you have done or will do (and roughly when), a "
        "decision, or a concrete step for the customer.",
    },
    tone_suggestions={
        "formal": "This reads stiff: write as you would speak to a customer you respect — contractions, "
        "their name, fewer set phrases.",
        "curt": "This reads curt: acknowledge the question and give the customer something to act on.",
        "casual": "This reads more casual than the team's voice: fewer exclamations, a complete greeting and "
        "sign-off.",
    },
)
