"""A monkey in Chromium: random clicks, keys and slider moves on whatever the page shows.

From a fixed seed (``random.Random(seed)``), ``MONKEY_ACTIONS`` (150) actions, each chosen among
the controls visible and enabled at that moment: buttons (Play, Pause, Step, Reset, Next stage,
Show the fix, ...), the segmented controls (Mode, View, Show, step size), selectboxes (a random
option; the learning rate also takes typed values, absurd ones included), multiselects (add or
remove a value), toggles, sliders (focus, then arrows, Home, End, Page keys), number inputs
(typed values, absurd ones included), expanders, form buttons, clicks and hovers on the charts
(points, units and edges of the network, the plane), the → key on the page (Step and Next
stage's shortcut) and other keys wherever the focus is. Play and Pause, every mode of the Mode
control and the presentation toggle are all on the menu; the mode control and Play are chosen
more often, and a mode not visited yet first.

After every action the monkey waits for the rerun it caused (paused: until the page is idle and
drawn; playing, when the Train tab reruns without end: until one more run has finished, and
"Play stalled" if none does in a minute). Then the page must show no exception box (also
none that came and went: a MutationObserver records every one) and no error dialog (Streamlit's
"Connection error"), log no console error or uncaught page error, see no failed request and no
HTTP error from the app's server (nothing is excused: the monkey never navigates, so Chromium
aborts no request of the page's own), and the server's log no traceback (the page's box says
only "This app has encountered an error": the log has the exception, and the failure shows it).
At the end the monkey pauses, goes to Train, presses Step, and the Epoch metric must move on by
the step size. A failure names the seed and the failing action, lists every action taken,
numbered (with the seconds each took), and leaves a screenshot in
tests/browser/screenshots/monkey-seed-<seed>.png. The same seed takes the same course as long as
the page offers the same controls (playing, what is on screen can differ from run to run).

Left out on purpose: the download buttons and file uploaders (they leave the page or need a
file: tests/browser/test_app_browser.py covers the CSV upload) and a sweep bigger than
``SWEEP_BUDGET`` trainings × epochs (its Run is skipped then; smaller grids do run).

More seeds or actions locally::

    MONKEY_SEEDS=1-20 MONKEY_ACTIONS=300 .venv/bin/python -m pytest \
        tests/browser/test_monkey_browser.py -p no:cacheprovider

(``MONKEY_SEEDS`` takes a list and ranges: ``3,7,10-12``.)
"""

from __future__ import annotations

import os
import random
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.pages import EXCEPTION, choose_segment, metric

DEFAULT_SEED = 24  # on the code where issue 15 was filed: the filed KeyError at action 5
DEFAULT_ACTIONS = 150
ACTION_TIMEOUT_MS = 10_000  # one Playwright action (click, fill, focus)
IDLE_TIMEOUT_MS = 60_000  # the rerun after an action; a sweep's Run gets SWEEP_TIMEOUT_MS
SWEEP_TIMEOUT_MS = 180_000
SWEEP_BUDGET = 10_000  # the sweep's Run only when cells × epochs is at most this
MODES = ("Train", "Equations", "Checks", "Replay", "Compare", "Sweep")

