"""The Backprop Playground in a real browser, used as a person would use it.

Each test clicks, types and uploads through the page and checks what the page then shows: the
metrics, the charts Plotly drew, the notices and errors. Selectors are the widgets' keys
(Streamlit puts ``st-key-<key>`` on each keyed widget's container) and the visible labels.

Known app problems are reported, not hidden: a slow Pause and chart text that is small or
overlapping (measured from the SVG: font sizes and text boxes) give warnings in the summary.
"""

from __future__ import annotations

import re
import time
import warnings
from urllib.parse import parse_qsl

import numpy as np
import pytest
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from playground import state
from playground import trainer as tr
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
from tests.test_static import plotly_js_version

VIEWS = ("Network", "Weights", "Gradients")
# Chart titles Plotly draws (``.gtitle``), in page order, for each detail view.
TITLES = {
    "Network": ("Decision boundary", "Cost", "The network"),
    "Weights": ("Decision boundary", "Cost", "W (weights)"),
    "Gradients": ("Decision boundary", "Cost", "Gradient magnitude", "|dWk| per layer"),
}
RESTARTED = "training restarted from epoch 0"

GOOD_CSV = "x1,x2,label\n" + "".join(
    f"{x:.2f},{y:.2f},{int(x * y > 0)}\n"
    for x, y in [(-1.0, -0.5), (0.8, 1.2), (-0.7, 0.9), (1.1, -1.3), (-1.2, -1.1), (0.6, 0.4),
                 (-0.4, 1.4), (1.3, -0.2), (-0.9, -1.4), (1.4, 1.1), (-1.3, 0.3), (0.2, -0.9)]
)  # fmt: skip
BAD_CSV = "x1,x2,label\n0.1,0.2,0\n0.3,-0.4,1\n-0.5,0.6,0.5\n0.7,0.8,1\n"  # 0.5: no class


# --- helpers: what a person reads and does ----------------------------------------------------


def number(locator: Locator) -> float:
    text = locator.inner_text().strip().replace(",", "").rstrip("%")
    return float(text)


def epoch(page: Page) -> int:
    return int(number(metric(page, "Epoch")))


# For each drawn chart: its title, its smallest font size (CSS px) and the pairs of its texts
# whose boxes overlap by more than 2 px each way (tick labels over tick labels, a legend over
# the title, a subplot's axis title over its neighbour's labels...).
_TEXT_SURVEY_JS = """
charts => charts.map(chart => {
  const items = [...chart.querySelectorAll('.main-svg text')]
    .map(t => ({text: t.textContent.trim(), box: t.getBoundingClientRect(),
                px: parseFloat(getComputedStyle(t).fontSize)}))
    .filter(t => t.text && t.box.width > 0 && t.box.height > 0);
  const overlaps = [];
  for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) {
    const a = items[i].box, b = items[j].box;
    const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (dx > 2 && dy > 2) {
      overlaps.push(items[i].text.slice(0, 24) + ' / ' + items[j].text.slice(0, 24));
    }
  }
  const title = chart.querySelector('.main-svg .g-gtitle .gtitle');
  return [title ? title.textContent : '', Math.min(...items.map(t => t.px)), overlaps];
})
"""


def chart_text_survey(page: Page) -> list[tuple[str, float, list[str]]]:
    return page.locator(CHART).evaluate_all(_TEXT_SURVEY_JS)


def expect_charts_drawn(page: Page, count: int) -> None:
    """``count`` Plotly charts, each with its SVG drawn, visible and of a usable size."""
    charts = page.locator(CHART)
    expect(charts).to_have_count(count)
    for k in range(count):
        svg = charts.nth(k).locator(".main-svg").first
        expect(svg).to_be_visible()
        box = svg.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 150, (k, box)


def click_now(page: Page, locator: Locator) -> None:
    """Click the centre of ``locator`` right away, as a person would: no wait for the element
    to hold still (Playwright's ``click`` waits for that, and during Play it redraws often)."""
    box = locator.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def csv_uploader(page: Page) -> Locator:
    return page.locator(f'{SIDEBAR} [data-testid="stFileUploader"]', has_text="CSV file")


def upload(page: Page, name: str, content: str, wait_idle) -> None:
    csv_uploader(page).locator('input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content.encode()}]
    )
    wait_idle(page)


# --- tests ------------------------------------------------------------------------------------


