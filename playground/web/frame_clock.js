// The clock of Play: asks the server for the next frame once the browser has drawn this one.
//
// Streamlit calls this function each time the live fragment draws the clock with new data
// ({frame, min_ms}), i.e. once per frame, after the frame's charts and metrics (the clock is
// the fragment's last element). Two animation frames later the page has painted them; then,
// at least min_ms after the previous request, the clock fires its "drawn" trigger, which
// reruns the fragment: the server trains and sends the next frame. So exactly one frame is in
// flight: a slow browser gets fewer frames instead of a growing backlog, and Pause takes
// effect with the next frame.
let lastRequest = 0;

export default function ({ data, setTriggerValue }) {
  let cancelled = false;
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const wait = Math.max(0, lastRequest + data.min_ms - performance.now());
      setTimeout(() => {
        if (!cancelled) {
          lastRequest = performance.now();
          setTriggerValue("drawn", data.frame);
        }
      }, wait);
    }),
  );
  return () => {
    cancelled = true;
  };
}
