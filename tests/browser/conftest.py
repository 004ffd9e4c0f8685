"""Browser journeys: Debian's chromium through Playwright, against pytest-django's live_server.

Every page a journey visits goes through `Journey.check()`, which
- saves a full-page screenshot to artifacts/screenshots/<journey>-<step>.png,
- fails on any CSP violation (a `securitypolicyviolation` event recorded by an init script, or a
  console error that mentions the Content Security Policy), any uncaught script error, and any
  sub-resource (CSS, JS, font, image) that failed to load,
- fails on horizontal scrolling at the 360 px phone width,
- fails on tap targets (buttons, button-styled links, nav links, form fields) under 44 px tall,
- runs axe-core and fails on any serious or critical violation.

axe is injected as a script, which the portal's strict CSP would (rightly) refuse. So axe runs in
a second context, created once with `bypass_csp=True` (PITFALLS.md). That context is served
the main page's DOM as it is at that moment (`page.content()`, after the page's own scripts, htmx
swaps and the large-text toggle have done their work), with the page's scripts stubbed out and
axe added as an init script. So POST results (a 422 form page) are checked too, nothing is asked
of the server twice (no cookies are needed: the document never reaches it), and the main context
keeps the strict CSP throughout.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; test code still uses the ORM.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
VIEWPORT = {"width": 360, "height": 800}
PASSWORD = "Demo-pass-2024!"  # UserFactory's
MIN_TAP = 44
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push({
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
    source: e.sourceFile,
    line: e.lineNumber,
    sample: e.sample,
  });
});
"""

# Visible controls in main, nav and header that are smaller than a finger. A checkbox or radio
# is measured together with its label (tapping the label ticks it); inline text links inside a
# paragraph are prose, not controls.
TAP_TARGETS_JS = """
(minTap) => {
  const selector = "a.btn, button, .nav-link, input, select, textarea";
  const seen = new Set();
  const small = [];
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.name) s += "[name=" + el.name + "]";
    if (el.type && el.tagName === "INPUT") s += "[type=" + el.type + "]";
    if (el.className && typeof el.className === "string") s += "." + el.className.trim().split(/\\s+/).join(".");
    return s;
  };
  for (const root of document.querySelectorAll("main, nav, header")) {
    for (const el of root.querySelectorAll(selector)) {
      if (seen.has(el)) continue;
      seen.add(el);
      if (el.tagName === "INPUT" && el.type === "hidden") continue;
      const style = getComputedStyle(el);
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (style.visibility === "hidden" || !el.checkVisibility({visibilityProperty: true})) continue;
      if (el.tagName === "A" && style.display === "inline" && el.closest("p")) continue;
      let top = box.top, bottom = box.bottom;
      if (el.tagName === "INPUT" && (el.type === "checkbox" || el.type === "radio")) {
        for (const label of el.labels || []) {
          const lb = label.getBoundingClientRect();
          if (lb.height > 0) { top = Math.min(top, lb.top); bottom = Math.max(bottom, lb.bottom); }
        }
      }
      const height = bottom - top;
      if (height < minTap - 0.5) {
        small.push({
          element: describe(el),
          text: ((el.labels && el.labels[0] && el.labels[0].innerText) || el.innerText || el.value
                 || el.getAttribute("aria-label") || "").trim().slice(0, 30),
          height: Math.round(height * 10) / 10,
          width: Math.round(box.width * 10) / 10,
        });
      }
    }
  }
  return small;
}
"""


def _chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM_PATH")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )


