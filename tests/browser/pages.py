"""What a person reads and does on the page, shared by the browser tests.

Widgets are found by their keys (Streamlit puts ``st-key-<key>`` on each keyed widget's
container) and by their visible labels; charts are Streamlit's Plotly charts and the charts the
page redraws in place (the live_chart component's graph divs).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

# A chart: Streamlit's Plotly element, or a chart the page redraws in place (the live_chart
# component's graph div: the decision boundary and the cost always, every chart while playing).
CHART = '[data-testid="stPlotlyChart"]:not(.st-key-plotly_loader *), .live-chart'
EXCEPTION = '[data-testid="stException"]'
SIDEBAR = '[data-testid="stSidebar"]'


def metric(page: Page, label: str) -> Locator:
    """The value of the metric called ``label`` (exactly: "Cost" is not "Test cost"): one of
    Streamlit's metrics, or while playing, the player's (a ``.live-metric`` per metric)."""
    name = page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(rf"^{label}$"))
    streamlit = (
        page.locator('[data-testid="stMetric"]')
        .filter(has=name)
        .locator('[data-testid="stMetricValue"]')
    )
    player = page.locator(f'.live-metric[data-metric="{label}"] .live-metric-value:visible')
    return streamlit.or_(player)


def expect_epoch(page: Page, value: int, timeout: float = 15_000) -> None:
    expect(metric(page, "Epoch")).to_have_text(f"{value:,}", timeout=timeout)


def click_key(page: Page, key: str, wait_idle) -> None:
    """Click the button of the widget with key ``key`` and wait for the rerun."""
    page.locator(f".st-key-{key} button").click()
    wait_idle(page)


def choose_segment(page: Page, key: str, name: str, wait_idle) -> None:
    """Pick ``name`` in the segmented control with key ``key``."""
    option = page.locator(f".st-key-{key}").get_by_role("radio", name=name, exact=True)
    option.click()
    expect(option).to_have_attribute("aria-checked", "true")
    wait_idle(page)


def choose_option(page: Page, key: str, name: str, wait_idle) -> None:
    """Open the selectbox with key ``key`` and click the option ``name``."""
    page.locator(f".st-key-{key} input").click()
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.locator(f".st-key-{key} input")).to_have_value(name)
    wait_idle(page)


def chart_titles(page: Page) -> list[str]:
    """Each drawn Plotly chart's main title (empty when it has none), in page order."""
    return page.locator(CHART).evaluate_all(
        """charts => charts.map(c => {
             const t = c.querySelector('.main-svg .g-gtitle .gtitle');
             return t ? t.textContent : '';
           })"""
    )


def expect_clean(page: Page) -> None:
    """No exception box on the page, no console error, no uncaught page error."""
    boxes = page.locator(EXCEPTION)
    try:
        expect(boxes).to_have_count(0, timeout=1_000)
    except AssertionError:
        pytest.fail("exception on the page:\n" + "\n---\n".join(boxes.all_inner_texts()))
    assert page.errors == []
