"""How fast the page feels in a real browser: first render, Step latency, Play frame rates.

Run ``python -m playground.bench_ui`` (``--quick`` for a short run). It starts ``app.py`` with
``streamlit run`` on a free loopback port, drives headless Chromium (Debian's ``chromium``, via
Playwright, a dev requirement) and prints:

* first render: navigation start to every chart drawn, for the first visitor of a fresh server
  (cold: Python imports, the charts' Plotly), for later visitors (warm), and for the first visitor
  of the hosted server, ``playground/serve.py``, which runs the page once before it serves;
* Step: from the click on Step to the last chart redrawn with the Epoch metric showing the new
  value, measured inside the page with ``performance.now()``: median and 95th percentile;
* Play, at the default speed and at "max": epochs per second (from the Epoch metric the page
  shows) and chart frames per second (per chart: the distinct epochs it drew, i.e. new states
  of the network that reached ``plotly_afterplot``, or ``plotly_relayout`` for the decision
  boundary's image while playing, per second);
* Pause: how long the page goes on counting after a click on Pause;
* a floor for comparison: a bare Streamlit page with one button and one small Plotly heatmap,
  click-to-redraw, measured the same way in the same run;

then a table of those numbers beside the targets. The load average (``os.getloadavg``) is printed
before and after: Streamlit, Chromium and anything else running share the machine's cores.

"All charts updated" after a click: a MutationObserver hooks a ``plotly_afterplot`` listener on
each graph div (``.js-plotly-plot``, named by the ``st-key-*`` of its container; st.plotly_chart
makes a new div per update) that stamps ``performance.now()``. A click counts as done when every
chart visible at the click has drawn since the click, the Epoch metric shows the new value, the
script is idle and no chart has changed for ``QUIET_MS``. "Updated" is the latest of the
charts' first draws (and of the metric change) minus the click; "last redraw" is the
latest draw of those divs (Plotly often draws a new figure a second time, to fit its width).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 1800}  # tall: every chart of the page is on screen
QUIET_MS = 1000  # no chart change for this long after a click: its redraws are over
CLICK_TIMEOUT_MS = 30_000
TARGET_STEP_MS = 250.0  # median
TARGET_STEP_P95_MS = 400.0
TARGET_FIRST_RENDER_MS = 3000.0
TARGET_FPS = 8.0
TARGET_EPS = 1000.0

# Installed before the page's scripts. st.plotly_chart replaces its graph div on every update,
# while Play's live charts keep theirs and redraw in place, so a MutationObserver hooks every
# graph div (``.js-plotly-plot``) as soon as Plotly draws into it: each ``plotly_afterplot`` is
# stamped with the time and with the Epoch the page shows at that moment, and so is the last DOM
# change inside the div (the fallback when a div drew before it could be hooked). A chart's
# frames are the distinct epochs it drew (Plotly may draw one figure twice, to fit its width).
# The Epoch metric is also sampled once per animation frame.
_INIT_JS = """
(() => {
  const B = (window.__bench = {gds: [], epochs: [], epochText: null, sent: [], recv: [],
                               marks: {}});
  const mark = (name) => { if (!(name in B.marks)) B.marks[name] = performance.now(); };
  // The websocket's traffic: when the page sends (a click's rerun request) and receives.
  const WS = window.WebSocket;
  window.WebSocket = function (...args) {
    const ws = new WS(...args);
    const send = ws.send.bind(ws);
    ws.send = (data) => { B.sent.push(performance.now()); return send(data); };
    ws.addEventListener('open', () => mark('ws_open'));
    ws.addEventListener('message', () => B.recv.push(performance.now()));
    return ws;
  };
  window.WebSocket.prototype = WS.prototype;
  Object.assign(window.WebSocket, WS);
  // the live charts' Plotly (playground/web/live_chart.js), or Streamlit's
  const plotlyReady = () => (window.__bpPlotly || window.Plotly
    ? mark('plotly') : requestAnimationFrame(plotlyReady));
  requestAnimationFrame(plotlyReady);
  const epochValue = () => {
    const playing = document.querySelector(
      '.live-metric[data-metric="Epoch"] .live-metric-value');  // Play's metrics
    if (playing) return playing.textContent.trim();
    for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
      const label = m.querySelector('[data-testid="stMetricLabel"]');
      if (label && label.innerText.trim() === 'Epoch') {
        const v = m.querySelector('[data-testid="stMetricValue"]');
        return v ? v.innerText.trim() : null;
      }
    }
    return null;
  };
  const keyOf = (el) => {
    const holder = el.closest('[class*="st-key-"]');
    const match = holder && holder.className.match(/st-key-(\\S+)/);
    return match ? match[1].replace(/^live_/, '') : 'chart';
  };
  const listen = (gd, rec) => {
    const stamp = () => {
      rec.plots.push(performance.now());
      rec.shown.push(epochValue());
    };
    gd.on('plotly_afterplot', stamp);
    gd.on('plotly_relayout', stamp);  // Play's frames of the boundary: a new image, relaid out
    rec.hooked = true;
  };
  const hook = (gd) => {
    if (gd.__bench) return gd.__bench;
    const rec = {key: keyOf(gd), born: performance.now(), plots: [], shown: [], lastMut: 0,
                 el: gd};
    gd.__bench = rec;
    B.gds.push(rec);
    if (typeof gd.on === 'function') listen(gd, rec);
    return rec;
  };
  new MutationObserver((records) => {
    const now = performance.now();
    for (const r of records) {
      const gd = r.target.nodeType === 1 ? r.target.closest('.js-plotly-plot') : null;
      if (gd) {
        const rec = hook(gd);
        rec.lastMut = now;
        if (!rec.hooked && typeof gd.on === 'function') listen(gd, rec);
      }
    }
  }).observe(document, {subtree: true, childList: true});
  // The charts on screen now: the keys of the visible graph divs.
  window.__benchCharts = () => [...document.querySelectorAll('.js-plotly-plot')]
    .filter((gd) => gd.offsetParent !== null)
    .map((gd) => hook(gd).key);
  // Drawing since t0: per key, the first and last draw and the frames (distinct epochs drawn).
  window.__benchDraws = (t0, quietMs) => {
    const now = performance.now(), out = {}, seen = {};
    for (const rec of B.gds) {
      const idx = rec.plots.map((t, i) => i).filter((i) => rec.plots[i] >= t0);
      let first = idx.length ? rec.plots[idx[0]] : null;
      let last = idx.length ? rec.plots[idx[idx.length - 1]] : null;
      let shown = idx.map((i) => rec.shown[i]);
      if (first === null && rec.born >= t0 && rec.lastMut && now - rec.lastMut >= quietMs
          && rec.el.querySelector('.main-svg')) {  // drew before it was hooked
        first = last = rec.lastMut;
        shown = ['unhooked ' + rec.born];
      }
      if (first === null) continue;
      last = Math.max(last, rec.lastMut || 0);
      const o = (out[rec.key] = out[rec.key] || {first: Infinity, last: 0, frames: 0});
      const s = (seen[rec.key] = seen[rec.key] || new Set());
      for (const e of shown) if (!s.has(e)) { s.add(e); o.frames += 1; }
      o.first = Math.min(o.first, first);
      o.last = Math.max(o.last, last);
    }
    return out;
  };
  window.__benchLastChange = () => Math.max(0, ...B.gds.map((r) => Math.max(r.lastMut,
    r.plots.length ? r.plots[r.plots.length - 1] : 0)));
  const sample = () => {
    const text = epochValue();
    if (text !== null && text !== B.epochText) {
      B.epochText = text;
      B.epochs.push([performance.now(), Number(text.replace(/,/g, ''))]);
    }
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
})();
"""

# Clicks the button inside the container with class st-key-<key> and returns the click time.
_CLICK_JS = """
(key) => {
  const button = document.querySelector(`.st-key-${key} button`);
  const t0 = performance.now();
  button.click();
  return t0;
}
"""

# Resolves when the click at t0 is done (see the module docstring); returns timings or null.
_DONE_JS = """
([t0, charts, epoch, quietMs]) => {
  const B = window.__bench;
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return null;
  const shown = B.epochs.find(([t, v]) => t >= t0 && v === epoch);
  if (!shown) return null;
  const draws = window.__benchDraws(t0, quietMs);
  if (!charts.every((k) => k in draws)) return null;
  if (performance.now() - window.__benchLastChange() < quietMs) return null;
  const updated = Math.max(shown[0], ...charts.map((k) => draws[k].first));
  const settled = Math.max(updated, ...charts.map((k) => draws[k].last));
  // its parts: the page's request out, the server's messages back, the drawing after them
  const sent = B.sent.find((t) => t >= t0);
  const back = B.recv.filter((t) => sent !== undefined && t >= sent && t <= updated);
  const parts = sent === undefined || !back.length ? null : {
    request: sent - t0, first: back[0] - sent, server: back[back.length - 1] - sent,
    drawing: updated - back[back.length - 1]};
  return {updated: updated - t0, settled: settled - t0, epoch: shown[0] - t0, parts};
}
"""

_IDLE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stSkeleton"]') === null;
}
"""

