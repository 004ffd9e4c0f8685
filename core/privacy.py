"""Personal numbers kept out of free text (PIPL: collect only what the purpose needs; QUALITY.md
items 13 and 15). A need, a source's note, what residents are told, a questionnaire comment or a
suggestion never needs a mobile number or an ID-card number, yet residents and workers type them
("请回电138…"): they are masked when written (138****5678 and 370***************), and exports
mask any left in rows written before. Used by needs, surveys and outreach."""

import re
import unicodedata

from core.phone import mask_phone

# A mobile number (138 1234 5678, 138-1234-5678, +86…) or an ID-card number in free text.
PHONE_IN_TEXT = re.compile(
    r"(?<![0-9])(?:\+?86[\s-]?)?(1[3-9][0-9])[\s-]?([0-9]{4})[\s-]?([0-9]{4})(?![0-9])"
)
ID_IN_TEXT = re.compile(
    r"(?<![0-9])([1-9][0-9]{5})(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx](?![0-9A-Za-z])"
)


def mask_personal(text):
    """`text` with any mobile or ID-card number masked; full-width digits count too. Anything
    else stays exactly as typed."""
    if not text or not isinstance(text, str):
        return text
    plain = unicodedata.normalize("NFKC", text)
    if plain != text and (PHONE_IN_TEXT.search(plain) or ID_IN_TEXT.search(plain)):
        text = plain  # only then: otherwise what was typed stays as typed
    text = PHONE_IN_TEXT.sub(lambda m: mask_phone("".join(m.groups())), text)
    return ID_IN_TEXT.sub(lambda m: m.group(1)[:3] + "*" * 15, text)
