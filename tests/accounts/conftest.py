import re

import pytest

from yiwang.accounts import sms

# Valid GB 11643 numbers the demo data does not hold.
NEW_ID = "440105199208083213"
OTHER_ID = "440105199301014562"
# The demo restaurant's legal representative, as the register records him (accounts.demo.ENTITIES).
ZHAO_ID = "440105199003051234"


@pytest.fixture(autouse=True)
def sms_outbox():
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def last_code(phone: str) -> str:
    """The code in the newest text to the number, read as the person would read it on the phone."""
    text = next(text for to, text in reversed(sms.outbox) if to == phone)
    return re.search(r"\d{6}", text).group(0)
