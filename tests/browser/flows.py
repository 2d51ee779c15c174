"""What a parent does on Eligo, step by step, shared by the browser tests and the screenshot script."""

from __future__ import annotations

from playwright.sync_api import Page

TRIAL = "NCT04751383"
# Every page a visitor can land on, by the name its screenshot gets.
PAGES = {
    "home": "/",
    "search": "/search?q=neuroblastoma",
    "trial": f"/trials/{TRIAL}",
    "match": "/match",
    "glossary": "/glossary",
    "about": "/about",
    "not-found": "/trials/NCT99999999",
}


def answer(page: Page, criterion: str, value: str) -> None:
    """Click the Yes / No / Not sure radio of one criterion of the pre-screener."""
    page.locator(f'form.prescreener input[name="a:{criterion}"][value="{value}"]').check()


def fill_match_form(page: Page, base_url: str) -> None:
    """A 7-year-old with relapsed neuroblastoma, a recent ANC, living in Leeds, travelling up to 500 km."""
    page.goto(f"{base_url}/match")
    page.get_by_label("Age in years").fill("7")
    page.get_by_label("Relapsed (came back)").check()
    page.get_by_label("Neutrophils (ANC)", exact=True).fill("1500")
    page.get_by_label("Where you live (town, UK postcode or US ZIP)").fill("Leeds")
    page.get_by_label("How far could you travel? (km)").fill("500")
    page.get_by_role("button", name="Show matching trials").click()
    page.wait_for_url("**/match/results")
