// The console's JSON API client. The token from a sign-in lives in this module only (never in
// storage or the URL) and goes with every call in the Authorization header, as etcd's gateway
// takes it. A 401 (auth enabled and not signed in, or the token expired) asks the page to sign in,
// then the call is made once more.

let token = "";
let signIn = null; // () => Promise that resolves once signed in

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : "HTTP " + status);
    this.status = status;
    this.code = body && body.code;
    this.body = body || {};
  }
}

export function onSignInNeeded(fn) { signIn = fn; }
export function setToken(t) { token = t || ""; }
export function hasToken() { return token !== ""; }

function headers(extra) {
  const h = Object.assign({ "X-Keel-Console": "1" }, extra || {});
  if (token) h["Authorization"] = token;
  return h;
}

export async function call(method, route, { query, body } = {}, retried = false) {
  const url = new URL("api/" + route, document.baseURI);
  for (const [k, v] of Object.entries(query || {})) url.searchParams.set(k, v);
  const init = { method, headers: headers(body !== undefined ? { "Content-Type": "application/json" } : {}) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const resp = await fetch(url, init);
  let json = null;
  try { json = await resp.json(); } catch (e) { json = { error: "HTTP " + resp.status + " (no JSON answer)" }; }
  if (resp.status === 401 && route !== "login" && signIn && !retried) {
    await signIn(json.error);
    return call(method, route, { query, body }, true);
  }
  if (!resp.ok) throw new ApiError(resp.status, json);
  return json;
}

export async function login(user, password) {
  const r = await call("POST", "login", { body: { user, password } });
  setToken(r.token);
  return r;
}

// Streams server-sent events from api/<route> through fetch, so the token can go in a header
// (EventSource cannot send one). onEvent(name, data) per event; resolves when the stream ends.
export async function stream(route, query, onEvent, signal) {
  const url = new URL("api/" + route, document.baseURI);
  for (const [k, v] of Object.entries(query || {})) url.searchParams.set(k, v);
  const resp = await fetch(url, { headers: headers({ Accept: "text/event-stream" }), signal });
  if (!resp.ok) {
    let json = null;
    try { json = await resp.json(); } catch (e) { json = null; }
    throw new ApiError(resp.status, json);
  }
  const reader = resp.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let end;
    while ((end = buf.indexOf("\n\n")) >= 0) {
      const frame = buf.slice(0, end);
      buf = buf.slice(end + 2);
      let name = "message", data = "";
      for (const line of frame.split("\n")) {
        if (line.startsWith("event: ")) name = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
      }
      if (data) onEvent(name, JSON.parse(data));
    }
  }
}

// Keys are byte strings: the API takes them in base64 ("k"); the page types them as UTF-8 text.
export function b64(text) {
  const bytes = new TextEncoder().encode(text);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function unb64(b) {
  const s = atob(b);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return new TextDecoder().decode(bytes);
}

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else if (v === true) e.setAttribute(k, "");
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined) e.append(c);
  return e;
}

export function bytes(n) {
  if (n < 1024) return n + " B";
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + " KiB";
  if (n < 1024 * 1024 * 1024) return (n / 1024 / 1024).toFixed(1) + " MiB";
  return (n / 1024 / 1024 / 1024).toFixed(2) + " GiB";
}
