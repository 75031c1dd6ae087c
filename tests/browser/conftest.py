import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = os.environ.get("SCREENSHOT_DIR", "")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API keeps an event loop running in this thread for the whole session; the
    # ORM calls of the tests (and their database teardown) are still plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page_for(browser, live_server):
    """A fresh browser context signed in as the user, on a phone or a desktop screen."""
    contexts = []

    def _page(username: str, password: str, *, phone: bool = False):
        # axe-core is injected into the pages it checks; the app's CSP would refuse it.
        context = browser.new_context(
            viewport=PHONE if phone else DESKTOP, is_mobile=phone, bypass_csp=True
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if second_step(username):
            code = current_code(username)
            page.goto(f"{live_server.url}/accounts/mfa/verify/")
            page.get_by_label("Code").fill(code)
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
        return page

    yield _page
    for context in contexts:
        context.close()


def second_step(username: str) -> bool:
    """Privileged users pass the second step with an authenticator made for the test."""
    from agencies.models import Membership, User
    from security.middleware import MFA_ROLES

    user = User.objects.get(username=username)
    return user.is_staff or Membership.objects.filter(user=user, role__in=MFA_ROLES).exists()


def current_code(username: str) -> str:
    from django_otp.oath import totp

    from agencies.models import User
    from tests.support.mfa import device_for

    return f"{totp(device_for(User.objects.get(username=username)).bin_key):06d}"


AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def accessibility_problems(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


def shot(page, name: str) -> None:
    """Every page a journey stops at: checked with axe-core, and photographed when asked."""
    problems = accessibility_problems(page)
    assert not problems, f"{name}: {problems}"
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)
