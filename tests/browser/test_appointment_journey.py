"""网上预约 from start to counter: the hall's administrator opens a slot for now, a citizen books it from the item
guide, arrives, the kiosk turns the booking code into an appointment-lane ticket, and a clerk calls it."""

import re

import pytest

from .conftest import login, shot

pytestmark = pytest.mark.browser

WIDTHS = (1366, 390)


def shots(page, name: str) -> None:
    """The same page at a desktop's and a phone's width."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"{name}-{width}")
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


def logout(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state("networkidle")


def test_a_citizen_books_arrives_and_is_called_first(page, server_url):
    from playwright.sync_api import expect

    page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    login(page, server_url, "hz-gov_service-admin")
    page.goto(server_url + "/desk/")
    page.get_by_role("link", name="网上预约").click()
    page.get_by_role("link", name="海珠区政务服务中心").click()
    hall = re.search(r"/desk/appointments/(\d+)/", page.url).group(1)
    # The server runs on the real clock, the tests on a pinned one: the form offers the server's today, and a
    # slot for the whole of it is running whenever this journey runs, weekday or weekend.
    today, starts = page.input_value("#slot-day"), "00:00"
    page.fill("#slot-starts", starts)
    page.fill("#slot-ends", "23:59")
    page.fill("#slot-capacity", "6")
    page.get_by_role("button", name="加开", exact=True).click()
    expect(page.locator("body")).to_contain_text(f"已加开时段 {today} {starts}—23:59")
    shots(page, "appointment-01-hall-slots")
    logout(page)

    login(page, server_url, "citizen")
    page.goto(server_url + "/items/R040/")
    expect(page.locator("#book-appointment")).to_be_visible()
    shots(page, "appointment-02-guide")
    page.get_by_role("link", name="网上预约").click()
    expect(page.locator("h1")).to_contain_text("内地居民结婚登记")
    page.locator("#days a").first.click()
    page.locator("#slots label", has_text=f"{starts}—23:59").click()
    shots(page, "appointment-03-choose-slot")
    page.get_by_role("button", name="确认预约").click()
    code = page.get_by_test_id("booking-code").inner_text()
    assert re.fullmatch(r"\d{8}", code)
    expect(page.locator("body")).to_contain_text("已预约")
    shots(page, "appointment-04-booked")
    page.get_by_role("link", name="我的预约").first.click()
    expect(page.locator("#my-appointments")).to_contain_text(code)
    shots(page, "appointment-05-my-appointments")
    logout(page)

    # At the hall: the kiosk by the entrance.
    page.goto(f"{server_url}/desk/kiosk/{hall}/")
    page.fill("#booking_code", code)
    page.locator("#booking-arrival").get_by_role("button", name="预约取号").click()
    ticket = page.get_by_test_id("ticket-number").inner_text()
    assert ticket.startswith("Y")
    expect(page.get_by_test_id("ticket-appointment")).to_contain_text(code)
    shots(page, "appointment-06-kiosk-ticket")
    page.fill("#booking_code", code)
    page.locator("#booking-arrival").get_by_role("button", name="预约取号").click()
    expect(page.locator("#booking-code-errors")).to_contain_text("只能取号一次")

    login(page, server_url, "hz-gov_service-clerk")
    page.goto(server_url + "/desk/")
    page.select_option("#window-select", label="海珠区政务服务中心 5号窗口（综合窗口）")
    page.get_by_role("button", name="开始受理").click()
    expect(page.get_by_test_id("waiting-appointment")).not_to_have_text("0")
    for _ in range(10):  # other journeys' priority tickets come first; the clerk serves them, then ours
        page.locator("#queue").get_by_role("button", name="叫号").click()
        current = page.get_by_test_id("current-ticket")
        expect(current).to_be_visible()
        if ticket in current.inner_text():
            break
        page.locator("#queue").get_by_role("button", name="办结（不生成办件）").click()
        expect(page.locator("#queue").get_by_role("button", name="叫号")).to_be_visible()
    expect(page.get_by_test_id("current-ticket")).to_contain_text(ticket)
    expect(page.get_by_test_id("current-appointment")).to_contain_text(code)
    shots(page, "appointment-07-called")
    page.locator("#queue").get_by_role("button", name="办结（不生成办件）").click()  # a consultation, no case
    expect(page.locator("#queue").get_by_role("button", name="叫号")).to_be_visible()

    page.get_by_role("link", name="网上预约").click()
    page.get_by_role("link", name="海珠区政务服务中心").click()
    expect(page.locator(".slot-card", has_text=code)).to_contain_text(f"已取号 · {ticket}")
    shots(page, "appointment-08-day-list")
