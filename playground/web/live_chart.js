// Charts that stay on the page and redraw in place, and Play's player and clock.
//
// st.plotly_chart mounts a new chart for every new figure: on each rerun Plotly draws the
// figure into the old chart, then the old chart is removed and the figure drawn again, from
// scratch, into a new one. For the charts that change on every Step and every frame of Play
// that is most of the browser's work. The app sends those figures here instead ({spec: the
// figure's JSON, config, select}), and this keeps one graph div per chart and hands every new
// figure to Plotly.react, which updates the drawing in place. The charts draw with a Plotly of
// their own (see plotly() below).
//
// With data.select, a click on a training point (a trace named "train class ...") is reported
// as the state value "selection", {points: [{x, y}], at}, as st.plotly_chart reports a
// selection (data.select "units": a click on any point with customdata, {points:
// [{customdata}], at}: the network's units and edges); a double click clears it. With
// data.add (drawing points), any click on the plot
// is reported instead as the trigger "added", {x, y}: where it was clicked, in data units.
//
// Play: each rerun of the page's live part trains for the time since the last one and sends
// that stretch as a reel, {id, frame_ms, epochs: [epoch of each frame]}, to every animated
// element. The reels of all elements share one timeline (window.__bpReels): a reel starts when
// the one before it has played, frame after frame every frame_ms, so the elements stay in step
// and the page animates at its own pace while the server trains the next reel. What a frame
// changes:
// - the decision boundary (data.shading): the plane's image, painted from one byte per grid
//   cell (data.frames) with data.shading.colors, and the P = 0.5 line drawn over it. Paused,
//   the boundary is drawn the same way from its one frame (a Step swaps the image only), and
//   the value under the mouse shows in a readout of ours (the image has no hover);
// - the cost (data.reel alone): its lines, cut at the frame's epoch (the figure holds the whole
//   reel);
// - the network (data.network): its edges and unit maps, painted as one image, and its values
//   for the readout under the mouse (see drawNetwork); paused, the same from its one frame;
// - the metrics (data.metrics: per frame, [label, value] pairs), shown as text.
// The clock (data.clock) asks the server for the next reel as soon as this one starts to play,
// so one reel is always in flight and a slow machine gets longer reels, not a backlog. A click
// on Pause (data.pause_key) stops every player at once, at the frame on screen; one on Step
// (data.step_key) too, and steps from there.
// plotly.js's cartesian bundle (every trace these charts draw: scatter, heatmap, bar), 1.5 MB,
// served by Streamlit from the app's static/ folder (server.enableStaticServing).
const BUNDLE = "app/static/plotly-cartesian.min.js";
const WAIT_MS = 50; // (Streamlit's Plotly, where static/ is not served: see plotly())
const GIVE_UP_MS = 20000;
const SHADING_PX = 400; // the shading image's side: the 100x100 grid, smoothed, and the line

const REELS = (window.__bpReels = window.__bpReels || { starts: new Map(), end: 0 });

// Pause stops at the frame on screen. A click on the Pause button (keys.pause names its
// container) freezes every player and the clock at once, until the page draws a chart without
// a reel again (the paused page). The click itself goes to the clock instead, as its trigger
// "paused", {reel, frame}: the frame the metrics show, which the server goes back to (it has
// trained up to a reel further). Step while playing (a click on keys.step, or its shortcut,
// the Right arrow key) does the same and asks for one step from there: {reel, frame, step}.
// Without a clock or a frame shown, the button takes the click.
function watchPause(keys) {
  REELS.pauseKey = keys.pause;
  REELS.stepKey = keys.step;
  if (REELS.watching) return;
  REELS.watching = true;
  const stopAt = (event, step) => {
    REELS.paused = true;
    if (REELS.pauseTrigger && REELS.shown) {
      event.preventDefault();
      event.stopImmediatePropagation();
      REELS.pauseTrigger({ ...REELS.shown, step });
    }
  };
  const inside = (target, key) => key && target.closest(`.st-key-${key}`);
  document.addEventListener(
    "click",
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      if (!target) return;
      if (inside(target, REELS.pauseKey)) stopAt(event, false);
      else if (inside(target, REELS.stepKey)) stopAt(event, true);
    },
    true,
  );
  window.addEventListener(
    "keydown",
    (event) => {
      if (event.key !== "ArrowRight" || !REELS.pauseTrigger || !REELS.shown) return;
      const target = event.target instanceof Element ? event.target : null;
      const field = "input, textarea, select, [contenteditable], [role=slider]";
      const typing = target && target.closest(field);
      if (typing || !REELS.stepKey || !document.querySelector(`.st-key-${REELS.stepKey}`)) return;
      stopAt(event, true);
    },
    true,
  );
}

