// The dashboard page: frames arrive ten times a second on a streaming fetch of /events (in the
// Server-Sent Events format); the page keeps the last seconds of each live user and redraws at
// most once per animation frame.
"use strict";

const TOKEN_KEY = "eegstream-dashboard-token";

// The access token comes in the address's fragment (#token=...), which the browser never sends
// to any server. The page keeps it for this tab (sessionStorage, this origin only), takes it out
// of the address bar and history, and sends it as a bearer token with its own requests only: not
// a cookie, which the browser would attach to any page's request to this host.
function accessToken() {
  const given = new URLSearchParams(location.hash.slice(1)).get("token");
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

const token = accessToken();
let refused = false;

const TRACE_SECONDS = 5;
const PREDICTION_SECONDS = 120;
const COLORS = ["#3b6fd8", "#d8553b", "#2a9d5c", "#9b4fd8", "#d8a23b", "#3bb5d8", "#d83b8f", "#6b7a3b"];
const users = new Map();
const stats = { frames: 0, skipped: 0, dropped: 0 };
let selected = new URLSearchParams(location.search).get("user");
let live = [];
let dirty = false;
let lastFrameAt = 0;

function userState(id) {
  if (!users.has(id)) {
    users.set(id, { t: [], v: [], channels: [], predictions: [], latest: new Map(), features: null, alerts: [], card: null, mini: null });
  }
  return users.get(id);
}

function onFrame(frame) {
  stats.frames++;
  lastFrameAt = Date.now();
  stats.skipped = frame.skipped;
  stats.dropped = frame.dropped;
  live = frame.live;
  for (const [id, news] of Object.entries(frame.users)) {
    const u = userState(id);
    if (news.raw) {
      if (u.channels.join() !== news.raw.channels.join()) {
        u.channels = news.raw.channels; u.t = []; u.v = news.raw.channels.map(() => []);
        if (u.mini) { u.mini.destroy(); u.mini = null; }
      }
      u.t.push(...news.raw.t);
      news.raw.v.forEach((col, c) => u.v[c].push(...col));
      const cut = u.t.findIndex(t => t >= u.t[u.t.length - 1] - TRACE_SECONDS);
      if (cut > 0) { u.t.splice(0, cut); u.v.forEach(col => col.splice(0, cut)); }
    }
    for (const p of news.predictions || []) {
      u.predictions.push(p);
      u.latest.set(p.source, p);
    }
    const oldest = frame.now - PREDICTION_SECONDS;
    while (u.predictions.length && u.predictions[0].t < oldest) u.predictions.shift();
    if (news.features) u.features = news.features;
    for (const a of news.alerts || []) { u.alerts.unshift(a); u.alerts.length = Math.min(u.alerts.length, 20); }
  }
  if (!selected && live.length) selected = live[0];
  dirty = true;
}

function headline(p) {
  const entries = Object.entries(p.data).filter(([, v]) => typeof v === "number");
  return entries.length ? entries[0] : [Object.keys(p.data)[0] || "", p.data[Object.keys(p.data)[0]]];
}

function fmt(v) { return typeof v === "number" ? v.toFixed(2) : String(v); }

function qualityColor(q) { return q >= 0.8 ? "#2a7" : q >= 0.4 ? "#d8a23b" : "#b42"; }

// Everything shown comes from any relay or model publishing on Redis: it is put on the page only
// as text (textContent, title, dataset) and numbers, never parsed as HTML.
function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text != null) e.textContent = String(text);
  return e;
}

function percent(x) { const n = Math.round(Number(x) * 100); return Number.isFinite(n) ? n : 0; }

/** A labelled bar: the label, a bar `width` px wide in `color`, and the text after it. */
function bar(label, width, color, after) {
  const row = el("div", "bar");
  const name = el("span", null, label);
  name.style.width = "4em";
  const fill = el("div");
  fill.style.width = Math.max(0, Math.min(1000, Number.isFinite(width) ? width : 0)) + "px";
  if (color) fill.style.background = color;
  row.append(name, fill, document.createTextNode(after));
  return row;
}