def test_page_loads_and_every_view_renders(page: Page, wait_idle) -> None:
    expect(page.get_by_role("heading", name="Backprop Playground")).to_be_visible()
    assert page.title() == "Backprop Playground"
    expect_epoch(page, 0)
    runs = page.evaluate("() => window.__stRunsFinished")
    page.wait_for_timeout(1_000)  # nobody touches it: no timer reruns while not playing
    assert page.evaluate("() => window.__stRunsFinished") == runs
    for label in ("Cost", "Test cost", "Train accuracy", "Test accuracy"):
        expect(metric(page, label)).to_have_text(re.compile(r"^\d+(\.\d+)?%?$"))
    for view in VIEWS:
        if view != "Network":  # Network is the default
            choose_segment(page, "view", view, wait_idle)
        expect_charts_drawn(page, len(TITLES[view]))
        titles = chart_titles(page)
        for got, want in zip(titles, TITLES[view], strict=True):
            assert got.startswith(want), (view, titles)
        expect_clean(page)


def test_the_live_charts_draw_with_their_own_plotly(page: Page, wait_idle) -> None:
    # The default page draws with the cartesian bundle from static/ (1.5 MB), and Streamlit's
    # full bundle (4.7 MB) is not even fetched; a mode with Streamlit's own charts loads it,
    # and the live charts go on drawing with theirs, through Steps and views.
    def scripts() -> list[str]:
        return page.evaluate(
            "() => performance.getEntriesByType('resource').map((e) => e.name)"
            ".filter((n) => n.endsWith('.js'))"
        )

    expect_charts_drawn(page, 3)
    version = page.evaluate("() => window.__bpPlotly && window.__bpPlotly.version")
    assert version == plotly_js_version()
    loaded = scripts()
    assert any(n.endswith("/app/static/plotly-cartesian.min.js") for n in loaded), loaded
    assert not any("/PlotlyChart." in n for n in loaded), loaded
    live = page.locator(".live-chart.js-plotly-plot")
    expect(live).to_have_count(3)
    choose_segment(page, "mode", "Equations", wait_idle)  # Streamlit's own charts
    streamlits = page.locator('[data-testid="stPlotlyChart"] .main-svg')
    expect(streamlits.first).to_be_visible(timeout=30_000)
    assert any("/PlotlyChart." in n for n in scripts())
    choose_segment(page, "mode", "Train", wait_idle)
    expect(live).to_have_count(3)
    for n in (1, 2):
        click_key(page, "step", wait_idle)
        expect_epoch(page, n)
    assert page.evaluate("() => window.__bpPlotly.version") == version
    choose_segment(page, "view", "Weights", wait_idle)
    expect_charts_drawn(page, len(TITLES["Weights"]))
    titles = chart_titles(page)
    for got, want in zip(titles, TITLES["Weights"], strict=True):
        assert got.startswith(want), titles
    click_key(page, "step", wait_idle)
    expect_epoch(page, 3)
    expect_clean(page)


def test_step_and_its_shortcut_advance_the_epoch(page: Page, wait_idle) -> None:
    cost = number(metric(page, "Cost"))
    click_key(page, "step", wait_idle)
    expect_epoch(page, 1)
    assert number(metric(page, "Cost")) != cost  # one step of gradient descent moved the cost
    choose_segment(page, "step_size", "10×", wait_idle)
    click_key(page, "step", wait_idle)
    expect_epoch(page, 11)

    # The Right arrow is Step's shortcut. A click on the title first takes the focus out of
    # any input (where the arrow would only move a caret or a slider).
    page.get_by_role("heading", name="Backprop Playground").click()
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    expect_epoch(page, 21)
    choose_segment(page, "step_size", "1×", wait_idle)
    page.get_by_role("heading", name="Backprop Playground").click()
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    expect_epoch(page, 22)
    expect_clean(page)


# Where the point ``index`` of the network chart's trace ``name`` is on the page, and its
# customdata (Plotly's own axis conversions: the points are transparent markers).
_POINT_JS = """([name, index]) => {
  const gd = document.querySelector('.st-key-live_network .js-plotly-plot');
  const t = gd._fullData.find(d => d.name === name);
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const r = gd.getBoundingClientRect();
  return {x: r.left + xa._offset + xa.l2p(t.x[index]), y: r.top + ya._offset + ya.l2p(t.y[index]),
          cd: Array.from(t.customdata[index]), text: t.hovertext ? t.hovertext[index] : null};
}"""
_FIND_JS = """([name, want]) => {
  const gd = document.querySelector('.st-key-live_network .js-plotly-plot');
  const t = gd._fullData.find(d => d.name === name);
  return t.customdata.findIndex(cd => Array.from(cd).join() === want.join());
}"""

