"""The app loads in a real browser: title shown, no exception box, no browser errors."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.pages import expect_clean, metric


def test_app_loads_without_errors(page, screenshot):
    expect(page.get_by_role("heading", name="Backprop Playground")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert page.title() == "Backprop Playground"
    path = screenshot(page, "smoke-1280x720")
    assert path.stat().st_size > 0
    assert page.errors == []


def test_the_hosted_server_runs_the_page_once_before_it_serves(hosted_server, hosted_page):
    """`streamlit run playground/serve.py` (the Docker image's command) has run the page once
    by the time it answers its health check, so its first visitor does not wait for the
    imports; then it serves the page as `streamlit run app.py` does."""
    _, log_path = hosted_server
    log = log_path.read_text(errors="replace")
    assert "serve: the page ran once at start-up in" in log, log
    page = hosted_page
    expect(page.get_by_role("heading", name="Backprop Playground")).to_be_visible()
    expect(page.locator(".st-key-live_boundary .live-chart")).to_be_visible()
    page.locator(".st-key-step button").click()
    expect(metric(page, "Epoch")).to_have_text("1", timeout=15_000)
    expect_clean(page)


def test_without_static_serving_the_live_charts_draw_with_streamlits_plotly(no_static_page):
    """Run without static/ served (no .streamlit/config.toml where the app was started), the
    live charts take the Plotly of Streamlit's own charts (a hidden one loads it) and the page
    works as ever."""
    page = no_static_page
    for key in ("boundary", "cost", "network"):
        expect(page.locator(f".st-key-live_{key} .live-chart .main-svg").first).to_be_visible()
    assert page.evaluate("() => window.__bpPlotly === window.Plotly")
    scripts = page.evaluate(
        "() => performance.getEntriesByType('resource').map((e) => e.name)"
        ".filter((n) => n.endsWith('.js'))"
    )
    assert any("/PlotlyChart." in n for n in scripts), scripts
    assert not any("plotly-cartesian" in n for n in scripts), scripts
    page.locator(".st-key-step button").click()
    expect(metric(page, "Epoch")).to_have_text("1", timeout=15_000)
    expect_clean(page)
