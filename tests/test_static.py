"""What the server is told in .streamlit/config.toml, and the files the page serves from static/
(``server.enableStaticServing``): the live charts' Plotly, plotly.js's cartesian bundle (see
playground/web/live_chart.js)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import plotly

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "static" / "plotly-cartesian.min.js"


def plotly_js_version() -> str:
    """The plotly.js that the installed plotly (Python) builds its figures for."""
    bundled = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    with bundled.open(encoding="utf-8") as f:
        head = f.read(500)
    return re.search(r"plotly\.js v(\d+\.\d+\.\d+)", head).group(1)


def test_the_charts_plotly_is_the_cartesian_bundle_of_the_figures_plotly_js():
    # A figure's JSON is written by plotly (Python) for the plotly.js it bundles: the charts
    # draw it with the same version (after an upgrade of plotly: fetch the same version of
    # npm's plotly.js-cartesian-dist-min into static/).
    head = BUNDLE.read_text(encoding="utf-8")[:300]
    match = re.search(r"plotly\.js \(cartesian - minified\) v(\d+\.\d+\.\d+)", head)
    assert match, head
    assert match.group(1) == plotly_js_version()
    assert "MIT" in head and (ROOT / "static" / "LICENSE-plotly.js.txt").is_file()


def test_a_rerun_never_runs_beside_the_run_before_it():
    # (fast reruns would start a full rerun in a second thread while the first may still be
    # stepping the session's trainer)
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["runner"]["fastReruns"] is False


def test_the_live_charts_ask_for_the_bundle_that_streamlit_serves():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True
    js = (ROOT / "playground" / "web" / "live_chart.js").read_text(encoding="utf-8")
    assert f'const BUNDLE = "app/static/{BUNDLE.name}";' in js
