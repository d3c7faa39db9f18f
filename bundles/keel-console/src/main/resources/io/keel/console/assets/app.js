// The page: hash routing between the views, the sign-in dialog, the error banner.
import * as api from "./api.js";
import * as keys from "./keys.js";
import * as watch from "./watch.js";
import * as cluster from "./cluster.js";
import * as charts from "./charts.js";

const views = { keys, watch, leases: cluster.leasesView, cluster: cluster.clusterView, charts };
let current = null;

export function showError(message) {
  const b = document.getElementById("banner");
  b.querySelector(".banner-text").textContent = message;
  b.hidden = false;
}

export function clearError() {
  document.getElementById("banner").hidden = true;
}

function route() {
  const hash = location.hash.replace(/^#/, "") || "keys";
  const q = hash.indexOf("?");
  const name = q < 0 ? hash : hash.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : hash.slice(q + 1));
  const view = views[name] ? name : "keys";
  if (current && current !== view) views[current].hide();
  for (const s of document.querySelectorAll(".view")) s.hidden = s.id !== "view-" + view;
  for (const a of document.querySelectorAll("nav.views a")) {
    if (a.getAttribute("href") === "#" + view) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  current = view;
  clearError();
  views[view].show(params);
}

// Sign-in: one dialog at a time; every call that got a 401 waits for the same sign-in.
let pending = null;
function signIn(reason) {
  if (pending) return pending;
  const dialog = document.getElementById("login");
  const form = document.getElementById("login-form");
  const error = document.getElementById("login-error");
  document.getElementById("login-reason").textContent =
    "This cluster has authentication enabled" + (reason ? " (" + reason + ")" : "") + ". Sign in as an etcd user.";
  error.textContent = "";
  pending = new Promise((resolve) => {
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      error.textContent = "";
      const submit = document.getElementById("login-submit");
      submit.disabled = true;
      try {
        const r = await api.login(document.getElementById("login-user").value,
          document.getElementById("login-password").value);
        document.getElementById("login-password").value = "";
        dialog.close();
        pending = null;
        setUser(r.user);
        resolve();
      } catch (e) {
        error.textContent = e.message;
        document.getElementById("login-password").select();
      } finally {
        submit.disabled = false;
      }
    };
  });
  dialog.showModal();
  document.getElementById("login-user").focus();
  return pending;
}

function setUser(user) {
  document.getElementById("session-user").textContent = user ? "Signed in as " + user : "";
  document.getElementById("sign-out").hidden = !user;
}

api.onSignInNeeded(signIn);
document.getElementById("login").addEventListener("cancel", (ev) => ev.preventDefault()); // nothing works unsigned
document.getElementById("sign-out").addEventListener("click", () => {
  api.setToken("");
  setUser("");
  route();
});
document.getElementById("banner-close").addEventListener("click", clearError);
window.addEventListener("hashchange", route);
route();
