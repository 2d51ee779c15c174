"""Screenshots of every Eligo page at phone (360 px) and desktop (1280 px) width, into docs/screenshots/.

Run by hand from the repository root: `.venv/bin/python -m tests.browser.take_screenshots`
(or `ELIGO_SCREENSHOTS=1 .venv/bin/pytest tests/browser/test_screenshots.py`).

Public pages come from a plain server; the signed-in pages (notes, share links, alerts, referrals,
the account page) from a server that sends email to an in-process SMTP server, so that accounts are
created and confirmed through the pages, as a family would.
"""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, FloatRect, Page, ViewportSize, expect, sync_playwright

from eligo.accounts import users
from eligo.ingest import import_paths
from eligo.store import open_store
from eligo.web.settings import WebSettings
from tests.accounts.conftest import SmtpServer, free_port
from tests.browser.conftest import MailSite
from tests.browser.flows import PAGES, TRIAL, answer, fill_match_form
from tests.browser.live import DESKTOP, PHONE, launch_chromium, load_bundled, serve, sqlite_server

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS: dict[str, ViewportSize] = {
    "phone": {"width": PHONE["width"], "height": PHONE["height"]},
    "desktop": {"width": DESKTOP["width"], "height": DESKTOP["height"]},
}
# Long pages (a trial's full criteria, the glossary) are cut at this height to keep each PNG small.
MAX_HEIGHT = {"phone": 3600, "desktop": 2000}
# Forms are captured whole, down to their button: they are plain and compress well.
WHOLE = {"match"}
# A capture around one element (a note beside its criterion) is shorter still: the element is the point.
AROUND_HEIGHT = {"phone": 1400, "desktop": 900}

# The referral tests' made-up study: the bundled trials list no site with an email address.
REFERRAL_TRIALS = Path(__file__).resolve().parents[1] / "referrals" / "trials.json"
REFERRAL_TRIAL = "NCT99000001"
REFERRAL_SITE = "Leeds General Infirmary"
FAMILY = "screenshots-family@example.org"
COORDINATOR = "screenshots-coordinator@site.example"
ADMIN = "screenshots-admin@eligo.example"
PASSWORD = "correct horse battery"
NOTE_WORDS = "histologically or cytologically confirmed NBL"
NOTE = "Ask Dr Patel whether the 2019 biopsy report is enough."
PASSCODE = "harbour-blue-42"
ALERT_SEARCH = "/alerts/new?q=neuroblastoma&status=open&near=Leeds&within=300&age=7"
ANSWERS = (("inc-1", "yes"), ("inc-4", "yes"), ("inc-7", "not_sure"), ("exc-4", "no"))
REFERRAL_ANSWERS = (("inc-1#1", "yes"), ("inc-1#2", "yes"), ("inc-2", "yes"), ("inc-3", "not_sure"), ("exc-1", "no"))
PUBLIC_COUNT = 2 * (len(PAGES) + 1)
SIGNED_IN_NAMES = (
    "trial-notes",
    "share",
    "share-ready",
    "shared-passcode",
    "shared",
    "alerts-subscribe",
    "referral-form",
    "account",
    "referrals-dashboard",
    "referral-detail",
    "admin-coordinators",
)
SIGNED_IN_COUNT = 2 * len(SIGNED_IN_NAMES)


def shoot(page: Page, target: Path, kind: str, top: float = 0, most: int | None = None) -> Path:
    """The page from `top` down, at most `most` (else MAX_HEIGHT[kind]) pixels tall."""
    most = most or MAX_HEIGHT[kind]
    width = page.viewport_size["width"] if page.viewport_size else DESKTOP["width"]
    height = page.evaluate("document.documentElement.scrollHeight")
    top = max(0.0, min(top, height - most))
    clip: FloatRect = {"x": 0, "y": top, "width": width, "height": min(height - top, most)}
    page.screenshot(path=target, full_page=True, clip=clip)
    return target