_RENDERED_JS = """
(n) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll(
    '[data-testid="stPlotlyChart"]:not(.st-key-plotly_loader *), [class*="st-key-live_"]')];
  const ok = app !== null && app.getAttribute('data-test-script-state') === 'notRunning'
    && document.querySelector('[data-testid="stSkeleton"]') === null
    && charts.length >= n && charts.every((c) => c.querySelector('.main-svg') !== null);
  if (!ok) return null;
  const B = window.__bench;
  const nav = performance.getEntriesByType('navigation')[0];
  const done = performance.now();
  const lastMsg = Math.max(...B.recv.filter((t) => t <= done));
  return {ms: done, parts: {page: B.marks.ws_open, messages: lastMsg, plotly: B.marks.plotly,
                            html: nav ? nav.responseEnd : null}};
}
"""

BASELINE_APP = textwrap.dedent(
    '''
    """Streamlit's floor: one button that reruns, one small Plotly heatmap, one metric."""
    import numpy as np
    import streamlit as st

    s = st.session_state
    s.setdefault("n", 0)


    def on_click():
        s.n += 1


    st.button("Step", key="step", on_click=on_click)
    st.metric("Epoch", s.n)
    z = np.random.default_rng(s.n).random((8, 8))
    fig = {"data": [{"type": "heatmap", "z": z.tolist()}], "layout": {"height": 320}}
    st.plotly_chart(fig, key="heatmap")
    '''
)


