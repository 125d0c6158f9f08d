"""Real-browser tests: the app served by `streamlit run`, driven by Debian's Chromium.

Fixtures
--------
app_server   (session) base URL of a Streamlit server on a free loopback port; each
             pytest-xdist worker starts its own.
browser      (session) Playwright Chromium from Debian's package (`shutil.which("chromium")`).
viewport     (function) {"width": 1280, "height": 720}; override per test with
             ``@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}])``.
page         (function) a fresh context + page with the app loaded and its first run
             finished. ``page.errors`` lists console errors and uncaught page errors.
new_page     (function) factory ``new_page(viewport=(1280, 720)) -> Page``: more sessions
             (each its own browser context), loaded like ``page``; closed after the test.
wait_idle    the helper ``wait_idle(page)``: after an action, wait for the rerun it
             triggered to finish.
screenshot   the helper ``screenshot(page, name)`` -> Path of
             tests/browser/screenshots/<name>.png.

Every test under tests/browser gets the ``browser`` marker (deselect with ``-m "not browser"``).
A failing test that used ``page`` leaves ``screenshots/FAILED-<test>.png``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

# `expect(...)` retries for 15 s instead of Playwright's 5: on this 2-core machine, shared with
# the server, Chromium and other jobs, one rerun of the page has been seen to take over 5 s.
expect.set_options(timeout=15_000)

BROWSER_TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_TESTS_DIR.parents[1]
SCREENSHOT_DIR = BROWSER_TESTS_DIR / "screenshots"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

SERVER_START_TIMEOUT_S = 60
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APP_SELECTOR = '[data-testid="stApp"]'
APP_IDLE_SELECTOR = '[data-testid="stApp"][data-test-script-state="notRunning"]'

# Counts finished script runs in the page, so that wait_idle() notices a rerun even when it
# went running -> notRunning faster than a poll could see. Installed before the page's own
# scripts; a reload starts both counters again from 0.
_RUN_COUNTER_JS = """
(() => {
  window.__stRunsFinished = 0;
  window.__stRunsSeen = 0;
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.target.getAttribute && m.target.getAttribute("data-testid") === "stApp"
          && m.target.getAttribute("data-test-script-state") === "notRunning"
          && m.oldValue !== "notRunning") {
        window.__stRunsFinished += 1;
      }
    }
  }).observe(document, {
    subtree: true,
    attributes: true,
    attributeOldValue: true,
    attributeFilter: ["data-test-script-state"],
  });
})();
"""
_RERUN_DONE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return window.__stRunsFinished > window.__stRunsSeen
      && app !== null && app.getAttribute("data-test-script-state") === "notRunning";
}
"""
_MARK_RUNS_SEEN_JS = "() => { window.__stRunsSeen = window.__stRunsFinished; }"
# "notRunning" comes before the page is drawn: widgets whose code is lazy-loaded show grey
# placeholders (stSkeleton) for about a second, and Plotly draws its SVG later still.
_RENDERED_JS = """
() => document.querySelector('[data-testid="stSkeleton"]') === null
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"], [class*="st-key-live_"]')].every(
       (chart) => chart.offsetParent === null || chart.querySelector(".main-svg") !== null)
"""

_CALL_FAILED = pytest.StashKey[bool]()  # set on a test item when its call phase failed


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if BROWSER_TESTS_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