# How often each control is picked relative to the others: the sidebar's two dozen controls
# each SIDE_WEIGHT (a third of the picks in the Train tab, where most of the page's own
# controls are), the page's own MAIN_WEIGHT unless listed here. Mode picks a mode not visited
# yet first, else Train half of the time, so that the monkey spends its time where Play is.
WEIGHTS = {"mode": 4, "play": 4, "pause": 4, "step": 2, "view": 4, "kind": 3}
MAIN_WEIGHT = 1.5
SIDE_WEIGHT = 0.5
KEY_WEIGHT = 3  # the → key on the page
OTHER_KEY_WEIGHT = 1  # a key pressed wherever the focus is
OTHER_KEYS = ("ArrowRight", "ArrowLeft", "ArrowUp", "ArrowDown", "Enter", "Escape", "Tab", " ")
SLIDER_KEYS = (
    "ArrowRight",
    "ArrowLeft",
    "ArrowRight",
    "ArrowLeft",
    "Home",
    "End",
    "PageUp",
    "PageDown",
)
# Typed into number inputs (besides a random value in range): absurd ones included.
NUMBERS = (
    "0",
    "1",
    "-1",
    "3.7",
    "-0",
    "1e9",
    "-1e9",
    "99999999999999999999",
    "1e-300",
    "abc",
    "",
    "2.5",
    "100",
    "32",
    "33",
    "7",
)
# The controls the monkey knows how to use (data-testid of the widget, or our own kinds).
USABLE = {
    "stButton",
    "stButtonGroup",
    "stCheckbox",
    "stSlider",
    "stNumberInput",
    "stSelectbox",
    "stMultiSelect",
    "chart",
    "expander",
    "submit",
}
ALPHAS = ("0.05", "0.07", "2", "1e-9", "100", "1000", "-1", "0", "abc", "1e-6", "nan", "inf")


def _seeds() -> list[int]:
    """``MONKEY_SEEDS`` ("3,7,10-12"), else the default seed."""
    text = os.environ.get("MONKEY_SEEDS", "").strip()
    if not text:
        return [DEFAULT_SEED]
    seeds: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        seeds.extend(range(int(lo), int(hi or lo) + 1))
    return seeds


ACTIONS = int(os.environ.get("MONKEY_ACTIONS", DEFAULT_ACTIONS))

# Every control the monkey may use now, in page order: keyed widgets (Streamlit puts
# st-key-<key> on each keyed widget's container), then expanders and form buttons by position.
_CONTROLS_JS = r"""
() => {
  const shown = (e) => e !== null && e.checkVisibility({checkOpacity: true,
      checkVisibilityCSS: true}) && e.getBoundingClientRect().width > 0
      && e.getBoundingClientRect().height > 0;
  const text = (e) => (e ? e.innerText : '').replace(/\s+/g, ' ').trim();
  const out = [];
  for (const box of document.querySelectorAll('[class*="st-key-"]')) {
    const key = [...box.classList].find((c) => c.startsWith('st-key-')).slice(7);
    if (!shown(box) || key.startsWith('plotly_')) continue;
    const widget = box.querySelector('[data-testid]');
    const kind = widget ? widget.getAttribute('data-testid') : '';
    const disabled = box.querySelector('button:disabled, input:disabled') !== null;
    const c = {key, kind, label: text(box.querySelector('label, button')).slice(0, 60),
               disabled, side: box.closest('[data-testid="stSidebar"]') !== null};
    if (kind === 'stButtonGroup') {
      c.options = [...box.querySelectorAll('[role=radio]')].map(text);
      const on = box.querySelector('[role=radio][aria-checked=true]');
      c.value = on ? text(on) : null;
    } else if (kind === 'stMultiSelect') {
      c.chips = [...box.querySelectorAll('[role=button][aria-label^="Remove "], ' +
                  'button[aria-label^="Remove "]')].map((b) => b.getAttribute('aria-label'));
    } else if (kind === 'stSlider') {
      const s = box.querySelector('input[type=range], [role=slider]');
      c.value = s ? (s.getAttribute('aria-valuetext') || s.value) : null;
    } else if (kind === 'stCheckbox') {
      const i = box.querySelector('input');
      c.value = i ? i.checked : null;
    } else if (kind === 'stBidiComponentRegular' || kind === 'stFullScreenFrame') {
      if (!shown(box.querySelector('.js-plotly-plot'))) continue;
      c.kind = 'chart';
      c.points = box.querySelectorAll('.scatterlayer path.point').length;
    }
    out.push(c);
  }
  // The expanders as one control (Equations has one per line of the notes): which one is
  // drawn when it is used.
  const expanders = [];
  document.querySelectorAll('[data-testid="stExpander"] summary').forEach((e, i) => {
    if (shown(e)) expanders.push([i, text(e).replace(/^keyboard_arrow_\w+ /, '').slice(0, 60)]);
  });
  if (expanders.length) out.push({key: null, kind: 'expander', expanders, label: 'expander'});
  document.querySelectorAll('[data-testid="stFormSubmitButton"] button').forEach((e, i) => {
    if (shown(e)) out.push({key: null, kind: 'submit', index: i, label: text(e).slice(0, 60),
                            disabled: e.disabled});
  });
  return out;
}
"""