function renderGrid() {
  const grid = document.getElementById("grid");
  for (const id of live) {
    const u = userState(id);
    if (!u.card) {
      u.card = el("div", "card");
      u.card.dataset.user = id;
      const title = el("h2");
      title.append(el("span", "id", id), el("span", "key"));
      u.card.append(title, el("div", "value", "–"), el("div", "key source"), el("div", "trace"), el("div", "dots"), el("div", "alert"));
      u.card.addEventListener("click", () => { selected = id; history.replaceState(null, "", "?user=" + encodeURIComponent(id)); dirty = true; });
      grid.appendChild(u.card);
    }
    u.card.classList.toggle("selected", id === selected);
    const p = [...u.latest.values()].sort((a, b) => b.t - a.t)[0];
    if (p) {
      const [key, value] = headline(p);
      u.card.querySelector(".value").textContent = fmt(value);
      u.card.querySelector("h2 .key").textContent = key;
      u.card.querySelector(".source").textContent = `${p.type || "prediction"} · ${p.source}` + (p.confidence != null ? ` · confidence ${percent(p.confidence)}%` : "");
    }
    if (u.t.length > 1) {
      const trace = u.card.querySelector(".trace");
      const data = [u.t, u.v[0]];
      if (!u.mini) {
        u.mini = new uPlot({ width: 230, height: 60, legend: { show: false }, cursor: { show: false },
          scales: { x: { time: true } }, axes: [{ show: false }, { show: false }],
          series: [{}, { stroke: COLORS[0], width: 1 }] }, data, trace);
      } else {
        u.mini.setData(data);
      }
    }
    if (u.features) {
      const f = u.features;
      u.card.querySelector(".dots").replaceChildren(...f.quality.map((q, i) => {
        const dot = el("span");
        dot.title = `${f.channels[i]} ${percent(q)}% ${f.problems[i]}`;
        dot.style.background = qualityColor(q);
        return dot;
      }));
    }
    const a = u.alerts[0];
    u.card.querySelector(".alert").textContent = a && a.state === "raised" ? `⚠ ${a.type}: ${a.message}` : "";
  }
  for (const [id, u] of users) {
    if (u.card && !live.includes(id)) { u.card.remove(); u.card = null; if (u.mini) { u.mini.destroy(); u.mini = null; } }
  }
}

let tracePlot = null, traceKey = "", predictionPlot = null, predictionKey = "";

function renderDetail() {
  const detail = document.getElementById("detail");
  const u = selected && users.get(selected);
  detail.hidden = !u;
  if (!u) return;
  document.getElementById("detail-user").textContent = selected;
  const width = document.getElementById("traces").clientWidth || 700;
  if (u.t.length > 1) {
    // Channels stacked one above the other, spaced by the widest channel's 5-95 % range.
    const spread = Math.max(10, ...u.v.map(col => { const s = [...col].sort((a, b) => a - b);
      return s[Math.floor(s.length * 0.95)] - s[Math.floor(s.length * 0.05)]; }));
    const offset = spread * 1.3;
    const data = [u.t, ...u.v.map((col, c) => col.map(x => x - c * offset))];
    const key = JSON.stringify([selected, u.channels]);
    if (!tracePlot || traceKey !== key) {
      if (tracePlot) tracePlot.destroy();
      traceKey = key;
      tracePlot = new uPlot({ width, height: 60 + 40 * u.channels.length, scales: { x: { time: true } },
        axes: [{}, { show: false }],
        series: [{}, ...u.channels.map((ch, c) => ({ label: String(ch), stroke: COLORS[c % COLORS.length], width: 1 }))] },
        data, document.getElementById("traces"));
    } else {
      tracePlot.setData(data);
    }
  }
  const series = [];
  for (const p of u.predictions) for (const [k, v] of Object.entries(p.data)) {
    if (typeof v === "number" && !series.includes(p.source + " " + k)) series.push(p.source + " " + k);
  }
  if (series.length) {
    const times = [...new Set(u.predictions.map(p => p.t))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const columns = series.map(() => times.map(() => null));
    for (const p of u.predictions) for (const [k, v] of Object.entries(p.data)) {
      const s = series.indexOf(p.source + " " + k);
      if (s >= 0) columns[s][index.get(p.t)] = v;
    }
    const key = JSON.stringify([selected, series]);
    if (!predictionPlot || predictionKey !== key) {
      if (predictionPlot) predictionPlot.destroy();
      predictionKey = key;
      predictionPlot = new uPlot({ width, height: 220, scales: { x: { time: true } }, spanGaps: true,
        series: [{}, ...series.map((s, i) => ({ label: s, stroke: COLORS[i % COLORS.length], width: 1.5, spanGaps: true }))] },
        [times, ...columns], document.getElementById("prediction-plot"));
    } else {
      predictionPlot.setData([times, ...columns]);
    }
  }
  document.getElementById("latest").replaceChildren(...[...u.latest.values()].map(p => {
    const [key, value] = headline(p);
    const rest = Object.entries(p.data).filter(([k]) => k !== key).map(([k, v]) => `${k} ${fmt(v)}`).join(" · ");
    const box = el("div");
    box.append(el("div", "src", `${p.source} · ${p.type || ""}`), el("div", "big", `${key} ${fmt(value)}`), el("div", null, rest),
      el("div", "src", p.confidence != null ? "confidence " + percent(p.confidence) + "%" : ""));
    return box;
  }));
  if (u.features) {
    const f = u.features;
    document.getElementById("bands").replaceChildren(...Object.entries(f.relative).map(([band, values]) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      return bar(band, Math.round(mean * 200), null, `${percent(mean)}%`);
    }));
    document.getElementById("quality").replaceChildren(...f.channels.map((ch, i) =>
      bar(ch, percent(f.quality[i]), qualityColor(f.quality[i]), `${percent(f.quality[i])}% ${f.problems[i]}`)));
  }
  document.getElementById("alerts").replaceChildren(...u.alerts.map(a =>
    el("li", a.state === "raised" || a.state === "cleared" ? a.state : null,
      `${new Date(a.t * 1000).toLocaleTimeString()} ${a.type} ${a.state}: ${a.message || ""}`)));
}