# --- the Streamlit server -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    problem = "timed out"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            problem = f"exited with code {proc.returncode}"
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    log = log_path.read_text(errors="replace") if log_path.exists() else "(no log)"
    pytest.fail(
        f"Streamlit server {problem} before {url} answered "
        f"(waited up to {SERVER_START_TIMEOUT_S} s). Server log {log_path}:\n{log}",
        pytrace=False,
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the server and anything it started (it leads its own process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


@contextlib.contextmanager
def _serve(script: str, log_path: Path, *options: str) -> Iterator[str]:
    """`streamlit run script` on a free loopback port (with more ``options``, e.g.
    ``"--server.enableStaticServing", "false"``); yields the base URL once healthy."""
    port = _free_port()
    cmd = [
        sys.executable, "-m", "streamlit", "run", script,
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
        *options,
    ]  # fmt: skip
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, f"{base_url}/_stcore/health", log_path)
        yield base_url
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve app.py with `streamlit run` on a free loopback port; yield the base URL."""
    with _serve("app.py", tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture
def hosted_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """The hosted server, `streamlit run playground/serve.py` (as the Docker image starts it):
    yields its base URL, once healthy, and its log's path."""
    log_path = tmp_path / "hosted.log"
    with _serve("playground/serve.py", log_path) as url:
        yield url, log_path


@pytest.fixture
def no_static_page(browser: Browser, tmp_path: Path) -> Iterator[Page]:
    """The page of `streamlit run app.py` with static serving off (as where the app is run
    without this folder's .streamlit/config.toml), loaded as ``page`` loads it."""
    options = ("--server.enableStaticServing", "false")
    with _serve("app.py", tmp_path / "no-static.log", *options) as url:
        context, app_page = _open_app(browser, url, (1280, 720))
        try:
            yield app_page
        finally:
            context.close()


@pytest.fixture
def hosted_page(browser: Browser, hosted_server: tuple[str, Path]) -> Iterator[Page]:
    """The hosted server's page, loaded as ``page`` loads it."""
    context, app_page = _open_app(browser, hosted_server[0], (1280, 720))
    try:
        yield app_page
    finally:
        context.close()


# --- the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Chromium from Debian's `chromium` package (Playwright's own builds can't be
    downloaded here). Skips when chromium is missing, except under CI=true, where it fails."""
    executable = shutil.which("chromium")
    if executable is None:
        reason = (
            "Debian's chromium is not on PATH: run `bash scripts/test`, "
            "or `apt-get install -y chromium`"
        )
        if IN_CI:
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    """Viewport of the `page` fixture; parametrize `viewport` in a test to change it."""
    return {"width": 1280, "height": 720}


def _open_app(
    browser: Browser, base_url: str, viewport: dict[str, int] | tuple[int, int]
) -> tuple[BrowserContext, Page]:
    """A new browser context (its own Streamlit session) with the app loaded and drawn.

    The page gets ``page.errors``: console errors and uncaught exceptions, as strings.
    """
    if not isinstance(viewport, dict):
        width, height = viewport
        viewport = {"width": width, "height": height}
    context = browser.new_context(viewport=viewport)
    try:
        app_page = context.new_page()
        errors: list[str] = []

        def on_console(message) -> None:
            if message.type == "error":
                errors.append(f"console.error: {message.text}")

        app_page.on("console", on_console)
        app_page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
        app_page.errors = errors  # type: ignore[attr-defined]
        app_page.add_init_script(_RUN_COUNTER_JS)
        app_page.goto(f"{base_url}/")
        app_page.wait_for_selector(APP_IDLE_SELECTOR, timeout=60_000)
        app_page.wait_for_function(_RENDERED_JS, timeout=30_000)
        app_page.evaluate(_MARK_RUNS_SEEN_JS)
    except BaseException:
        context.close()
        raise
    return context, app_page


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    browser: Browser,
    app_server: str,
    viewport: dict[str, int] | tuple[int, int],
) -> Iterator[Page]:
    """A new browser context with the app loaded and its first script run finished.

    ``page.errors`` collects console errors and uncaught exceptions (``pageerror``) as strings.
    """
    context, app_page = _open_app(browser, app_server, viewport)
    try:
        yield app_page
        if request.node.stash.get(_CALL_FAILED, False):
            _screenshot(app_page, f"FAILED-{_safe_name(request.node.name)}")
    finally:
        context.close()


@pytest.fixture
def new_page(
    request: pytest.FixtureRequest, browser: Browser, app_server: str
) -> Iterator[Callable[..., Page]]:
    """The factory ``new_page(viewport=(1280, 720)) -> Page``: another browser context, so
    another Streamlit session, loaded like ``page``. All are closed after the test (a failing
    test leaves ``screenshots/FAILED-<test>-<n>.png`` of each)."""
    opened: list[tuple[BrowserContext, Page]] = []

    def factory(viewport: dict[str, int] | tuple[int, int] = (1280, 720)) -> Page:
        opened.append(_open_app(browser, app_server, viewport))
        return opened[-1][1]

    try:
        yield factory
        if request.node.stash.get(_CALL_FAILED, False):
            for n, (_, app_page) in enumerate(opened, start=1):
                _screenshot(app_page, f"FAILED-{_safe_name(request.node.name)}-{n}")
    finally:
        for context, _ in opened:
            context.close()


# --- helpers --------------------------------------------------------------------------------


def _wait_idle(page: Page, timeout_ms: float = 30_000, start_grace_ms: float = 3_000) -> None:
    """Wait until the script rerun triggered by the last action has finished.

    Returns as soon as a run has finished since the previous wait_idle() (or page load), the
    app is idle and drawn (no loading placeholders, visible Plotly charts drawn), however
    quickly that run went. If no run finishes within ``start_grace_ms``, waits (up to
    ``timeout_ms``) for the app to be idle, so an action that triggered no rerun costs
    ``start_grace_ms``. While an ``st.fragment(run_every=...)`` is playing, any finished
    fragment run counts.
    """
    try:
        page.wait_for_function(_RERUN_DONE_JS, timeout=start_grace_ms)
    except PlaywrightTimeoutError:
        page.wait_for_selector(APP_IDLE_SELECTOR, timeout=timeout_ms)
    page.wait_for_function(_RENDERED_JS, timeout=timeout_ms)
    page.evaluate(_MARK_RUNS_SEEN_JS)


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "screenshot"


def _screenshot(page: Page, name: str) -> Path:
    """Save the visible viewport to tests/browser/screenshots/<name>.png and return the path.

    Full-page screenshots do not scroll Streamlit's inner container: use a tall viewport
    to capture more of the app.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{_safe_name(name)}.png"
    page.screenshot(path=str(path))
    return path


@pytest.fixture(scope="session")
def wait_idle():
    """The helper ``wait_idle(page, timeout_ms=30_000, start_grace_ms=3_000)``."""
    return _wait_idle


@pytest.fixture(scope="session")
def screenshot():
    """The helper ``screenshot(page, name) -> Path``."""
    return _screenshot
