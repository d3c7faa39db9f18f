// The live watch pane: a real watch on a prefix, streamed as server-sent events. Stopping (or
// leaving the page) aborts the request; the server then cancels the watch.
import * as api from "./api.js";
import { el } from "./api.js";
import { valueText } from "./keys.js";

const $ = (id) => document.getElementById(id);
const MAX_SHOWN = 500;
let controller = null;

export function show(params) {
  const prefix = params.get("prefix");
  if (prefix !== null && !controller) {
    $("watch-prefix").value = prefix;
    start(prefix);
  }
}

export function hide() {} // a watch keeps running while other views are open; Stop ends it

function status(text, state) {
  $("watch-status").textContent = text;
  $("watch-status").dataset.state = state;
}

async function start(prefix) {
  stop();
  const mine = new AbortController();
  controller = mine;
  $("watch-start").disabled = true;
  $("watch-stop").disabled = false;
  status("Starting a watch on " + (prefix ? "\u201c" + prefix + "\u201d" : "every key") + "…", "starting");
  try {
    await api.stream("watch", { k: api.b64(prefix) }, (name, data) => {
      if (name === "ready") {
        status("Watching " + (prefix ? "\u201c" + prefix + "\u201d" : "every key") + " from revision " + data.revision + ".", "watching");
      } else if (data.type === "COMPACTED") {
        status("The watch was canceled: history compacted at revision " + data.revision + ".", "ended");
      } else {
        add(data);
      }
    }, mine.signal);
    if (controller === mine) status("The watch ended (the server closed it).", "ended");
  } catch (e) {
    if (e.name === "AbortError") return;
    if (e.status === 401) {
      // the stream cannot be retried by call(): make an ordinary call to sign in, then watch again
      try { await api.call("GET", "session"); } catch (e2) { status(e2.message, "error"); return; }
      if (controller === mine) { controller = null; start(prefix); }
      return;
    }
    status(e.message, "error");
  } finally {
    if (controller === mine) {
      controller = null;
      $("watch-start").disabled = false;
      $("watch-stop").disabled = true;
    }
  }
}

function add(ev) {
  const list = $("watch-events");
  const time = new Date().toLocaleTimeString();
  const text = ev.type === "PUT" ? valueText(ev.value) : "";
  list.prepend(el("li", { class: "event " + ev.type.toLowerCase(), "data-key": ev.key, "data-type": ev.type },
    el("span", { class: "etype", text: ev.type }), " ",
    el("span", { class: "mono ekey", text: ev.key }),
    ev.type === "PUT" ? el("span", { class: "mono evalue", text: " = " + (text.length > 200 ? text.slice(0, 200) + "…" : text) }) : null,
    el("span", { class: "count", text: " rev " + ev.revision + " · " + time })));
  while (list.children.length > MAX_SHOWN) list.lastElementChild.remove();
}

function stop() {
  if (controller) {
    const c = controller;
    controller = null;
    c.abort();
    status("Stopped.", "idle");
    $("watch-start").disabled = false;
    $("watch-stop").disabled = true;
  }
}

$("watch-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  start($("watch-prefix").value);
});
$("watch-stop").addEventListener("click", stop);
$("watch-clear").addEventListener("click", () => $("watch-events").replaceChildren());
window.addEventListener("pagehide", stop);
