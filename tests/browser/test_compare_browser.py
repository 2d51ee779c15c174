"""A family shortlists three trials from a search near Leeds and compares them: on a desktop, a phone and paper
(issue #16); a trial's posted side effects, or the questions to ask when there are none."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from eligo.compare.vocab import wording
from eligo.ingest import import_paths
from eligo.store import open_store
from tests.browser.live import PHONE, load_bundled, serve

pytestmark = pytest.mark.browser

RESULTS = Path(__file__).resolve().parents[1] / "data" / "ctgov-v2-results" / "NCT02210780.json"
SEARCH = "/search?q=neuroblastoma&near=Leeds"
# Rows shown without a child's profile or answers (the verdict rows come with them).
FACTORS = [factor.key for factor in wording().factors if factor.key not in ("verdict", "open_questions")]


@pytest.fixture
def results_url(tmp_path: Path) -> Iterator[str]:
    """The bundled trials plus one registry record with posted adverse events."""
    store = load_bundled(open_store(f"sqlite:///{tmp_path / 'eligo-results.db'}"))
    assert import_paths(store, [RESULTS]).failed == 0
    try:
        with serve(store) as url:
            yield url
    finally:
        store.close()


def shortlist_three_near_leeds(page: Page, base_url: str) -> list[str]:
    page.goto(base_url + SEARCH)
    distances = page.locator("li.card .distance")
    assert distances.count() >= 3
    for text in distances.all_inner_texts():
        assert re.fullmatch(r"[\d,]+ miles?", text), text
    chosen = []
    for _ in range(3):
        button = page.locator("button.shortlist-add").first
        chosen.append(button.get_attribute("data-nct") or "")
        button.click()
        page.wait_for_url(re.compile(r"/search\?q=neuroblastoma&near=Leeds$"))
    expect(page.locator("[data-shortlisted]")).to_have_count(3)
    return chosen


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) of each page of a PDF that Chromium wrote (plain objects, no object streams)."""
    pages = re.findall(rb"/Type\s*/Page\b(?!s).*?/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", pdf, re.S)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in pages]


def test_compare_three_trials_on_desktop_phone_and_paper(page: Page, live_url: str) -> None:
    chosen = shortlist_three_near_leeds(page, live_url)
    page.get_by_role("link", name=re.compile("Compare your shortlist")).first.click()
    expect(page.locator("h1")).to_have_text("Compare trials")

    table = page.locator(".compare-screen table")
    expect(table).to_be_visible()
    assert table.locator("thead th[data-nct]").evaluate_all("cells => cells.map(c => c.dataset.nct)") == chosen
    rows = table.locator("tbody tr")
    assert rows.evaluate_all("rows => rows.map(r => r.dataset.factor)") == FACTORS
    for key in FACTORS:
        cells = table.locator(f'tr[data-factor="{key}"] td')
        expect(cells).to_have_count(3)
        for text in cells.all_inner_texts():
            assert text.strip(), f"an empty {key} cell"
    expect(table.locator('tr[data-factor="nearest_site"]')).to_contain_text(re.compile(r"\d+ miles?"))
    expect(table.locator('tr[data-factor="status"]')).to_contain_text("record updated")
    expect(table.locator('tr[data-factor="side_effects"]')).to_contain_text("None posted on the registry")

    # A phone: one card per trial, each with every factor, and nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    expect(table).to_be_hidden()
    cards = page.locator(".compare-cards article.compare-card")
    expect(cards).to_have_count(3)
    for index in range(3):
        expect(cards.nth(index).locator("[data-factor]")).to_have_count(len(FACTORS))
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")

    # Paper: three trials on one landscape page.
    page.emulate_media(media="print")
    pages = pdf_pages(page.pdf(prefer_css_page_size=True, print_background=True))
    assert len(pages) == 1, pages
    width, height = pages[0]
    assert width > height, "landscape"


def test_posted_side_effects_by_organ_system_and_none_posted(page: Page, results_url: str) -> None:
    page.goto(f"{results_url}/trials/NCT02210780")
    section = page.locator("#side-effects")
    infections = section.locator('[data-organ-system="Infections and infestations"]')
    expect(infections.locator("h3")).to_have_text("Infections (3 events)")
    expect(infections).to_contain_text("Upper respiratory tract infection")
    expect(infections).to_contain_text("14 of 97 (Placebo qw)")
    expect(section.locator('[data-organ-system="Immune system disorders"]')).to_contain_text("Serious: 0 of 97")

    page.goto(f"{results_url}/trials/NCT01711554")
    section = page.locator("#side-effects")
    expect(section.locator(".none-posted")).to_contain_text("has not posted side-effect results")
    expect(section.locator(".side-effect-questions li")).to_have_count(len(wording().side_effects.questions))
    expect(section.locator("[data-organ-system]")).to_have_count(0)
