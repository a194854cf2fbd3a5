"""The Arabic dashboard on a phone: Dutch content keeps its own direction, dates read day first,
language names are in the reader's language, and the poll chart is mirrored."""

from __future__ import annotations

import io

from PIL import Image
from playwright.async_api import Page

from bot.demo.school import School
from bot.polls.chart import BAR, LABEL_W, MARGIN, WIDTH
from tests.dashboard.test_dashboard import open_page, settings
from tests.helpers.dashboard import Served, ask_login_link, screenshot
from tests.helpers.polls import answer, launch

__all__ = ["settings"]  # the dashboard fixture, shared (web, served, browser: conftest.py)
DUTCH = "Mama's, papa's, oma's en opa's zijn welkom!"

# The left edge of the first and of the last character of an element's text, as drawn.
EDGES = """el => {
  const text = el.firstChild.nodeType === 3 ? el.firstChild : el.firstChild.firstChild;
  const range = document.createRange();
  const at = i => { range.setStart(text, i); range.setEnd(text, i + 1);
                    return range.getBoundingClientRect().left; };
  return [at(0), at(text.length - 1)];
}"""


async def direction(page: Page, selector: str) -> str:
    """The direction the browser gives an element."""
    return await page.locator(selector).first.evaluate("el => getComputedStyle(el).direction")


async def test_the_arabic_dashboard_on_a_phone(
    school: School, served: Served, browser: object
) -> None:
    """Sofie reads the dashboard in Arabic: Lies's Dutch message ends with its '!' on the right,
    '05/12 14:30' keeps the day first, Tigrinya is named in Arabic, the chart grows leftwards."""
    sofie = await school.coordinator()
    await school.new_class(sofie, "1A")
    lies = await school.teacher(sofie, "Juf Lies", "1A")
    families = [("Tom", "nl"), ("Amina", "ar"), ("Mehmet", "tr"), ("Kasia", "pl"), ("Selam", "ti")]
    parents = [(await school.parent(name, lang, "1A"), lang) for name, lang in families]
    await lies.send(DUTCH)
    preview = await lies.wait_for_message(lambda m: "ann:send:" in str(m.buttons))
    await lies.press(school.t("nl", "announce.send_now"), message=preview)
    poll_id = await launch(school, sofie, "barriers", None)
    for parent, lang in parents:
        done = await answer(school, parent, lang, poll_id, [["language"], "often", ["time"]])
        await parent.wait_for(lambda u, d=done: d.text.startswith("🙏"))
    await sofie.send("/language")
    await school.pick_language(sofie, "ar")

    page = await open_page(browser, await ask_login_link(sofie), phone=True)  # type: ignore[arg-type]
    assert await page.get_attribute("html", "dir") == "rtl"
    await page.goto(page.url + "announcements")
    link = page.locator("table a bdi").first
    assert await link.inner_text() == DUTCH and await direction(page, "table a bdi") == "ltr"
    first, last = await link.evaluate(EDGES)
    assert last > first  # '!' drawn after 'M', to its right: the sentence is not scrambled
    when = page.locator('td bdi[dir="ltr"]').first
    day, hour = await when.evaluate(EDGES)
    assert day < hour  # day/month on the left, the time on the right
    await screenshot(page, "rtl-announcements")
    await page.click("table a")
    assert await direction(page, '.msg p[dir="auto"]') == "ltr"
    body = await page.inner_text("body")
    ar = school.app.bot_data.catalogs
    assert ar.language_name("ti", "ar") in body and "ትግርኛ" not in body
    await screenshot(page, "rtl-announcement")

    await page.goto(page.url.split("/dashboard")[0] + f"/dashboard/polls/{poll_id}")
    chart = await page.request.get(page.url + "/chart.png")
    image = Image.open(io.BytesIO(await chart.body())).convert("RGB")
    bars = [x for x in range(image.width) if image.getpixel((x, MARGIN + 90 + 40 + 15)) == BAR]
    assert bars and max(bars) == WIDTH - MARGIN - LABEL_W  # the bars start on the right
    await screenshot(page, "rtl-poll")