# Records every exception box that appears, even one a later rerun removes at once.
_WATCH_EXCEPTIONS_JS = """
() => {
  window.__monkeyExceptions = [];
  const seen = new WeakSet();
  const look = () => {
    for (const e of document.querySelectorAll('[data-testid="stException"]')) {
      if (seen.has(e)) continue;
      seen.add(e);
      window.__monkeyExceptions.push(e.innerText.slice(0, 2000));
    }
  };
  new MutationObserver(look).observe(document.body, {subtree: true, childList: true});
  look();
}
"""


# conftest.py's run counter (installed in every page): a run finished since the last look.
_RAN_JS = "() => window.__stRunsFinished > window.__stRunsSeen"
_MARK_RUNS_SEEN_JS = "() => { window.__stRunsSeen = window.__stRunsFinished; }"
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
# Settled: an exception box is up; or playing, a run has finished since ``runs``; or paused,
# the app is idle and drawn (no grey placeholders, every visible chart's SVG drawn: the test
# of conftest's wait_idle, without the live metrics, which have no SVG).
_SETTLED_JS = """
(runs) => {
  if (document.querySelector('[data-testid="stException"]') !== null) return true;
  if (document.querySelector('.st-key-pause') !== null) return window.__stRunsFinished > runs;
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stSkeleton"]') === null
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"], '
                                     + '[class*="st-key-live_"]:not(.st-key-live_metrics)')]
         .every((c) => c.offsetParent === null || c.querySelector('.main-svg') !== null);
}
"""
# What the page looks like when it did not settle: the script's state, grey placeholders
# still up, charts not drawn.
_STATE_JS = """
() => ({
  script: (document.querySelector('[data-testid="stApp"]') || {getAttribute: () => null})
    .getAttribute('data-test-script-state'),
  runsFinished: window.__stRunsFinished,
  placeholders: document.querySelectorAll('[data-testid="stSkeleton"]').length,
  undrawnCharts: [...document.querySelectorAll('[data-testid="stPlotlyChart"], ' +
                  '[class*="st-key-live_"]:not(.st-key-live_metrics)')]
    .filter((c) => c.offsetParent !== null && c.querySelector('.main-svg') === null)
    .map((c) => [...c.classList].find((k) => k.startsWith('st-key-')) || c.className),
})
"""


# A selectbox's or multiselect's list is open (perhaps "No results" only), or the page around
# one is hidden from assistive technology.
_LIST_OPEN_JS = """
() => document.querySelector('[role="listbox"]') !== null
  || document.querySelector('[data-testid="stSidebar"][aria-hidden="true"], '
                            + '[data-testid="stAppViewContainer"] [aria-hidden="true"] '
                            + '[data-testid="stElementContainer"]') !== null
"""


class MonkeyFailure(Exception):
    """A check failed after an action (or in the final Step)."""


