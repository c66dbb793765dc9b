"""Local development and `make demo`: the embedded SQLite database, debug pages on."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403

# The demo's "phone": codes are appended to VAR_DIR/sms-outbox.log, where a person (or a browser test) reads them.
SMS_SENDER = os.environ.get("SMS_SENDER", "yiwang.accounts.sms.FileSender")
