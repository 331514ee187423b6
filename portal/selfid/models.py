"""The voluntary self-identification questions (US OFCCP style) and the answers each may take."""
from __future__ import annotations

DECLINED = "declined"
QUESTIONS = {
    "veteran": {
        "label": "Are you a protected veteran?",
        "answers": {
            "protected": "Yes, I identify as one or more of the classifications of protected veteran",
            "not_protected": "No, I am not a protected veteran",
            DECLINED: "I do not wish to answer",
        },
    },
    "disability": {
        "label": "Do you have a disability (or have you had one)?",
        "answers": {
            "yes": "Yes, I have a disability (or previously had a disability)",
            "no": "No, I do not have a disability",
            DECLINED: "I do not wish to answer",
        },
    },
}


def counter_name(question: str, answer: str) -> str:
    """The EEO counter attribute for one answer, e.g. "veteran:protected"; the admin report reads only these."""
    return f"{question}:{answer}"