_HOVERED_JS = """([name, want]) => {
  const gd = document.querySelector('.st-key-live_network .js-plotly-plot');
  const h = gd._hoverdata && gd._hoverdata[0];
  return !!h && h.data.name === name && h.customdata !== undefined
    && Array.from(h.customdata).join() === want.join();
}"""


def hover_network(page: Page, name: str, want: list[int], attempts: int = 5) -> dict:
    """Move the mouse onto the network chart's point of trace ``name`` whose customdata is
    ``want``, until Plotly's hover is on it; returns the point (where, customdata, text).

    The point's place is read anew at each attempt: a rerun that adds or removes text above
    the chart moves it on the page after the run has ended."""
    page.locator(".st-key-live_network .js-plotly-plot").scroll_into_view_if_needed()
    for attempt in range(attempts):
        index = page.evaluate(_FIND_JS, [name, want])
        assert index >= 0, f"no point {want} in {name!r}"
        where = page.evaluate(_POINT_JS, [name, index])
        assert where["cd"] == want
        page.mouse.move(5, 5)  # off the chart first: Plotly then hovers afresh
        page.mouse.move(where["x"], where["y"])
        try:
            page.wait_for_function(_HOVERED_JS, arg=[name, want], timeout=3_000)
        except PlaywrightTimeoutError:
            if attempt + 1 == attempts:
                raise
            continue
        return where
    raise ValueError("attempts must be at least 1")


def click_network(page: Page, name: str, want: list[int], wait_idle) -> dict:
    """Click the network chart's point of trace ``name`` whose customdata is ``want``."""
    # Plotly reports a click on the point its hover last picked, and it throttles hovers: a
    # click right after the mouse was over another point would report that one. So hover
    # first, and click once Plotly's hover is on the wanted point.
    where = hover_network(page, name, want)
    page.mouse.click(where["x"], where["y"])
    wait_idle(page)
    return where


def test_click_an_edge_to_edit_its_weight_and_a_unit_to_see_its_map(page: Page, wait_idle) -> None:
    click_key(page, "step", wait_idle)
    expect_epoch(page, 1)
    hint = page.get_by_text("Click a unit to see its map large and edit its bias")
    expect(hint).to_be_visible()
    cost_before = metric(page, "Cost").inner_text()

    # An edge: the weight W2[1,0], its gradient and update, and a form to set it.
    edge = click_network(page, "edges", [2, 1, 0], wait_idle)
    assert edge["text"].startswith("W2[1,0] = ")
    about = page.get_by_text(re.compile(r"^W2\[1,0\], unit 0 of layer 1 → unit 1 of layer 2: now "))
    expect(about).to_be_visible()
    expect(hint).to_have_count(0)
    box = page.get_by_label("New value of W2[1,0]")
    box.fill("2.5")
    page.get_by_role("button", name="Set", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("W2[1, 0] set to 2.5 at epoch 1.")).to_be_visible()
    expect_epoch(page, 1)  # an edit is not a step
    expect(metric(page, "Cost")).not_to_have_text(cost_before)  # the cost of the new weight
    # the drawing shows the new value (in the readout under the mouse; the page redraws the
    # network's frame after the run, and a readout already up is refreshed by that frame)
    hover_network(page, "edges", [2, 1, 0])
    readout = page.locator(".st-key-live_network .live-readout")
    expect(readout).to_contain_text("W2[1,0] = 2.5\nunit 0 of layer 1 → unit 1 of layer 2")

    # A unit: its map large, with its bias to edit.
    click_network(page, "nodes (mapped)", [1, 1], wait_idle)
    expect(page.get_by_text(re.compile(r"^Unit a1\[1\] = tanh\(Z1\[1\]\)"))).to_be_visible()
    expect(page.get_by_label("New value of B1[1]")).to_be_visible()
    # its own equation, typeset with the current numbers (KaTeX keeps the source as annotation)
    formula = page.locator("annotation", has_text=re.compile(r"^Z_1\[1\] = .*x_1"))
    expect(formula).to_have_count(1)
    assert r"A_1[1] = \tanh(Z_1[1])" in formula.text_content()
    unit_map = page.locator(".st-key-unit_map .gtitle")
    expect(unit_map).to_have_text("a1[1] over the input plane")
    expect_clean(page)


