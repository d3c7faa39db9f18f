// Live charts of this member's counters (api/status), drawn as SVG sparklines: writes and Raft
// entries per second from the revision and raft index deltas, key count, database size.
import * as api from "./api.js";
import { el } from "./api.js";

const SAMPLE_MS = 2000;
const KEEP = 90;
const SVG = "http://www.w3.org/2000/svg";
const series = [
  { id: "writes", title: "Writes per second", unit: "/s", rate: (s) => s.revision },
  { id: "raft", title: "Raft entries per second", unit: "/s", rate: (s) => s.raftIndex },
  { id: "keys", title: "Keys", unit: "", value: (s) => s.keys },
  { id: "db", title: "Database size", unit: "bytes", value: (s) => s.dbSize, format: api.bytes },
];
const samples = [];
let timer = null;

export function show() {
  build();
  sample();
  clearInterval(timer);
  timer = setInterval(sample, SAMPLE_MS);
}

export function hide() {
  clearInterval(timer);
  timer = null;
}

function build() {
  const box = document.getElementById("charts");
  if (box.children.length) return;
  for (const s of series) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 300 100");
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("role", "img");
    svg.id = "chart-" + s.id;
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("fill", "none");
    line.setAttribute("stroke-width", "2");
    line.setAttribute("vector-effect", "non-scaling-stroke");
    svg.append(line);
    box.append(el("figure", { class: "chart" }, el("figcaption", {}, s.title, " ", el("strong", { id: "chart-" + s.id + "-now", text: "–" })), svg));
  }
}

async function sample() {
  let st;
  try {
    st = await api.call("GET", "status");
  } catch (e) {
    return;
  }
  samples.push({ t: performance.now(), st });
  while (samples.length > KEEP) samples.shift();
  for (const s of series) draw(s);
}

function points(s) {
  const out = [];
  for (let i = 0; i < samples.length; i++) {
    if (s.rate) {
      if (i === 0) continue;
      const dt = (samples[i].t - samples[i - 1].t) / 1000;
      out.push(Math.max(0, (s.rate(samples[i].st) - s.rate(samples[i - 1].st)) / dt));
    } else {
      const v = s.value(samples[i].st);
      if (v !== null && v !== undefined) out.push(v);
    }
  }
  return out;
}

function draw(s) {
  const pts = points(s);
  const svg = document.getElementById("chart-" + s.id);
  const now = document.getElementById("chart-" + s.id + "-now");
  if (pts.length === 0) {
    now.textContent = "–";
    return;
  }
  const max = Math.max(...pts, 1);
  const step = 300 / Math.max(pts.length - 1, 20); // fills from the left, then scrolls
  svg.firstChild.setAttribute("points", pts.map((v, i) => (i * step).toFixed(1) + "," + (98 - (v / max) * 94).toFixed(1)).join(" "));
  const last = pts[pts.length - 1];
  const text = s.format ? s.format(last) : (s.rate ? last.toFixed(1) : String(last)) + (s.unit && s.unit !== "bytes" ? " " + s.unit : "");
  now.textContent = text;
  svg.setAttribute("aria-label", s.title + ": now " + text + ", peak " + (s.format ? s.format(max) : max.toFixed(s.rate ? 1 : 0)));
}
