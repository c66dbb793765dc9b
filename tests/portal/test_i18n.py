"""English is the second language: pages under /en/ carry English chrome; Chinese stays the default."""

import pytest

pytestmark = pytest.mark.django_db


def test_default_language_is_chinese(client):
    html = client.get("/").content.decode()
    assert 'lang="zh-Hans"' in html
    assert "个人办事" in html


def test_english_pages_live_under_en(client):
    html = client.get("/en/").content.decode()
    assert 'lang="en"' in html
    for label in ("Home", "Personal services", "Business services", "Departments", "One-thing services"):
        assert label in html
    assert "个人办事" not in html


def test_english_item_guide(client):
    html = client.get("/en/items/R005/").content.decode()
    assert "Application materials" in html
    assert "No submission needed" in html
    assert "Statutory: 10 working days" in html


def test_language_switch_moves_to_the_english_url(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/items/R005/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/items/R005/"