def test_a_resting_mouse_keeps_its_readout_through_steps(page: Page, wait_idle) -> None:
    """A presenter points at a weight and presses the Right arrow: the readout under the mouse
    stays up through each Step's rerun and shows the new value; on the boundary too."""
    choose_segment(page, "step_size", "10×", wait_idle)
    click_key(page, "step", wait_idle)
    expect_epoch(page, 10)
    page.get_by_role("heading", name="Backprop Playground").click()  # (the arrow's focus)
    hover_network(page, "edges", [2, 2, 2])
    readout = page.locator(".st-key-live_network .live-readout")
    expect(readout).to_contain_text("W2[2,2] = ")
    for epoch_now in (20, 30):
        shown = readout.inner_text()
        page.keyboard.press("ArrowRight")
        wait_idle(page)
        expect_epoch(page, epoch_now)
        expect(readout).to_be_visible()
        expect(readout).to_contain_text("W2[2,2] = ")
        expect(readout).not_to_have_text(shown)  # ten epochs moved the weight

    plane = page.locator(".st-key-live_boundary .live-chart .nsewdrag").first
    plane.scroll_into_view_if_needed()
    box = plane.bounding_box()
    assert box is not None
    page.mouse.move(5, 5)
    page.mouse.move(box["x"] + box["width"] * 0.06, box["y"] + box["height"] * 0.08)  # no point
    tip = page.locator(".st-key-live_boundary .live-readout")
    expect(tip).to_contain_text(re.compile(r"^x1 = -?[0-9.]+, x2 = -?[0-9.]+: P\(class 1\)"))
    shown = tip.inner_text()
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    expect_epoch(page, 40)
    expect(tip).to_be_visible()
    expect(tip).not_to_have_text(shown)  # P there moved from 0.53 to 0.51 in these ten epochs
    assert tip.inner_text().split(":")[0] == shown.split(":")[0]  # at the same spot
    expect_clean(page)


def test_click_a_training_point_shows_its_share_of_dW3(page: Page, wait_idle) -> None:
    click_key(page, "step", wait_idle)
    expect_epoch(page, 1)
    hint = page.get_by_text("Click a training point to see its own contribution")
    expect(hint).to_be_visible()
    boundary = page.locator(".st-key-live_boundary .live-chart")
    # The boundary's scatter traces: train class 0, train class 1, then the test points.
    point = boundary.locator(".scatterlayer .trace").first.locator("path.point").nth(5)
    point.scroll_into_view_if_needed()  # a mouse click lands only inside the viewport
    box = point.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_idle(page)
    share = page.get_by_text(re.compile(r"^Training point \d+ at \(-?\d+\.\d\d, -?\d+\.\d\d\), "
                                        r"label y = 0: the network says a3 = "))  # fmt: skip
    expect(share).to_be_visible()
    expect(hint).to_have_count(0)
    summed = page.get_by_text("Summed over all 200 training points these shares make")
    expect(summed).to_be_visible()
    shown = share.inner_text()

    # The choice stays through a Step: the same point's share at the new epoch.
    click_key(page, "step", wait_idle)
    expect_epoch(page, 2)
    expect(share).to_be_visible()
    assert share.inner_text().split(":")[0] == shown.split(":")[0]
    assert share.inner_text() != shown  # its output and error moved with the step

    # A double click in a corner of the plot, away from the points, clears it.
    area = boundary.locator(".nsewdrag").first
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    assert box is not None
    ranges = "(gd) => [gd._fullLayout.xaxis.range, gd._fullLayout.yaxis.range]"
    before = boundary.evaluate(ranges)
    page.mouse.dblclick(box["x"] + 6, box["y"] + 6)
    wait_idle(page)
    expect(hint).to_be_visible()
    # (Plotly's double click autoranges: to the plane and its markers, not much wider)
    after = np.array(boundary.evaluate(ranges))
    widths = np.diff(after, axis=1) / np.diff(np.array(before), axis=1)
    assert (widths < 1.1).all(), (before, after.tolist())

    # Picked again, then the data changes: the pick belonged to the old run and is dropped.
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_idle(page)
    expect(share).to_be_visible()
    choose_option(page, "dataset", "xor", wait_idle)
    expect_epoch(page, 0)
    expect(hint).to_be_visible()
    expect(share).to_have_count(0)
    expect_clean(page)


def test_charts_keep_plotlys_image_export(page: Page, wait_idle) -> None:
    for key in ("live_boundary", "live_cost", "live_network"):
        chart = page.locator(f".st-key-{key} .js-plotly-plot").first
        chart.scroll_into_view_if_needed()
        chart.hover()  # Plotly shows its mode bar while the pointer is over the chart
        buttons = chart.locator(".modebar-btn")
        expect(buttons.first).to_be_visible()
        titles = [b.get_attribute("data-title") for b in buttons.all()]
        assert "Download plot as a PNG" in titles, (key, titles)
        assert "Share chart..." not in titles, (key, titles)  # nothing leaves for a cloud
    expect_clean(page)


