// The ticket panel: a ticket's reference, status, priority, assignee and team (changeable by
// agents), its SLA clock counting down each second, and a comment form (public or private).
// mountTicketPanel(element, conversationId): the conversation's ticket, or "Create ticket".
// mountTicket(element, ticket, {history}): one ticket (the ticket page).
// startClocks(root): every <time class="sla-clock" data-due> under root counts down.

import { api } from "./api.js";
import { el, when } from "./dom.js";
import { on } from "./live.js";
import { t, viewer } from "./i18n.js";
import { toast } from "./shell.js";

const STATUSES = ["new", "open", "pending_customer", "on_hold", "solved", "closed"];
const PRIORITIES = ["low", "normal", "high", "urgent"];
const AT_RISK_MS = 60 * 60 * 1000;
let mounted = 0;

const canAct = () => ["agent", "admin", "owner"].includes(viewer.role);
const fail = (error) => toast(t("shell.error", { message: error.message }), "error");

// --- the SLA clock -------------------------------------------------------------------------

/** 8_000_000 ms -> "2 h 13 min" (in the viewer's language). */
export function duration(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return t("tickets.time.s", { n: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t("tickets.time.min", { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t("tickets.time.h_min", { h: hours, m: minutes % 60 });
  return t("tickets.time.d_h", { d: Math.floor(hours / 24), h: hours % 24 });
}

/** The clock's words and state for a due time: "2 h 13 min left", "breached 10 min ago". */
export function clockState(dueIso, pausedIso = null, now = Date.now()) {
  const due = Date.parse(dueIso);
  if (pausedIso) {
    const left = due - Date.parse(pausedIso);
    if (left <= 0) return { state: "breached", text: t("tickets.sla.paused_breached", { time: duration(-left) }) };
    return { state: "paused", text: t("tickets.sla.paused", { time: duration(left) }) };
  }
  const left = due - now;
  if (left <= 0) return { state: "breached", text: t("tickets.sla.breached", { time: duration(-left) }) };
  return { state: left < AT_RISK_MS ? "risk" : "ok", text: t("tickets.sla.left", { time: duration(left) }) };
}

const clocks = new Set();
const shown = new WeakSet(); // clocks that were in the page (a removed one stops)
let ticking = null;

function paint(clock) {
  const { state, text } = clockState(clock.dataset.due, clock.dataset.paused || null);
  clock.textContent = text;
  clock.dataset.state = state;
}

function tick() {
  for (const clock of clocks) {
    if (clock.isConnected) {
      shown.add(clock);
      paint(clock);
    } else if (shown.has(clock)) clocks.delete(clock);
  }
  if (!clocks.size && ticking) {
    clearInterval(ticking);
    ticking = null;
  }
}

function startClock(clock) {
  paint(clock);
  clocks.add(clock);
  if (!ticking) ticking = setInterval(tick, 1000);
}

export function startClocks(root) {
  for (const clock of root?.querySelectorAll("time.sla-clock[data-due]") || []) startClock(clock);
}

function slaRow(label, { done, doneText, due, paused }) {
  let value;
  if (done) value = el("span", { class: "badge ok" }, doneText);
  else if (due) {
    value = el("time", { class: "sla-clock", datetime: due, title: new Date(due).toLocaleString(), dataset: paused ? { due, paused } : { due } });
    startClock(value);
  } else value = el("span", { class: "muted" }, t("tickets.sla.none"));
  return [el("dt", {}, label), el("dd", {}, value)];
}

function sla(ticket) {
  return el(
    "dl",
    { class: "sla" },
    slaRow(t("tickets.sla.first_response"), {
      done: ticket.first_response_at,
      doneText: t("tickets.sla.met", { when: when(ticket.first_response_at) }),
      due: ticket.first_response_due_at,
      paused: ticket.sla_paused_at,
    }),
    slaRow(t("tickets.sla.resolution"), {
      done: ticket.solved_at,
      doneText: t("tickets.sla.solved", { when: when(ticket.solved_at) }),
      due: ticket.resolution_due_at,
      paused: ticket.sla_paused_at,
    }),
  );
}

// --- people and teams, once per page ----------------------------------------------------

let directory = null;

function people() {
  directory ||= Promise.all([api("GET", "/api/v1/users"), api("GET", "/api/v1/teams")])
    .then(([members, teams]) => ({
      members: members.filter((m) => m.is_active).map((m) => [m.user_id, m.name]),
      teams: teams.map((team) => [team.id, team.name]),
    }))
    .catch(() => ({ members: [], teams: [] }));
  return directory;
}

// --- one ticket -----------------------------------------------------------------------------

function select(id, label, value, options, onchange) {
  const field = el(
    "select",
    { id, onchange },
    options.map(([optionValue, text]) =>
      el("option", { value: optionValue, selected: optionValue === (value || "") }, text),
    ),
  );
  return el("div", { class: "field" }, el("label", { for: id }, label), field);
}

function readOnly(ticket, names) {
  const name = (pairs, id) => (pairs.find(([key]) => key === id) || [null, "—"])[1];
  return el(
    "dl",
    { class: "c360-facts" },
    el("dt", {}, t("tickets.status")),
    el("dd", {}, t(`tickets.status.${ticket.status}`)),
    el("dt", {}, t("tickets.priority")),
    el("dd", {}, t(`tickets.priority.${ticket.priority}`)),
    el("dt", {}, t("tickets.assignee")),
    el("dd", {}, ticket.assignee_id ? name(names.members, ticket.assignee_id) : t("tickets.unassigned")),
    el("dt", {}, t("tickets.team")),
    el("dd", {}, ticket.team_id ? name(names.teams, ticket.team_id) : "—"),
  );
}

/** Draw `ticket` into `element`; `history` (an <ol>) gets new comments appended. */
export async function mountTicket(element, ticket, { history = null, heading = true } = {}) {
  const prefix = `ticket-${++mounted}`;
  const names = await people();
  const summary = el("div", { class: "ticket-summary" });
  let current = ticket;

  const change = async (fields, focusId) => {
    try {
      draw(await api("PATCH", `/api/v1/tickets/${encodeURIComponent(current.id)}`, { body: fields }));
      toast(t("shell.saved"));
    } catch (error) {
      fail(error);
      draw(current);
    }
    document.getElementById(focusId)?.focus();
  };

  const fields = (tk) => {
    if (!canAct() || tk.status === "closed") return readOnly(tk, names);
    const id = (name) => `${prefix}-${name}`;
    return el(
      "div",
      { class: "ticket-fields" },
      select(id("status"), t("tickets.status"), tk.status, STATUSES.map((s) => [s, t(`tickets.status.${s}`)]),
        (e) => change({ status: e.target.value }, id("status"))),
      select(id("priority"), t("tickets.priority"), tk.priority, PRIORITIES.map((p) => [p, t(`tickets.priority.${p}`)]),
        (e) => change({ priority: e.target.value }, id("priority"))),
      select(id("assignee"), t("tickets.assignee"), tk.assignee_id, [["", t("tickets.unassigned")], ...names.members],
        (e) => change({ assignee_id: e.target.value || null }, id("assignee"))),
      select(id("team"), t("tickets.team"), tk.team_id, [["", "—"], ...names.teams],
        (e) => change({ team_id: e.target.value || null }, id("team"))),
    );
  };

  const draw = (tk) => {
    current = tk;
    element.dataset.ticketId = tk.id;
    summary.replaceChildren(
      el("p", { class: "ticket-ref" }, el("a", { href: `/tickets/${encodeURIComponent(tk.id)}` }, tk.reference), " ", tk.subject),
      el("p", { class: "ticket-status" }, el("span", { class: `badge status-${tk.status}` }, t(`tickets.status.${tk.status}`))),
      el("h3", {}, t("tickets.sla.title")),
      sla(tk),
      fields(tk),
    );
  };

  const text = el("textarea", { id: `${prefix}-comment`, rows: 3, maxlength: 20000, required: true });
  const isPublic = el("input", { id: `${prefix}-public`, type: "checkbox" });
  const comment = el(
    "form",
    {
      class: "ticket-comment",
      onsubmit: async (event) => {
        event.preventDefault();
        if (!text.value.trim()) return;
        try {
          const made = await api("POST", `/api/v1/tickets/${encodeURIComponent(current.id)}/comments`, {
            body: { text: text.value, public: isPublic.checked },
          });
          history?.append(
            el("li", { class: "history-comment" },
              el("time", { datetime: made.created_at }, when(made.created_at)), " ",
              el("span", { class: "badge" }, made.is_public ? t("tickets.public") : t("tickets.private")),
              el("p", { class: "note" }, made.note)),
          );
          text.value = "";
          isPublic.checked = false;
          toast(t("tickets.comment.added"));
          draw(await api("GET", `/api/v1/tickets/${encodeURIComponent(current.id)}`));
        } catch (error) {
          fail(error);
        }
      },
    },
    el("label", { for: text.id }, t("tickets.comment.label")),
    text,
    el("div", { class: "check" }, isPublic, el("label", { for: isPublic.id }, t("tickets.comment.public"))),
    el("button", { type: "submit" }, t("tickets.comment.add")),
  );

  draw(ticket);
  element.replaceChildren(
    heading ? el("h2", {}, t("tickets.panel")) : null,
    summary,
    canAct() && ticket.status !== "closed" ? comment : null,
  );
  for (const name of ["ticket.updated", "ticket.commented"]) {
    on(name, (data) => {
      if (data?.id === current.id && element.isConnected) draw(data);
    });
  }
  return { draw };
}

// --- the conversation's ticket ---------------------------------------------------------------

/** The conversation's ticket(s) in `element`, or a "Create ticket" button when there is none. */
export async function mountTicketPanel(element, conversationId) {
  const load = async () => {
    let found;
    try {
      found = await api("GET", "/api/v1/tickets", { query: { conversation_id: conversationId, limit: 10 } });
    } catch (error) {
      element.replaceChildren(el("p", { class: "error", role: "alert" }, t("tickets.load_failed", { message: error.message })));
      return;
    }
    const [newest, ...older] = found.items;
    if (!newest) {
      const create = el("button", {
        type: "button",
        onclick: async () => {
          create.disabled = true;
          try {
            const made = await api("POST", `/api/v1/conversations/${encodeURIComponent(conversationId)}/ticket`, { body: {} });
            toast(t("tickets.created", { reference: made.reference }));
            await load();
            element.querySelector("select, textarea")?.focus();
          } catch (error) {
            fail(error);
            create.disabled = false;
          }
        },
      }, t("tickets.create"));
      element.replaceChildren(
        el("h2", {}, t("tickets.panel")),
        el("p", { class: "muted" }, t("tickets.none_yet")),
        canAct() ? create : null,
      );
      return;
    }
    const card = el("div", { class: "ticket-card" });
    element.replaceChildren(card);
    await mountTicket(card, newest);
    if (older.length) {
      element.append(
        el("p", { class: "muted" }, t("tickets.older")),
        el("ul", {}, older.map((tk) => el("li", {}, el("a", { href: `/tickets/${encodeURIComponent(tk.id)}` }, tk.reference), ` ${t(`tickets.status.${tk.status}`)}`))),
      );
    }
  };
  on("ticket.created", (data) => {
    if (data?.conversation_ids?.includes(conversationId) && !element.querySelector(".ticket-card")) load();
  });
  await load();
}
