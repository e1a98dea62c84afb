"""The plain-English wording every landlord starts with (seeded by migration 0002).

Only the wording around the required parts lives here: `{{ required }}` is where PutRight places
what the Code requires, built from the case record (see `drafting`). Short sentences, everyday
words, "we" and "you": the aim is a reading age of about 11.
"""

SIGNATORY = "Complaints Team"

_HELP = (
    "<p>If you would like this letter in large print, easy read or another format, or you need "
    "any other help, please tell us.</p>"
)

TEMPLATES: dict[str, dict[str, str]] = {
    "hazard_summary": {
        "subject": "What we found when we looked at the problem in your home ({{ reference }})",
        "body": (
            "<p>Dear {{ resident_name }},</p>\n"
            "<p>We have looked into the problem you told us about. This letter tells you what we "
            "found and what we will do next.</p>\n"
            "{{ required }}\n"
            "<p>We will keep you updated until the work is done. If things get worse, or you are "
            "worried about anyone's health, please call us straight away. "
            "Please quote {{ reference }} when you contact us.</p>\n" + _HELP
        ),
        "signatory": "Repairs Team",
    },
    "stage1_acknowledgement": {
        "subject": "We have received your complaint ({{ reference }})",
        "body": (
            "<p>Dear {{ resident_name }},</p>\n"
            "<p>Thank you for telling us about your complaint. We received it on {{ received_on }}. "
            "We are looking into it at stage 1 of our complaints process.</p>\n"
            "{{ required }}\n"
            "<p>If we have got anything wrong, please tell us as soon as you can. "
            "Please quote {{ reference }} when you contact us.</p>\n" + _HELP
        ),
        "signatory": SIGNATORY,
    },
    "stage2_acknowledgement": {
        "subject": "We have received your stage 2 request ({{ reference }})",
        "body": (
            "<p>Dear {{ resident_name }},</p>\n"
            "<p>Thank you for asking us to look at your complaint again. We are now looking into it "
            "at stage 2. Someone who did not deal with it at stage 1 will do this.</p>\n"
            "{{ required }}\n"
            "<p>If we have got anything wrong, please tell us as soon as you can. "
            "Please quote {{ reference }} when you contact us.</p>\n" + _HELP
        ),
        "signatory": SIGNATORY,
    },
    "extension": {
        "subject": "We need more time to reply to your complaint ({{ reference }})",
        "body": (
            "<p>Dear {{ resident_name }},</p>\n"
            "<p>We are sorry, but we cannot reply to your complaint by the date we gave you.</p>\n"
            "{{ required }}\n"
            "<p>Please contact us if you have any questions. Please quote {{ reference }}.</p>\n" + _HELP
        ),
        "signatory": SIGNATORY,
    },
    "refusal": {
        "subject": "Our decision about your complaint ({{ reference }})",
        "body": (
            "<p>Dear {{ resident_name }},</p>\n"
            "<p>Thank you for contacting us. We have thought carefully about what you told us.</p>\n"
            "{{ required }}\n"
            "<p>We are sorry this is not the answer you hoped for. Please contact us if you have "
            "any questions. Please quote {{ reference }}.</p>\n" + _HELP
        ),
        "signatory": SIGNATORY,
    },
    "stage1_response": {
        "subject": "Our reply to your complaint ({{ reference }})",
        "body": (
            "<p>Dear {{ resident_name }},</p>\n"
            "<p>Thank you for your patience while we looked into your complaint. "
            "This letter gives you our answer.</p>\n"
            "{{ required }}\n"
            "<p>Thank you for bringing this to us. It helps us get things right.</p>\n" + _HELP
        ),
        "signatory": SIGNATORY,
    },
    "stage2_response": {
        "subject": "Our final reply to your complaint ({{ reference }})",
        "body": (
            "<p>Dear {{ resident_name }},</p>\n"
            "<p>Thank you for your patience while we looked at your complaint again. "
            "This letter gives you our final answer.</p>\n"
            "{{ required }}\n"
            "<p>Thank you for bringing this to us. It helps us get things right.</p>\n" + _HELP
        ),
        "signatory": SIGNATORY,
    },
}

# Words residents told plain-English reviewers they stumble on, with plainer ones. The landlord
# edits the list in the admin.
JARGON: list[tuple[str, str]] = [
    ("aforementioned", "this, that"),
    ("commence", "start"),
    ("disrepair", "repairs that are needed"),
    ("endeavour", "try"),
    ("escalate", "ask us to look again"),
    ("expedite", "speed up"),
    ("facilitate", "help, arrange"),
    ("in accordance with", "under, following"),
    ("in respect of", "about"),
    ("notwithstanding", "even though"),
    ("prior to", "before"),
    ("pursuant to", "under"),
    ("remedial works", "repairs"),
    ("subsequently", "later, then"),
    ("utilise", "use"),
    ("void", "empty home"),
    ("with regard to", "about"),
]