def test_play_stops_by_itself_at_the_chosen_epoch(page: Page, wait_idle) -> None:
    # (at the foot of a long sidebar: type the choice, which works wherever the list opens)
    kind = page.locator(".st-key-stop_kind input")
    kind.scroll_into_view_if_needed()
    kind.click()
    kind.fill("at epoch")
    kind.press("Enter")
    wait_idle(page)
    expect(kind).to_have_value("at epoch")
    value = page.locator(".st-key-stop_value input")
    value.fill("150")
    value.press("Enter")
    wait_idle(page)
    page.locator(".st-key-play button").click()  # 100 epochs/s: about a second and a half
    expect(page.get_by_text("Play stopped at epoch 150: epoch 150 reached.")).to_be_visible(
        timeout=30_000
    )
    expect_epoch(page, 150)
    expect(page.locator(".st-key-play button")).to_contain_text("Play")
    page.wait_for_timeout(1_000)
    expect_epoch(page, 150)  # and it stays stopped
    expect_clean(page)


def test_a_larger_network_opened_at_an_epoch_then_played_to_a_goal(
    page: Page, app_server: str, wait_idle
) -> None:
    # Three classes on a network whose trainer measures each batch of epochs in a second thread
    # while the next batch trains ((8 + 8 + 3) x 400 activation values: PARALLEL_VALUES). A link
    # at epoch 200 retrains 200 epochs in one step (so in two threads); the page shows the
    # numbers of a trainer stepped on its own. Play at full speed with a stop rule then stops at
    # the first epoch that meets it, where that trainer stops; a Step goes on from there.
    query = "data=pinwheel&classes=3&n=800&hidden=8,8&act=tanh,tanh"
    config, _, problems = state.config_from_query(dict(parse_qsl(query)))
    assert not problems
    expected = tr.Trainer(config)
    assert expected._parallel or tr._cores() == 1
    assert expected.step(200) == 200

    def shows(t: tr.Trainer) -> None:
        expect_epoch(page, t.epoch)
        last = t.last
        expect(metric(page, "Cost")).to_have_text(f"{last['train_cost']:.4f}")
        expect(metric(page, "Test cost")).to_have_text(f"{last['test_cost']:.4f}")
        expect(metric(page, "Train accuracy")).to_have_text(f"{last['train_acc']:.1%}")
        expect(metric(page, "Test accuracy")).to_have_text(f"{last['test_acc']:.1%}")

    page.goto(f"{app_server}/?{query}&epoch=200")
    wait_idle(page)
    shows(expected)
    expected.step(20_000, until=("train_acc", 1.0))
    assert 200 < expected.epoch < 20_000
    choose_option(page, "speed", "max", wait_idle)
    kind = page.locator(".st-key-stop_kind input")
    kind.scroll_into_view_if_needed()
    kind.click()
    kind.fill("train accuracy")
    kind.press("Enter")
    wait_idle(page)
    expect(kind).to_have_value("train accuracy ≥ (%)")
    expect(page.locator(".st-key-stop_value input")).to_have_value("100")  # (the default)
    page.locator(".st-key-play button").click()
    expect(page.get_by_text(f"Play stopped at epoch {expected.epoch:,}:")).to_be_visible(
        timeout=60_000
    )
    shows(expected)
    click_key(page, "step", wait_idle)
    expected.step(1)
    shows(expected)
    expect_clean(page)


