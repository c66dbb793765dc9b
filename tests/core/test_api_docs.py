"""/api/v1/docs in Chinese: title, description, tags, every operation's summary and every parameter described."""

import re

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_operation_and_parameter_of_the_openapi_document_reads_in_chinese(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "一网通办 API" and CJK.search(schema["info"]["description"])
    english = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not CJK.search(operation.get("summary", "")):
                english.append(f"{method} {path} summary {operation.get('summary')!r}")
            english += [f"{method} {path} tag {tag}" for tag in operation.get("tags", []) if not CJK.search(tag)]
            for parameter in operation.get("parameters", []):
                if not CJK.search(parameter.get("description", "")):
                    english.append(f"{method} {path} parameter {parameter['name']}")
    assert english == []


def test_the_docs_page_is_served_offline_with_the_chinese_title(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "一网通办 API" in html and "cdn." not in html and "unpkg" not in html