function render() {
  // Live while frames come (ten a second); connect() tries again otherwise.
  const status = document.getElementById("status");
  const isLive = Date.now() - lastFrameAt < 2000;
  status.textContent = refused ? "no access: open the address the dashboard printed (…/#token=…)"
    : isLive ? "live" : lastFrameAt ? "reconnecting…" : "connecting…";
  status.classList.toggle("live", isLive);
  if (dirty) {
    dirty = false;
    renderGrid();
    renderDetail();
    document.getElementById("summary").textContent =
      `${live.length} live user${live.length === 1 ? "" : "s"} · ${stats.frames} frames` + (stats.skipped ? ` · ${stats.skipped} skipped` : "");
  }
  requestAnimationFrame(render);
}

// EventSource cannot send an Authorization header: a fetch whose body is read as it streams can.
async function connect() {
  if (!token) {
    refused = true;
    return;
  }
  try {
    const response = await fetch("events", {
      headers: { "Authorization": "Bearer " + token, "Accept": "text/event-stream" },
      cache: "no-store",
    });
    if (response.status === 401 || response.status === 403) {
      refused = true;
      sessionStorage.removeItem(TOKEN_KEY);
      return;
    }
    if (response.ok && response.body) {
      await readEvents(response.body.getReader());
    }
  } catch (e) {
    // the dashboard stopped or the network went: try again
  }
  setTimeout(connect, 1000);
}

// Server-Sent Events: blocks separated by a blank line, "event:" and "data:" lines, ":" comments.
async function readEvents(reader) {
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      return;
    }
    buffer += decoder.decode(value, { stream: true }).replace(/\r/g, ""); // CRLF line ends as LF
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      onEvent(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
}

function onEvent(block) {
  let type = "message";
  const data = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) {
      type = line.slice(6).trim();
    } else if (line.startsWith("data:")) {
      data.push(line.slice(5).replace(/^ /, ""));
    }
  }
  if (type === "frame" && data.length) {
    onFrame(JSON.parse(data.join("\n")));
  }
}

// What a test (or a curious user, in the console) can ask the page.
window.eegDashboard = {
  stats,
  liveUsers: () => [...document.querySelectorAll(".card")].map(c => c.dataset.user),
  tracePoints: id => (users.get(id) || { t: [] }).t.length,
  latestPrediction: id => {
    const u = users.get(id);
    return u ? [...u.latest.values()].map(p => ({ source: p.source, t: p.t, data: p.data })) : [];
  },
};

connect();
requestAnimationFrame(render);
