"""政务公开 as the public sees it, signed in as nobody: from the footer to the 双公示 search, where a shop's sign
licence decided in the demo is found and opened; a licence revoked by a penalty shows its revocation; a doctor's
registration shows the person masked; then the credit lists and a department's 权责清单."""

import pytest

from .conftest import shot

pytestmark = pytest.mark.browser


def test_the_public_finds_a_published_licence_and_its_revocation(page, server_url):
    from playwright.sync_api import expect

    page.goto(server_url + "/")
    expect(page.locator("section[aria-labelledby=publicity] .tile")).to_have_count(4)
    shot(page, "publicity-00-home")
    page.locator("#footer-publicity").get_by_role("link", name="行政许可和行政处罚信息公示（双公示）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("行政许可和行政处罚信息公示")
    page.get_by_label("类别", exact=True).select_option(label="行政许可")
    page.get_by_label("行政相对人名称").fill("老街坊")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#result-count")).to_have_text("共 1 条")
    row = page.locator("#publications tbody tr")
    expect(row).to_contain_text("户外招牌设置审批")
    expect(row).to_contain_text("92440105MA5F3LP80L")
    shot(page, "publicity-01-search")
    row.get_by_role("link").click()
    expect(page.locator("#holder-name")).to_have_text("广州市海珠区老街坊餐饮店")
    expect(page.locator("#licence-status")).to_have_attribute("data-status", "valid")
    shot(page, "publicity-02-licence")

    # Every decision of the district, newest first: the revoked performance licence and the masked doctor.
    page.goto(server_url + "/publicity/decisions/")
    page.locator("#publications tbody tr", has_text="营业性演出审批").get_by_role("link").click()
    expect(page.locator("#licence-status")).to_have_attribute("data-status", "revoked")
    expect(page.locator("#licence-status")).to_contain_text("海文旅罚〔2026〕3号")
    shot(page, "publicity-03-revoked")
    # The fine entered ten working days after its decision: published at once, and marked late.
    page.goto(server_url + "/publicity/decisions/?kind=penalty")
    page.locator("#publications tbody tr", has_text="老街坊").get_by_role("link").click()
    expect(page.locator("#published-at")).to_contain_text("超期公示")
    shot(page, "publicity-03b-late-penalty")
    page.goto(server_url + "/publicity/decisions/?kind=licence&item=医师")
    expect(page.locator("#publications tbody tr", has_text="陈*明")).to_have_count(1)
    expect(page.locator("#publications")).not_to_contain_text("陈小明")

    page.goto(server_url + "/publicity/")
    page.locator("#link-credit-lists").click()
    page.get_by_label("名单", exact=True).select_option(label="严重违法失信名单")
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#credit-records tbody tr")).to_contain_text("广州市海珠区星光文化传播有限公司")
    expect(page.locator("#credit-records tbody tr")).to_contain_text("起可申请提前移出")
    shot(page, "publicity-04-credit-lists")

    page.goto(server_url + "/publicity/powers/")
    page.locator("#region-440105").get_by_role("link", name="海珠区市场监督管理局").click()
    expect(page.locator("#kind-licensing")).to_contain_text("食品经营许可（新办）")
    expect(page.locator("#kind-licensing")).to_contain_text("受理责任")
    shot(page, "publicity-05-power-list")
