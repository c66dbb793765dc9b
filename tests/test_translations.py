"""English is the second language: every string has a translation, and the compiled catalogue is current."""

import gettext
import re
from pathlib import Path

import yiwang

LOCALE = Path(yiwang.__file__).parent / "locale" / "en" / "LC_MESSAGES"


def _po_entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text("utf-8")
    entries = {}
    for block in text.split("\n\n"):
        if "#, fuzzy" in block:
            entries[f"fuzzy:{block}"] = ""
            continue
        match = re.search(r'^msgid ((?:".*"\n?)+)msgstr ((?:".*"\n?)+)', block, re.M)
        if match:
            msgid = "".join(re.findall(r'"(.*)"', match.group(1)))
            entries[msgid] = "".join(re.findall(r'"(.*)"', match.group(2)))
    entries.pop("", None)
    return entries


def test_every_string_is_translated():
    untranslated = [msgid for msgid, msgstr in _po_entries().items() if not msgstr]
    assert untranslated == [], "run `make messages` and translate these entries"


def test_compiled_catalogue_matches_the_source():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    missing = [m for m in _po_entries() if compiled.gettext(m.replace('\\"', '"').replace("\\n", "\n")) == m]
    assert missing == [], "django.mo is stale: run `make messages`"