def test_settings_changed_again_and_again_while_playing_leave_the_run_whole(
    page: Page, app_server: str, wait_idle, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Each toggle reruns the whole page while Play's run may still be training. A rerun waits
    # for that run's next Streamlit call (runner.fastReruns off): with fast reruns, a second
    # thread started the page again and stepped the same trainer, and this sequence broke it
    # (IndexError in Trainer._keep, or a history that no longer fitted its table, in the log).
    logs = sorted(tmp_path_factory.getbasetemp().glob("streamlit*/server.log"))
    log = logs[-1]
    before = log.read_text(errors="replace").count("Traceback")
    page.goto(f"{app_server}/?n=2000&hidden=16,16&act=tanh,tanh&data=spiral")
    wait_idle(page)
    choose_option(page, "speed", "max", wait_idle)
    page.locator(".st-key-play button").click()
    pause = page.locator(".st-key-pause button")
    expect(pause).to_contain_text("Pause", timeout=15_000)
    toggle = page.locator(".st-key-log_cost label").first
    for i in range(30):
        toggle.click()
        page.wait_for_timeout(150 + 100 * (i % 4))
    click_now(page, pause)
    expect(page.locator(".st-key-play button")).to_contain_text("Play", timeout=PAUSE_TIMEOUT_MS)
    wait_idle(page)
    at = epoch(page)
    assert at > 0
    click_key(page, "step", wait_idle)
    expect_epoch(page, at + 1)
    assert log.read_text(errors="replace").count("Traceback") == before
    expect_clean(page)


def test_draw_points_by_clicking_the_plane(page: Page, wait_idle) -> None:
    dataset = page.locator(".st-key-dataset input")
    dataset.click()
    dataset.fill("draw your own points")
    dataset.press("Enter")
    wait_idle(page)
    count = page.get_by_text(re.compile(r"^\d+ points \("))
    expect(count).to_contain_text("4 points (2 of class 0, 2 of class 1")
    plane = page.locator(".st-key-live_boundary .live-chart .nsewdrag").first
    for n, (dx, dy) in enumerate(((0.5, 0.5), (0.6, 0.35)), start=5):  # middle, up and right
        plane.scroll_into_view_if_needed()
        box = plane.bounding_box()
        assert box is not None
        page.mouse.click(box["x"] + dx * box["width"], box["y"] + dy * box["height"])
        wait_idle(page)
        expect(count).to_contain_text(f"{n} points (2 of class 0, {n - 2} of class 1")
    expect_epoch(page, 0)
    # the chart shows all six (training and test markers together), the first one exactly
    # where the middle of the plot was clicked: (0, 0) of the drawing box [-6, 6]²
    markers = page.locator(".st-key-live_boundary .scatterlayer path.point")
    expect(markers).to_have_count(6)
    near_middle = page.evaluate(
        """() => {
             const gd = document.querySelector('.st-key-live_boundary .live-chart');
             return gd._fullData.filter(t => t.type === 'scatter').some(t =>
               Array.from(t.x).some((x, i) => Math.abs(x) < 0.2 && Math.abs(t.y[i]) < 0.2));
           }"""
    )
    assert near_middle
    # a click on a point adds one there too (drawing takes every click)
    markers.first.scroll_into_view_if_needed()
    marker = markers.first.bounding_box()
    assert marker is not None
    page.mouse.click(marker["x"] + marker["width"] / 2, marker["y"] + marker["height"] / 2)
    wait_idle(page)
    expect(count).to_contain_text("7 points")
    click_key(page, "step", wait_idle)
    expect_epoch(page, 1)
    # while playing, the plane is an image under the points: a click on it still adds a point
    page.locator(".st-key-play button").click()
    expect(page.locator(".st-key-pause button")).to_contain_text("Pause", timeout=15_000)
    expect(page.locator(".st-key-live_boundary .layer-subplot .imagelayer image")).to_have_count(1)
    plane.scroll_into_view_if_needed()
    box = plane.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + 0.3 * box["width"], box["y"] + 0.75 * box["height"])
    expect(count).to_contain_text("8 points", timeout=15_000)
    expect_clean(page)


PAUSE_TIMEOUT_MS = 15_000
PAUSE_SLOW_S = 2.0


