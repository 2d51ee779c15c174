"""The pre-screener used with the keyboard alone: skip link, radios, visible focus, the Save button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.flows import TRIAL

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), cls: el.className, id: el.id, name: el.getAttribute("name"),
    value: el.value, checked: el.checked === true, text: (el.textContent || "").trim(),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth),
    left: el.getBoundingClientRect().left,
  };
}"""


def focused(page: Page) -> dict[str, object]:
    return page.evaluate(FOCUSED)  # type: ignore[no-any-return]


def assert_focus_visible(state: dict[str, object]) -> None:
    assert state["outlineStyle"] not in ("none", "") and float(state["outlineWidth"]) >= 2, state  # type: ignore[arg-type]


def tab_until(page: Page, wanted: str, limit: int = 400) -> dict[str, object]:
    """Press Tab until the focused element matches the JavaScript predicate `wanted` (given `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {wanted}; }})()"):
            return focused(page)
    raise AssertionError(f"Tab never reached an element where {wanted}")


def test_prescreener_works_with_the_keyboard_alone(page: Page, live_url: str) -> None:
    page.goto(f"{live_url}/trials/{TRIAL}")

    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["cls"] == "skip" and skip["text"] == "Skip to main content", skip
    assert float(skip["left"]) >= 0, "the skip link must be on screen when focused"  # type: ignore[arg-type]
    assert_focus_visible(skip)
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"

    first = tab_until(page, "el.name === 'a:inc-1'")
    assert first["value"] == "yes" and not first["checked"], first
    assert_focus_visible(first)
    page.keyboard.press("Space")
    assert focused(page)["checked"], "Space should select the focused answer"
    expect(page.locator('[data-outcome="inc-1"]')).to_contain_text("You answered “Yes”")

    page.keyboard.press("ArrowRight")
    moved = focused(page)
    assert (moved["name"], moved["value"], moved["checked"]) == ("a:inc-1", "no", True), moved
    assert_focus_visible(moved)
    page.keyboard.press("ArrowLeft")
    assert (focused(page)["value"], focused(page)["checked"]) == ("yes", True)

    page.keyboard.press("Tab")  # leaves the group for the next question
    following = focused(page)
    assert following["name"] != "a:inc-1" and following["tag"] == "input", following
    page.keyboard.press("Space")
    # A compound criterion's parts ("a:inc-2.1.1#1") share their criterion's outcome line (issue #13).
    criterion = str(following["name"]).removeprefix("a:").split("#")[0]
    expect(page.locator(f'[data-outcome="{criterion}"]')).to_contain_text("You answered “Yes”")
    expect(page.locator("#verdict")).to_contain_text("Checked so far:")

    save = tab_until(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Save my answers'")
    assert_focus_visible(save)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/trials/{TRIAL}#prescreener")
    expect(page.locator('input[name="a:inc-1"][value="yes"]')).to_be_checked()
