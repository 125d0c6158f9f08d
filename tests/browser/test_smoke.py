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