# --- server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(script: Path, cwd: Path, timeout_s: float = 60) -> Iterator[str]:
    """``streamlit run script`` on a free loopback port (its own process group); yields the URL."""
    port = free_port()
    log = tempfile.TemporaryFile()
    path = [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                sys.exit(f"streamlit did not start:\n{log.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        yield url
    finally:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        log.close()


# --- measurements -----------------------------------------------------------------------------


@dataclass
class Play:
    speed: str
    seconds: float
    epochs_per_s: float
    fps: dict[str, float]
    pause_s: float | None = None  # click on Pause -> the Epoch metric's last change
    pause_epochs: int = 0  # epochs shown after the click
    pause_clicks: int = 1  # clicks it took to see "Play" again

    @property
    def mean_fps(self) -> float:
        return statistics.fmean(self.fps.values()) if self.fps else 0.0


@dataclass
class Results:
    load_before: tuple[float, float, float]
    first_render_cold_ms: float = float("nan")
    first_render_hosted_ms: float = float("nan")  # the first visitor of playground/serve.py
    first_render_warm_ms: list[float] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    step_ms: list[float] = field(default_factory=list)  # all charts updated
    step_settled_ms: list[float] = field(default_factory=list)  # ... and their last redraw
    step_epoch_ms: list[float] = field(default_factory=list)
    step_parts: list[dict[str, float]] = field(default_factory=list)  # see _DONE_JS
    first_render_parts: list[dict[str, float]] = field(default_factory=list)  # warm loads
    step_failures: int = 0
    plays: list[Play] = field(default_factory=list)
    base_ms: list[float] = field(default_factory=list)
    base_settled_ms: list[float] = field(default_factory=list)
    base_failures: int = 0


def open_page(browser, url: str, min_charts: int, parts: list | None = None):
    """A new context (a new Streamlit session) loaded and drawn; returns (context, page, ms).
    With ``parts``, appends when the page had its HTML, its websocket open, the first run's
    last message and the charts' Plotly ready (ms from navigation)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.add_init_script(_INIT_JS)
    page.goto(url + "/")
    handle = page.wait_for_function(_RENDERED_JS, arg=min_charts, timeout=120_000, polling="raf")
    done = handle.json_value()
    if parts is not None:
        parts.append(done["parts"])
    return context, page, float(done["ms"])


_T0 = time.monotonic()


def progress(what: str) -> None:
    """A line on stderr, so a slow run shows where it is."""
    print(f"  [{time.monotonic() - _T0:6.1f} s] {what}", file=sys.stderr, flush=True)


def wait_idle(page, timeout_ms: float = 30_000) -> None:
    page.wait_for_function(_IDLE_JS, timeout=timeout_ms)


def shown_epoch(page) -> int:
    return int(page.evaluate("() => window.__bench.epochs.at(-1)[1]"))


def click_and_time(page, key: str) -> dict[str, float] | None:
    """Click ``key``'s button; ms to every chart updated / settled / the Epoch shown (None on a
    timeout)."""
    wait_idle(page)
    page.wait_for_function(
        "(q) => performance.now() - window.__benchLastChange() >= q", arg=QUIET_MS, timeout=30_000
    )
    charts = page.evaluate("() => window.__benchCharts()")
    expected = shown_epoch(page) + 1
    t0 = page.evaluate(_CLICK_JS, key)
    try:
        handle = page.wait_for_function(
            _DONE_JS, arg=[t0, charts, expected, QUIET_MS], timeout=CLICK_TIMEOUT_MS, polling=50
        )
    except Exception:  # noqa: BLE001 - a timeout is counted as a failed click, not a crash
        return None
    done = handle.json_value()
    out = {k: float(v) for k, v in done.items() if isinstance(v, (int, float))}
    out["parts"] = done.get("parts")
    return out


def choose_speed(page, speed: str) -> None:
    page.locator(".st-key-speed input").click()
    page.get_by_role("option", name=speed, exact=True).click()
    wait_idle(page)


def play_label(page) -> str:
    button = page.locator(".st-key-play button, .st-key-pause button").first
    return button.inner_text().split("\n")[-1].strip()


def ensure_paused(page, attempts: int = 4, wait_s: float = 10.0) -> int:
    """Click Pause until the page says Play and is idle; returns the clicks it took (-1: never).

    The retries count clicks that did not take (e.g. lost while a page lags far behind).
    """
    for clicks in range(1, attempts + 1):
        if play_label(page) == "Pause":
            page.evaluate(_CLICK_JS, "pause")
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            page.wait_for_timeout(250)
            if play_label(page) == "Play" and page.evaluate(_IDLE_JS):
                return clicks
    return -1


def measure_play(page, speed: str, seconds: float) -> Play:
    """Play at ``speed``: epochs/s and afterplot events per chart per second; then Pause."""
    choose_speed(page, speed)
    progress(f"play at {speed!r}")
    page.evaluate(_CLICK_JS, "play")
    page.wait_for_timeout(1_500)  # the full rerun that starts Play, and the first frames
    t_start = page.evaluate("() => performance.now()")
    page.wait_for_timeout(seconds * 1000)
    window = page.evaluate(
        """([a]) => {
             const b = performance.now(), B = window.__bench;
             const draws = window.__benchDraws(a, 1e9);
             const counts = {};
             for (const k in draws) counts[k] = draws[k].frames;
             const ep = B.epochs.filter(([t]) => t >= a && t < b);
             return {b, counts, ep, charts: window.__benchCharts()};
           }""",
        [t_start],
    )
    span = (window["b"] - t_start) / 1000
    fps = {k: window["counts"].get(k, 0) / span for k in window["charts"]}
    ep = window["ep"]
    eps = (ep[-1][1] - ep[0][1]) / ((ep[-1][0] - ep[0][0]) / 1000) if len(ep) >= 2 else 0.0
    result = Play(speed, span, eps, fps)

    # Pause, and how long the page keeps counting after the click.
    progress("pause")
    before = page.evaluate("() => window.__bench.epochs.at(-1)[1]")
    t_click = page.evaluate("() => performance.now()")
    result.pause_clicks = ensure_paused(page)
    page.wait_for_timeout(1_000)
    last = page.evaluate("() => window.__bench.epochs.at(-1)")
    result.pause_s = max(0.0, (last[0] - t_click) / 1000)
    result.pause_epochs = int(last[1] - before)
    return result


def bench_app(
    browser, launch, clicks: int, play_seconds: float, warm_loads: int, res: Results
) -> None:
    """``launch()`` starts a browser of its own: each first render is a new visitor's, whose
    browser has not compiled Streamlit's or Plotly's scripts before (a context of a browser
    that had loaded the page would reuse them)."""
    with streamlit_server(REPO_ROOT / "playground" / "serve.py", REPO_ROOT) as url:
        fresh = launch()
        _, _, ms = open_page(fresh, url, min_charts=3)
        fresh.close()
        res.first_render_hosted_ms = ms
        progress(f"first render (new hosted server, playground/serve.py) {ms:.0f} ms")
    with streamlit_server(REPO_ROOT / "app.py", REPO_ROOT) as url:
        fresh = launch()
        context, page, ms = open_page(fresh, url, min_charts=3)
        fresh.close()
        res.first_render_cold_ms = ms
        progress(f"first render (cold server) {ms:.0f} ms")
        for _ in range(warm_loads):
            fresh = launch()
            context, page, ms = open_page(fresh, url, min_charts=3, parts=res.first_render_parts)
            fresh.close()
            res.first_render_warm_ms.append(ms)
            progress(f"first render (warm server, new browser) {ms:.0f} ms")

        context, page, _ = open_page(browser, url, min_charts=3)
        res.charts = page.evaluate("() => window.__benchCharts()")
        progress(f"{clicks} Step clicks")
        for k in range(clicks + 1):
            timing = click_and_time(page, "step")
            if k == 0:
                continue  # warm-up: first Step of a session
            if timing is None:
                res.step_failures += 1
            else:
                res.step_ms.append(timing["updated"])
                if timing["parts"]:
                    res.step_parts.append(timing["parts"])
                res.step_settled_ms.append(timing["settled"])
                res.step_epoch_ms.append(timing["epoch"])
        default_speed = page.locator(".st-key-speed input").input_value()
        context.close()
        for speed in (default_speed, "max"):  # each in a new session: the default network
            context, page, _ = open_page(browser, url, min_charts=3)
            res.plays.append(measure_play(page, speed, play_seconds))
            context.close()


def bench_baseline(browser, clicks: int, res: Results) -> None:
    with tempfile.TemporaryDirectory(prefix="bench_ui_") as tmp:
        script = Path(tmp) / "baseline_app.py"
        script.write_text(BASELINE_APP)
        with streamlit_server(script, Path(tmp)) as url:
            context, page, _ = open_page(browser, url, min_charts=1)
            progress(f"baseline: {clicks} clicks")
            for k in range(clicks + 1):
                timing = click_and_time(page, "step")
                if k == 0:
                    continue
                if timing is None:
                    res.base_failures += 1
                else:
                    res.base_ms.append(timing["updated"])
                    res.base_settled_ms.append(timing["settled"])
            context.close()


# --- report -----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def report(res: Results, load_after: tuple[float, float, float]) -> None:
    def load(avg: tuple[float, float, float]) -> str:
        return " / ".join(f"{x:.2f}" for x in avg)

    print()
    print(f"load average (1/5/15 min) before: {load(res.load_before)}; after: {load(load_after)}")
    print(f"charts on the page: {', '.join(res.charts)}")
    warm = res.first_render_warm_ms
    print(
        f"first render (navigation -> all charts drawn, a new browser each): the first visitor "
        f"of a new server {res.first_render_cold_ms:,.0f} ms"
        + (
            f"; later visitors, median {statistics.median(warm):,.0f} ms of {len(warm)}"
            if warm
            else ""
        )
        + f"; the first visitor of a new hosted server (playground/serve.py, which runs the page "
        f"once at start-up) {res.first_render_hosted_ms:,.0f} ms"
    )
    if res.first_render_parts:
        fr = {k: statistics.median(p[k] for p in res.first_render_parts if p.get(k) is not None)
               for k in ("html", "page", "messages", "plotly")}  # fmt: skip
        print(
            f"  its parts (medians, ms from navigation): HTML {fr['html']:,.0f}, Streamlit's "
            f"page up and its websocket open {fr['page']:,.0f}, the first run's last message "
            f"{fr['messages']:,.0f}, the charts' Plotly ready {fr['plotly']:,.0f}, then the charts "
            f"drawn (all by {statistics.median(warm):,.0f})"
        )
    med, p95 = statistics.median(res.step_ms or [float("nan")]), percentile(res.step_ms, 0.95)
    print(
        f"Step click -> all charts updated: median {med:.0f} ms, p95 {p95:.0f} ms, "
        f"min {min(res.step_ms, default=float('nan')):.0f}, max "
        f"{max(res.step_ms, default=float('nan')):.0f} ({len(res.step_ms)} clicks, "
        f"{res.step_failures} timed out); click -> Epoch shown: median "
        f"{statistics.median(res.step_epoch_ms or [float('nan')]):.0f} ms; click -> last "
        f"redraw (Plotly draws each new chart, then often once more): median "
        f"{statistics.median(res.step_settled_ms or [float('nan')]):.0f} ms"
    )
    if res.step_parts:
        sp = {k: statistics.median(p[k] for p in res.step_parts)
               for k in ("request", "first", "server", "drawing")}  # fmt: skip
        print(
            f"  a Step's parts (medians): click -> request sent {sp['request']:.0f} ms; -> the "
            f"server's first message {sp['first']:.0f} ms, its last before the charts "
            f"{sp['server']:.0f} ms (the fragment's rerun and its messages); then the page "
            f"draws the charts: {sp['drawing']:.0f} ms"
        )
    for p in res.plays:
        per_chart = ", ".join(f"{k} {v:.1f}" for k, v in p.fps.items())
        pause = (
            "Pause never took (4 clicks)"
            if p.pause_clicks < 0
            else f"{p.pause_clicks} click{'s' * (p.pause_clicks > 1)}"
        )
        print(
            f"Play at {p.speed!r} for {p.seconds:.1f} s: {p.epochs_per_s:,.0f} epochs/s shown; "
            f"chart frames/s: {per_chart} (mean {p.mean_fps:.1f}); after Pause the page "
            f"counted on for {p.pause_s:.2f} s (+{p.pause_epochs} epochs), {pause}"
        )
    base_med = statistics.median(res.base_ms or [float("nan")])
    print(
        f"baseline (bare Streamlit: button + 8x8 Plotly heatmap) click -> redraw: median "
        f"{base_med:.0f} ms, p95 {percentile(res.base_ms, 0.95):.0f} ms, last redraw median "
        f"{statistics.median(res.base_settled_ms or [float('nan')]):.0f} ms "
        f"({len(res.base_ms)} clicks, {res.base_failures} timed out); "
        f"Step / baseline = {med / base_med:.1f}x"
    )

    rows = [
        ("Step click -> all charts updated, median", f"< {TARGET_STEP_MS:.0f} ms",
         f"{med:.0f} ms", med < TARGET_STEP_MS),
        ("Step click -> all charts updated, 95th percentile", f"< {TARGET_STEP_P95_MS:.0f} ms",
         f"{p95:.0f} ms", p95 < TARGET_STEP_P95_MS),
    ]  # fmt: skip
    if warm:
        first = statistics.median(warm)
        rows.append(("First render, a new visitor (median)", f"< {TARGET_FIRST_RENDER_MS:,.0f} ms",
                     f"{first:,.0f} ms", first < TARGET_FIRST_RENDER_MS))  # fmt: skip
    cold = res.first_render_cold_ms
    rows.append(("First render, the first visitor of a new server",
                 f"< {TARGET_FIRST_RENDER_MS:,.0f} ms", f"{cold:,.0f} ms",
                 cold < TARGET_FIRST_RENDER_MS))  # fmt: skip
    hosted = res.first_render_hosted_ms
    rows.append(("First render, first visitor of a new hosted server",
                 f"< {TARGET_FIRST_RENDER_MS:,.0f} ms", f"{hosted:,.0f} ms",
                 hosted < TARGET_FIRST_RENDER_MS))  # fmt: skip
    for p in res.plays:
        boundary = p.fps.get("boundary", float("nan"))
        rows.append((f"Play {p.speed}: decision-boundary frames/s", f">= {TARGET_FPS:g}",
                     f"{boundary:.1f}", boundary >= TARGET_FPS))  # fmt: skip
        rows.append((f"Play {p.speed}: chart frames/s, mean over charts", f">= {TARGET_FPS:g}",
                     f"{p.mean_fps:.1f}", p.mean_fps >= TARGET_FPS))  # fmt: skip
    fastest = res.plays[-1] if res.plays else None
    if fastest is not None:
        rows.append((f"Play {fastest.speed}: epochs/s (default network)",
                     f">= {TARGET_EPS:,.0f}", f"{fastest.epochs_per_s:,.0f}",
                     fastest.epochs_per_s >= TARGET_EPS))  # fmt: skip
    rows.append(("baseline click -> redraw, median (floor)", "-", f"{base_med:.0f} ms", None))
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure':<{width}}  {'target':>10}  {'measured':>10}  ok")
    print(f"{'-' * width}  {'-' * 10}  {'-' * 10}  --")
    for name, target, got, ok in rows:
        mark = "" if ok is None else ("yes" if ok else "NO")
        print(f"{name:<{width}}  {target:>10}  {got:>10}  {mark}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 clicks, 4 s of Play per speed")
    parser.add_argument("--clicks", type=int, help="Step clicks to time (default 30)")
    parser.add_argument("--seconds", type=float, help="seconds of Play per speed (default 10)")
    args = parser.parse_args(argv)
    clicks = args.clicks or (10 if args.quick else 30)
    seconds = args.seconds or (4.0 if args.quick else 10.0)
    warm_loads = 1 if args.quick else 3

    executable = shutil.which("chromium")
    if executable is None:
        sys.exit("Debian's chromium is not on PATH (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sys.exit("playwright is missing: pip install -r requirements-dev.txt")
    import streamlit

    print(
        f"bench_ui: {clicks} Step clicks, {seconds:g} s of Play per speed, viewport "
        f"{VIEWPORT['width']}x{VIEWPORT['height']}; {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, Streamlit {streamlit.__version__}, {executable}"
    )
    res = Results(load_before=os.getloadavg())
    with sync_playwright() as playwright:

        def launch():
            return playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_ARGS, headless=True
            )

        browser = launch()
        try:
            bench_app(browser, launch, clicks, seconds, warm_loads, res)
            bench_baseline(browser, clicks, res)
        finally:
            browser.close()
    report(res, os.getloadavg())


if __name__ == "__main__":
    main()
