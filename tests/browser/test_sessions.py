"""Two visitors at once: two browser contexts (two Streamlit sessions) on one server.

One opens a shared link (``?data=xor&hidden=6,3``), the other the plain page (circle, 4-4).
Both press Play within a moment of each other; each page must keep its own data, network and
epoch counter, and pausing one must not pause the other. Session state lives per websocket
session in Streamlit, so any leak (a module-level cache keyed wrongly, a shared Trainer) shows
up here as one page showing the other's settings or epochs.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from tests.browser.pages import metric

APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
DRAWN_JS = """
() => document.querySelector('[data-testid="stSkeleton"]') === null
  && document.querySelectorAll('[data-testid="stMetric"], .live-metric').length > 0
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"], [class*="st-key-live_"]')].every(
       (chart) => chart.offsetParent === null || chart.querySelector(".main-svg") !== null)
"""
LINK = "?data=xor&hidden=6,3"
# Two pages playing on a 2-core machine (Chromium and the server share it) fall seconds behind
# the server: the fragment timer asks for a frame every FRAME_SECONDS whether or not the page
# has drawn the last one, so the page's backlog grows the longer Play runs (tens of seconds
# after a minute; then the server's websocket ping times out and the page reconnects, losing
# clicks). This test is about isolation, not latency: it keeps the Play phase short and waits
# generously for each page to catch up.
CATCH_UP_MS = 60_000


def _open(browser: Browser, url: str) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
    page.goto(url)
    page.wait_for_selector(APP_IDLE, timeout=60_000)
    page.wait_for_function(DRAWN_JS, timeout=30_000)
    return context, page


@pytest.fixture
def two_pages(browser: Browser, app_server: str) -> Iterator[tuple[Page, Page]]:
    """(linked, plain): the shared xor link and the default page, each its own context."""
    opened: list[BrowserContext] = []
    try:
        ctx, linked = _open(browser, f"{app_server}/{LINK}")
        opened.append(ctx)
        ctx, plain = _open(browser, f"{app_server}/")
        opened.append(ctx)
        yield linked, plain
    finally:
        for ctx in opened:
            ctx.close()


def epoch(page: Page) -> int:
    return int(metric(page, "Epoch").inner_text().strip().replace(",", ""))


def query(page: Page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def expect_settings(page: Page, dataset: str, units: tuple[int, ...]) -> None:
    """The sidebar widgets show ``dataset`` and these hidden-layer sizes."""
    expect(page.locator(".st-key-dataset input")).to_have_value(dataset)
    layers = page.get_by_role("slider", name="Hidden layers").first
    expect(layers).to_have_value(str(len(units)))
    for k, n in enumerate(units, start=1):
        expect(page.locator(f".st-key-units_{k} input")).to_have_value(str(n))
    expect(page.locator(f".st-key-units_{len(units) + 1}")).to_have_count(0)


def play_button(page: Page) -> Locator:
    """The Play/Pause button (key ``play``, or ``pause`` while playing)."""
    return page.locator(".st-key-play button, .st-key-pause button").first


def click_now(page: Page, locator: Locator) -> None:
    """Click without waiting for the button to hold still (it redraws during Play)."""
    box = locator.bounding_box()
    assert box is not None, locator
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def expect_clean(page: Page) -> None:
    expect(page.locator(EXCEPTION)).to_have_count(0)
    assert page.errors == []  # type: ignore[attr-defined]


def wait_counting(page: Page, above: int, timeout_s: float = 20.0) -> int:
    """Wait until the page's Epoch metric exceeds ``above``; return it."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = epoch(page)
        if value > above:
            return value
        page.wait_for_timeout(200)
    raise AssertionError(f"Epoch stayed at {epoch(page)} (wanted > {above}) for {timeout_s} s")


