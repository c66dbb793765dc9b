"""Queries the portal's search had no good answer for, made fit to keep: personal data masked, the text normalized
so the same words count as one query, and the week they fall in.

Masking replaces what may identify a person with a fixed token, never a partial number: the same question asked
with different numbers then counts as one query, which is what an editor growing the vocabulary wants, and nothing
of the number is kept (accounts.identifiers' masks keep its first and last digits, fit to let a person recognise
their own number on a page, not for anonymous counts). By shape, not checksum, so a mistyped number is masked too:

  [证件号]  18 characters shaped like a 身份证号码 (17 digits, then a digit or X) or a 统一社会信用代码 (two
            characters, the six digits of the region code, ten more)
  [邮箱]    an e-mail address
  [号码]    any other run of six digits or more, single spaces or hyphens between them included (a phone number,
            a bank card, a case number)

"身份证440105199001011234丢了" → "身份证[证件号]丢了".
"""

import datetime as dt
import re
import unicodedata

QUERY_LENGTH = 64
ID_TOKEN = "[证件号]"
EMAIL_TOKEN = "[邮箱]"
NUMBER_TOKEN = "[号码]"

_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+", re.IGNORECASE | re.ASCII)
_CODE = re.compile(r"(?<![0-9a-z])[0-9a-z]{2}[0-9]{6}[0-9a-z]{10}(?![0-9a-z])", re.IGNORECASE | re.ASCII)
# \d without re.ASCII: any script's digits are masked (NFKC has already made full-width ones ASCII).
_DIGITS = re.compile(r"\d(?:[ -]?\d){5,}")


def mask_query(text: str) -> str:
    """The query as it may be kept: NFKC, spaces collapsed, personal data masked, lower case, at most 64
    characters. Empty when nothing is left."""
    text = " ".join(unicodedata.normalize("NFKC", text or "").split())
    text = _EMAIL.sub(EMAIL_TOKEN, text)
    text = _CODE.sub(ID_TOKEN, text)
    text = _DIGITS.sub(NUMBER_TOKEN, text)
    # Cut after masking: cut first, a number's tail could fall under six digits and be kept.
    return text.lower()[:QUERY_LENGTH].rstrip()


def week_of(day: dt.date) -> dt.date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())
