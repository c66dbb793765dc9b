"""Text messages to a phone. The platform only ever calls send(phone, text); settings.SMS_SENDER names the class
that delivers it, so a deployment plugs in its operator's gateway without touching the code that sends."""

import datetime as dt
import json
import logging
import threading
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.core.errors import DomainError

from .identifiers import mask_phone

log = logging.getLogger(__name__)


class SmsFailed(DomainError):
    code = "sms_failed"
    status = 503
    default_message = gettext_lazy("短信发送失败，请稍后再试")


class ConsoleSender:
    """Development: the message goes to the log, where the developer reads the code."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


class FileSender:
    """The demo's phone: each message is one line appended to VAR_DIR/sms-outbox.log (time, number, text)."""

    _lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        line = f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M:%S}\t{phone}\t{text}\n"
        with self._lock, (settings.VAR_DIR / "sms-outbox.log").open("a", encoding="utf-8") as outbox:
            outbox.write(line)


class HttpSender:
    """Production: POST {"phone", "text"} as JSON to the SMS gateway at SMS_HTTP_URL, with a bearer token."""

    def send(self, phone: str, text: str) -> None:
        if not settings.SMS_HTTP_URL:
            raise SmsFailed(_("未配置短信网关（SMS_HTTP_URL）"))
        request = urllib.request.Request(
            settings.SMS_HTTP_URL,
            data=json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {settings.SMS_HTTP_TOKEN}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_HTTP_TIMEOUT) as response:
                response.read()
        except OSError as exc:  # URLError and HTTPError (any non-2xx answer) are both OSErrors
            log.warning("SMS gateway refused the message to %s: %s", mask_phone(phone), exc)
            raise SmsFailed() from None


outbox: list[tuple[str, str]] = []


class LocmemSender:
    """Tests: messages are kept in sms.outbox, newest last."""

    def send(self, phone: str, text: str) -> None:
        outbox.append((phone, text))


def send(phone: str, text: str) -> None:
    import_string(settings.SMS_SENDER)().send(phone, text)