# One chromium for all the browser tests. Package scope, not session: Playwright's sync API keeps an
# event loop running in this thread while it is open, and the tests collected after this package
# (tests/test_*.py) should run without one.
@pytest.fixture(scope="package")
def browser(live_server):
    # Depends on live_server so that it closes first: otherwise the server's request threads
    # still hold the browser's keep-alive connections when it stops, and on SQLite they then
    # close the shared in-memory connection from the wrong thread.
    path = _chromium_path()
    if not path:  # the root conftest already skipped (or failed, with CI=true) the test
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci`", pytrace=False)
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Journey:
    """One user's tab at 360×800, with the page checks run after every page load."""

    def __init__(
        self, browser, axe_runner, base_url: str, name: str, user_agent: str | None = None
    ):
        self.axe_runner = axe_runner
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.step = 0
        extra = {"user_agent": user_agent} if user_agent else {}
        self.context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", **extra)
        self.context.add_init_script(CSP_LISTENER)
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self._csp_console: list[str] = []
        self._page_errors: list[str] = []
        self._failed: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda exc: self._page_errors.append(str(exc)))
        self.page.on("response", self._on_response)
        self.page.on("requestfailed", self._on_request_failed)

    # --- listeners ------------------------------------------------------------------------------
    def _on_console(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self._csp_console.append(message.text)

    def _on_response(self, response):
        request = response.request
        if request.resource_type == "document" or request.url.endswith("/favicon.ico"):
            return
        if response.status >= 400:
            self._failed.append(f"{response.status} {request.url}")

    def _on_request_failed(self, request):
        # ERR_ABORTED: a request cut short by leaving the page (checks wait for "load" first).
        if request.resource_type != "document" and "ERR_ABORTED" not in (request.failure or ""):
            self._failed.append(f"{request.failure} {request.url}")

    # --- navigation -----------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str, label: str, *, status: int = 200):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == status, (
            f"GET {path}: {response and response.status}, expected {status}"
        )
        self.check(label)
        return response

    def click(self, locator, label: str, *, status: int = 200):
        """Click something that loads a new page (a link or a form's submit button), then check it."""
        with self.page.expect_navigation() as navigation:
            locator.click()
        response = navigation.value
        assert response is not None and response.status == status, (
            f"{label}: {response and response.status} at {self.page.url}, expected {status}"
        )
        self.check(label)
        return response

    def login(self, username: str):
        self.goto("/accounts/login/", "login")
        self.page.locator("input[name=username]").fill(username)
        self.page.locator("input[name=password]").fill(PASSWORD)
        self.click(self.page.get_by_role("button", name="登录"), "dashboard")
        assert self.page.url.rstrip("/") == self.base_url, (
            f"login as {username} ended at {self.page.url}"
        )

    def close(self):
        self.context.close()

    # --- the checks on every page ---------------------------------------------------------------
    def check(self, label: str):
        page = self.page
        page.wait_for_load_state("load")
        self.step += 1
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self._screenshot(SCREENSHOTS / f"{self.name}-{self.step:02d}-{slug}.png")
        where = f"{self.name} step {self.step} ({label}) {page.url}"

        # Violations are reported as tasks: let any pending ones land before reading them.
        page.wait_for_timeout(50)
        violations = page.evaluate("window.__cspViolations || null")
        assert violations is not None, f"{where}: the CSP listener did not run"
        assert not violations and not self._csp_console, (
            f"{where}: CSP violations {violations} {self._csp_console}"
        )
        assert not self._page_errors, f"{where}: script errors {self._page_errors}"
        assert not self._failed, f"{where}: resources failed to load {self._failed}"
        self._csp_console.clear()
        self._page_errors.clear()
        self._failed.clear()

        scroll = page.evaluate(
            "({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        assert scroll["scroll"] <= scroll["client"] + 1, f"{where}: horizontal scroll {scroll}"

        small = page.evaluate(TAP_TARGETS_JS, MIN_TAP)
        assert not small, f"{where}: tap targets under {MIN_TAP}px: {small}"

        serious = self.axe()
        assert not serious, f"{where}: axe serious/critical violations:\n" + "\n".join(serious)

    def _screenshot(self, path):
        """The page as it looks, kept for people to look at (it asserts nothing). Chromium now
        and then refuses a full-page capture of a page it has just painted ("Unable to capture
        screenshot", CI at c5bd8a0): it is asked again after a frame, then for the viewport."""
        from playwright.sync_api import Error as PlaywrightError

        for attempt in range(3):
            try:
                self.page.screenshot(path=path, full_page=attempt < 2)
                return
            except PlaywrightError as error:
                if "Unable to capture screenshot" not in str(error) or attempt == 2:
                    raise
                self.page.wait_for_timeout(250)

    def axe(self) -> list[str]:
        """axe-core's serious and critical findings on the current page, as it is now."""
        return self.axe_runner.run(self.page.url, self.page.content(), self.context.cookies())


class AxeRunner:
    """axe-core in one CSP-bypassing page, served a copy of the page under test.

    The copy is the DOM as the page's own scripts left it (large-text class, aria-pressed, htmx
    swaps), so the page's scripts are stubbed out rather than run twice; axe comes in as an init
    script. Static files are fetched once per run and then served from memory (routing turns the
    browser's HTTP cache off).
    """

    def __init__(self, browser):
        self.context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", bypass_csp=True)
        self.context.add_init_script(path=str(AXE_JS))
        self.context.route("**/*", self._serve)
        self.page = self.context.new_page()
        self._html = ""
        self._static: dict[str, dict] = {}

    def run(self, url: str, html: str, cookies: list) -> list[str]:
        # The user's cookies too, for anything on the page served by a permission-checking view.
        self.context.clear_cookies()
        self.context.add_cookies(cookies)
        self._html = html
        self.page.goto(url.split("#", 1)[0], wait_until="load")
        result = self.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        return [
            f"- {v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(
                " ".join(node["target"])
                if isinstance(node["target"], list)
                else str(node["target"])
                for node in v["nodes"][:3]
            )
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def _serve(self, route):
        request = route.request
        if request.resource_type == "document":
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=self._html)
        elif request.resource_type == "script":
            route.fulfill(status=200, content_type="text/javascript", body="")
        elif request.url in self._static:
            route.fulfill(**self._static[request.url])
        else:
            response = route.fetch()
            cached = {
                "status": response.status,
                "headers": response.headers,
                "body": response.body(),
            }
            if response.ok and "/static/" in request.url:
                self._static[request.url] = cached
            route.fulfill(**cached)


@pytest.fixture(scope="package")
def axe_runner(browser):
    runner = AxeRunner(browser)
    yield runner
    runner.context.close()


@pytest.fixture
def journey(browser, axe_runner, live_server):
    """journey(name) opens a new tab (its own context, so its own login) for one user."""
    opened: list[Journey] = []

    def open_journey(name: str, user_agent: str | None = None) -> Journey:
        j = Journey(browser, axe_runner, live_server.url, name, user_agent)
        opened.append(j)
        return j

    yield open_journey
    for j in opened:
        j.close()