def test_play_trains_and_pause_stops_at_once(page: Page, wait_idle, screenshot) -> None:
    cost0 = number(metric(page, "Cost"))
    page.locator(".st-key-play button").click()
    pause = page.locator(".st-key-pause button")  # the same place, now saying Pause
    expect(pause).to_contain_text("Pause", timeout=15_000)  # a full rerun: slow when busy
    # While playing, boundary, cost and network are live charts: the same graph divs redraw
    # in place frame after frame (Plotly.react; the boundary swaps its image: Plotly.relayout),
    # instead of new charts per frame.
    live = page.locator(".live-chart.js-plotly-plot")
    expect(live).to_have_count(3, timeout=10_000)
    page.evaluate(
        "() => document.querySelectorAll('.live-chart').forEach((gd) => { gd.__draws = 0;"
        " for (const e of ['plotly_afterplot', 'plotly_relayout']) gd.on(e, () => {"
        " gd.__draws += 1; }); })"
    )
    page.wait_for_timeout(4_000)
    draws = page.evaluate("() => [...document.querySelectorAll('.live-chart')].map(g => g.__draws)")
    assert len(draws) == 3 and min(draws) >= 2, f"redraws in place per live chart in 4 s: {draws}"
    # Every frame of a reel redraws all three (the network swaps its painted image too), so
    # the network keeps up with the boundary.
    boundary, cost, network = draws
    assert network >= 8 and 2 * network >= boundary, draws
    # The network's values under the mouse: our readout (Plotly's hover is off while playing)
    # with the value in the frame on screen.
    page.locator(".st-key-live_network").scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
          const gd = document.querySelectorAll('.live-chart')[2];
          const t = gd._fullData.findIndex((d) => d.name === 'edges');
          const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
          const box = gd.getBoundingClientRect();
          const x = gd._fullData[t].x[0], y = gd._fullData[t].y[0];
          return [box.left + xa._offset + xa.d2p(x), box.top + ya._offset + ya.d2p(y)];
        }"""
    )
    page.mouse.move(*point)
    readout = page.locator(".st-key-live_network .live-readout")
    expect(readout).to_contain_text(re.compile(r"W1\[0,0\] = -?[0-9.e+-]+\s+unit 0 of layer 0"))
    page.mouse.move(5, 5)
    pause.scroll_into_view_if_needed()
    playing_epoch, cost = epoch(page), number(metric(page, "Cost"))
    # 100 epochs/s would give ~400; the page may show fewer when the machine is busy.
    assert playing_epoch >= 10, f"only {playing_epoch} epochs shown after 4 s of Play"
    assert cost < cost0, (cost0, cost)

    before = epoch(page)
    clicked = time.monotonic()
    click_now(page, pause)
    # the animation stops at the click ...
    at_click, cost_at_click = epoch(page), metric(page, "Cost").inner_text()
    page.wait_for_timeout(300)
    assert epoch(page) == at_click
    play = page.locator(".st-key-play button")
    expect(play).to_contain_text("Play", timeout=PAUSE_TIMEOUT_MS)
    wait_idle(page)
    latency = time.monotonic() - clicked
    stopped = epoch(page)
    print(f"Pause: {latency:.2f} s to the Play label, {stopped - before} epochs after the click")
    # ... and the paused page is that frame: the network went back to it (it had trained on)
    assert (stopped, metric(page, "Cost").inner_text()) == (at_click, cost_at_click)
    page.wait_for_timeout(2_000)
    assert epoch(page) == stopped  # stopped for good: nothing trains once Pause has shown
    expect(play).to_contain_text("Play")
    # Paused: the three charts stay where they are (a Step redraws them in place too).
    expect(live).to_have_count(3)
    expect(page.locator(CHART)).to_have_count(3)
    expect_clean(page)
    if latency > PAUSE_SLOW_S:  # not "at once": say so without failing (the machine may be busy)
        warnings.warn(
            f"Pause took {latency:.1f} s to show Play; {stopped - before} more epochs were "
            "trained or shown after the click",
            stacklevel=1,
        )


def test_step_while_playing_steps_from_the_frame_on_screen(page: Page, wait_idle) -> None:
    play = page.locator(".st-key-play button")
    pause = page.locator(".st-key-pause button")
    for how in ("click", "key"):
        play.click()
        expect(pause).to_contain_text("Pause", timeout=15_000)
        page.wait_for_timeout(2_500)
        if how == "click":
            click_now(page, page.locator(".st-key-step button"))
        else:  # Step's shortcut (the heading takes the focus out of any input)
            page.get_by_role("heading", name="Backprop Playground").click()
            page.keyboard.press("ArrowRight")
        shown = epoch(page)  # the page stops at the click ...
        expect(play).to_contain_text("Play", timeout=PAUSE_TIMEOUT_MS)
        wait_idle(page)
        # ... and the paused page is one step (1x) after the frame that was on screen
        assert epoch(page) == shown + 1, (how, shown, epoch(page))
        page.wait_for_timeout(1_000)
        assert epoch(page) == shown + 1  # paused for good
    expect_clean(page)


def test_csv_upload_bad_then_good(page: Page, wait_idle) -> None:
    choose_option(page, "dataset", "upload CSV", wait_idle)
    sidebar = page.locator(SIDEBAR)
    expect(csv_uploader(page)).to_be_visible()
    expect(sidebar.get_by_text("Until a file is uploaded")).to_be_visible()

    upload(page, "half_labels.csv", BAD_CSV, wait_idle)
    error = sidebar.locator('[data-testid="stAlertContentError"]')
    expect(error).to_be_visible()
    expect(error).to_contain_text("'label', row 4")
    expect(error).to_contain_text("must be the whole numbers 0, 1, 2")
    expect_clean(page)

    upload(page, "quadrants.csv", GOOD_CSV, wait_idle)
    expect(sidebar.locator('[data-testid="stAlertContentError"]')).to_have_count(0)
    expect(sidebar.locator('[data-testid="stAlertContentSuccess"]')).to_contain_text(
        "features x1, x2; label 'label'"
    )
    expect_epoch(page, 0)
    click_key(page, "step", wait_idle)
    expect_epoch(page, 1)
    expect_charts_drawn(page, 3)
    expect_clean(page)


def test_new_alpha_keeps_training_new_layer_restarts(page: Page, wait_idle) -> None:
    choose_segment(page, "step_size", "10×", wait_idle)
    click_key(page, "step", wait_idle)
    expect_epoch(page, 10)

    # Type a learning rate that is not in the list: the network keeps training.
    alpha = page.locator(".st-key-alpha input")
    alpha.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("0.07")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(alpha).to_have_value("0.07")
    expect_epoch(page, 10)  # not reset
    notice = page.locator('[data-testid="stAlertContentInfo"]', has_text="α is now 0.07")
    expect(notice).to_contain_text("training continues from epoch 10")
    expect(page).to_have_url(re.compile(r"[?&]alpha=0\.07(&|$)"))
    click_key(page, "step", wait_idle)  # and training goes on from there
    expect_epoch(page, 20)

    # One more hidden layer is a new network: back to epoch 0, and the page says why.
    slider = page.get_by_role("slider", name="Hidden layers")
    expect(slider).to_have_value("2")
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(slider).to_have_value("3")
    wait_idle(page)
    expect_epoch(page, 0)
    expect(page.locator('[data-testid="stAlertContentInfo"]', has_text=RESTARTED)).to_be_visible()
    expect(page.locator(".st-key-units_3 input")).to_be_visible()  # the third layer's controls
    expect(alpha).to_have_value("0.07")  # the typed α is kept for the new network
    expect_charts_drawn(page, 3)
    expect_clean(page)


SIZES = [
    pytest.param((1280, 720, 1800), id="1280x720"),
    pytest.param((1920, 1080, 2200), id="1920x1080"),
]


@pytest.mark.parametrize("size", SIZES)
def test_screenshots(size, new_page, wait_idle, screenshot) -> None:
    """Shots to look at: the true viewport (top of the page) and a tall one for each view."""
    width, height, tall = size
    problems: list[str] = []
    page = new_page((width, height))
    choose_segment(page, "step_size", "100×", wait_idle)
    click_key(page, "step", wait_idle)
    expect_epoch(page, 100)
    assert screenshot(page, f"top-{width}x{height}").stat().st_size > 0

    page.set_viewport_size({"width": width, "height": tall})
    wait_idle(page, start_grace_ms=300)
    for view in VIEWS:
        if view != "Network":
            choose_segment(page, "view", view, wait_idle)
        expect_charts_drawn(page, len(TITLES[view]))
        page.wait_for_timeout(300)  # let Plotly finish any resize
        assert screenshot(page, f"{view.lower()}-{width}x{height}-tall").stat().st_size > 0
        for title, smallest, overlaps in chart_text_survey(page):
            # Unreadable anywhere under 9 CSS px; small on a projector under 12 (ticks are 15).
            assert smallest >= 9, f"{view} {width}px: {title!r} has {smallest}px text"
            if smallest < 12:
                problems.append(f"{view} {width}px {title!r}: {smallest:g}px text")
            if overlaps:
                problems.append(f"{view} {width}px {title!r}: {len(overlaps)} overlapping "
                                f"text pairs, e.g. {overlaps[:3]}")  # fmt: skip
    expect_clean(page)
    if problems:
        print("\n".join(problems))
        warnings.warn("chart text hard to read:\n" + "\n".join(problems), stacklevel=1)


def test_two_sessions_are_independent(page: Page, new_page, wait_idle) -> None:
    other = new_page()
    choose_option(page, "dataset", "xor", wait_idle)
    choose_segment(page, "step_size", "10×", wait_idle)
    click_key(page, "step", wait_idle)
    expect_epoch(page, 10)

    expect_epoch(other, 0)
    expect(other.locator(".st-key-dataset input")).to_have_value("circle")
    assert "data=" not in other.url and "epoch=" not in other.url

    click_key(other, "step", wait_idle)  # the second one steps once ...
    expect_epoch(other, 1)
    click_key(page, "step", wait_idle)  # ... while the first goes on from its own epoch
    expect_epoch(page, 20)
    expect(page.locator(".st-key-dataset input")).to_have_value("xor")
    expect(page).to_have_url(re.compile(r"[?&]data=xor(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]epoch=20(&|$)"))
    expect(other.locator(".st-key-dataset input")).to_have_value("circle")
    expect_epoch(other, 1)
    for p in (page, other):
        expect_clean(p)
