"""Many visitors at once: how the server and the pages hold up when N sessions all press Play.

Run ``python -m playground.bench_load --sessions 10 30 --seconds 60`` (``--quick`` for a short
run). For each N it starts ``app.py`` with ``streamlit run`` on a free port on 127.0.0.1 (a
fresh server per N, with ``OPENBLAS_NUM_THREADS=1``, ``OMP_NUM_THREADS=1`` and
``MKL_NUM_THREADS=1``: one BLAS thread per process, as ``scripts/run`` does), opens N sessions in
ONE headless Chromium (Debian's ``chromium`` via Playwright; a browser context per session, so a
Streamlit session each), has every session press Play at the default speed, lets them run for
``--seconds``, and reports:

* errors: exception boxes on the pages, uncaught page errors, console errors, failed page loads
  and failed requests, and tracebacks in the server's log;
* frame latency: the interval between successive changes of the Epoch metric a page shows
  while playing (each frame of the live fragment trains and redraws), median and 95th
  percentile over all sessions; and epochs per second per session (Epoch metric deltas over
  the Play phase, as the learner sees them);
* Pause latency: from a click on Pause to the button showing "Play" again;
* Step latency: after the Play phase, from a click on Step to the Epoch metric changing,
  ``--step-clicks`` times in each session (median and 95th percentile), with the others open;
* server memory: RSS of the server process (``VmRSS`` of ``/proc/<pid>/status``, sampled every
  0.5 s; ``VmHWM`` is the kernel's own peak); the baseline after one warm-up visit; RSS with
  N sessions open, and per session ((open - baseline) / N); the peak; RSS some seconds after
  every context is closed; and the server's own count of active sessions
  (``/_stcore/metrics``).

Closing a tab does not free a session at once: Streamlit keeps a disconnected session (its
``st.session_state``, so its Trainer) for ``server.disconnectedSessionTTL`` seconds (30 in the
app's .streamlit/config.toml; Streamlit's default is 120) so that a reconnecting tab gets it
back, and Python's allocator may keep freed memory in the process anyway. ``--session-ttl S``
starts the server with that TTL and, after closing, waits past it, opens and closes one probe
session (which makes Streamlit evict expired sessions) and samples RSS again; the probe also
checks that a new session starts at epoch 0.

Bounded and local: at most 30 sessions, the Play phase lasts ``--seconds``, every other phase
has a time limit, and the only traffic is to the server on 127.0.0.1. Chromium is started with
background-timer throttling off, so that every session's page behaves like a visitor's
foreground tab. The machine's load average is printed before and after: Chromium, the server and
anything else running share the machine's cores.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
MAX_SESSIONS = 30
MAX_SECONDS = 600.0
SAMPLE_SECONDS = 0.5  # RSS sampling period
OPEN_TIMEOUT_MS = 90_000  # one page's first load (the app idle, the charts drawn)
PAUSE_BUDGET_S = 60.0  # all sessions together, for the button to show "Play" after Pause
STEP_TIMEOUT_MS = 20_000  # one Step click, to the Epoch metric changing
STEP_BUDGET_S = 90.0  # all Step clicks together
BLAS_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # N visitors each looking at their own tab: no throttling of background pages' timers.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
VIEWPORT = {"width": 1280, "height": 900}
APP_IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
PLAY = ".st-key-play button"
PAUSE = ".st-key-pause button"  # the same place while playing
STEP = ".st-key-step button"

# Installed before the page's own scripts: logs [performance.now(), epoch] at every change of
# the Epoch metric, and offers window.__readEpoch().
_EPOCH_LOG_JS = """
(() => {
  window.__epochLog = [];
  let value = null, last = null;
  const find = () => {
    if (value !== null && value.isConnected && value.offsetParent !== null) return value;
    value = null;
    // while playing, the player's metrics; paused, Streamlit's
    for (const v of document.querySelectorAll(
        '.live-metric[data-metric="Epoch"] .live-metric-value')) {
      if (v.offsetParent !== null) return (value = v);
    }
    for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
      const label = m.querySelector('[data-testid="stMetricLabel"]');
      if (label && label.textContent.trim() === "Epoch") {
        value = m.querySelector('[data-testid="stMetricValue"]');
        break;
      }
    }
    return value;
  };
  window.__readEpoch = () => {
    const v = find();
    return v === null ? null : parseInt(v.textContent.replace(/[^0-9]/g, ""), 10);
  };
  const observer = new MutationObserver(() => {
    const e = window.__readEpoch();
    if (e !== null && e !== last) {
      last = e;
      window.__epochLog.push([performance.now(), e]);
    }
  });
  const start = () => observer.observe(document.body,
    {subtree: true, childList: true, characterData: true});
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
"""
_DRAWN_JS = """
() => document.querySelector('[data-testid="stSkeleton"]') === null
  && window.__readEpoch() !== null
  && [...document.querySelectorAll('[data-testid="stPlotlyChart"], [class*="st-key-live_"]')].every(
       (chart) => chart.offsetParent === null || chart.querySelector(".main-svg") !== null)
"""
_CLICK_JS = """
(selector) => {
  const button = document.querySelector(selector);
  if (button === null) return null;
  const t = performance.now();
  button.click();
  return t;
}
"""
_STEP_JS = """
async ([selector, timeoutMs]) => {
  const button = document.querySelector(selector);
  if (button === null) return {ms: null, error: "no Step button"};
  const before = window.__readEpoch();
  const t0 = performance.now();
  button.click();
  return await new Promise((resolve) => {
    let observer = null;
    const timer = setTimeout(() => {
      if (observer) observer.disconnect();
      resolve({ms: null, error: `Epoch stayed at ${before}`});
    }, timeoutMs);
    const check = () => {
      if (window.__readEpoch() !== before) {
        clearTimeout(timer);
        if (observer) observer.disconnect();
        resolve({ms: performance.now() - t0, error: null});
        return true;
      }
      return false;
    };
    if (!check()) {
      observer = new MutationObserver(check);
      observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    }
  });
}
"""


# --- small helpers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_bytes(pid: int, field_name: str = "VmRSS") -> int | None:
    """``VmRSS`` (or another ``Vm*`` field) of a process, from ``/proc/<pid>/status``."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(rf"^{field_name}:\s+(\d+)\s+kB", text, re.MULTILINE)
    return int(match[1]) * 1024 if match else None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process, from ``/proc/<pid>/stat``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def mib(n: float | None) -> str:
    return "n/a" if n is None else f"{n / 2**20:.1f} MiB"


def quantile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (nearest rank), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class RssSampler(threading.Thread):
    """Samples a process's RSS every ``SAMPLE_SECONDS`` until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.samples: list[tuple[float, int]] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            value = rss_bytes(self.pid)
            if value is not None:
                self.samples.append((time.monotonic(), value))
            self._stop_event.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)

    def now(self, settle: float = 1.0) -> int | None:
        """A fresh reading: the median of the samples of the last ``settle`` seconds."""
        time.sleep(settle)
        cutoff = time.monotonic() - settle
        recent = [v for t, v in self.samples if t >= cutoff] or [rss_bytes(self.pid) or 0]
        return int(statistics.median(recent))

    def peak(self, since: float = 0.0) -> int | None:
        values = [v for t, v in self.samples if t >= since]
        return max(values) if values else None


@dataclass
class Server:
    url: str
    pid: int
    log_path: Path

    def metrics(self) -> dict[str, float]:
        """The server's session counters from ``/_stcore/metrics`` (empty if unavailable)."""
        try:
            with urllib.request.urlopen(
                f"{self.url}/_stcore/metrics?families=active_sessions&families=session_events",
                timeout=10,
            ) as response:
                text = response.read().decode()
        except (urllib.error.URLError, OSError):
            return {}
        out = {}
        for line in text.splitlines():
            match = re.match(r'^(\w+)(?:\{type="(\w+)"\})?\s+([0-9.]+)$', line)
            if match:
                name = match[1] + (f"_{match[2]}" if match[2] else "")
                out[name] = float(match[3])
        return out

    def log_tracebacks(self) -> int:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return text.count("Traceback (most recent call last)")


@contextlib.contextmanager
def app_server(workdir: Path, session_ttl: int | None) -> Iterator[Server]:
    """``streamlit run app.py`` on a free loopback port, one BLAS thread; stopped on exit."""
    port = free_port()
    log_path = workdir / f"server-{port}.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--server.address", "127.0.0.1",
        "--server.port", str(port),
    ]  # fmt: skip
    if session_ttl is not None:
        cmd += ["--server.disconnectedSessionTTL", str(session_ttl)]
    env = dict(os.environ, **BLAS_ENV)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the server exited ({proc.returncode}); see {log_path}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the server did not answer in 60 s; see {log_path}"
                    ) from None
                time.sleep(0.2)
        yield Server(url, proc.pid, log_path)
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


