import time
import pytest
import numpy as np
from playwright.sync_api import expect

def test_fast_rerun(page, wait_idle):
    for i in range(1, 6):
        page.get_by_role("button", name="Fast").click()
        wait_idle(page)
        assert page.get_by_text(f"count={i}").is_visible(), i

def test_slow_rerun(page, wait_idle):
    page.get_by_role("button", name="Slow").click()
    t = time.monotonic()
    wait_idle(page)
    assert page.get_by_text("count=10").is_visible()
    print("slow wait", time.monotonic() - t)

def test_no_rerun_costs_grace(page, wait_idle):
    t = time.monotonic()
    wait_idle(page)
    print("no-rerun wait", time.monotonic() - t)

def test_exception_box(page, wait_idle):
    page.get_by_role("button", name="Boom").click()
    wait_idle(page)
    expect(page.locator('[data-testid="stException"]')).to_have_count(1)

def test_reload(page, wait_idle):
    page.reload()
    t = time.monotonic()
    wait_idle(page)
    print("reload wait", time.monotonic() - t)
    assert page.get_by_text("count=0").is_visible()

@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, (800, 600)])
def test_viewport(page, viewport):
    size = page.viewport_size
    assert (size["width"], size["height"]) in [(390, 844), (800, 600)]

def test_page_error_collected(page):
    page.evaluate("setTimeout(() => { throw new Error('jsboom') }, 0)")
    page.wait_for_timeout(300)
    print(page.errors)
    assert any("jsboom" in e for e in page.errors)

def test_fails_on_purpose(page):
    assert False

def test_runtime_warning_is_error():
    np.log(np.array([0.0]))
