"""The embedded font covers everything the PDFs print from code and catalog; what it lacks falls back."""

import re
from pathlib import Path

import yaml

import yiwang
from yiwang.core.pdf import FALLBACK_FONT, markup, missing_characters, runs

SOURCE = Path(yiwang.__file__).parent
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_every_character_the_pdfs_print_from_the_code_and_the_catalog_is_in_the_embedded_font():
    printed = "".join((SOURCE / name).read_text("utf-8") for name in ("desk/pdf.py", "licences/pdf.py"))
    catalog = yaml.safe_load((SOURCE / "catalog/data/reference_catalog.yaml").read_text("utf-8"))
    names = [r["name"] for r in catalog["regions"]] + [d["name"] for d in catalog["departments"].values()]
    names += [t["name"] for t in catalog["licence_types"].values()] + [i["name"] for i in catalog["items"]]
    assert missing_characters("".join(CJK.findall(printed)) + "".join(names)) == set()


def test_a_character_outside_gb2312_falls_back_instead_of_vanishing():
    assert missing_characters("李珺") == {"珺"}
    assert runs("李珺明")[1] == (FALLBACK_FONT, "珺")
    assert markup("李珺 <A&B>") == f'李<font name="{FALLBACK_FONT}">珺</font> &lt;A&amp;B&gt;'