// When reel `reel.id` starts on the page's timeline (registering it on first sight).
function schedule(reel) {
  let start = REELS.starts.get(reel.id);
  if (start === undefined) {
    start = Math.max(performance.now(), REELS.end);
    REELS.end = start + reel.epochs.length * reel.frame_ms;
    REELS.starts.set(reel.id, start);
    for (const id of REELS.starts.keys()) if (id < reel.id - 8) REELS.starts.delete(id);
  }
  return start;
}

// --- Plotly charts ----------------------------------------------------------------------------

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
    if (!gd.reportSelection || !point) return;
    // (the time makes every click a change, even on the point picked before)
    if (gd.selectUnits) {
      if (point.customdata === undefined) return;
      gd.reportSelection({ points: [{ customdata: point.customdata }], at: Date.now() });
      return;
    }
    if (!String(point.data.name).startsWith("train class")) return;
    gd.reportSelection({ points: [{ x: point.x, y: point.y }], at: Date.now() });
  });
  gd.on("plotly_doubleclick", () => {
    if (gd.reportSelection) gd.reportSelection({ points: [], at: Date.now() });
  });
  gd.on("plotly_hover", (event) => readout(gd, event));
  gd.on("plotly_unhover", () => readout(gd, null));
}

function react(gd, figure, config) {
  return window.__bpPlotly.react(gd, figure.data, figure.layout, config).then(() => listen(gd));
}

// A plotly.py array: a plain list, or {dtype, bdata: base64} (numpy arrays).
const TYPED = { f8: Float64Array, f4: Float32Array, i4: Int32Array, i2: Int16Array,
  i1: Int8Array, u4: Uint32Array, u2: Uint16Array, u1: Uint8Array };