def both_widths(page: Page, out: Path, name: str, anchor: str | None = None) -> list[Path]:
    """Capture the page as it is now at each width; `anchor` starts the capture a little above that element."""
    written = []
    for kind, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        top, most = 0.0, None
        if anchor is not None:
            top = page.evaluate(
                "(selector) => document.querySelector(selector).getBoundingClientRect().top + window.scrollY",
                anchor,
            )
            top, most = max(0.0, top - 120), AROUND_HEIGHT[kind]
        written.append(shoot(page, out / f"{name}-{kind}.png", kind, top, most))
    return written


def take(browser: Browser, base_url: str, out: Path = OUT) -> list[Path]:
    """The pages anyone can see, without an account."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for kind, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        page = context.new_page()
        for name, path in PAGES.items():
            page.goto(base_url + path)
            if name == "trial":
                save_answers(page)
            whole = page.evaluate("document.documentElement.scrollHeight") if name in WHOLE else None
            written.append(shoot(page, out / f"{name}-{kind}.png", kind, most=whole))
        fill_match_form(page, base_url)
        written.append(shoot(page, out / f"match-results-{kind}.png", kind))
        context.close()
    return written


# The HIV question of the trial page answered "No" (never had HIV), as a parent would (issue #13).
# `hiv-before` was taken from the code before the question was split (answer id "inc-13": "No" ruled
# the child out); `take_hiv` regenerates the after picture with the condition question's own id.
HIV_ANSWER = ("inc-13#1", "no")
HIV_NAME = "trial-hiv-no-after"


def take_hiv(browser: Browser, base_url: str, out: Path = OUT, name: str = HIV_NAME) -> Path:
    """The phone view around the HIV criterion after the parent answered "No", verdict box included."""
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=WIDTHS["phone"], device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(f"{base_url}/trials/{TRIAL}")
        answer(page, *HIV_ANSWER)
        page.get_by_role("button", name="Save my answers").click()
        page.wait_for_url(f"**/trials/{TRIAL}*")
        top = page.evaluate(
            "() => document.querySelector('[data-criterion=\"inc-13\"]').getBoundingClientRect().top + window.scrollY"
        )
        return shoot(page, out / f"{name}-phone.png", "phone", max(0.0, top - 120), AROUND_HEIGHT["phone"])
    finally:
        context.close()


def save_answers(page: Page, trial: str = TRIAL, answers: tuple[tuple[str, str], ...] = ANSWERS) -> None:
    """Answer part of the pre-screener on the trial page open in `page`, as a parent would leave it."""
    for criterion, value in answers:
        answer(page, criterion, value)
    page.get_by_role("button", name="Save my answers").click()
    page.wait_for_url(f"**/trials/{trial}*")


def select_words(page: Page, selector: str, words: str) -> None:
    """Select `words` inside the element, as a mouse drag would, and let the page hear the mouse go up."""
    page.evaluate(
        """([selector, words]) => {
            const element = document.querySelector(selector);
            const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at === -1) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                window.getSelection().removeAllRanges();
                window.getSelection().addRange(range);
                const box = range.getBoundingClientRect();
                const where = {bubbles: true, clientX: box.right, clientY: box.bottom};
                document.dispatchEvent(new MouseEvent("mouseup", where));
                return;
            }
            throw new Error("words not found: " + words);
        }""",
        [selector, words],
    )


@contextmanager
def visitor(browser: Browser) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(viewport=WIDTHS["desktop"], device_scale_factor=1)
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def take_signed_in(browser: Browser, site: MailSite, out: Path = OUT) -> list[Path]:
    """A family's notes, share link, alert and referral, the doctor's view of the link, and the coordinator's."""
    out.mkdir(parents=True, exist_ok=True)
    summary = import_paths(site.store, [REFERRAL_TRIALS])
    if summary.failed:
        raise RuntimeError(f"the referral test trial failed to import: {summary.problems}")
    written: list[Path] = []
    with visitor(browser) as family, visitor(browser) as doctor, visitor(browser) as coordinator:
        site.sign_up_confirmed(family, FAMILY, PASSWORD)
        family.goto(f"{site.url}/trials/{TRIAL}")
        save_answers(family)
        select_words(family, "#c-inc-1 .criterion-text", NOTE_WORDS)
        family.get_by_role("button", name="Add a note").click()
        family.get_by_label("Your note").fill(NOTE)
        family.get_by_role("button", name="Save note").click()
        family.wait_for_url(re.compile(r"/trials/[^/]+#note-\d+$"))  # the save's own navigation first
        family.goto(f"{site.url}/trials/{TRIAL}")
        expect(family.locator("#c-inc-1 mark.note-mark")).to_have_text(NOTE_WORDS)
        written += both_widths(family, out, "trial-notes", anchor="#c-inc-1")

        family.goto(f"{site.url}/trials/{TRIAL}/share")
        family.get_by_label("Also share my").check()
        family.get_by_label("I will choose one").check()
        family.get_by_label("Your passcode", exact=False).fill(PASSCODE)
        written += both_widths(family, out, "share")
        family.get_by_role("button", name="Create the link").click()
        expect(family.get_by_role("heading", name="Your share link is ready")).to_be_visible()
        written += both_widths(family, out, "share-ready")
        link = family.locator("#share-url").input_value()

        doctor.goto(link)
        written += both_widths(doctor, out, "shared-passcode")
        doctor.get_by_label("Passcode").fill(PASSCODE)
        doctor.get_by_role("button", name="Show the notes").click()
        expect(doctor.get_by_text(NOTE)).to_be_visible()
        written += both_widths(doctor, out, "shared")

        family.goto(site.url + ALERT_SEARCH)
        written += both_widths(family, out, "alerts-subscribe")
        family.get_by_role("button", name="Email me about new trials").click()
        if family.get_by_role("heading", name="Check your email").is_visible():
            site.deliver()
            family.goto(site.link(FAMILY, "/alerts/confirm/"))
            family.get_by_role("button", name="Confirm my alert").click()

        family.goto(f"{site.url}/trials/{REFERRAL_TRIAL}")
        save_answers(family, REFERRAL_TRIAL, REFERRAL_ANSWERS)
        family.goto(f"{site.url}/trials/{REFERRAL_TRIAL}/refer")
        family.get_by_role("radio", name=REFERRAL_SITE).check()
        family.get_by_label("Your name").fill("Sam Taylor")
        family.get_by_label("Your message (optional)").fill("Our son is 7. Please call after 5pm.")
        family.get_by_label("Include my pre-screener answers and Eligo's summary").check()
        written += both_widths(family, out, "referral-form")
        family.get_by_role("button", name="Send my request").click()
        expect(family.get_by_role("heading", name="Your request is on its way")).to_be_visible()

        site.sign_up_confirmed(coordinator, COORDINATOR, PASSWORD)
        users.link_coordinator(site.store, COORDINATOR, REFERRAL_TRIAL, REFERRAL_SITE)
        coordinator.goto(f"{site.url}/referrals/dashboard")
        written += both_widths(coordinator, out, "referrals-dashboard")
        coordinator.get_by_role("link", name="Sam Taylor").click()
        coordinator.get_by_role("radio", name="Contacted").check()
        coordinator.get_by_role("button", name="Save the status").click()
        expect(coordinator.get_by_role("status")).to_contain_text("The family will get an email")
        coordinator.get_by_label("Add a note").fill("Left a voicemail on Tuesday; Dr Shah to call back.")
        coordinator.get_by_role("button", name="Save the note").click()
        expect(coordinator.get_by_role("status")).to_contain_text("Only the study team can see it")
        written += both_widths(coordinator, out, "referral-detail")

        written += take_admin(browser, site, out)

        family.goto(f"{site.url}/account")
        written += both_widths(family, out, "account")
    return written


