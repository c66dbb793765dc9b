"""Local development and `make demo`: the embedded SQLite database, debug pages on."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: F403