function bytesOf(b64) {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function decoded(a) {
  if (!a || Array.isArray(a) || !a.bdata) return a;
  const bytes = bytesOf(a.bdata);
  const Kind = TYPED[a.dtype] || Float64Array;
  return new Kind(bytes.buffer, 0, bytes.length / Kind.BYTES_PER_ELEMENT);
}

// The cost figure cut at `epoch`: every line's points up to it.
function cutAt(figure, epoch) {
  const data = figure.data.map((trace) => {
    const x = decoded(trace.x);
    if (!x || x.length === undefined) return trace;
    let n = 0;
    while (n < x.length && x[n] <= epoch) n += 1;
    const y = decoded(trace.y);
    return { ...trace, x: x.slice(0, n), y: y ? y.slice(0, n) : y };
  });
  return { data, layout: { ...figure.layout, datarevision: epoch } };
}

// --- the network, frame by frame ---------------------------------------------------------------

// A number as Python's "{:.3g}" writes it (the paused figure's hover text).
function g3(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const [mantissa, exp] = v.toExponential(2).split("e");
  const e = Number(exp);
  const trim = (s) => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (e >= -4 && e < 3) return trim(v.toFixed(2 - e));
  return `${trim(mantissa)}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

// The value after " = " in a hover text, replaced.
function withValue(text, v) {
  return text.replace(/ = [^<]*/, ` = ${g3(v)}`);
}

// CSS colours as [r, g, b] ("rgb(r, g, b)" or "#rrggbb").
function rgbTable(colors) {
  if (colors[0].startsWith("#")) {
    return colors.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  }
  return colors.map((css) => (css.match(/\d+/g) || []).slice(0, 3).map(Number));
}

// The network: the base figure (data.spec, from network_graph with every width)
// with its edge lines and unit maps left to one image under the nodes and hover points, which
// each frame of data.network (figures.network_reel) paints anew and swaps in; the frame's
// values show in our readout under the mouse (and as the bias colours of plain nodes).
function networkBase(gd, base, t) {
  const data = base.data.slice();
  for (let c = 0; c < t.lines; c++) data[t.edges + c] = { ...data[t.edges + c], x: [], y: [] };
  for (const index of t.maps) data[index] = { ...data[index], visible: false };
  for (const index of [t.hover, ...t.nodes]) data[index] = { ...data[index], hoverinfo: "none" };
  const [x0, x1] = base.layout.xaxis.range;
  const [y0, y1] = base.layout.yaxis.range;
  const image = { source: gd.networkSource || "", xref: "x", yref: "y", x: x0, y: y1,
    sizex: x1 - x0, sizey: y1 - y0, sizing: "stretch", layer: "below" };
  return { data, layout: { ...base.layout, images: [image] } };
}

function paintNetwork(gd, base, net, i) {
  const f = net.frames[i];
  const t = net.traces;
  const size = gd._fullLayout._size; // the plot area, px
  const ratio = window.devicePixelRatio || 1;
  const W = Math.max(1, Math.round(size.w * ratio));
  const H = Math.max(1, Math.round(size.h * ratio));
  if (!gd.networkCanvas) gd.networkCanvas = document.createElement("canvas");
  const canvas = gd.networkCanvas;
  if (canvas.width !== W || canvas.height !== H) {
    canvas.width = W;
    canvas.height = H;
  }
  const ctx = canvas.getContext("2d");
  ctx.clearRect(0, 0, W, H);
  const [x0, x1] = base.layout.xaxis.range;
  const [y0, y1] = base.layout.yaxis.range;
  const px = (x) => ((x - x0) / (x1 - x0)) * W;
  const py = (y) => ((y1 - y) / (y1 - y0)) * H;
  if (!net.rgb) {
    net.rgb = {};
    for (const [name, colors] of Object.entries(net.colors)) net.rgb[name] = rgbTable(colors);
  }
  // the unit maps: each map trace's cells, as its heatmap would draw them
  t.maps.forEach((index, m) => {
    const trace = base.data[index];
    const map = f.maps[m];
    const cells = bytesOf(map.z);
    const cols = map.cols;
    const rows = cells.length / cols;
    const rgb = net.rgb[t.map_colors[m]];
    const small = document.createElement("canvas");
    small.width = cols;
    small.height = rows;
    const sctx = small.getContext("2d");
    const image = sctx.createImageData(cols, rows);
    for (let r = 0; r < rows; r++) {
      const row = (rows - 1 - r) * cols; // the trace's row 0 is at the bottom
      for (let c = 0; c < cols; c++) {
        const b = cells[row + c];
        const k = 4 * (r * cols + c);
        if (b === 255) continue; // a gap between boxes
        const color = rgb[Math.round((b / 254) * (rgb.length - 1))];
        image.data[k] = color[0];
        image.data[k + 1] = color[1];
        image.data[k + 2] = color[2];
        image.data[k + 3] = 255;
      }
    }
    sctx.putImageData(image, 0, 0);
    const left = trace.x0 - trace.dx / 2;
    const bottom = trace.y0 - trace.dy / 2;
    const x = px(left);
    const y = py(bottom + rows * trace.dy);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(small, x, y, px(left + cols * trace.dx) - x, py(bottom) - y);
  });
  // the edges: each in the line trace of its width and sign, thin to thick
  const codes = bytesOf(f.edges);
  const E = codes.length;
  if (!net.endsArray) net.endsArray = new Float32Array(bytesOf(net.ends).buffer);
  const ends = net.endsArray;
  for (let c = 0; c < t.lines; c++) {
    const line = base.data[t.edges + c];
    ctx.beginPath();
    let any = false;
    for (let e = 0; e < E; e++) {
      if (codes[e] !== c) continue;
      ctx.moveTo(px(ends[e]), py(ends[2 * E + e]));
      ctx.lineTo(px(ends[E + e]), py(ends[3 * E + e]));
      any = true;
    }
    if (!any) continue;
    ctx.globalAlpha = line.opacity === undefined ? 1 : line.opacity;
    ctx.strokeStyle = line.line.color;
    ctx.lineWidth = line.line.width * ratio;
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  return canvas.toDataURL();
}

// Frame i: the new image; its values for the readout under the mouse (the hover points and
// nodes show no hover of Plotly's own: a restyle of their texts would redraw the whole
// figure every frame) and, on plain nodes, their bias colours.
function drawNetwork(gd, base, net, i) {
  const f = net.frames[i];
  const t = net.traces;
  gd.networkSource = paintNetwork(gd, base, net, i);
  const values = new Float32Array(bytesOf(f.values).buffer);
  const nodes = new Map(t.nodes.map((index, g) => [index, f.nodes[g]]));
  gd.hoverText = (point) => {
    const text = base.data[point.curveNumber].hovertext;
    const vals = point.curveNumber === t.hover ? values : nodes.get(point.curveNumber);
    if (!text) return null;
    const shown = text[point.pointNumber];
    return vals ? withValue(shown, vals[point.pointNumber]) : shown;
  };
  if (gd.hoverPoint) readout(gd, gd.hoverPoint); // the value under a resting mouse moves on
  const drawn = window.__bpPlotly.relayout(gd, { "images[0].source": gd.networkSource });
  return drawn.then(() => {
    for (const [index, vals] of nodes) {
      const marker = base.data[index].marker;
      if (!vals || !marker || marker.cmin === undefined) continue;
      const update = { "marker.color": [vals], "marker.cmin": -f.bmax, "marker.cmax": f.bmax };
      window.__bpPlotly.restyle(gd, update, [index]);
    }
  });
}

// --- the decision boundary's shading ------------------------------------------------------------

function paintShading(gd, bytesB64, shading) {
  const bytes = bytesOf(bytesB64);
  gd.paintedFrame = bytesB64;
  gd.discrete = shading.line === null;
  gd.classNames = shading.classes ? shading.names : null;
  // K >= 3 classes: every cell's winning class, then every cell's confidence (views.shading)
  const nn = shading.classes ? bytes.length / 2 : bytes.length;
  const cells = shading.classes ? bytes.subarray(0, nn) : bytes;
  const levels = shading.classes ? bytes.subarray(nn) : null;
  gd.cells = cells; // (for the readout under the mouse)
  gd.levels = levels;
  const n = Math.round(Math.sqrt(nn)); // the grid is square
  if (!gd.shadingCanvas) {
    gd.shadingCanvas = document.createElement("canvas");
    gd.shadingCanvas.width = gd.shadingCanvas.height = SHADING_PX;
    gd.cellCanvas = document.createElement("canvas");
  }
  const small = gd.cellCanvas;
  if (small.width !== n) small.width = small.height = n;
  const sctx = small.getContext("2d");
  const key = shading.classes ? shading.classes.join() + shading.mid : shading.colors;
  if (!gd.rgb || gd.rgbFor !== key) {
    gd.rgbFor = key;
    gd.rgb = shading.classes ? rgbTable([shading.mid, ...shading.classes]) : rgbTable(shading.colors);
  }
  const image = sctx.createImageData(n, n);
  for (let r = 0; r < n; r++) {
    const row = (n - 1 - r) * n; // the grid's row 0 is the bottom of the plane
    for (let c = 0; c < n; c++) {
      const k = 4 * (r * n + c);
      let rgb;
      if (levels) {
        // the neutral colour (no confidence) to the winner's tint (certain)
        const mid = gd.rgb[0];
        const tint = gd.rgb[1 + cells[row + c]];
        const t = gd.discrete ? 1 : levels[row + c] / 255;
        rgb = [0, 1, 2].map((i) => mid[i] + (tint[i] - mid[i]) * t);
      } else {
        rgb = gd.rgb[cells[row + c]];
      }
      image.data[k] = rgb[0];
      image.data[k + 1] = rgb[1];
      image.data[k + 2] = rgb[2];
      image.data[k + 3] = 255;
    }
  }
  sctx.putImageData(image, 0, 0);
  const big = gd.shadingCanvas;
  const ctx = big.getContext("2d");
  ctx.imageSmoothingEnabled = shading.line !== null; // discretized: sharp class edges
  ctx.drawImage(small, 0, 0, SHADING_PX, SHADING_PX);
  if (shading.line && levels) {
    // the borders between the classes' regions: each class's own edge (where its
    // indicator crosses one half), drawn over one another
    const inside = new Uint8Array(nn);
    for (let c = 0; c < shading.classes.length; c++) {
      for (let i = 0; i < nn; i++) inside[i] = cells[i] === c ? 255 : 0;
      drawHalfLine(ctx, inside, n, shading.line);
    }
  } else if (shading.line) {
    drawHalfLine(ctx, cells, n, shading.line);
  }
  return big.toDataURL();
}

// The P = 0.5 contour (byte 127.5) by marching squares over the grid's cells.
function drawHalfLine(ctx, cells, n, color) {
  const s = SHADING_PX / n;
  const level = 127.5;
  // the point on the canvas of grid position (column c, row r from the bottom)
  const px = (c) => (c + 0.5) * s;
  const py = (r) => SHADING_PX - (r + 0.5) * s;
  ctx.beginPath();
  for (let r = 0; r < n - 1; r++) {
    for (let c = 0; c < n - 1; c++) {
      const v = [cells[r * n + c], cells[r * n + c + 1], cells[(r + 1) * n + c + 1],
        cells[(r + 1) * n + c]]; // corners: bottom-left, bottom-right, top-right, top-left
      const corner = [[c, r], [c + 1, r], [c + 1, r + 1], [c, r + 1]];
      const hits = [];
      for (let e = 0; e < 4; e++) {
        const a = v[e], b = v[(e + 1) % 4];
        if ((a > level) !== (b > level)) {
          const f = (level - a) / (b - a);
          const [ca, ra] = corner[e], [cb, rb] = corner[(e + 1) % 4];
          hits.push([ca + f * (cb - ca), ra + f * (rb - ra)]);
        }
      }
      for (let h = 0; h + 1 < hits.length; h += 2) {
        ctx.moveTo(px(hits[h][0]), py(hits[h][1]));
        ctx.lineTo(px(hits[h + 1][0]), py(hits[h + 1][1]));
      }
    }
  }
  ctx.strokeStyle = color;
  ctx.lineWidth = 2.5 * (SHADING_PX / 440); // about 2 px where the plot is 440 px wide
  ctx.stroke();
}

// --- a reel's frames on one element -------------------------------------------------------------

// Plays the element's queued reels: each animation frame, the frame due now is drawn once
// (a frame is skipped when the one before it is still drawing).
function play(el) {
  if (el.playing) return;
  el.playing = true;
  const tick = () => {
    if (!el.queue.length) {
      el.playing = false;
      return;
    }
    if (REELS.paused) {
      el.queue = [];
      el.playing = false;
      return;
    }
    const now = performance.now();
    while (el.queue.length > 1 && el.queue[1].start <= now) el.queue.shift();
    const reel = el.queue[0];
    const i = Math.min(reel.epochs.length - 1, Math.floor((now - reel.start) / reel.frame_ms));
    const last = i === reel.epochs.length - 1 && el.queue.length === 1;
    if (i >= 0 && !el.busy && (el.shownReel !== reel.id || el.shownFrame !== i)) {
      el.shownReel = reel.id;
      el.shownFrame = i;
      el.busy = true;
      Promise.resolve(reel.draw(i)).finally(() => {
        el.busy = false;
      });
    }
    if (last && el.shownFrame === i && el.shownReel === reel.id && !el.busy) {
      el.queue = [];
      el.playing = false;
      return;
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

function enqueue(el, reel, draw) {
  el.queue = el.queue || [];
  if (el.queue.some((r) => r.id === reel.id)) return; // a rerun that resent the same reel
  el.queue.push({ ...reel, start: schedule(reel), draw });
  el.queue.sort((a, b) => a.start - b.start);
  play(el);
}

function chart(host, data, setStateValue, setTriggerValue) {
  const gd = graphDiv(host);
  gd.reportSelection = data.select ? (value) => setStateValue("selection", value) : null;
  gd.selectUnits = data.select === "units";
  gd.reportAdded = data.add ? (value) => setTriggerValue("added", value) : null;
  if (!data.reel) {
    gd.queue = []; // paused: the reels not yet played are dropped
    REELS.paused = false;
    REELS.shown = null;
    // Plotly's own hover again; not on the network, whose frame drawn next refreshes the
    // readout of a mouse resting on it (cleared here, it kept the value from before the rerun)
    if (!data.network) gd.hoverText = gd.hoverPoint = null;
  }
  if (data.shading) {
    // The points and axes stay; a frame swaps the plane's image.
    const changed = gd.drawnSpec !== data.spec;
    if (changed) {
      gd.drawnSpec = data.spec;
      gd.shadingHover = null; // (a place on the plane drawn before)
      const figure = JSON.parse(data.spec);
      const image = figure.layout.images[0];
      gd.plane = { x0: image.x, x1: image.x + image.sizex, y1: image.y, y0: image.y - image.sizey };
      image.source = gd.shadingSource || "";
      gd.ready = react(gd, figure, data.config);
    }
    const shadingKey = JSON.stringify(data.shading);
    const paint = (i) =>
      Promise.resolve(gd.ready).then(() => {
        gd.paintedWith = shadingKey;
        gd.shadingSource = paintShading(gd, data.frames[i], data.shading);
        // the value under a resting mouse, from the new frame
        if (gd.shadingHover) readout(gd, gd.shadingHover);
        return window.__bpPlotly.relayout(gd, { "images[0].source": gd.shadingSource });
      });
    if (data.reel) enqueue(gd, data.reel, paint);
    else if (changed || gd.paintedFrame !== data.frames[0] || gd.paintedWith !== shadingKey) {
      paint(0); // Step: one frame (or the same frame in other colours)
    }
    return;
  }
  if (data.network) {
    // The network: its lines and maps are one image that each frame paints and swaps
    // (paused, its one frame: a Step swaps the image only).
    if (gd.drawnSpec !== data.spec) {
      gd.drawnSpec = data.spec;
      gd.hoverPoint = null; // (a point of the network drawn before)
      gd.base = JSON.parse(data.spec);
      gd.ready = react(gd, networkBase(gd, gd.base, data.network.traces), data.config);
    }
    const base = gd.base;
    const net = data.network;
    const draw = (i) => Promise.resolve(gd.ready).then(() => drawNetwork(gd, base, net, i));
    if (data.reel) enqueue(gd, data.reel, draw);
    else draw(0);
    return;
  }
  if (!data.reel) {
    if (gd.drawnSpec === data.spec) return; // a rerun that left it unchanged
    gd.drawnSpec = data.spec;
    react(gd, JSON.parse(data.spec), data.config);
    return;
  }
  // The cost: the reel's figure, cut at each frame's epoch.
  const figure = JSON.parse(data.spec);
  gd.drawnSpec = null; // (a figure drawn cut is not data.spec)
  enqueue(gd, data.reel, (i) => react(gd, cutAt(figure, data.reel.epochs[i]), data.config));
}

// A readout of ours under the mouse, where Plotly's hover cannot show the value: on the
// boundary, P(class 1) of the shading's grid cell there (its image has no hover), to the 1/255
// the frame carries, or the class when discretized; on the network while playing, the value
// of the edge or unit in the frame on screen.
function readout(gd, event) {
  let tip = gd.parentElement.querySelector(":scope > .live-readout");
  const point = event && event.points && event.points[0];
  gd.hoverPoint = point && gd.hoverText ? event : null;
  const text = point && (gd.hoverText ? gd.hoverText(point) : shadingText(gd, event, point));
  gd.shadingHover = text && !gd.hoverText ? event : null; // (read again from the next frame)
  if (!text) {
    if (tip) tip.style.display = "none";
    return;
  }
  if (tip === null) {
    tip = document.createElement("div");
    tip.className = "live-readout";
    tip.style.cssText = "position:absolute;pointer-events:none;z-index:10;padding:4px 8px;" +
      "border-radius:4px;font:13px sans-serif;background:rgba(40,40,40,0.85);color:#fff;" +
      "white-space:pre";
    gd.parentElement.style.position = "relative";
    gd.parentElement.appendChild(tip);
  }
  tip.textContent = text.replace(/<br>/g, "\n");
  const box = gd.parentElement.getBoundingClientRect();
  const mouse = event.event;
  tip.style.left = `${mouse.clientX - box.left + 14}px`;
  tip.style.top = `${mouse.clientY - box.top + 14}px`;
  tip.style.display = "block";
}

function shadingText(gd, event, point) {
  if (!gd.cells || !gd.plane || point.curveNumber !== 0 || !event.xvals) return null;
  const { x0, x1, y0, y1 } = gd.plane;
  const x = event.xvals[0], y = event.yvals[0];
  const n = Math.round(Math.sqrt(gd.cells.length));
  const col = Math.round(((x - x0) / (x1 - x0)) * (n - 1));
  const row = Math.round(((y - y0) / (y1 - y0)) * (n - 1));
  if (col < 0 || col >= n || row < 0 || row >= n) return null;
  let value;
  if (gd.levels && gd.classNames) {
    // the winner and its probability, back from its confidence (views.shading)
    const K = gd.classNames.length;
    const name = gd.classNames[gd.cells[row * n + col]];
    const p = 1 / K + (gd.levels[row * n + col] / 255) * (1 - 1 / K);
    value = gd.discrete ? `class ${name}` : `class ${name}, P ≈ ${p.toFixed(2)}`;
  } else {
    const p = gd.cells[row * n + col] / 255;
    value = gd.discrete ? `class = ${p >= 0.5 ? 1 : 0}` : `P(class 1) ≈ ${p.toFixed(2)}`;
  }
  return `x1 = ${x.toFixed(2)}, x2 = ${y.toFixed(2)}: ${value}`;
}

// --- the metrics while playing ----------------------------------------------------------------

// Once the page shows Streamlit's metrics again (paused), a player's metrics that Streamlit
// left behind (it sometimes keeps a fragment's element when Play stops by itself while a
// request is in flight) must not show beside them.
function hideWhenPaused() {
  if (document.getElementById("live-metrics-style")) return;
  const style = document.createElement("style");
  style.id = "live-metrics-style";
  style.textContent = 'body:has([data-testid="stMetric"]) .live-metrics { display: none; }';
  document.head.appendChild(style);
}

function metrics(host, data) {
  hideWhenPaused();
  let box = host.querySelector(":scope > .live-metrics");
  if (box === null) {
    box = document.createElement("div");
    box.className = "live-metrics";
    box.style.cssText = "display:flex;gap:1rem;width:100%";
    host.appendChild(box);
  }
  const show = (i) => {
    const pairs = data.metrics[i];
    if (box.children.length !== pairs.length) {
      box.replaceChildren(
        ...pairs.map(() => {
          const cell = document.createElement("div");
          cell.className = "live-metric";
          cell.style.cssText = "flex:1 1 0;min-width:0";
          const label = document.createElement("div");
          label.className = "live-metric-label";
          label.style.cssText = "font-size:0.875rem;opacity:0.85;white-space:nowrap";
          const value = document.createElement("div");
          value.className = "live-metric-value";
          value.style.cssText = "font-size:2.25rem;line-height:1.3;white-space:nowrap";
          cell.append(label, value);
          return cell;
        }),
      );
    }
    REELS.shown = { reel: data.reel.id, frame: i };
    pairs.forEach(([label, value], k) => {
      const cell = box.children[k];
      cell.dataset.metric = label;
      cell.children[0].textContent = label;
      cell.children[1].textContent = value;
    });
  };
  if (REELS.paused) return;
  if (!box.queue || !box.queue.length) show(0); // the first frame at once, not blank
  enqueue(box, data.reel, show);
}

// --- the clock --------------------------------------------------------------------------------

let lastRequest = 0;

function clock(data, setTriggerValue) {
  // Asks for the next reel once this one starts to play (and the page has painted), at least
  // min_ms after the last request.
  let cancelled = false;
  if (data.pause_key) watchPause({ pause: data.pause_key, step: data.step_key });
  const pause = (value) => setTriggerValue("paused", value);
  REELS.pauseTrigger = pause;
  const start = schedule(data.reel);
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      const now = performance.now();
      const wait = Math.max(0, start - now, lastRequest + data.min_ms - now);
      setTimeout(() => {
        if (!cancelled && !REELS.paused) {
          lastRequest = performance.now();
          setTriggerValue("drawn", data.reel.id);
        }
      }, wait);
    }),
  );
  return () => {
    cancelled = true;
    if (REELS.pauseTrigger === pause) REELS.pauseTrigger = null;
  };
}

// --- Plotly -----------------------------------------------------------------------------------

function fromStatic() {
  // The cartesian bundle, as a script of its own. It sets window.Plotly as it runs, and its
  // load event follows at once (nothing runs in between), so there its Plotly is kept as
  // window.__bpPlotly and window.Plotly put back as it was (Streamlit's, once loaded).
  return new Promise((resolve, reject) => {
    const before = window.Plotly;
    const script = document.createElement("script");
    script.onload = () => {
      const plotly = window.Plotly;
      if (before !== undefined) window.Plotly = before;
      if (plotly !== undefined && plotly !== before) {
        window.__bpPlotly = plotly;
        resolve(plotly);
      } else {
        reject(new Error(`${BUNDLE} gave no Plotly`));
      }
    };
    script.onerror = () => reject(new Error(`${BUNDLE} did not load`));
    script.src = new URL(BUNDLE, document.baseURI).href;
    document.head.appendChild(script);
  });
}

function fromStreamlit() {
  // Streamlit's full bundle, which it loads with its first st.plotly_chart (the app then keeps
  // a hidden one on the page).
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const look = () => {
      if (window.Plotly !== undefined) {
        window.__bpPlotly = window.Plotly;
        resolve(window.Plotly);
      } else if (performance.now() - started < GIVE_UP_MS) {
        setTimeout(look, WAIT_MS);
      } else {
        reject(new Error("Streamlit's Plotly did not load"));
      }
    };
    look();
  });
}

function plotly(source) {
  // The charts' Plotly, loaded once per page (a promise of it), kept as window.__bpPlotly.
  // source "static": plotly.js's cartesian bundle (BUNDLE), not Streamlit's full one (4.7 MB),
  // which a new visitor's browser spent about 880 ms evaluating on this project's machine
  // before any chart could draw (Streamlit still loads its own for a view with an
  // st.plotly_chart). "streamlit": where the app is run without static serving.
  if (!window.__bpPlotlyReady) {
    window.__bpPlotlyReady = source === "static" ? fromStatic() : fromStreamlit();
  }
  return window.__bpPlotlyReady;
}

function failed(host, error) {
  // Said on the page where the chart would be, not only in the console.
  console.error("live_chart:", error);
  if (host.querySelector(":scope > .live-chart-error")) return;
  const note = document.createElement("div");
  note.className = "live-chart-error";
  note.textContent = `This chart could not load Plotly (${error.message}).`;
  host.appendChild(note);
}

export default function ({ data, parentElement, setStateValue, setTriggerValue }) {
  // (the first component on the page starts the download: the app's hidden preload)
  const ready = data.plotly ? plotly(data.plotly) : null;
  if (data.preload) return undefined;
  if (data.clock) return clock(data, setTriggerValue);
  if (data.metrics) {
    metrics(parentElement, data);
    return undefined;
  }
  let cancelled = false;
  ready.then(
    () => {
      if (!cancelled) chart(parentElement, data, setStateValue, setTriggerValue);
    },
    (error) => {
      if (!cancelled) failed(parentElement, error);
    },
  );
  return () => {
    cancelled = true;
  };
}
