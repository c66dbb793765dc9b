"""pdffonts (poppler-utils) on a PDF the platform made: is every font embedded?"""

import os
import shutil
import subprocess

import pytest


def fonts_of(data: bytes) -> list[dict]:
    """pdffonts' table: one row per font, with its name and whether it is embedded."""
    if shutil.which("pdffonts") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdffonts (poppler-utils) is not installed")
        pytest.skip("pdffonts (poppler-utils) is not installed")
    table = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
    rows = table.splitlines()[2:]
    assert rows, table
    # name type encoding emb sub uni object ID — the type may hold spaces ("CID TrueType"), so read from the right.
    return [{"name": row.split()[0], "emb": row.split()[-5]} for row in rows]


def assert_every_font_embedded(data: bytes) -> None:
    fonts = fonts_of(data)
    assert all(font["emb"] == "yes" for font in fonts), fonts
    assert any("WenQuanYi" in font["name"] for font in fonts), fonts
