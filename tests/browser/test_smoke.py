"""The app loads in a real browser: title shown, no exception box, no browser errors."""

from __future__ import annotations

from playwright.sync_api import expect


def test_app_loads_without_errors(page, screenshot):
    expect(page.get_by_role("heading", name="Backprop Playground")).to_be_visible()
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)
    assert page.title() == "Backprop Playground"
    path = screenshot(page, "smoke-1280x720")
    assert path.stat().st_size > 0
    assert page.errors == []