# --- sessions -------------------------------------------------------------------------------


@dataclass
class Session:
    context: object
    page: object
    page_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    ws_closes: int = 0  # websocket closes while the page was open (Streamlit reconnects)
    ws_bytes: int = 0  # bytes received over the websocket
    t_play: float | None = None  # performance.now() of the Play click, in the page


def open_session(browser, url: str) -> Session:
    """A new context and page with the app loaded and drawn (raises on a failed load)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    session = Session(context, page)
    page.on("pageerror", lambda error: session.page_errors.append(str(error)[:200]))
    page.on(
        "console",
        lambda msg: session.console_errors.append(msg.text[:200]) if msg.type == "error" else None,
    )
    page.on(
        "requestfailed",
        lambda request: session.failed_requests.append(
            f"{request.url[:80]} {request.failure or ''}"[:200]
        ),
    )

    def on_websocket(ws) -> None:
        def on_frame(payload) -> None:
            session.ws_bytes += len(payload)

        ws.on("framereceived", on_frame)
        ws.on("close", lambda _ws: setattr(session, "ws_closes", session.ws_closes + 1))

    page.on("websocket", on_websocket)
    page.add_init_script(_EPOCH_LOG_JS)
    try:
        page.goto(url, timeout=OPEN_TIMEOUT_MS)
        page.wait_for_selector(APP_IDLE, timeout=OPEN_TIMEOUT_MS)
        page.wait_for_function(_DRAWN_JS, timeout=OPEN_TIMEOUT_MS)
    except Exception:
        context.close()
        raise
    return session


def exception_boxes(sessions: list[Session]) -> int:
    total = 0
    for s in sessions:
        with contextlib.suppress(Exception):
            total += s.page.locator(EXCEPTION).count()
    return total


def wait_all(sessions: list[Session], predicate_js: str, budget_s: float) -> list[float | None]:
    """Seconds until ``predicate_js`` held in each session (polled in turn), None past budget."""
    start = time.monotonic()
    done: list[float | None] = [None] * len(sessions)
    while time.monotonic() - start < budget_s and any(d is None for d in done):
        for i, s in enumerate(sessions):
            if done[i] is None:
                with contextlib.suppress(Exception):
                    if s.page.evaluate(predicate_js):
                        done[i] = time.monotonic() - start
        time.sleep(0.2)
    return done


@dataclass
class Result:
    n: int
    opened: int = 0
    failed_loads: int = 0
    open_seconds: float = 0.0
    baseline_rss: int | None = None
    open_rss: int | None = None
    peak_rss: int | None = None
    hwm_rss: int | None = None
    closed_rss: int | None = None
    after_ttl_rss: int | None = None
    server_cpu_share: float | None = None  # of one core, during Play
    active_open: float | None = None
    active_closed: float | None = None
    disconnects: float | None = None
    frame_ms: list[float] = field(default_factory=list)
    epochs_per_s: list[float] = field(default_factory=list)
    pause_s: list[float | None] = field(default_factory=list)
    step_ms: list[float] = field(default_factory=list)
    step_failures: int = 0
    step_not_idle: int = 0
    ws_closes: int = 0
    ws_mb_per_s: list[float] = field(default_factory=list)
    exception_boxes: int = 0
    page_errors: int = 0
    console_errors: int = 0
    failed_requests: int = 0
    server_tracebacks: int = 0
    fresh_epoch: int | None = None
    visible_pages: int = 0
    load_before: str = ""
    load_after: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def per_session_rss(self) -> float | None:
        if self.open_rss is None or self.baseline_rss is None or not self.opened:
            return None
        return (self.open_rss - self.baseline_rss) / self.opened


def run_one(playwright, n: int, seconds: float, step_clicks: int, after_close: float,
            session_ttl: int | None, workdir: Path) -> Result:  # fmt: skip
    result = Result(n=n, load_before=loadavg())
    browser = playwright.chromium.launch(
        executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS, headless=True
    )
    sessions: list[Session] = []
    try:
        with app_server(workdir, session_ttl) as server:
            sampler = RssSampler(server.pid)
            sampler.start()
            try:
                _phases(browser, server, sampler, sessions, result, seconds, step_clicks,
                        after_close, session_ttl)  # fmt: skip
            finally:
                for s in sessions:
                    with contextlib.suppress(Exception):
                        s.context.close()
                sampler.stop()
                result.peak_rss = sampler.peak()
                result.server_tracebacks = server.log_tracebacks()
    finally:
        browser.close()
    result.load_after = loadavg()
    return result


def _phases(browser, server: Server, sampler: RssSampler, sessions: list[Session],
            result: Result, seconds: float, step_clicks: int, after_close: float,
            session_ttl: int | None) -> None:  # fmt: skip
    n = result.n
    say = print

    # Warm-up: the first visit imports Plotly & co. in the server; not part of any session.
    warm = open_session(browser, f"{server.url}/")
    warm.context.close()
    result.baseline_rss = sampler.now(settle=2.0)
    say(f"  baseline RSS after one warm-up visit: {mib(result.baseline_rss)}")

    # Open N sessions, one after the other.
    t0 = time.monotonic()
    for i in range(n):
        try:
            sessions.append(open_session(browser, f"{server.url}/"))
        except Exception as err:  # a failed load is a result, not the end of the run
            result.failed_loads += 1
            result.notes.append(f"session {i + 1} failed to load: {str(err).splitlines()[0]}")
    result.opened = len(sessions)
    result.open_seconds = time.monotonic() - t0
    result.open_rss = sampler.now(settle=2.0)
    result.active_open = server.metrics().get("active_sessions")
    say(
        f"  opened {result.opened}/{n} sessions in {result.open_seconds:.1f} s; RSS "
        f"{mib(result.open_rss)}, {mib(result.per_session_rss)} per session; server counts "
        f"{result.active_open} active"
    )
    if not sessions:
        return

    # Play: every session presses Play (default speed), as close together as the browser allows.
    play_start = time.monotonic()
    bytes0 = [s.ws_bytes for s in sessions]
    cpu0 = cpu_seconds(server.pid)
    for s in sessions:
        with contextlib.suppress(Exception):
            s.t_play = s.page.evaluate(_CLICK_JS, PLAY)
    say(f"  all pressed Play within {time.monotonic() - play_start:.1f} s; playing {seconds:g} s")
    # Wait through Playwright (not time.sleep), so that its event loop keeps counting the
    # websocket frames every page receives meanwhile.
    sessions[0].page.wait_for_timeout(max(0.0, seconds - (time.monotonic() - play_start)) * 1000)
    cpu1 = cpu_seconds(server.pid)
    elapsed = time.monotonic() - play_start
    if cpu0 is not None and cpu1 is not None:
        result.server_cpu_share = (cpu1 - cpu0) / elapsed
    result.ws_mb_per_s = [
        (s.ws_bytes - b) / 2**20 / elapsed for s, b in zip(sessions, bytes0, strict=True)
    ]

    # What each page showed while playing.
    for s in sessions:
        try:
            log, now, visible = s.page.evaluate(
                "() => [window.__epochLog, performance.now(), document.visibilityState]"
            )
        except Exception as err:
            result.notes.append(f"could not read a page's epoch log: {str(err)[:80]}")
            continue
        result.visible_pages += visible == "visible"
        if s.t_play is None:
            continue
        played = [(t, e) for t, e in log if s.t_play <= t <= now]
        before = [e for t, e in log if t < s.t_play]
        start_epoch = before[-1] if before else 0
        end_epoch = played[-1][1] if played else start_epoch
        result.epochs_per_s.append((end_epoch - start_epoch) / ((now - s.t_play) / 1000))
        times = [t for t, _ in played]
        result.frame_ms += [b - a for a, b in zip(times, times[1:], strict=False)]
    result.exception_boxes = exception_boxes(sessions)

    # Pause every session; time until its button says "Play" again.
    for s in sessions:
        with contextlib.suppress(Exception):
            s.page.evaluate(_CLICK_JS, PAUSE)
    paused = wait_all(
        sessions,
        f"() => {{ const b = document.querySelector('{PLAY}');"
        " return b !== null && b.textContent.includes('Play'); }",
        PAUSE_BUDGET_S,
    )
    result.pause_s = paused
    wait_all(sessions, f"() => document.querySelector('{APP_IDLE}') !== null", 30.0)

    # Step latency, round-robin over the sessions, with every session still open.
    step_start = time.monotonic()
    for _ in range(step_clicks):
        for s in sessions:
            if time.monotonic() - step_start > STEP_BUDGET_S:
                break
            try:
                s.page.wait_for_selector(APP_IDLE, timeout=10_000)
            except Exception:
                result.step_not_idle += 1  # still busy with Play's backlog: not measured
                continue
            try:
                out = s.page.evaluate(_STEP_JS, [STEP, STEP_TIMEOUT_MS])
            except Exception as err:
                out = {"ms": None, "error": str(err).splitlines()[0][:80]}
            if out["ms"] is None:
                result.step_failures += 1
                result.notes.append(f"Step: {out['error']}")
            else:
                result.step_ms.append(out["ms"])
    result.exception_boxes = max(result.exception_boxes, exception_boxes(sessions))
    for s in sessions:
        result.page_errors += len(s.page_errors)
        result.console_errors += len(s.console_errors)
        result.failed_requests += len(s.failed_requests)
        result.ws_closes += s.ws_closes
        result.notes += [f"page error: {e}" for e in s.page_errors[:3]]
        result.notes += [f"console error: {e}" for e in s.console_errors[:3]]
        result.notes += [f"failed request: {e}" for e in s.failed_requests[:3]]

    # Close every context: the websockets close; see what the server keeps.
    for s in sessions:
        with contextlib.suppress(Exception):
            s.context.close()
    sessions.clear()
    time.sleep(after_close)
    result.closed_rss = sampler.now(settle=1.0)
    metrics = server.metrics()
    result.active_closed = metrics.get("active_sessions")
    result.disconnects = metrics.get("session_events_total_disconnect")
    result.hwm_rss = rss_bytes(server.pid, "VmHWM")
    say(
        f"  closed all; after {after_close:g} s RSS {mib(result.closed_rss)}, server counts "
        f"{result.active_closed} active, {result.disconnects} disconnects"
    )

    # With a short session TTL: wait past it, then a probe visit makes Streamlit evict the
    # expired sessions; and a new session must start from scratch.
    if session_ttl is not None:
        time.sleep(max(0.0, session_ttl + 2 - after_close))
    probe = open_session(browser, f"{server.url}/")
    result.fresh_epoch = probe.page.evaluate("() => window.__readEpoch()")
    probe.context.close()
    if session_ttl is not None:
        result.after_ttl_rss = sampler.now(settle=3.0)
        say(f"  after the {session_ttl} s TTL and a probe visit: RSS {mib(result.after_ttl_rss)}")


# --- report ---------------------------------------------------------------------------------


def report(r: Result, seconds: float, ttl: int | None) -> str:
    eps = r.epochs_per_s
    paused = [p for p in r.pause_s if p is not None]
    lines = [
        f"N = {r.n} sessions (Play at the default speed for {seconds:g} s)",
        f"  load average before / after: {r.load_before} / {r.load_after}",
        f"  opened: {r.opened} of {r.n} in {r.open_seconds:.1f} s; failed loads: "
        f"{r.failed_loads}; pages visible: {r.visible_pages}",
        f"  errors: exception boxes {r.exception_boxes}, page errors {r.page_errors}, console "
        f"errors {r.console_errors}, failed requests {r.failed_requests}, server tracebacks "
        f"{r.server_tracebacks}, Step clicks without effect {r.step_failures}, websocket "
        f"drops (before closing the contexts) {r.ws_closes}",
        f"  frame latency (Epoch metric change to change, while playing): median "
        f"{ms(quantile(r.frame_ms, 0.5))}, p95 {ms(quantile(r.frame_ms, 0.95))} "
        f"({len(r.frame_ms)} frames)",
        "  epochs/s per session (shown by the page): "
        + (
            f"median {statistics.median(eps):.1f}, min {min(eps):.1f}, max {max(eps):.1f}, "
            f"total {sum(eps):.0f}"
            if eps
            else "n/a"
        ),
        f"  Pause: button back to 'Play' in median {quantile(paused, 0.5) or 0:.1f} s, max "
        f"{max(paused) if paused else 0:.1f} s; {len(r.pause_s) - len(paused)} not within "
        f"{PAUSE_BUDGET_S:g} s",
        f"  Step latency (click to Epoch change, after Play, all sessions open): median "
        f"{ms(quantile(r.step_ms, 0.5))}, p95 {ms(quantile(r.step_ms, 0.95))} "
        f"({len(r.step_ms)} clicks; {r.step_not_idle} skipped: page still busy after 10 s)",
        "  websocket data received per session while playing: "
        + (f"median {statistics.median(r.ws_mb_per_s):.2f} MiB/s" if r.ws_mb_per_s else "n/a"),
        "  server CPU during Play: "
        + ("n/a" if r.server_cpu_share is None else f"{r.server_cpu_share:.0%} of one core"),
        f"  server RSS: baseline {mib(r.baseline_rss)}; {r.opened} open {mib(r.open_rss)} "
        f"({mib(r.per_session_rss)} per session); peak sampled {mib(r.peak_rss)}, VmHWM "
        f"{mib(r.hwm_rss)}",
        f"  after closing all contexts: RSS {mib(r.closed_rss)} (peak - closed = "
        f"{mib((r.peak_rss or 0) - (r.closed_rss or 0))}); server's active sessions "
        f"{r.active_open} open -> {r.active_closed} closed; disconnects {r.disconnects}",
    ]
    if ttl is not None:
        lines.append(
            f"  after the {ttl} s disconnected-session TTL and a probe visit: RSS "
            f"{mib(r.after_ttl_rss)} (peak - that = "
            f"{mib((r.peak_rss or 0) - (r.after_ttl_rss or 0))})"
        )
    lines.append(f"  a fresh session after closing starts at epoch {r.fresh_epoch}")
    for note in dict.fromkeys(r.notes):  # unique, in order
        lines.append(f"  note: {note}")
    return "\n".join(lines)


class OutOfTime(Exception):
    """One N took longer than its overall limit."""


def _out_of_time(signum, frame) -> None:
    raise OutOfTime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m playground.bench_load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sessions", type=int, nargs="+", default=[10, 30], metavar="N")
    parser.add_argument("--seconds", type=float, default=60.0, help="Play phase per N")
    parser.add_argument("--step-clicks", type=int, default=3, help="Step clicks per session")
    parser.add_argument("--after-close", type=float, default=10.0, help="wait before RSS")
    parser.add_argument(
        "--session-ttl",
        type=int,
        default=None,
        help="server.disconnectedSessionTTL for the server (default: the app's config, 30 s); "
        "with it, RSS is sampled again after the TTL",
    )
    parser.add_argument("--quick", action="store_true", help="2 and 4 sessions, 8 s")
    args = parser.parse_args(argv)
    if args.quick:
        args.sessions, args.seconds, args.step_clicks, args.after_close = [2, 4], 8.0, 2, 5.0
    if any(not 1 <= n <= MAX_SESSIONS for n in args.sessions):
        parser.error(f"--sessions: each N from 1 to {MAX_SESSIONS}")
    if not 1 <= args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds: from 1 to {MAX_SECONDS:g}")
    if args.session_ttl is not None and not 1 <= args.session_ttl <= 120:
        parser.error("--session-ttl: from 1 to 120")
    if shutil.which("chromium") is None:
        print("Debian's chromium is not on PATH: apt-get install -y chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    print(
        f"bench_load: {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {loadavg()}; server env "
        + " ".join(f"{k}={v}" for k, v in BLAS_ENV.items())
        + "; disconnectedSessionTTL "
        + ("from .streamlit/config.toml" if args.session_ttl is None else f"{args.session_ttl} s")
    )
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_load-") as tmp, sync_playwright() as pw:
        for n in args.sessions:
            print(f"\n--- {n} sessions ---", flush=True)
            limit = int(args.seconds + args.after_close + (args.session_ttl or 0) + 240 + 15 * n)
            signal.signal(signal.SIGALRM, _out_of_time)
            signal.alarm(limit)  # every phase has its own limit; this bounds the whole run
            try:
                r = run_one(pw, n, args.seconds, args.step_clicks, args.after_close,
                            args.session_ttl, Path(tmp))  # fmt: skip
            except OutOfTime:
                print(f"  N={n} did not finish within {limit} s: stopped here", flush=True)
                break
            finally:
                signal.alarm(0)
            results.append(r)
            print(report(r, args.seconds, args.session_ttl), flush=True)
    print("\nSummary")
    head = (
        f"{'N':>3} {'errors':>6} {'frame p50/p95 ms':>17} {'epochs/s/session':>16} "
        f"{'step p50/p95 ms':>16} {'peak RSS':>10} {'MiB/session':>11} {'closed RSS':>10}"
    )
    print(head)
    for r in results:
        errors = (
            r.exception_boxes + r.page_errors + r.failed_loads + r.server_tracebacks
            + r.step_failures + r.ws_closes
        )  # fmt: skip
        frame = f"{quantile(r.frame_ms, 0.5) or 0:.0f}/{quantile(r.frame_ms, 0.95) or 0:.0f}"
        step = f"{quantile(r.step_ms, 0.5) or 0:.0f}/{quantile(r.step_ms, 0.95) or 0:.0f}"
        eps = f"{statistics.median(r.epochs_per_s):.1f}" if r.epochs_per_s else "n/a"
        per = "n/a" if r.per_session_rss is None else f"{r.per_session_rss / 2**20:.1f}"
        print(
            f"{r.n:>3} {errors:>6} {frame:>17} {eps:>16} {step:>16} "
            f"{mib(r.peak_rss):>10} {per:>11} {mib(r.closed_rss):>10}"
        )
    print(f"load average at the end: {loadavg()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
