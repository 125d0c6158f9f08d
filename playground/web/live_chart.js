// A Plotly chart that stays on the page and redraws in place.
//
// st.plotly_chart mounts a new chart for every new figure: on each rerun Plotly draws the
// figure into the old chart, then the old chart is removed and the figure drawn again, from
// scratch, into a new one. For the charts that change on every Step and every frame of Play
// that is most of the browser's work. The app sends those figures here instead ({spec: the
// figure's JSON, config, select}), and this keeps one graph div per chart and hands every new
// figure to Plotly.react, which updates the drawing in place. Plotly comes from the page
// (window.Plotly, loaded by Streamlit's own charts: the page always shows one beside these).
//
// With data.select, a click on a training point (a trace named "train class ...") is reported
// as the state value "selection", {points: [{x, y}], at}, as st.plotly_chart reports a
// selection; a double click clears it. With data.add (drawing points), any click on the plot
// is reported instead as the trigger "added", {x, y}: where it was clicked, in data units.
const WAIT_MS = 50;
const GIVE_UP_MS = 20000;

function graphDiv(host) {
  let gd = host.querySelector(":scope > .live-chart");
  if (gd === null) {
    gd = document.createElement("div");
    gd.className = "live-chart";
    host.appendChild(gd);
  }
  return gd;
}

function listen(gd) {
  // Once per graph div; the handlers read the latest render's callback from gd.
  if (gd.dataset.listening === "1") return;
  gd.dataset.listening = "1";
  gd.on("plotly_click", (event) => {
    const point = event && event.points && event.points[0];
    if (gd.reportAdded) {
      // Drawing: a point exactly where the plane was clicked (on the shading or on a point),
      // from the mouse position through the axes' pixel-to-data conversion.
      const xa = gd._fullLayout.xaxis;
      const ya = gd._fullLayout.yaxis;
      const box = gd.getBoundingClientRect();
      const mouse = event && event.event;
      if (mouse && xa && ya) {
        const x = xa.p2d(mouse.clientX - box.left - xa._offset);
        const y = ya.p2d(mouse.clientY - box.top - ya._offset);
        if (Number.isFinite(x) && Number.isFinite(y)) gd.reportAdded({ x, y });
      }
      return;
    }
    if (!gd.reportSelection || !point || !String(point.data.name).startsWith("train class")) {
      return;
    }
    // (the time makes every click a change, even on the point picked before)
    gd.reportSelection({ points: [{ x: point.x, y: point.y }], at: Date.now() });
  });
  gd.on("plotly_doubleclick", () => {
    if (gd.reportSelection) gd.reportSelection({ points: [], at: Date.now() });
  });
}

function draw(host, data, setStateValue, setTriggerValue) {
  const gd = graphDiv(host);
  gd.reportSelection = data.select ? (value) => setStateValue("selection", value) : null;
  gd.reportAdded = data.add ? (value) => setTriggerValue("added", value) : null;
  if (gd.drawnSpec === data.spec) return Promise.resolve(); // a rerun that left it unchanged
  gd.drawnSpec = data.spec;
  const figure = JSON.parse(data.spec);
  return window.Plotly.react(gd, figure.data, figure.layout, data.config).then(() => listen(gd));
}

export default function ({ data, parentElement, setStateValue, setTriggerValue }) {
  let cancelled = false;
  const started = performance.now();
  const attempt = () => {
    if (cancelled) return;
    if (window.Plotly !== undefined) {
      draw(parentElement, data, setStateValue, setTriggerValue);
    } else if (performance.now() - started < GIVE_UP_MS) {
      setTimeout(attempt, WAIT_MS);
    }
  };
  attempt();
  return () => {
    cancelled = true;
  };
}
