"""The words triage listens for, with how much each counts.

Each cue is a regular expression over the lower-cased message and a weight. Weights were set by
reading the building part of the labelled set (data/train.jsonl) and nothing else; see
docs/decisions/0009-triage-by-weighted-cues.md for why cues rather than a trained model.

Spellings residents really use are listed beside the standard ones ("agen", "nothin", "no body").
"""

from typing import NamedTuple


class Cue(NamedTuple):
    pattern: str
    weight: float


# Dissatisfaction with the landlord's service, actions or lack of action (Code 1.2, 1.5).
# Strong words say it outright; the rest say it by what happened (repeated, late, ignored).
DISSATISFACTION: tuple[Cue, ...] = (
    # said outright
    Cue(r"\b(?:not|n't|isn't|aren't|wasn't|not very|never been|less) (?:happy|hapy|pleased|satisfied|acceptable|good enough|fair|right|on|the answer|ok|okay)\b", 3),
    Cue(r"\b(?:unhappy|dissatisf\w*|disappoint\w*|unacceptable|disgrace\w*|disgusting|appalling|passed around|department to department|lost my|not nice|spoke to me like|like dirt|shocking|shocked|ridiculous|pathetic|useless|joke|rubbish service|poor service|bad service|very bad|fed up|sick of|had enough|frustrat\w*|furious|annoyed|upset|angry|misled|let down|inadequate|careless|serious concern|concerned|distress\w*)\b", 3),
    Cue(r"\b(?:formal complaint|make a complaint|raise a complaint|complaint about (?:the|your|how|my case|my repair|the way)|to complain about (?:the (?:way|behaviour|handling|service|standard)|your|how)|complaints? (?:logged|raised|explained))\b", 4),
    Cue(r"\b(?:complaining|complain(?:ed)?|complaints)\b", 1.5),
    Cue(r"\bombudsman\b", 3),
    Cue(r"\b(?:compensation|an apology|apologi[sz]e|refund)\b", 2),
    Cue(r"\bnobody cares\b|\byou don'?t care\b|\bdon'?t do nothin\w*|\bignor\w*|not (?:been )?listened|not listen\w*|listnin|are you trying to", 3),
    Cue(r"\b(?:rude|swore|swor|swearing|shouted|shouting at|shout at|raised (?:his|her) voice|laughed|laughing|aggressive|dismissive|inappropriate|insulted|accused me|refused to|found (?:it |that |this )?(?:\w+ )?offensive)\b", 3),
    Cue(r"\b(?:worse|wurse|poor|badly|not done|never done|nothing was done|made a mess|damaged|broke my|ruined|wrong|won'?t fix|wont fix|won'?t admit|wont admit|temporary fix|withdrawn|last minute|without warning)\b", 2.5),
    # said by what happened: repeated, late, ignored, let down
    Cue(r"\b(?:again|agen|agian|yet again)\b", 1.5),
    Cue(r"\b(?:back (?:again|already)|as i said|i said it would|painting over|painted over|your [\"'“‘]\w+)", 2.5),
    Cue(r"\bsince (?:your|the) (?:contractors?|engineers?|electricians?|men|workers?|fitters?|surveyor)\b|\breported (?:it |this )?(?:in|on|back in|last) \w+", 2.5),
    Cue(r"\b(?:still|stil)\b", 1.5),
    Cue(r"\b(?:still|stil) (?:no|not|nothing|haven'?t|hasn'?t|waiting|there|broken|cold|the same|no sign|out|off|leaking)\b(?: \w+)?", 2),
    Cue(r"\b(?:(?:second|third|3rd|fourth|4th|fifth|5th|sixth) (?:time|appointment|quarter|winter)|(?:two|three|four|five|six|seven|eight|nine|ten|many|several|\d+|lots of|loads of) (?:times|time|visits|reports|referrals|emails|calls|appointments)|\d+x|times now|told (?:u|you) (?:and told|lots|many|months|before)|told u|i told|(?:i|we) (?:have )?(?:told|reported|rung|rang|called|asked|emailed|written|sent)[\w ]{0,40}(?:times|before|ago|repeatedly|months|weeks)|reported (?:it )?(?:\w+ )?(?:times|twice|before|repeatedly)|repeated\w*|every time|(?:u|you|they) keep \w+|i keep \w+|keep (?:asking|chasing|ringing|calling|being told|sending|cancelling|giving)|keeps? (?:happening|coming back))\b", 3),
    Cue(r"\b(?:nobody|no ?body|no one|no-one|noone|none of them)\b[\w ,'’]{0,25}?\b(?:came|come|comes|coming|turned up|has|have|had|called|call|rang|rung|rings|answer\w*|replied|reply|told|tells|tell|explained|contacted|been in touch|checked|spoke|speak|got back|seems|will|ever|cleaned|help|done)\b(?: (?:come|came|been|called|replied|done|answered|got back|turned up|rung|rang|ever|in touch|contacted))?|\bnot come\b", 3),
    Cue(r"\b(?:nothing|nothin|nuthin)\b(?: \w+){0,3}? ?\b(?:done|happen\w*|change\w*|has|came|since)\b|\bnothing'?s (?:changed|happened|been done)|\bnothing\.|\bstill nothing|\bnothing,? (?:do|only)\b|\bbut nothing\b|\b(?:done|do|doing|did) nothing\b", 3),
    Cue(r"\b(?:no (?:reply|answer|response|call ?back|decision|date|explanation|reasons?|contact|one came|work|sign of|lasting|action|part|parts|cleaning)|not (?:had|received|heard|got) (?:a|any|anything|back)|not told|haven'?t (?:had|heard|received|been)|hasn'?t (?:been|heard)|have not (?:had|heard|been)|has not been|had not been|have heard nothing|heard nothing|never (?:came|did|got|been|heard|turned|called|rang|comes|talk|happened)|never (?:had|get)|did ?n[o']t (?:turn up|come|bring|have|let|call|answer)|didn'?t (?:turn up|come|bring|have|let|call)|does(?:n'?t| not) answer|not (?:turn|turned) up|failed to|without (?:telling|anyone|notice|any|visiting|reason|explanation)|not (?:been )?(?:kept|met|fixed|done|cleaned|cut|repaired|replied|answered)|cancell?ed (?:again|twice|without)|missed|cancel+ing)\b", 3),
    Cue(r"\b(?:waiting|waited|wait) (?:since|for|from)\b|\bstill waiting\b|\bbeen waiting\b|\bam waiting\b", 2.5),
    Cue(r"\b(?:since|from) (?:january|february|march|april|may|june|july|august|september|october|november|december|last|the spring|the summer|the autumn|summer|spring|autumn|winter)\b", 2),
    Cue(r"\b(?:for|over|after|in) (?:(?:a|one|two|three|four|five|six|seven|eight|nine|ten|\d+|several|many|the last) (?:months?|munths?|month|weeks|wks|years?|yeers|days|winters?)|months|weeks|a year|ages)\b|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|many) (?:weeks|months?|years?) (?:now|ago|no|later|with|since|without|and|after)\b|\b\d+ (?:days|weeks|months)\b|\bmonths\b", 2),
    Cue(r"\b(?:broken|broke|out|off|not working|been) (?:for|since) ", 1),
    Cue(r"\b(?:promised|was told|were told|they (?:say|said|sed)|you said|u said|supposed to|should have|meant to|said (?:it|they|he|she) would|assured|agreed after|told it|told i'?d|understanding that)\b", 2),
    Cue(r"\b(?:finally|at last|only took|after only|so called|so-called)\b", 3),
    Cue(r"\b(?:two payments|charged (?:me )?twice|twice for|my problem|overcharg\w*|not true|wasn'?t my fault|shouldn'?t have to pay|should not have to pay|pay for (?:services|this|it)|paying for|we pay|but i paid|already paid|alredy paid|recharge|court costs|not their problem|my fault)\b", 2.5),
    Cue(r"\b(?:shame|pity|would have been nice|would be lovelier|maybe (?:a human|one day|not)|next time maybe|not exactly)\b", 3),
    Cue(r"\b(?:why (?:has|have|is|am|nobody|my|was|were|the)|why\?|how many times)\b", 1.5),
    Cue(r"\bwhy (?:u|you|are you|have you)\b", 3),
    Cue(r"\b(?:closed|signed off|marked (?:as )?complete\w*)\b", 1.5),
    Cue(r"\b(?:on hold|rings out)\b", 2.5),
    Cue(r"\b(?:waste of time|worse than before|delay\w*|unsafe|not safe|being dealt with|looked into|treated|even though|despite)\b", 1.5),
)