@dataclass
class Monkey:
    page: Page
    seed: int
    base_url: str
    server_log: Path | None
    rng: random.Random = field(init=False)
    actions: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # failed requests, HTTP errors
    skipped: int = 0
    modes_seen: set[str] = field(default_factory=set)
    plays: int = 0
    log_offset: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        origin = self.base_url.rstrip("/")

        def on_failed(request) -> None:
            if request.url.startswith(origin):
                self.problems.append(
                    f"request failed: {request.method} {request.url}: {request.failure}"
                )

        def on_response(response) -> None:
            if response.url.startswith(origin) and response.status >= 400:
                self.problems.append(
                    f"HTTP {response.status}: {response.request.method} {response.url}"
                )

        self.page.on("requestfailed", on_failed)
        self.page.on("response", on_response)
        self.page.evaluate(_WATCH_EXCEPTIONS_JS)
        if self.server_log is not None and self.server_log.exists():
            self.log_offset = self.server_log.stat().st_size

    # --- the state of the page ------------------------------------------------------------

    def playing(self) -> bool:
        return self.page.locator(".st-key-pause button").count() > 0

    def mode(self) -> str | None:
        on = self.page.locator('.st-key-mode [role=radio][aria-checked="true"]')
        return on.first.inner_text().strip() if on.count() else None

    def settle(self, grace_ms: float = 2_000, timeout_ms: float = IDLE_TIMEOUT_MS) -> None:
        """Wait for the rerun an action started, then for the page to be idle and drawn.

        Like conftest's wait_idle: first up to ``grace_ms`` for a run to finish (an action
        that reruns nothing costs that), then for an idle, drawn page. But while playing,
        the Train tab's fragment reruns without end and the page is never idle (wait_idle
        would not return): then one more finished run will do. Whether the page plays is
        looked at on every poll, as Play and Pause take effect a run or two later.
        """
        page = self.page
        try:
            page.wait_for_function(_RAN_JS, timeout=grace_ms)
        except PlaywrightTimeoutError:
            pass  # the action started no rerun, or one still to come: waited below
        runs = page.evaluate("() => window.__stRunsFinished")
        try:
            page.wait_for_function(_SETTLED_JS, arg=runs, timeout=timeout_ms)
        except PlaywrightTimeoutError as err:
            epoch = metric(page, "Epoch").all_inner_texts()
            if self.playing():
                raise MonkeyFailure(
                    f"Play stalled: the page shows Pause, but no run finished in "
                    f"{timeout_ms / 1000:g} s (Epoch {epoch}; {page.evaluate(_STATE_JS)})"
                ) from err
            raise MonkeyFailure(
                f"the page did not settle within {timeout_ms / 1000:g} s (Epoch {epoch}; "
                f"{page.evaluate(_STATE_JS)})"
            ) from err
        page.evaluate(_MARK_RUNS_SEEN_JS)

    def quiet(self, still_ms: float = 700, timeout_s: float = 20) -> None:
        """Wait until no run has finished for ``still_ms`` and the app is idle (after Pause, a
        rerun of the whole page can follow the fragment's last run)."""
        page = self.page
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            page.wait_for_selector(APP_IDLE, timeout=IDLE_TIMEOUT_MS)
            runs = page.evaluate("() => window.__stRunsFinished")
            page.wait_for_timeout(still_ms)
            if (
                page.evaluate("() => window.__stRunsFinished") == runs
                and page.locator(APP_IDLE).count()
            ):
                break
        page.evaluate(_MARK_RUNS_SEEN_JS)

    def new_server_errors(self) -> str:
        if self.server_log is None or not self.server_log.exists():
            return ""
        with self.server_log.open("rb") as log:
            log.seek(self.log_offset)
            return log.read().decode(errors="replace")

    def check(self) -> None:
        boxes = self.page.evaluate("() => window.__monkeyExceptions || []")
        now = self.page.locator(EXCEPTION).all_inner_texts()
        found: list[str] = []
        if boxes or now:
            found.append("exception box on the page:\n" + "\n---\n".join(boxes or now))
        dialogs = self.page.locator('[role="dialog"]:visible').all_inner_texts()
        if any("error" in d.lower() for d in dialogs):  # e.g. Streamlit's "Connection error"
            found.append("error dialog on the page:\n" + "\n---\n".join(dialogs))
        if self.page.errors:
            found.append("browser errors:\n" + "\n".join(self.page.errors))
        if self.problems:
            found.append("requests:\n" + "\n".join(self.problems))
        log = self.new_server_errors()
        if "Traceback" in log:
            found.append("server log:\n" + log[-4000:])
        if found:
            raise MonkeyFailure("\n\n".join(found))

    # --- choosing an action ------------------------------------------------------------------

    def choose(self, controls: list[dict]) -> tuple[str, dict | None]:
        """(kind of action, control) drawn with WEIGHTS among the usable controls."""
        menu: list[tuple[float, str, dict | None]] = []
        for c in controls:
            if c.get("disabled") or c["kind"] not in USABLE:
                continue  # file uploaders and download buttons: see the module's docstring
            if c["key"] == "sw_run" and not self.sweep_affordable(c, controls):
                continue
            weight = SIDE_WEIGHT if c.get("side") else WEIGHTS.get(c["key"] or "", MAIN_WEIGHT)
            if c["key"] == "mode" and set(MODES) - self.modes_seen:
                weight *= 2
            menu.append((weight, c["kind"], c))
        menu.append((KEY_WEIGHT, "arrow", None))
        menu.append((OTHER_KEY_WEIGHT, "key", None))
        total = sum(w for w, _, _ in menu)
        pick = self.rng.uniform(0, total)
        for weight, kind, c in menu:
            pick -= weight
            if pick <= 0:
                return kind, c
        return menu[-1][1], menu[-1][2]

    def sweep_affordable(self, run: dict, controls: list[dict]) -> bool:
        cells = re.search(r"Run (\d+) trainings", run["label"])
        epochs = [c.get("value") for c in controls if c["key"] == "sw_epochs"]
        try:
            return cells is not None and int(cells.group(1)) * int(epochs[0]) <= SWEEP_BUDGET
        except (IndexError, TypeError, ValueError):
            return False

    # --- doing it ------------------------------------------------------------------------

    def act(self, kind: str, c: dict | None) -> tuple[str, float, float]:
        """Do one action; return (what was done, grace and timeout for its rerun)."""
        page, rng = self.page, self.rng
        quick = (300, IDLE_TIMEOUT_MS)  # actions that may well not rerun the page
        normal = (2_000, IDLE_TIMEOUT_MS)
        if kind == "arrow":
            page.evaluate("() => document.activeElement && document.activeElement.blur()")
            page.keyboard.press("ArrowRight")
            return "press → on the page", *normal
        if kind == "key":
            key = rng.choice(OTHER_KEYS)
            focused = page.evaluate(
                "() => { const e = document.activeElement; if (!e || e === document.body) "
                "return 'the page'; const k = e.closest('[class*=\"st-key-\"]'); "
                "return (k ? [...k.classList].find(c => c.startsWith('st-key-')) : "
                "e.tagName.toLowerCase()) + ' ' + (e.getAttribute('aria-label') || "
                "e.getAttribute('role') || ''); }"
            )
            page.keyboard.press(key)
            return f"press {key!r} on {focused.strip()}", *normal
        assert c is not None
        key = c["key"]
        # (.first: a rerun from inside the Train tab's fragment has been seen to leave two
        # copies of its widgets on the page for a moment)
        box = page.locator(f".st-key-{key}").first if key else None
        label = f"{c['label']!r} ({key})" if key else repr(c["label"])
        if kind == "stButton":
            box.locator("button").first.click(timeout=ACTION_TIMEOUT_MS)
            if key == "play":
                self.plays += 1
            if key == "sw_run":
                return f"click {label}", 2_000, SWEEP_TIMEOUT_MS
            return f"click {label}", *normal
        if kind == "stButtonGroup":
            options = c["options"]
            if key == "mode":
                fresh = [m for m in options if m not in self.modes_seen]
                name = rng.choice(fresh or (["Train"] * len(options) + options))
            else:
                name = rng.choice(options)
            box.get_by_role("radio", name=name, exact=True).first.click(timeout=ACTION_TIMEOUT_MS)
            if key == "mode":
                self.modes_seen.add(name)
            return f"choose {name!r} in {key} (was {c['value']!r})", *normal
        if kind == "stCheckbox":
            box.locator("label").first.click(timeout=ACTION_TIMEOUT_MS)
            return f"toggle {label} (was {c['value']})", *normal
        if kind == "stSlider":
            presses = [rng.choice(SLIDER_KEYS) for _ in range(rng.choice((1, 1, 2, 3)))]
            slider = box.get_by_role("slider").first
            slider.focus(timeout=ACTION_TIMEOUT_MS)
            for press in presses:
                page.keyboard.press(press)
            return f"slider {label} from {c['value']!r}: {' '.join(presses)}", *normal
        if kind == "stNumberInput":
            value = rng.choice(NUMBERS) if rng.random() < 0.6 else str(rng.randint(-5, 50))
            field_ = box.locator("input").first
            field_.click(timeout=ACTION_TIMEOUT_MS)
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.type(value)
            end = rng.choice(("Enter", "Enter", "Tab"))
            page.keyboard.press(end)
            return f"type {value!r} + {end} into {label}", *normal
        if kind == "stSelectbox":
            return self.select(box, key, label), *normal
        if kind == "stMultiSelect":
            return self.multiselect(box, c, label), *normal
        if kind == "chart":
            return self.chart(box, c, label), *quick
        if kind == "expander":
            index, name = rng.choice(c["expanders"])
            page.locator('[data-testid="stExpander"] summary').nth(index).click(
                timeout=ACTION_TIMEOUT_MS
            )
            return f"open/close expander {index} {name!r}", *quick
        if kind == "submit":
            page.locator('[data-testid="stFormSubmitButton"] button').nth(c["index"]).click(
                timeout=ACTION_TIMEOUT_MS
            )
            return f"click form button {label}", *normal
        raise AssertionError(f"no action for a {kind} ({key})")

    def select(self, box, key: str, label: str) -> str:
        page, rng = self.page, self.rng
        field_ = box.locator("input").first
        if key == "alpha" and rng.random() < 0.4:  # it takes a typed value too
            value = rng.choice(ALPHAS)
            field_.click(timeout=ACTION_TIMEOUT_MS)
            page.keyboard.press("ControlOrMeta+a")
            page.keyboard.type(value)
            page.keyboard.press("Enter")
            return f"type {value!r} + Enter into {label}"
        options = self.open_list(field_)
        expect(options.first).to_be_visible(timeout=ACTION_TIMEOUT_MS)
        name = self.pick_option(options)
        return f"pick {name!r} in {label}"

    def open_list(self, field_):
        """Open a selectbox's or multiselect's list of options, as a person would: bring it
        into view, then click it (the Down arrow if that left it closed). The pause matters:
        the list closes itself on a scroll, and a click that first scrolls the sidebar
        opened it only for the scroll's last events to close it again."""
        field_.scroll_into_view_if_needed(timeout=ACTION_TIMEOUT_MS)
        self.page.wait_for_timeout(300)
        field_.click(timeout=ACTION_TIMEOUT_MS)
        options = self.page.get_by_role("option")
        try:
            expect(options.first).to_be_visible(timeout=1_500)
        except AssertionError:
            self.page.keyboard.press("ArrowDown")
        return options

    def pick_option(self, options) -> str:
        """Click a random one of the open list's ``options``; return its text."""
        names = options.all_inner_texts()
        n = self.rng.randrange(len(names))
        options.nth(n).click(timeout=ACTION_TIMEOUT_MS)
        return names[n].strip()

    def multiselect(self, box, c: dict, label: str) -> str:
        page, rng = self.page, self.rng
        chips = c.get("chips") or []
        if chips and rng.random() < 0.5:
            chip = rng.choice(chips)
            box.locator(f'[aria-label="{chip}"]').first.click(timeout=ACTION_TIMEOUT_MS)
            return f"{chip.lower()} in {label}"
        options = self.open_list(box.locator("input").first)
        try:
            expect(options.first).to_be_visible(timeout=1_000)
        except AssertionError:  # every option chosen already: the list says so, nothing to add
            page.keyboard.press("Escape")
            return f"open {label}: nothing left to add"
        name = self.pick_option(options)
        page.keyboard.press("Escape")  # the list stays open after a pick
        return f"add {name!r} in {label}"

    def chart(self, box, c: dict, label: str) -> str:
        """A click on a random point (a training point, a unit, an edge's middle) or
        anywhere in the plot, a double click, or the mouse moved over it."""
        page, rng = self.page, self.rng
        plot = box.locator(".js-plotly-plot").first
        plot.scroll_into_view_if_needed(timeout=ACTION_TIMEOUT_MS)
        how = rng.choice(("point", "point", "point", "plane", "plane", "hover", "double"))
        if how == "point" and c.get("points"):
            n = rng.randrange(c["points"])
            where = (
                box.locator(".scatterlayer path.point")
                .nth(n)
                .bounding_box(timeout=ACTION_TIMEOUT_MS)
            )
            what = f"click point {n} of the chart {label}"
        else:
            where = box.locator(".nsewdrag").first.bounding_box(timeout=ACTION_TIMEOUT_MS)
            fx, fy = rng.random(), rng.random()
            if where is not None:
                where = {
                    "x": where["x"] + fx * where["width"],
                    "y": where["y"] + fy * where["height"],
                    "width": 0,
                    "height": 0,
                }
            verb = {"hover": "move the mouse over", "double": "double-click"}.get(how, "click")
            what = f"{verb} the chart {label} at ({fx:.2f}, {fy:.2f}) of its plot"
        if where is None:
            return f"(nothing to click in the chart {label})"
        x, y = where["x"] + where["width"] / 2, where["y"] + where["height"] / 2
        if how == "hover":
            page.mouse.move(x, y)
        elif how == "double":
            page.mouse.dblclick(x, y)
        else:
            page.mouse.click(x, y)
        return what

    # --- the run ---------------------------------------------------------------------------

    def step(self) -> None:
        """Choose one action among the controls on the page now, do it, wait, check."""
        began = time.monotonic()
        index = len(self.actions) + 1
        note = ""
        for _ in range(3):  # (a multiselect with typed text takes two)
            if not self.page.evaluate(_LIST_OPEN_JS):
                break
            # A list a key press opened (↑, ↓ or a space in a selectbox or multiselect):
            # closed first, as a person would; while it is open, the rest of the page is
            # hidden from assistive technology (aria-hidden), so no control could be found
            # by its role.
            self.page.keyboard.press("Escape")
            self.page.wait_for_timeout(200)
            note = "(Escape: closes an open list) "
        controls = self.page.evaluate(_CONTROLS_JS)
        kind, c = self.choose(controls)
        state = ("playing" if self.playing() else "paused") + f", {self.mode()}"
        self.actions.append(f"{index:3d}. [{state}] {kind} {c['key'] if c else ''}…")
        try:
            what, grace, timeout = self.act(kind, c)
        except (PlaywrightTimeoutError, AssertionError) as err:
            # Benign only if the control is gone: a rerun removed it between the look and the
            # action (e.g. Play's Pause became Play, a mode's widgets left with the mode).
            if c is not None and c["key"] and self.gone(c):
                self.skipped += 1
                self.actions[-1] = (
                    f"{index:3d}. [{state}] (skipped: {c['kind']} {c['key']!r} vanished in a rerun)"
                )
                self.page.keyboard.press("Escape")  # a list left open
                self.settle()
                return
            first = "\n".join(str(err).splitlines()[:3]) or type(err).__name__
            raise MonkeyFailure(f"the action could not be done: {first}") from err
        self.actions[-1] = f"{index:3d}. [{state}] {note}{what}"
        self.settle(grace, timeout)
        self.actions[-1] += f"  ({time.monotonic() - began:.1f} s)"
        self.modes_seen.add(self.mode() or "")
        self.check()

    def gone(self, c: dict) -> bool:
        box = self.page.locator(f".st-key-{c['key']}")
        return box.count() == 0 or not box.first.is_visible()

    def finish(self) -> None:
        """Pause if playing, go to Train, Step: the epoch must move on by the step size."""
        page = self.page
        n = len(self.actions) + 1
        if self.playing():
            self.actions.append(f"{n:3d}. [end] click 'Pause'")
            page.locator(".st-key-pause button").click(timeout=ACTION_TIMEOUT_MS)
            expect(page.locator(".st-key-play button")).to_be_visible(timeout=30_000)
            self.settle()
            n += 1
        if self.mode() != "Train":
            self.actions.append(f"{n:3d}. [end] choose 'Train' in mode")
            choose_segment(page, "mode", "Train", lambda p: self.settle())
            n += 1
        diverged = page.get_by_text(re.compile(r"^Training diverged"))
        if diverged.count():
            self.actions.append(f"{n:3d}. [end] click 'Reset' (the run had diverged)")
            page.locator(".st-key-reset button").click(timeout=ACTION_TIMEOUT_MS)
            self.settle()
            n += 1
        self.quiet()  # the reruns of the last action all done: the epoch read is the last
        self.check()
        size = page.locator('.st-key-step_size [role=radio][aria-checked="true"]').inner_text()
        before = int(metric(page, "Epoch").inner_text().replace(",", ""))
        self.actions.append(f"{n:3d}. [end] click 'Step' at epoch {before:,} ({size.strip()})")
        page.locator(".st-key-step button").click(timeout=ACTION_TIMEOUT_MS)
        self.settle()
        want = before + int(size.strip().rstrip("×"))
        try:
            expect(metric(page, "Epoch")).to_have_text(f"{want:,}", timeout=15_000)
        except AssertionError as err:
            got = metric(page, "Epoch").all_inner_texts()
            raise MonkeyFailure(f"Step did not answer: epoch {got}, expected {want:,}") from err
        self.check()

    def report(self, what: str) -> str:
        return (
            f"Monkey seed {self.seed} (MONKEY_SEEDS={self.seed} to repeat): {what}\n\n"
            f"Actions ({len(self.actions)} taken; {self.skipped} skipped; modes visited: "
            f"{sorted(self.modes_seen - {''})}; Play pressed {self.plays}×):\n"
            + "\n".join(self.actions)
        )