def take_admin(browser: Browser, site: MailSite, out: Path = OUT) -> list[Path]:
    """The administrator's coordinator links (issue #15): the screenshot coordinator's link, and the form
    filled in to link a second nurse to a site picked from the trial's listed sites."""
    users.create_admin(site.store, ADMIN, PASSWORD, datetime.now(UTC))
    with visitor(browser) as admin:
        admin.goto(f"{site.url}/account/login")
        admin.get_by_label("Email address").fill(ADMIN)
        admin.get_by_label("Password", exact=True).fill(PASSWORD)
        admin.get_by_role("button", name="Sign in").click()
        admin.goto(f"{site.url}/admin/coordinators?trial={REFERRAL_TRIAL}")
        admin.get_by_label("Coordinator's email address").fill("second-nurse@site.example")
        picker = admin.get_by_label("Site", exact=True)
        picker.select_option(picker.locator("option", has_text=REFERRAL_SITE).get_attribute("value") or "")
        return both_widths(admin, out, "admin-coordinators")


EXAMPLE_PROFILE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "child-relapsed.json"
EDITOR_NAMES = ("profile-editor", "profile-editor-labs", "profile-editor-errors")
EDITOR_COUNT = 2 * len(EDITOR_NAMES)


def take_editor(browser: Browser, base_url: str, out: Path = OUT) -> list[Path]:
    """The profile editor (issue #15) filled from the example profile by "Change the details": its top, its
    blood tests with units and upper limits, and a mistyped lab and score shown beside their fields."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with visitor(browser) as page:
        page.goto(f"{base_url}/match")
        page.set_input_files("#profile_file", str(EXAMPLE_PROFILE))
        page.get_by_role("button", name="Upload and match").click()
        page.wait_for_url("**/match/results")
        page.get_by_role("link", name="Change the details").click()
        page.wait_for_url("**/match")
        expect(page.locator("#performance_0_score")).to_have_value("80")
        written += both_widths(page, out, "profile-editor")
        written += both_widths(page, out, "profile-editor-labs", anchor="#section-labs")
        page.get_by_label("Creatinine", exact=True).fill("0,6")
        page.locator("#performance_0_score").fill("180")
        page.get_by_role("button", name="Show matching trials").click()
        expect(page.locator("#form-errors")).to_be_visible()
        written += both_widths(page, out, "profile-editor-errors", anchor="#form-errors")
    return written


COMPARE_SEARCH = "/search?q=neuroblastoma&near=Leeds"
COMPARE_COUNT = 2


def take_compare(browser: Browser, base_url: str, out: Path = OUT) -> list[Path]:
    """The compare page (issue #16): three trials shortlisted from a search near Leeds, at both widths."""
    out.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=WIDTHS["desktop"], device_scale_factor=1)
    try:
        page = context.new_page()
        page.goto(base_url + COMPARE_SEARCH)
        for _ in range(3):
            page.locator("button.shortlist-add").first.click()
            page.wait_for_load_state()
        page.goto(base_url + "/compare")
        expect(page.locator(".compare-screen tr[data-factor]").first).to_be_visible()
        return both_widths(page, out, "compare")
    finally:
        context.close()


