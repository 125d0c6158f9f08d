"""The app's modes besides Train, used in a real browser as a person would use them.

Equations, Checks, Replay, Compare and Sweep are picked with the mode switch (the segmented
control with key ``mode``); presets and presentation mode are opened by link. Each test clicks
and types through the page and checks what the page then shows: text, KaTeX (``.katex``), the
charts Plotly drew, the metrics, and no exception box or page error.

Selectors are the widgets' keys (Streamlit puts ``st-key-<key>`` on each keyed widget's
container) and the visible labels; the helpers shared with test_app_browser.py are in
pages.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from playground import presets
from tests.browser.pages import (
    CHART,
    SIDEBAR,
    chart_titles,
    choose_option,
    choose_segment,
    click_key,
    expect_clean,
    expect_epoch,
    metric,
)

PROGRESS = '[data-testid="stProgress"]'

# The visible text KaTeX drew for each formula on screen (formulas in collapsed "values"
# expanders are not visible), without the layout's whitespace and zero-width spaces: "dZ_3
# (1×150)" is drawn as "dZ", "3", "(1×150)" in separate boxes and reads "dZ3(1×150)" here.
_KATEX_TEXTS_JS = "els => els.map(e => e.textContent.replace(/[\\s\\u200b]+/g, ''))"

# Visible formulas wider than the space the page gives them, so cut off at the right edge
# until scrolled sideways: [start of the formula, its width, the width shown] in CSS px.
_KATEX_OVERFLOW_JS = """
els => els.filter(e => e.offsetParent !== null).map(e => [
  (e.querySelector('.katex-html') || e).textContent.replace(/[\\s\\u200b]+/g, '').slice(0, 40),
  e.scrollWidth, e.clientWidth,
]).filter(([, width, shown]) => width > shown + 4)
"""


# --- helpers: what a person reads and does ----------------------------------------------------


def open_url(page: Page, url: str, wait_idle) -> None:
    """Load ``url`` in ``page`` (a link a person opens) and wait for the first run to be drawn."""
    page.goto(url)
    wait_idle(page, timeout_ms=60_000, start_grace_ms=30_000)


def choose_mode(page: Page, mode: str, wait_idle) -> None:
    choose_segment(page, "mode", mode, wait_idle)


def chart(page: Page, title: str) -> Locator:
    """The drawn Plotly chart whose main title starts with ``title``."""
    heading = page.locator(
        ".main-svg .g-gtitle .gtitle", has_text=re.compile("^" + re.escape(title))
    )
    return page.locator(CHART).filter(has=heading)


def expect_charts(page: Page, titles: list[str]) -> None:
    """Exactly these charts, in this order, each drawn (its SVG visible) and of usable size."""
    charts = page.locator(CHART)
    expect(charts).to_have_count(len(titles))
    for k in range(len(titles)):
        svg = charts.nth(k).locator(".main-svg").first
        expect(svg).to_be_attached()
        box = svg.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 150, (k, box)
    got = chart_titles(page)
    assert [g[: len(t)] for g, t in zip(got, titles, strict=True)] == titles, got


def tick_labels(locator: Locator, axis: str = "x") -> list[str]:
    """The tick labels Plotly drew on the first ``axis`` ("x" or "y") of a chart."""
    return locator.locator(f".main-svg .{axis}tick text").all_text_contents()


def katex_texts(scope: Page | Locator) -> list[str]:
    """The text of every visible KaTeX formula in ``scope`` (see _KATEX_TEXTS_JS)."""
    return scope.locator(".katex-html:visible").evaluate_all(_KATEX_TEXTS_JS)


def expect_formula(scope: Page | Locator, *parts: str) -> None:
    """Some visible formula contains every one of ``parts`` (in the normalised text)."""
    texts = katex_texts(scope)
    assert any(all(p in t for p in parts) for t in texts), (parts, texts)


def dataframe_rows(page: Page, frame: Locator) -> list[list[str]]:
    """The rows of a ``st.dataframe``, header first, read from the grid's accessible table as a
    person scrolls through the grid with the mouse wheel (it holds only the rows on screen)."""
    frame.scroll_into_view_if_needed()
    rows = frame.locator("tr")
    expect(rows.first).to_be_attached()
    read = "rs => rs.map(r => [...r.children].map(c => c.textContent.trim()))"
    seen: dict[str, list[str]] = {}
    box = frame.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    for _ in range(8):
        before = len(seen)
        for row in rows.evaluate_all(read):
            seen.setdefault(row[0], row)
        if len(seen) == before:
            break
        page.mouse.wheel(0, box["height"] / 2)
        page.wait_for_timeout(300)
    return list(seen.values())


def tall_screenshot(page: Page, screenshot, name: str, height: int = 2400) -> None:
    """A screenshot of more of the page than the viewport holds (Streamlit scrolls inside)."""
    size = page.viewport_size
    assert size is not None
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(600)  # let Plotly finish resizing the charts
    assert screenshot(page, name).stat().st_size > 0
    page.set_viewport_size(size)
    page.wait_for_timeout(300)


# --- Equations ----------------------------------------------------------------------------------

# ?hidden=3,5&n=300: layers of 2, 3, 5 and 1 units and m = 150 training points (half of 300),
# shapes that appear nowhere by chance (the defaults are 4, 4 and 200).
EQ_QUERY = "/?hidden=3,5&n=300"
STAGES = [
    "Forward, layer 1",
    "Forward, layer 2",
    "Forward, layer 3 (output)",
    "Cost",
    "Backward, layer 3: dZ3, dW3, dB3",
    "Backward, layer 2: dZ2, dW2, dB2",
    "Backward, layer 1: dZ1, dW1, dB1",
    "Update",
]


def stage_boxes(page: Page) -> Locator:
    """The highlighted boxes of the current stage: the innermost blocks holding a ▶ title."""
    marker = page.locator("strong", has_text="▶")
    return (
        page.locator('[data-testid="stVerticalBlock"]')
        .filter(has=marker)
        .filter(has_not=page.locator('[data-testid="stVerticalBlock"]'))
    )


def test_equations_show_live_shapes_and_step_through_one_epoch(
    page: Page, app_server: str, wait_idle, screenshot
) -> None:
    open_url(page, app_server + EQ_QUERY, wait_idle)
    click_key(page, "step", wait_idle)
    click_key(page, "step", wait_idle)
    expect_epoch(page, 2)

    choose_mode(page, "Equations", wait_idle)
    progress = page.locator(PROGRESS)
    expect(progress).to_contain_text(
        "Epoch 2: stage 0 of 8 — press Next stage to start the forward pass"
    )
    for section in ("Forward pass", "Cost", "Complete Back Propagation", "Update", "Shape ledger"):
        expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
    expect(page.locator(".katex").first).to_be_visible()
    # The notes' back-propagation lines, typeset with this network's shapes.
    expect_formula(page, "dZ3(1×150)=A3(1×150)−Y(1×150)")
    expect_formula(page, "dW3(1×5)=", "dZ3(1×150)⋅A2T(150×5)")
    expect_formula(page, "dB3(1×1)=", "sum(dZ3(1×150),1)")
    expect_formula(page, "dZ2(5×150)=W3T(5×1)⋅dZ3(1×150)∗f2′(Z2)(5×150)")
    expect_formula(page, "dW1(3×2)=", "dZ1(3×150)⋅A0T(150×2)")
    expect_formula(page, "W1(3×2)=W1(3×2)−αdW1(3×2)α=0.3")
    # The shape ledger: every dWk with the shape of Wk, in the notes' orientation.
    rows = dataframe_rows(page, page.locator('[data-testid="stDataFrame"]'))
    assert rows[0] == ["name", "shape", "notes_shape", "matches"], rows[:2]
    ledger = {r[0]: r[1:] for r in rows[1:]}
    assert ledger["A0"][:2] == ["2 × 150", "n0 × m"], ledger
    assert ledger["dW3"][:2] == ["1 × 5", "n3 × n2"], ledger
    assert ledger["dW2"][:2] == ["5 × 3", "n2 × n1"], ledger
    assert ledger["W1"][:2] == ["3 × 2", "n1 × n0"], ledger
    page.get_by_role("heading", name="Backprop Playground").scroll_into_view_if_needed()
    assert screenshot(page, "mode-equations-1280x720").stat().st_size > 0
    overflowing = page.locator(".katex-display").evaluate_all(_KATEX_OVERFLOW_JS)
    assert not overflowing, f"formulas wider than the page at 1280 px: {overflowing}"
    expect(stage_boxes(page)).to_have_count(0)  # nothing highlighted before the first stage

    # Step through the epoch stage by stage: each press runs one stage and highlights it.
    for n, title in enumerate(STAGES, start=1):
        click_key(page, "next_stage", wait_idle)
        epoch = 3 if title == "Update" else 2  # the update stage is the epoch's step
        expect(progress).to_contain_text(f"Epoch {epoch}: stage {n} of 8 — {title}")
        boxes = stage_boxes(page)
        expect(boxes.first).to_be_visible()
        expect(boxes.first.locator("strong", has_text="▶")).to_have_text(f"▶ {title}")
        assert boxes.first.evaluate("e => parseFloat(getComputedStyle(e).borderTopWidth)") >= 1
        if title.startswith("Forward"):
            layer = int(title.split()[2])
            expect(page.locator(".gtitle").first).to_have_text(
                f"The network: this stage works on layer {layer}"
            )
        # One box, right under the button (on screen without scrolling): the stage's lines.
        expect(boxes).to_have_count(1)
        assert boxes.first.bounding_box()["y"] < 720, boxes.first.bounding_box()
        if title.startswith("Backward, layer 3"):  # dZ3, dW3, dB3 with their values
            expect_formula(boxes.first, "dZ3(1×150)=A3(1×150)−Y(1×150)")
            expect_formula(boxes.first, "dW3(1×5)=", "dZ3(1×150)⋅A2T(150×5)")
            expect_formula(boxes.first, "dW3(1×5):∥dW3∥=")  # its values, summed up
            expect_formula(boxes.first, "dB3(1×1)=")
            expect(page.locator(".gtitle").first).to_have_text(
                "The network: this stage works on layer 3"
            )
            assert screenshot(page, "mode-equations-stage-backward-1280x720").stat().st_size > 0
    expect(page.locator(".gtitle").first).to_have_text(
        "The network: this stage updates every layer"
    )
    for p in ("W3", "B3", "W2", "B2", "W1", "B1"):  # the update: all six lines in the box
        expect_formula(stage_boxes(page).first, f"{p}(", f"={p}(")
    expect_clean(page)

    choose_mode(page, "Train", wait_idle)
    expect_epoch(page, 3)  # exactly one epoch more than before the stages
    expect_clean(page)


# --- Checks -------------------------------------------------------------------------------------


def test_checks_gradient_check_verdict_and_charts(page: Page, wait_idle, screenshot) -> None:
    click_key(page, "step", wait_idle)
    expect_epoch(page, 1)
    choose_mode(page, "Checks", wait_idle)
    for section in ("Gradient check", "Activations", "Output layer", "Learning-rate preview"):
        expect(page.get_by_role("heading", name=section, exact=True)).to_be_visible()
    # Before the check has run: the activation view and the learning-rate preview only.
    expect_charts(page, ["Activations f(z), f′(z)", "Cost after one step of size α"])
    expect(page.get_by_text(re.compile(r"^At epoch \d+:"))).to_have_count(0)
    activations = chart(page, "Activations f(z), f′(z)")
    panels = activations.locator(".annotation-text").all_text_contents()
    assert "Layer 1: tanh" in panels and "Layer 2: tanh" in panels, panels
    preview = chart(page, "Cost after one step of size α")
    marks = [t.strip() for t in preview.locator(".main-svg text").all_text_contents()]
    assert "α = 0.3" in marks, marks  # the chosen α is marked on the curve
    lowest = re.compile(
        r"^Lowest cost after one step at α ≈ [\d.e+-]+; the next step's α is 0\.3\.$"
    )
    expect(page.get_by_text(lowest)).to_be_visible()

    click_key(page, "run_gradcheck", wait_idle)
    verdict = page.get_by_text(re.compile(r"^At epoch 1: "))
    expect(verdict).to_be_visible()
    expect(verdict).to_contain_text("All 6 matrices pass")
    expect(verdict).to_contain_text("Backprop computes the true gradient.")
    expect_charts(
        page,
        ["Gradient check: backprop vs finite differences", "Activations f(z), f′(z)",
         "Cost after one step of size α"],
    )  # fmt: skip
    check = chart(page, "Gradient check")
    assert tick_labels(check) == ["W1", "B1", "W2", "B2", "W3", "B3"]
    tables = page.locator('[data-testid="stDataFrame"]')
    expect(tables).to_have_count(2)  # the check's, then the output layer's
    classes = dataframe_rows(page, tables.nth(1))
    assert [r[0] for r in classes] == ["class", "0", "1"], classes
    assert sum(int(r[1]) for r in classes[1:]) == sum(int(r[2]) for r in classes[1:]), classes
    rows = dataframe_rows(page, tables.first)
    assert [r[0] for r in rows] == ["matrix", "W1", "B1", "W2", "B2", "W3", "B3"], rows
    assert all(r[3].startswith("excellent") for r in rows[1:]), rows
    expect_clean(page)
    page.get_by_role("heading", name="Backprop Playground").scroll_into_view_if_needed()
    assert screenshot(page, "mode-checks-1280x720").stat().st_size > 0
    tall_screenshot(page, screenshot, "mode-checks-1280x720-tall")


# --- Replay -------------------------------------------------------------------------------------


def test_replay_timeline_goes_back_to_an_earlier_epoch(page: Page, wait_idle, screenshot) -> None:
    choose_mode(page, "Replay", wait_idle)  # nothing trained yet: nothing to replay
    expect(page.get_by_text("Train a few epochs in the Train tab first")).to_be_visible()
    choose_mode(page, "Train", wait_idle)
    choose_segment(page, "step_size", "100×", wait_idle)
    for _ in range(3):
        click_key(page, "step", wait_idle)
    expect_epoch(page, 300)
    cost_now = metric(page, "Cost").inner_text()

    choose_mode(page, "Replay", wait_idle)
    slider = page.get_by_role("slider", name="Epoch to replay")
    expect(slider).to_have_attribute("aria-valuetext", "300")  # it starts at the newest epoch
    expect_epoch(page, 300)
    expect(metric(page, "Cost")).to_have_text(cost_now)
    expect_charts(page, ["Decision boundary", "Cost", "The network"])
    cost_chart, boundary = chart(page, "Cost"), chart(page, "Decision boundary")
    assert tick_labels(cost_chart)[-1] == "300", tick_labels(cost_chart)
    boundary_image = boundary.locator(".main-svg image").first.get_attribute("href")

    # Click the timeline a third of the way along: about epoch 100 (every epoch is a
    # snapshot this early, so the page shows exactly the epoch the slider says).
    track = page.locator('.st-key-replay_epoch [data-testid="stSlider"] [role="group"] > div')
    box = track.first.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 3, box["y"] + box["height"] / 2)
    wait_idle(page)
    expect(slider).not_to_have_attribute("aria-valuetext", "300")
    chosen = int(slider.get_attribute("aria-valuetext") or "-1")
    assert 60 <= chosen <= 140, f"a click at a third of 0..300 chose epoch {chosen}"
    expect_epoch(page, chosen)
    expect(metric(page, "Cost")).not_to_have_text(cost_now)
    # The charts were redrawn for that epoch: the cost curve stops there, the boundary changed.
    expect_charts(page, ["Decision boundary", "Cost", "The network"])
    ticks = [int(t.replace(",", "")) for t in tick_labels(cost_chart)]
    assert ticks and max(ticks) <= chosen, (chosen, ticks)
    assert boundary.locator(".main-svg image").first.get_attribute("href") != boundary_image
    assert screenshot(page, "mode-replay-1280x720").stat().st_size > 0
    expect_clean(page)

    choose_mode(page, "Train", wait_idle)  # replaying changed nothing of the run itself
    expect_epoch(page, 300)
    expect(metric(page, "Cost")).to_have_text(cost_now)
    expect_clean(page)


# --- Compare ------------------------------------------------------------------------------------


def test_compare_two_runs_on_shared_axes(page: Page, wait_idle, screenshot) -> None:
    choose_mode(page, "Compare", wait_idle)
    expect(page.get_by_text("Run A: this page's settings (tanh, tanh, α = 0.3")).to_be_visible()
    choose_option(page, "cmp_act", "ReLU", wait_idle)
    expect(page.locator(".st-key-cmp_epochs input")).to_have_value("100")
    summary = page.get_by_text(re.compile(r"^Epoch \d+: cost A = "))
    expect(summary).to_have_text(re.compile(r"^Epoch 0: cost A = \d\.\d{4}, B = \d\.\d{4}$"))

    click_key(page, "cmp_train", wait_idle)
    expect(summary).to_have_text(re.compile(r"^Epoch 100: cost A = \d\.\d{4}, B = \d\.\d{4}$"))
    label_a, label_b = "A (tanh/tanh, α=0.3)", "B (relu/relu, α=0.3)"
    expect_charts(page, ["Two runs on the same data", label_a, label_b])
    both = chart(page, "Two runs on the same data")
    legend = both.locator(".legendtext").all_text_contents()
    for label in (label_a, label_b):
        assert f"{label}: cost" in legend, legend
        assert f"{label}: ‖dW1‖" in legend, legend
    # Shared axes: both cost curves in the left panel, all six ‖dWk‖ curves in the right one.
    assert both.locator(".subplot.xy .scatterlayer .trace").count() == 2
    assert both.locator(".subplot.x2y2 .scatterlayer .trace").count() == 6
    assert tick_labels(both)[-1] == "100", tick_labels(both)
    expect_clean(page)
    tall_screenshot(page, screenshot, "mode-compare-1280x720-tall", height=1600)


# --- Sweep ---------------------------------------------------------------------------------------

# Records every text the progress bar shows (a MutationObserver sees each one, however briefly
# it is up): the sweep can go from "Starting workers…" to done in under two seconds.
_RECORD_PROGRESS_JS = """
() => {
  window.__progressTexts = [];
  new MutationObserver(() => {
    for (const bar of document.querySelectorAll('[data-testid="stProgress"]')) {
      const text = bar.innerText.trim();
      const seen = window.__progressTexts;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
}
"""


def test_sweep_small_grid_shows_progress_then_heatmap(page: Page, wait_idle, screenshot) -> None:
    choose_mode(page, "Sweep", wait_idle)
    run = page.locator(".st-key-sw_run button")
    expect(run).to_have_text("Run 20 trainings")
    # A 2 × 2 grid of 100 epochs: α 0.1 and 1.0, n1 2 and 4.
    for key, values in (("sw_alphas", ("0.01", "0.3", "3.0")), ("sw_units", ("1", "8"))):
        for value in values:
            remove = page.locator(f".st-key-{key}").get_by_role("button", name=f"Remove {value}")
            remove.click()
            wait_idle(page)
            expect(remove).to_have_count(0)
    epochs = page.get_by_role("slider", name="Epochs")
    epochs.focus()
    page.keyboard.press("Home")
    wait_idle(page)
    expect(epochs).to_have_attribute("aria-valuetext", "100")
    expect(run).to_have_text("Run 4 trainings")
    expect(page.locator(CHART)).to_have_count(0)

    page.evaluate(_RECORD_PROGRESS_JS)
    run.click()
    progress = page.locator(PROGRESS)
    expect(progress).to_have_text(re.compile(r"Starting workers…|[0-4] of 4 trained"))
    wait_idle(page, timeout_ms=60_000)
    expect(progress).to_have_count(0)
    expect(page.locator(".st-key-sw_cancel")).to_have_count(0)  # gone with the finished run
    shown = page.evaluate("() => window.__progressTexts")
    assert shown[0] == "Starting workers…", shown
    assert any(re.fullmatch(r"[1-4] of 4 trained", t) for t in shown), shown
    expect_charts(page, ["Final training cost after 100 epochs"])
    heatmap = chart(page, "Final training cost after 100 epochs")
    assert tick_labels(heatmap, "x") == ["2", "4"]
    assert tick_labels(heatmap, "y") == ["0.1", "1.0"]
    expect(heatmap.locator(".main-svg .heatmaplayer")).to_have_count(1)
    assert screenshot(page, "mode-sweep-1280x720").stat().st_size > 0
    expect_clean(page)


def test_sweep_cancel_stops_the_run(page: Page, wait_idle) -> None:
    choose_mode(page, "Sweep", wait_idle)
    epochs = page.get_by_role("slider", name="Epochs")
    epochs.focus()
    page.keyboard.press("End")  # 20 trainings of 5,000 epochs: far longer than this test
    wait_idle(page)
    expect(epochs).to_have_attribute("aria-valuetext", "5000")
    run = page.locator(".st-key-sw_run button")
    expect(run).to_have_text("Run 20 trainings")
    run.click()
    progress = page.locator(PROGRESS)
    expect(progress).to_have_text(re.compile(r"Starting workers…|\d+ of 20 trained"))
    cancel = page.locator(".st-key-sw_cancel button")
    expect(cancel).to_be_visible()
    cancel.click()
    wait_idle(page, timeout_ms=30_000)
    expect(progress).to_have_count(0)  # the run ended without finishing the grid
    expect(cancel).to_have_count(0)
    expect(page.locator(CHART)).to_have_count(0)  # no heatmap of a half-done grid
    expect(run).to_be_enabled()
    expect_clean(page)


# --- Presets and presentation -------------------------------------------------------------------

PRESET = presets.PRESETS["too-large-alpha"]


def test_preset_link_opens_its_explanation(page: Page, app_server: str, wait_idle, screenshot):
    open_url(page, f"{app_server}/?preset={PRESET.slug}", wait_idle)
    box = (
        page.locator('[data-testid="stVerticalBlock"]')
        .filter(has=page.locator("strong", has_text=PRESET.title))
        .filter(has_not=page.locator('[data-testid="stVerticalBlock"]'))
    )
    expect(box).to_have_count(1)
    expect(box).to_contain_text(f"{PRESET.title} — {PRESET.explanation}")
    expect(box).to_contain_text(f"Train about {PRESET.epochs:,} epochs. Look at:")
    expect(page.locator(".st-key-preset_choice input")).to_have_value(PRESET.title)
    expect(page.locator(".st-key-alpha input")).to_have_value("10")  # the preset's settings
    expect(page).to_have_url(re.compile(rf"[?&]preset={PRESET.slug}(&|$)"))
    expect_epoch(page, 0)
    assert screenshot(page, "preset-too-large-alpha-1280x720").stat().st_size > 0

    fix = page.locator(".st-key-contrast button")
    expect(fix).to_have_text(f"Show the fix: {PRESET.contrast_label}")
    fix.click()
    wait_idle(page)
    expect(page.locator(".st-key-alpha input")).to_have_value("0.3")
    expect(box).to_contain_text(PRESET.title)  # the explanation stays up
    expect_clean(page)


@pytest.mark.parametrize("viewport", [{"width": 1920, "height": 1080}])
def test_presentation_mode_hides_controls_and_enlarges_type(
    page: Page, app_server: str, wait_idle, screenshot
) -> None:
    expect(page.locator(SIDEBAR)).to_be_visible()  # the ordinary page has its controls
    open_url(page, f"{app_server}/?present=1", wait_idle)
    expect(page.locator(SIDEBAR)).to_be_hidden()
    expect(page.locator('[data-testid="stSidebarCollapsedControl"]')).to_be_hidden()
    expect(page.locator(".st-key-present input")).to_be_checked()
    expect_epoch(page, 0)
    value = metric(page, "Epoch")
    px = float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert px >= 40, f"metric values are {px}px in presentation mode"
    titles = page.locator(CHART).locator(".main-svg .g-gtitle .gtitle")
    expect(titles.first).to_be_visible()
    sizes = titles.evaluate_all("ts => ts.map(t => parseFloat(getComputedStyle(t).fontSize))")
    assert sizes and min(sizes) >= 24, f"chart titles {sizes} px in presentation mode"
    assert screenshot(page, "present-1920x1080").stat().st_size > 0

    # The Right arrow steps, straight after opening the link (nothing focused yet).
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    expect_epoch(page, 1)
    expect(page).to_have_url(re.compile(r"[?&]present=1(&|$)"))
    expect(page.locator(SIDEBAR)).to_be_hidden()
    expect_clean(page)
    assert screenshot(page, "present-1920x1080-after-step").stat().st_size > 0

    # The toggle takes the page out of presentation mode again.
    page.locator(".st-key-present label").click()
    wait_idle(page)
    expect(page.locator(".st-key-present input")).not_to_be_checked()
    expect(page.locator(SIDEBAR)).to_be_visible()
    px = float(value.evaluate("e => parseFloat(getComputedStyle(e).fontSize)"))
    assert px < 40, f"metric values still {px}px after presentation mode"
    expect_epoch(page, 1)
    expect_clean(page)
