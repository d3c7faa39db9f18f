// The key browser: one level of the key tree (cut at "/"), one key's metadata and value, edits and
// deletes that compare mod_revision (a conflict shows both versions), and the key's history.
import * as api from "./api.js";
import { el } from "./api.js";
import { showError } from "./app.js";

const $ = (id) => document.getElementById(id);
const state = { prefix: "", key: null, loaded: null, mode: null, pending: null, deleteArmed: false };

export function valueText(v) {
  if (!v) return "";
  if (v.kind === "json") return v.pretty;
  if (v.kind === "text") return v.text;
  return v.hex;
}

function keyHash(prefix, key) {
  const p = new URLSearchParams();
  if (prefix) p.set("prefix", prefix);
  if (key !== null && key !== undefined) p.set("key", key);
  const s = p.toString();
  return "#keys" + (s ? "?" + s : "");
}

export function show(params) {
  state.prefix = params.get("prefix") || "";
  const key = params.get("key");
  loadLevel(state.prefix);
  if (key !== null) {
    loadKey(key);
  } else if (state.mode !== "create") {
    $("key-detail").hidden = true;
    state.key = null;
  }
}

export function hide() {}

async function loadLevel(prefix) {
  const list = $("key-list");
  try {
    const r = await api.call("GET", "keys", { query: { k: api.b64(prefix) } });
    if (prefix !== state.prefix) return; // navigated on meanwhile
    crumbs(prefix);
    const items = [];
    for (const d of r.dirs) {
      const full = prefix + d.name;
      items.push(el("li", {}, el("a", { class: "dir", href: keyHash(full, null), "data-prefix": full },
        el("span", { class: "icon", "aria-hidden": "true", text: "▸" }), d.name,
        el("span", { class: "count", text: d.keys + (d.keys === 1 ? " key" : " keys") }))));
    }
    for (const k of r.keys) {
      const full = api.unb64(k.k);
      const a = el("a", { class: "key", href: keyHash(prefix, full), "data-key": full },
        el("span", { class: "icon", "aria-hidden": "true", text: "•" }), k.name === "" ? full : k.name,
        el("span", { class: "count", text: "rev " + k.modRevision + (k.lease ? " · lease " + k.lease : "") }));
      if (full === state.key) a.setAttribute("aria-current", "true");
      items.push(el("li", {}, a));
    }
    list.replaceChildren(...items);
    $("tree-note").textContent = r.truncated ? "Showing the first keys only (" + r.count + " under this prefix)."
      : items.length === 0 ? "No keys under " + (prefix ? "\u201c" + prefix + "\u201d" : "the root") + "." : "";
    if (!$("new-key-name").matches(":focus")) $("new-key-name").value = prefix;
  } catch (e) {
    list.replaceChildren();
    $("tree-note").textContent = e.message;
    showError(e.message);
  }
}

