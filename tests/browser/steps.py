"""Steps the journeys share, each only clicks and typing in the browser as the person named."""

import re
import time
from pathlib import Path

from .conftest import login, shot

WIDE, NARROW = 1366, 390


def shots(page, name: str) -> None:
    """The same moment as a desktop and as a phone show it; neither may scroll sideways."""
    for width in (WIDE, NARROW):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"{name}-{width}")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide} px wide at {width} px"
    page.set_viewport_size({"width": WIDE, "height": 900})


def switch_user(page, server_url: str, username: str, password: str = "yiwang-demo") -> None:
    """Another person at the same browser: the cookies go, and they log in through the login page."""
    page.context.clear_cookies()
    login(page, server_url, username, password)


def texted_code(var_dir: str, phone: str) -> str:
    """The newest code texted to the number, read as the person reads it on the phone (the demo's phone is
    VAR_DIR/sms-outbox.log, one text a line: time, number, message)."""
    outbox = Path(var_dir) / "sms-outbox.log"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        texts = outbox.read_text(encoding="utf-8").splitlines() if outbox.exists() else []
        mine = [line for line in texts if f"\t{phone}\t" in line]
        if mine:
            return re.search(r"\d{6}", mine[-1].split("\t", 2)[2]).group(0)
        time.sleep(0.2)
    raise AssertionError(f"no text to {phone}")


def accept_from_queue(page, server_url: str, number: str, name: str | None = None) -> None:
    """The general window's back office accepts an online application from 待受理 on the workbench."""
    from playwright.sync_api import expect

    switch_user(page, server_url, "hz-gov_service-clerk")
    page.wait_for_url(f"{server_url}/workbench/")
    page.locator('[data-queue="acceptance"]').get_by_role("link", name="待受理").click()
    page.wait_for_url("**/workbench/acceptance/")
    row = page.locator("#acceptance-queue tbody tr", has_text=number)
    expect(row).to_contain_text("个工作日")
    if name:
        shots(page, f"{name}-acceptance-queue")
    row.get_by_role("link", name=number).click()
    page.wait_for_url(f"**/workbench/cases/{number}/")
    page.locator("#accept").click()
    expect(page.locator(".notice")).to_contain_text("已受理")


def review(page, server_url: str, username: str, number: str, opinion: str, name: str | None = None) -> None:
    """A department's reviewer claims its task from the inbox and agrees."""
    from playwright.sync_api import expect

    switch_user(page, server_url, username)
    page.goto(server_url + "/workbench/tasks/")
    row = page.locator("#inbox tbody tr", has_text=number)
    if name:
        expect(row).to_be_visible()
        shots(page, f"{name}-inbox")
    row.get_by_role("button", name="签收").click()
    page.wait_for_url(f"**/workbench/cases/{number}/")
    page.get_by_label("审查意见").fill(opinion)
    if name:
        shots(page, f"{name}-opinion")
    page.get_by_role("button", name="提交审查意见").click()
    expect(page.locator(".notice")).to_contain_text("审查意见已提交")


def review_and_decide(page, server_url: str, number: str, name: str | None = None) -> None:
    """城管 answers its part, 市场监管 (the lead) agrees and proposes to grant, and its 负责人 signs."""
    from playwright.sync_api import expect

    review(page, server_url, "hz-urban-reviewer", number, "油烟排放设施符合要求，同意。", name and f"{name}-urban")
    review(
        page,
        server_url,
        "hz-samr-reviewer",
        number,
        "材料齐全，经营条件符合食品安全要求，同意。",
        name and f"{name}-samr",
    )
    page.get_by_label("理由（必填）").fill("符合法定条件，拟准予许可。")
    if name:
        shots(page, f"{name}-proposal")
    page.locator("#propose").click()
    expect(page.locator("#proposal-sent")).to_be_visible()

    switch_user(page, server_url, "hz-samr-head")
    page.wait_for_url(f"{server_url}/workbench/")
    page.locator('[data-queue="decisions"]').get_by_role("link", name="待审批").click()
    row = page.locator("#decision-queue tbody tr", has_text=number)
    expect(row).to_contain_text("拟准予")
    if name:
        shots(page, f"{name}-decision-queue")
    row.get_by_role("link", name="审批").click()
    page.wait_for_url(f"**/workbench/signing/{number}/")
    expect(page.locator("#department-tasks")).to_contain_text("油烟排放设施符合要求")
    if name:
        shots(page, f"{name}-signing")
    page.locator("#signing").get_by_label("经营项目").fill("热食类食品制售")
    page.locator("#signing #grant").click()
    expect(page.locator(".notice")).to_contain_text("已审批：准予许可")