def wait_stopped(page: Page, still_s: float = 2.0, timeout_s: float = CATCH_UP_MS / 1000) -> int:
    """Wait until the page's Epoch metric has not changed for ``still_s``; return it."""
    deadline = time.monotonic() + timeout_s
    value, since = epoch(page), time.monotonic()
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = epoch(page)
        if now != value:
            value, since = now, time.monotonic()
        elif time.monotonic() - since >= still_s:
            return value
    raise AssertionError(f"Epoch still changing ({value}) {timeout_s:.0f} s after Pause")


def settled(page: Page, want: str, window_s: float = 2.0, timeout_s: float = 40.0) -> bool:
    """Whether the page settles, within ``timeout_s``, showing ``want`` on the button for
    ``window_s`` while its Epoch metric holds still (``want == "Play"``: paused) or moves
    (``"Pause"``: playing)."""
    deadline = time.monotonic() + timeout_s
    since, first = None, None
    while time.monotonic() < deadline:
        label, value = play_button(page).inner_text(), epoch(page)
        if want not in label or (want == "Play" and first is not None and value != first):
            since, first = None, None
        elif since is None:
            since, first = time.monotonic(), value
        elif time.monotonic() - since >= window_s:
            if want == "Play" or value > first:
                return True
        page.wait_for_timeout(250)
    return False


def press(page: Page, label: str) -> None:
    """Click Play or Pause (``label``) once; the page must settle in that state."""
    want = "Pause" if label == "Play" else "Play"  # the button's label once it took effect
    click_now(page, play_button(page))
    assert settled(page, want), f"one click on {label} did not leave the page in that state"


def test_two_sessions_play_at_once_and_keep_their_own_state(two_pages) -> None:
    linked, plain = two_pages

    # Each page opened with its own settings, in the widgets and in the address bar.
    expect_settings(linked, "xor", (6, 3))
    expect_settings(plain, "circle", (4, 4))
    assert query(linked).get("data") == "xor" and query(linked).get("hidden") == "6,3"
    assert "data" not in query(plain) and "hidden" not in query(plain)
    assert epoch(linked) == 0 and epoch(plain) == 0

    # Both press Play at (nearly) the same moment.
    click_now(linked, play_button(linked))
    click_now(plain, play_button(plain))
    first = {name: wait_counting(page, 0) for name, page in (("linked", linked), ("plain", plain))}

    # Still their own data and network while both train.
    expect_settings(linked, "xor", (6, 3))
    expect_settings(plain, "circle", (4, 4))

    # Pause the linked page only: it stops, the plain one goes on counting.
    clicked = time.monotonic()
    press(linked, "Pause")
    pause_latency = time.monotonic() - clicked
    stopped = epoch(linked)
    assert stopped >= first["linked"]
    plain_before = epoch(plain)
    time.sleep(2.5)
    assert epoch(linked) == stopped, "the paused page went on training"
    plain_after = wait_counting(plain, plain_before, timeout_s=CATCH_UP_MS / 1000)
    expect(play_button(plain)).to_contain_text("Pause")
    print(
        f"both playing: linked at {first['linked']}, plain at {first['plain']} epochs; "
        f"linked paused at {stopped} ({pause_latency:.1f} s from the click to a settled Play "
        f"label); plain went {plain_before} -> {plain_after} meanwhile"
    )

    # Paused, the linked page writes its run (with its epoch) to the address bar; the plain
    # page, still playing, has not taken the linked page's settings.
    expect(linked).to_have_url(re.compile(rf"[?&]epoch={stopped}(&|$)"), timeout=10_000)
    assert query(linked).get("data") == "xor" and query(linked).get("hidden") == "6,3"
    assert "data" not in query(plain) and "hidden" not in query(plain)
    expect_settings(linked, "xor", (6, 3))
    expect_settings(plain, "circle", (4, 4))

    # Pause the plain page too: its epoch counter is its own.
    press(plain, "Pause")
    plain_stopped = epoch(plain)
    assert plain_stopped >= plain_after
    expect(plain).to_have_url(re.compile(rf"[?&]epoch={plain_stopped}(&|$)"), timeout=10_000)
    assert "data" not in query(plain)
    assert epoch(linked) == stopped
    for page in (linked, plain):
        expect_clean(page)