@contextmanager
def mail_server(directory: Path) -> Iterator[MailSite]:
    """Like the `mail_site` fixture: the bundled trials on SQLite, served with an in-process SMTP server."""
    smtp = SmtpServer(free_port())
    smtp.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    store = load_bundled(open_store(f"sqlite:///{directory / 'eligo-mail.db'}"))
    try:
        with serve(store, WebSettings(environment="test", public_url=url, smtp=smtp.settings), port=port):
            yield MailSite(url=url, store=store, smtp=smtp)
    finally:
        store.close()
        smtp.stop()


CLINIC_NAME = "clinic-summary"


def take_clinic(browser: Browser, base_url: str, out: Path = OUT) -> list[Path]:
    """The printable clinic summary (issue #15) for the clinic-summary child, at both widths, as printed."""
    from tests.browser.test_clinic_print import upload_profile

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, viewport in WIDTHS.items():
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        try:
            page = context.new_page()
            upload_profile(page, base_url)
            page.goto(f"{base_url}/match/summary?closed=1")
            written.append(shoot(page, out / f"{CLINIC_NAME}-{kind}.png", kind))
        finally:
            context.close()
    return written


def main() -> int:
    with tempfile.TemporaryDirectory() as directory, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            with sqlite_server(Path(directory)) as base_url:
                written = take(browser, base_url)
                written += take_compare(browser, base_url)
                written += take_editor(browser, base_url)
                written.append(take_hiv(browser, base_url))
                written += take_clinic(browser, base_url)
            with mail_server(Path(directory)) as site:
                written += take_signed_in(browser, site)
        finally:
            browser.close()
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
