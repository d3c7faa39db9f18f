// Members (leader, term, index, health, move-leader), alarms (disarm) and leases (keys, TTLs,
// revoke), refreshed every few seconds while their view is open.
import * as api from "./api.js";
import { el } from "./api.js";
import { showError } from "./app.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 3000;

function refreshing(load) {
  let timer = null;
  return {
    show() {
      load();
      clearInterval(timer);
      timer = setInterval(load, REFRESH_MS);
    },
    hide() {
      clearInterval(timer);
      timer = null;
    },
  };
}

async function loadCluster() {
  try {
    const r = await api.call("GET", "cluster");
    const selfLeads = r.self === r.leader;
    $("cluster-note").textContent = "Cluster " + r.clusterId + " · this console runs on member " + r.self
      + (r.leader === "0" ? " · no leader!" : selfLeads ? " (the leader)" : " · leader " + r.leader)
      + (selfLeads ? "" : " · move-leader works from the leader's console");
    $("member-table").tBodies[0].replaceChildren(...r.members.map((m) => {
      const st = m.status || {};
      const healthy = (m.health || "").startsWith("healthy");
      const move = el("button", { type: "button", disabled: m.isLeader || m.learner || !selfLeads ? true : undefined,
        "data-member": m.id, text: "Make leader",
        onclick: async (ev) => {
          ev.target.disabled = true;
          try {
            await api.call("POST", "move-leader", { body: { target: m.id } });
          } catch (e) {
            showError(e.message);
          }
          loadCluster();
        } });
      return el("tr", { class: m.self ? "self" : null },
        el("th", { scope: "row", text: (m.name || "(unstarted)") + (m.self ? " (this member)" : "") }),
        el("td", { class: "mono", text: m.id }),
        el("td", { text: m.isLeader ? "leader" : m.learner ? "learner" : "follower" }),
        el("td", { text: st.raftTerm ?? "–" }),
        el("td", { text: st.raftIndex ?? "–" }),
        el("td", { text: st.raftAppliedIndex ?? "–" }),
        el("td", { text: st.dbSize !== undefined ? api.bytes(st.dbSize) : "–" }),
        el("td", { class: healthy ? "ok" : "bad", text: m.health }),
        el("td", { class: "mono small", text: m.clientUrls.join(" ") }),
        el("td", {}, move));
    }));
    $("alarm-list").replaceChildren(...(r.alarms.length === 0 ? [el("li", { class: "note", text: "No alarms." })]
      : r.alarms.map((a) => el("li", { class: "bad" }, a.type + " on member " + a.member + " ",
        el("button", { type: "button", text: "Disarm", onclick: async () => {
          try { await api.call("POST", "disarm", { body: { member: a.member, type: a.type } }); } catch (e) { showError(e.message); }
          loadCluster();
        } })))));
  } catch (e) {
    $("cluster-note").textContent = e.message;
  }
}

async function loadLeases() {
  try {
    const r = await api.call("GET", "leases");
    $("lease-note").textContent = r.total === 0 ? "No leases." : r.total + (r.total === 1 ? " lease" : " leases")
      + (r.total > r.leases.length ? " (showing " + r.leases.length + ")" : "") + ".";
    $("lease-table").tBodies[0].replaceChildren(...r.leases.map((l) => el("tr", {},
      el("th", { scope: "row", class: "mono", text: l.id }),
      el("td", { text: l.error ? "–" : l.ttl < 0 ? "expired" : l.ttl + " s" }),
      el("td", { text: l.error ? "–" : l.granted + " s" }),
      el("td", {}, l.error ? el("span", { class: "bad", text: l.error }) : el("ul", { class: "plain" },
        ...l.keys.map((k) => {
          const full = api.unb64(k.k);
          const slash = full.lastIndexOf("/");
          const href = "#keys?" + new URLSearchParams({ prefix: full.slice(0, slash + 1), key: full });
          return el("li", {}, el("a", { class: "mono", href, text: k.key }));
        }))),
      el("td", {}, el("button", { type: "button", class: "danger", text: "Revoke", onclick: async () => {
        try { await api.call("DELETE", "lease", { query: { id: l.id } }); } catch (e) { showError(e.message); }
        loadLeases();
      } })))));
  } catch (e) {
    $("lease-note").textContent = e.message;
  }
}

export const clusterView = refreshing(loadCluster);
export const leasesView = refreshing(loadLeases);
