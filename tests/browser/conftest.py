import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SHOTS = os.environ.get("SCREENSHOT_DIR", "")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    """A journey's body reads back, across agencies, what the pages it drove wrote: it runs in
    system scope. The pages themselves are served by the live server's own thread, which starts
    each request with no scope, as a real server does."""
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.system_scope)


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
def demo(live_server, settings):
    """The demo agencies as `make run` shows them: users, directories, teams, two weeks of
    on-call shifts and half a year of usage forms (the tests need django_db(transaction=True)).
    Links in emails point to the live server."""
    settings.SITE_URL = live_server.url
    call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture
def fresh_page(browser):
    """A page in a browser context of its own (no cookies), on a phone or a desktop screen."""
    contexts = []

    def _page(*, phone: bool = False):
        # axe-core is injected into the pages it checks; the app's CSP would refuse it.
        context = browser.new_context(
            viewport=PHONE if phone else DESKTOP, is_mobile=phone, bypass_csp=True
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield _page
    for context in contexts:
        context.close()


@pytest.fixture
def page_for(fresh_page, live_server):
    """A fresh browser context signed in as the user, on a phone or a desktop screen."""

    def _page(username: str, password: str, *, phone: bool = False):
        page = fresh_page(phone=phone)
        page.goto(f"{live_server.url}/accounts/login/")
        assert_accessible(page, "sign-in")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if second_step(username):
            code = current_code(username)
            page.goto(f"{live_server.url}/accounts/mfa/verify/")
            assert_accessible(page, "two-step sign-in")
            page.get_by_label("Code").fill(code)
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
        return page

    return _page


def second_step(username: str) -> bool:
    """Privileged users pass the second step with an authenticator made for the test."""
    from agencies.models import Membership, User
    from agencies.permissions import SECOND_FACTOR_ROLES

    user = User.objects.get(username=username)
    return (
        user.is_staff or Membership.objects.filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()
    )


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


def assert_accessible(page, name: str) -> None:
    problems = accessibility_problems(page)
    assert not problems, f"{name}: {problems}"


def arrive(page, heading) -> None:
    """The page whose main heading (h1) is `heading` (text or pattern) has loaded; it is
    checked with axe-core."""
    exact = isinstance(heading, str)
    expect(page.get_by_role("heading", level=1, name=heading, exact=exact)).to_be_visible()
    assert_accessible(page, str(heading))


def shot(page, name: str) -> None:
    """Every page a journey stops at: checked with axe-core, and photographed when asked."""
    assert_accessible(page, name)
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        # The whole page down to a limit: a very long form is shown by its top.
        size = page.viewport_size
        height = min(page.evaluate("document.documentElement.scrollHeight"), 2 * size["height"])
        page.screenshot(
            path=os.path.join(SHOTS, f"{name}.png"),
            full_page=True,
            clip={"x": 0, "y": 0, "width": size["width"], "height": height},
        )


# An element shows it has the focus by an outline or a ring (Bootstrap's box-shadow). Two cases
# are not an element's to show: the body has it when the focus has left the page for the
# browser's own controls, and inside a date input's calendar button (the input itself is then
# not :focus) Chromium draws its own ring.
FOCUS_SHOWN = """el => {
  if (el === document.body || !el.matches(':focus')) return true;
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  return outline || (s.boxShadow !== '' && s.boxShadow !== 'none');
}"""
DESCRIBE = """el => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} \
"${(el.innerText || el.value || el.name || '').trim().slice(0, 40)}"`"""


def tab_to(page, target, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until `target` has the focus; every element passed on the way
    must show its focus."""
    key = "Shift+Tab" if backwards else "Tab"
    if target.evaluate("el => el === document.activeElement"):  # autofocus
        return
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate_handle("document.activeElement")
        assert focused.evaluate(FOCUS_SHOWN), f"no visible focus on {focused.evaluate(DESCRIBE)}"
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with {key} in {limit} presses")