FOOD_PERMIT = "R005-440105"
FOOD_PERMIT_MATERIALS = {
    "食品经营许可申请书": "申请书.pdf",
    "与食品经营相适应的主要设备设施布局、操作流程等文件": "设备布局与操作流程.pdf",
    "食品安全自查、从业人员健康管理等制度": "食品安全制度.pdf",
}


def upload_materials(page, tmp_path, materials: dict[str, str], rows: str = "#materials tbody tr") -> None:
    """Choose a PDF for each named material in its row of the upload table."""
    from tests.case_fixtures import PDF

    for name, filename in materials.items():
        path = tmp_path / filename
        path.write_bytes(PDF + name.encode())
        page.locator(rows, has_text=name).locator("input[type=file]").set_input_files(path)


def form_field(scope, title: str):
    """An application form's field by its exact title; the required mark (*) after it is part of the label."""
    return scope.get_by_label(re.compile(rf"^{re.escape(title)}\*?$"))


def fill_food_permit_form(page, *, phone: str = "13800000004", address: str = "广州市海珠区南洲路 88 号") -> None:
    """食品经营许可（新办）'s 申请表 as the restaurant answers it (a 餐饮服务经营者 selling hot dishes (热食类),
    80 m², 赵六 in charge of food safety), online or at the window. Fields the platform filled in from the
    register and locked are left as they are."""
    page.get_by_label("餐饮服务经营者").check()
    page.get_by_label("热食类食品制售").check()
    form_field(page, "经营场所").fill(address)
    page.get_by_label("经营场所面积（平方米）").fill("80")
    page.get_by_label("食品安全管理人员姓名").fill("赵六")
    page.get_by_label("食品安全管理人员身份证件号码").fill("440105199003051234")
    page.get_by_label("从业人员数").fill("6")
    contact = form_field(page, "联系人")
    if contact.is_editable():  # a person's own name comes from the real-name record, locked
        contact.fill("赵六")
    page.get_by_label("联系电话").fill(phone)


def fill_food_permit(
    page,
    server_url: str,
    tmp_path,
    *,
    phone: str = "13800000004",
    address: str = "广州市海珠区南洲路 88 号",
    materials: dict[str, str] = FOOD_PERMIT_MATERIALS,
) -> None:
    """The restaurant's online application for 食品经营许可（新办）: the form filled in, the materials uploaded; the
    delivery choice and the submission are the caller's."""
    from playwright.sync_api import expect

    if not page.url.endswith(f"/apply/{FOOD_PERMIT}/"):
        page.goto(f"{server_url}/apply/{FOOD_PERMIT}/")
    expect(page.get_by_label("经营者名称")).to_have_value("广州市海珠区味道餐饮管理有限公司")
    fill_food_permit_form(page, phone=phone, address=address)
    upload_materials(page, tmp_path, materials)


def submit_application(page) -> str:
    """Submit the application form; on the new case's page, its number."""
    from playwright.sync_api import expect

    page.locator("#submit-application").click()
    page.wait_for_url("**/cases/*/")
    expect(page.locator("#case-status")).to_have_text("已申报，待受理")
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def rate(page, name: str, comment: str) -> None:
    """On a delivered case's page, the applicant rates it 非常满意 (5) with a comment."""
    from playwright.sync_api import expect

    form = page.locator("#rating-form")
    expect(form).to_be_visible()
    form.get_by_label("非常满意", exact=True).check()
    form.get_by_label("意见建议").fill(comment)
    shots(page, f"{name}-rating-form")
    form.locator("button[type=submit]").click()
    expect(page.locator("#rating")).to_contain_text("非常满意")
    shots(page, f"{name}-rated")


def fill_marriage_form(page, *, phone: str, partner: tuple[str, str] = ("韩梅", "440105199402182266")) -> None:
    """内地居民结婚登记's 申请表 at the window, for a walk-in already identified (name and number locked): both
    parties' particulars, the appointment day and their declaration."""
    import datetime as dt

    own = page.locator("fieldset.form-group", has=page.locator("legend", has_text="当事人（本人）"))
    other = page.locator("fieldset.form-group", has=page.locator("legend", has_text="当事人（对方）"))
    form_field(other, "对方姓名").fill(partner[0])
    form_field(other, "对方公民身份号码").fill(partner[1])
    for scope, occupation in ((own, "工程技术人员"), (other, "教师")):
        form_field(scope, "国籍").fill("中国")
        form_field(scope, "职业").fill(occupation)
        form_field(scope, "文化程度").select_option(label="本科")
        scope.get_by_label("未婚").check()
    form_field(page, "预约登记日期").fill(dt.date.today().isoformat())
    page.get_by_label("双方声明", exact=False).check()
    page.locator("#id_f-contact_phone").fill(phone)
