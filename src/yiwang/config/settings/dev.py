"""Local development and `make demo`: the embedded SQLite database; debug pages on, except in `yiwang demo`."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403

# The demo's "phone": codes are appended to VAR_DIR/sms-outbox.log, where a person (or a browser test) reads them.
SMS_SENDER = os.environ.get("SMS_SENDER", "yiwang.accounts.sms.FileSender")
# Static files straight from the apps as well as from a collectstatic run, so a fresh clone serves its CSS
# with DEBUG off before anyone has collected anything.
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — whitenoise warns about a missing one on every start