def _server_log(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """The app_server fixture's log (its tmp dir "streamlit*/server.log" of this session)."""
    logs = sorted(tmp_path_factory.getbasetemp().glob("streamlit*/server.log"))
    return logs[-1] if logs else None


@pytest.mark.parametrize("seed", _seeds())
def test_monkey(
    seed: int,
    page: Page,
    app_server: str,
    screenshot,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    monkey = Monkey(page, seed, app_server, _server_log(tmp_path_factory))
    started = time.monotonic()
    failure = None
    try:
        for _ in range(ACTIONS):
            monkey.step()
        monkey.finish()
    except (MonkeyFailure, PlaywrightError, AssertionError) as err:
        failure = "\n".join(str(err).splitlines()[:60]) or type(err).__name__
        log = monkey.new_server_errors().strip()
        if log and "server log:" not in failure:  # what the server said meanwhile, if anything
            failure += "\n\nserver log (last lines):\n" + "\n".join(log.splitlines()[-15:])
    if failure is not None:
        at = len(monkey.actions)
        shot = screenshot(page, f"monkey-seed-{seed}")
        pytest.fail(
            monkey.report(
                f"failed at action {at} ({time.monotonic() - started:.0f} s in):\n"
                f"{failure}\n\nScreenshot: {shot}"
            ),
            pytrace=False,
        )
    print(monkey.report(f"passed in {time.monotonic() - started:.0f} s"))