# Thanks and praise.
PRAISE: tuple[Cue, ...] = (
    Cue(r"\b(?:thank(?:s|ing)?(?: you)?|thanx|cheers|grateful|appreciat\w*|god bless)\b", 2),
    Cue(r"\b(?:brilliant|fantastic|amazing|wonderful|lovely|great job|a star|spotless|polite|kind|patient|helpful|excellent|very good|made (?:a|the) (?:real |huge )?difference|so easy|feel (?:much )?safer|compliment|pass (?:on )?my thanks|pass on our thanks|well done)\b", 2),
)

# Asking for something to be done (a new service request alongside a complaint).
REQUEST: tuple[Cue, ...] = (
    Cue(r"\b(?:please|plees|plz|pls) (?:\w+ )?(?:send|fix|come|arrange|book|sort|put|reopen|remove|rebook|help|do|clear|take|contact|call|ring|tell)\b", 2),
    Cue(r"\b(?:send (?:someone|somebody|sum one|an engineer|engineer|a plumber)|fix it|sort it|get someone|need (?:someone|somebody|it fixed)|someone (?:call|ring) me|call me back|ring me|put it back|take it away|do something|actually do something|be cleared|book it in|give me a date|rebook|expect a date)\b", 2),
)

THEME_CUES: dict[str, tuple[Cue, ...]] = {
    "repairs": (
        Cue(r"\b(?:repair\w*|fix\w*|fixd|broken|brok\w*|leak\w*|leek\w*)\b", 1),
        Cue(r"\b(?:roof|ceiling|window\w*|windo|door|lock|tap|sink|toilet|bath\w*|shower|kitchen|kichen|worktop|tiles?|floor\w*|plaster\w*|gutter|fence|gate|hinge|drawer|cupboard|handle|pipe\w*|plumb\w*|plumer|extractor|fan|sealant|stair rail|spindle|latch|units|carpet|blinds|decorat\w*|fitters?|operatives?|contractor|job|workers|workman|repair man|wall|hole|appointments?|appt|socket|light fitting|tools)\b", 1),
    ),
    "damp_and_mould": (
        Cue(r"\b(?:damp\w*|mou?ld\w*|condensation|black spots?|dark spots|spots on the wall|musty|dehumidifier|wet to the touch)\b", 3),
    ),
    "heating_and_hot_water": (
        Cue(r"\b(?:heat\w*|heet\w*|boiler|bioler|radiat\w*|hot (?:water|warter)|warter is cold|thermostat|combi)\b", 3),
        Cue(r"\b(?:engineer|pressure|freezing|cold)\b", 1),
    ),
    "anti_social_behaviour": (
        Cue(r"\b(?:asb|anti-?social|drug\w*|dealing|dealers|harass\w*|threat\w*|intimidat\w*|abuse|graffiti|vandal\w*|smashd|needles|knife|burgl\w*|cctv|keyed my car|fires in|throwing stones|drinking|abandoned|insult\w*|hijab|crime|tenancy action)\b", 3),
        Cue(r"\b(?:police|gathering|hang around|young people|kids|teenagers|scared|frightened|diary|diaries|smoking)\b", 1.5),
    ),
    "neighbourhood_noise": (
        Cue(r"\b(?:nois\w*|noys\w*|loud|music|barking|bark|parties|party|drilling|bang\w*|sleep|recordings?)\b", 3),
    ),
    "communication": (
        Cue(r"\b(?:calls? ?back|called back|rings? back|ring back|reply|replied|answer\w*|anser|emails?|emailed|letters?|leters|phone\w*|on hold|contact\w*|update\w*|informed|in touch|language|arabic|large print|address|information|personal details|correspondence|tells me|rings out|automated|documents|received|speak to you|my call|call was)\b", 1.5),
    ),
    "staff_conduct": (
        Cue(r"\b(?:rude|swore|swor|swearing|laughed|aggressive|dismissive|offensive|inappropriate|behaviour|spoke to me like|not nice|raised (?:his|her) voice|smoking in|shouting at|shout at|shouted|bad words|conduct|on his phone|accused me|comment about)\b", 4),
        Cue(r"\b(?:kind|patient|respectful|polite|officer|lady|adviser)\b", 1.5),
    ),
    "rent_and_charges": (
        Cue(r"\b(?:rent|arrears|service charges?|charg\w*|overcharg\w*|recharge|refund|overdrawn|court costs|statement|reseet|receipt)\b", 3),
        Cue(r"\b(?:paying for|pay for)\b", 3),
        Cue(r"\b(?:payments?|pay|paid|money|account|acount|benefit\w*|income)\b", 1),
    ),
    "estate_services": (
        Cue(r"\b(?:clean\w*|bins|bin store|bin area|rubbish|fly-?tipping|litter|grass|grounds|garden(?:er| service)|hedges?|caretaker|bulb|pigeons|branch|footpath|playground|rats|dog mess|door entry|buzzer)\b", 2.5),
        Cue(r"\b(?:communal|stairwell|landing|stairs|estate|block|building|bike store)\b", 1),
        Cue(r"\blifts?\b", 3.5),
    ),
    "safety": (
        Cue(r"\b(?:fire\w*|smoke alarm|carbon monoxide|alarm|gas|electric\w*|wiring|wires|sparks|dangerous|dangeros|unsafe|not safe|feel safe|safer|safety|secure|handrail|nearly fell|fell (?:down|over)|falls|anyone can|unlocked|cladding|scaffolding|strangers|live wires|lighting|very dark)\b", 2.5),
        Cue(r"\b(?:sockets?|dark)\b", 1),
    ),
    "lettings_and_moves": (
        Cue(r"\b(?:transfer|mutual exchange|exchange|swop|swap|move (?:to|house|home|in|into)|moved (?:in|into)|to move|a move|moving (?:to|house|home|in)|moves|downsiz\w*|bidding|bid|the list|on the lis|waiting list|housing application|my application|offer\w*|keys|new home|new flat|decant|banding|medical priority|void|succession|tenancy|bigger house|one bedroom|lettings)\b", 2.5),
    ),
    "other": (
        Cue(r"\b(?:adaptation\w*|ramp|wheelchair|key safe|grab rail|tenancy agreement|garages?|parking|permit|pet|shed|insurance|newsletter|power of attorney|senior|incentive|scheme)\b", 2.5),
    ),
}

# Theme words that mean something else in these company: a boiler's "banging noise" is not a
# neighbour. Matches inside these spans do not count for the theme.
THEME_VETO: dict[str, str] = {
    "anti_social_behaviour": r"\b(?:letters?|notices?)\b[\w ]{0,20}\bthreat\w*|\bthreat\w* (?:eviction|legal|court)",
    "neighbourhood_noise": r"\b(?:boiler|door|pipes?|fan|radiators?|extractor|machine|alarm)\b[\w ]{0,30}\b(?:nois\w*|bang\w*|loud)\b",
}

# Neighbours and others the resident may "complain about" without complaining about the landlord.
NEIGHBOUR_COMPLAINT = r"\b(?:complain(?:t)? about (?:my |the |a )?(?:neighbour|nabour|next door|upstairs|the kids|kids|the teenagers|teenagers|people|the dog|dog|young people|noise from)|(?:noise|asb) complaint|complain about the (?:dog|kids|teenagers|noise|music)|complaint about my neighbour)"
