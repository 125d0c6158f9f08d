// A Plotly chart that stays on the page while Play runs and redraws in place.
//
// st.plotly_chart mounts a new chart for every new figure (Plotly.newPlot, then a second draw
// to fit the width); at several frames a second that is most of the browser's work. While
// playing, the app sends each live figure here instead ({spec: the figure's JSON, config}),
// and this keeps one graph div per chart and hands every new figure to Plotly.react, which
// updates the drawing in place. Plotly comes from the page (window.Plotly, loaded by
// Streamlit's own charts, which the page shows before anyone can press Play).
const WAIT_MS = 50;
const GIVE_UP_MS = 20000;

function draw(host, data) {
  let gd = host.querySelector(":scope > .live-chart");
  if (gd === null) {
    gd = document.createElement("div");
    gd.className = "live-chart";
    host.appendChild(gd);
  }
  const figure = JSON.parse(data.spec);
  return window.Plotly.react(gd, figure.data, figure.layout, data.config);
}

export default function ({ data, parentElement }) {
  let cancelled = false;
  const started = performance.now();
  const attempt = () => {
    if (cancelled) return;
    if (window.Plotly !== undefined) {
      draw(parentElement, data);
    } else if (performance.now() - started < GIVE_UP_MS) {
      setTimeout(attempt, WAIT_MS);
    }
  };
  attempt();
  return () => {
    cancelled = true;
  };
}
