"""短信回访: the link a caller answers the callback with, without an account.

The token is signed with the site's secret (django.core.signing) and names the order and its reply round (the
order's reopened_count when the link was sent): once the caller has answered, the order is closed or redone, and
the link of that round no longer matches, so a link works once and a forwarded old one never moves a new reply.
"""

import datetime as dt

from django.conf import settings
from django.core import signing

SALT = "yiwang.hotline.callback"


def make(order) -> str:
    return signing.dumps([order.pk, order.reopened_count], salt=SALT, compress=True)


def read(token: str) -> tuple[int, int] | None:
    """(order pk, reply round) of a genuine link younger than HOTLINE_CALLBACK_LINK_DAYS; None for anything else."""
    try:
        pk, round_ = signing.loads(token, salt=SALT, max_age=dt.timedelta(days=settings.HOTLINE_CALLBACK_LINK_DAYS))
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(pk, int) or not isinstance(round_, int):
        return None
    return pk, round_
