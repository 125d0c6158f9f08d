"""The hosted server: ``streamlit run playground/serve.py`` serves ``app.py`` as
``streamlit run app.py`` does, after one run of the page at start-up (see ``warm``)."""

from __future__ import annotations

import contextlib
import time

import streamlit as st
from streamlit import runtime
from streamlit.logger import get_logger

_LOG = get_logger(__name__)  # Streamlit's handler and level (logger.level, "info")


@contextlib.asynccontextmanager
async def warm(app: st.App):
    """Run the page once before the server takes its first request (Starlette starts serving
    after the lifespan's start): the imports (NumPy, pandas, Plotly, the playground) and the
    first run's one-time work then happen here, not in the first visitor's wait."""
    t0 = time.perf_counter()
    ok, message = await runtime.get_instance().does_script_run_without_error()
    took = time.perf_counter() - t0
    if ok:
        _LOG.info("serve: the page ran once at start-up in %.2f s", took)
    else:
        _LOG.error("serve: the start-up run of the page failed: %s", message)
    yield


app = st.App("../app.py", lifespan=warm)