function crumbs(prefix) {
  const nav = $("crumbs");
  const parts = [el("a", { href: keyHash("", null), text: "(all keys)" })];
  let acc = "";
  for (const seg of prefix.match(/[^/]*\//g) || []) {
    acc += seg;
    parts.push(el("span", { class: "sep", "aria-hidden": "true", text: " › " }), el("a", { href: keyHash(acc, null), text: seg }));
  }
  const rest = prefix.slice(acc.length);
  if (rest) parts.push(el("span", { class: "sep", "aria-hidden": "true", text: " › " }), el("span", { text: rest + "…" }));
  nav.replaceChildren(...parts);
}

function meta(k) {
  const rows = [
    ["Create revision", k.createRevision], ["Mod revision", k.modRevision], ["Version", k.version],
    ["Lease", k.lease ? k.lease + (k.leaseTtl !== undefined ? " (TTL " + k.leaseTtl + " s of " + k.leaseGranted + " s)" : "")
      + (k.leaseError ? " (" + k.leaseError + ")" : "") : "none"],
    ["Size", api.bytes(k.value.size)], ["Kind", k.value.kind],
  ];
  $("detail-meta").replaceChildren(...rows.flatMap(([t, d]) => [el("dt", { text: t }), el("dd", { text: String(d) })]));
}

function resetPanels() {
  $("conflict").hidden = true;
  $("history").hidden = true;
  $("key-status").textContent = "";
  disarmDelete();
}

async function loadKey(key) {
  state.key = key;
  state.mode = "edit";
  resetPanels();
  $("key-detail").hidden = false;
  $("detail-key").textContent = key;
  try {
    const k = await api.call("GET", "key", { query: { k: api.b64(key) } });
    if (state.key !== key) return;
    state.loaded = k;
    meta(k);
    $("detail-preview").replaceChildren(el("pre", { id: "value-preview", class: "value " + k.value.kind, text: valueText(k.value) }));
    const binary = k.value.kind === "binary";
    $("value-editor").value = binary ? k.value.base64 : k.value.text;
    document.querySelector("input[name=encoding][value=" + (binary ? "base64" : "text") + "]").checked = true;
    $("delete-key").disabled = false;
    $("history-key").disabled = false;
  } catch (e) {
    state.loaded = null;
    $("detail-meta").replaceChildren();
    $("detail-preview").replaceChildren(el("p", { class: "error", text: e.status === 404 ? "This key does not exist (any more)." : e.message }));
    $("delete-key").disabled = true;
  }
}

function startCreate(key) {
  state.key = key;
  state.mode = "create";
  state.loaded = null;
  resetPanels();
  $("key-detail").hidden = false;
  $("detail-key").textContent = key + " (new)";
  $("detail-meta").replaceChildren();
  $("detail-preview").replaceChildren(el("p", { class: "note", text: "A new key: it is created only if nobody creates it first." }));
  $("value-editor").value = "";
  document.querySelector("input[name=encoding][value=text]").checked = true;
  $("delete-key").disabled = true;
  $("history-key").disabled = true;
  $("value-editor").focus();
}

function editorValue() {
  const enc = document.querySelector("input[name=encoding]:checked").value;
  const v = $("value-editor").value;
  return enc === "base64" ? { base64: v.replace(/\s+/g, "") } : { value: v };
}

async function save(expect) {
  const key = state.key;
  const body = Object.assign({ k: api.b64(key), expect }, state.pending && state.pending.value ? state.pending.value : editorValue());
  if (state.loaded && state.loaded.lease) body.keepLease = true;
  state.pending = { type: "put", value: { value: body.value, base64: body.base64 } };
  try {
    const r = await api.call("PUT", "key", { body });
    state.pending = null;
    const created = state.mode === "create";
    $("conflict").hidden = true;
    await loadKey(key);
    $("key-status").textContent = (created ? "Created" : "Saved") + " at revision " + r.revision + ".";
    if (created) history.replaceState(null, "", keyHash(state.prefix, key));
    loadLevel(state.prefix);
  } catch (e) {
    onWriteError(e);
  }
}

async function remove(expect) {
  const key = state.key;
  state.pending = { type: "delete" };
  try {
    const r = await api.call("DELETE", "key", { query: { k: api.b64(key), expect: String(expect) } });
    state.pending = null;
    $("conflict").hidden = true;
    state.loaded = null;
    $("detail-meta").replaceChildren();
    $("detail-preview").replaceChildren(el("p", { class: "note", text: "Deleted." }));
    $("key-status").textContent = r.deleted ? "Deleted at revision " + r.revision + "." : "Nothing to delete.";
    $("delete-key").disabled = true;
    history.replaceState(null, "", keyHash(state.prefix, null));
    loadLevel(state.prefix);
  } catch (e) {
    onWriteError(e);
  }
}

function onWriteError(e) {
  if (e.status !== 409) {
    state.pending = null;
    $("key-status").textContent = e.message;
    showError(e.message);
    return;
  }
  const theirs = e.body.theirs;
  $("conflict-message").textContent = e.message + ". Compare the versions, then overwrite or take the current one.";
  $("conflict-yours").textContent = state.pending.type === "delete" ? "(delete the key)" : valueText(e.body.yours);
  $("conflict-theirs-title").textContent = theirs ? "Current version (mod revision " + theirs.modRevision + ", version " + theirs.version + ")" : "Current version";
  $("conflict-theirs").textContent = theirs ? valueText(theirs.value) : "(the key was deleted)";
  state.conflictRevision = theirs ? theirs.modRevision : 0;
  $("conflict").hidden = false;
  $("key-status").textContent = "Not saved: conflict.";
  $("conflict-overwrite").focus();
}

function disarmDelete() {
  state.deleteArmed = false;
  $("delete-key").textContent = "Delete";
}

async function showHistory() {
  const list = $("history-list");
  $("history").hidden = false;
  list.replaceChildren(el("li", { class: "note", text: "Loading…" }));
  try {
    const r = await api.call("GET", "history", { query: { k: api.b64(state.key) } });
    list.replaceChildren(...r.versions.map((v) => el("li", {},
      el("div", { class: "hmeta", text: "mod revision " + v.modRevision + " · version " + v.version + " · " + api.bytes(v.value.size) }),
      el("pre", { class: "value " + v.value.kind, text: valueText(v.value) }),
      el("button", { type: "button", onclick: () => {
        const binary = v.value.kind === "binary";
        $("value-editor").value = binary ? v.value.base64 : v.value.text;
        document.querySelector("input[name=encoding][value=" + (binary ? "base64" : "text") + "]").checked = true;
        $("key-status").textContent = "Editor holds the value of revision " + v.modRevision + ": Save to restore it.";
        $("value-editor").focus();
      }, text: "Edit this version" }))));
    const ends = {
      created: "Back to the key's creation (create revision " + (r.versions.length ? r.versions[r.versions.length - 1].createRevision : "?") + ").",
      compacted: "Older versions were compacted away (compaction point after revision " + r.compactedAt + ").",
      limit: "Showing the latest " + r.versions.length + " versions.",
      absent: "The key does not exist now.",
    };
    $("history-end").textContent = ends[r.end] || "";
  } catch (e) {
    list.replaceChildren(el("li", { class: "error", text: e.message }));
  }
}

$("new-key-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const key = $("new-key-name").value;
  if (!key) { showError("etcdserver: key is not provided"); return; }
  startCreate(key);
});
$("edit-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  state.pending = null;
  save(state.mode === "create" ? 0 : state.loaded ? state.loaded.modRevision : 0);
});
$("delete-key").addEventListener("click", () => {
  if (!state.deleteArmed) {
    state.deleteArmed = true;
    $("delete-key").textContent = "Confirm delete";
    $("key-status").textContent = "Press \u201cConfirm delete\u201d to delete " + state.key + ".";
    return;
  }
  disarmDelete();
  remove(state.loaded ? state.loaded.modRevision : 0);
});
$("delete-key").addEventListener("blur", disarmDelete);
$("history-key").addEventListener("click", showHistory);
$("conflict-overwrite").addEventListener("click", () => {
  if (state.pending && state.pending.type === "delete") remove(state.conflictRevision);
  else save(state.conflictRevision);
});
$("conflict-reload").addEventListener("click", () => { state.pending = null; loadKey(state.key); });
