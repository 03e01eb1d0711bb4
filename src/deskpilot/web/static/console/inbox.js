// The inbox: live rows (new conversations and messages move to the top), keyboard selection
// (j/k, Enter or o to open, r to reply, e to resolve) and nothing else: filters are a GET form.

import { api } from "./api.js";
import { el, when } from "./dom.js";
import { t } from "./i18n.js";
import { shortcut } from "./keys.js";
import { on } from "./live.js";
import { toast } from "./shell.js";

const table = document.getElementById("inbox-table");
const body = document.getElementById("inbox-rows");
const empty = document.getElementById("inbox-empty");
const addsNew = table?.dataset.addNew === "yes";

const rows = () => [...body.querySelectorAll("tr[data-conversation-id]")];
const rowOf = (id) => body.querySelector(`tr[data-conversation-id="${CSS.escape(id)}"]`);
let selected = null;

function select(row) {
  if (!row) return;
  for (const other of rows()) other.removeAttribute("aria-selected");
  row.setAttribute("aria-selected", "true");
  selected = row.dataset.conversationId;
  row.querySelector("a.open")?.focus({ preventScroll: true });
  row.scrollIntoView({ block: "nearest" });
}

function current() {
  return selected ? rowOf(selected) : null;
}

function move(step) {
  const list = rows();
  if (!list.length) return;
  const index = list.indexOf(current());
  const next = index < 0 ? 0 : Math.min(list.length - 1, Math.max(0, index + step));
  select(list[next]);
}

function open(reply = false) {
  const row = current();
  if (!row) return;
  location.href = `/conversations/${encodeURIComponent(row.dataset.conversationId)}${reply ? "#reply" : ""}`;
}

async function resolve() {
  const row = current();
  if (!row) return;
  try {
    await api("POST", `/api/v1/conversations/${encodeURIComponent(row.dataset.conversationId)}/status`, {
      body: { status: "resolved" },
    });
    toast(t("inbox.resolved"));
    const list = rows();
    const next = list[list.indexOf(row) + 1] || list[list.indexOf(row) - 1];
    row.remove();
    if (next) select(next);
    empty.hidden = rows().length > 0;
  } catch (error) {
    toast(t("shell.error", { message: error.message }), "error");
  }
}

function badges(data) {
  return [
    data.intent ? el("span", { class: "badge intent" }, `${t("inbox.intent")}: ${data.intent}`) : null,
    data.sentiment
      ? el("span", { class: `badge sentiment ${data.sentiment}` }, t(`inbox.sentiment.${data.sentiment}`))
      : null,
    data.language ? el("span", { class: "badge lang" }, data.language) : null,
  ];
}

function build(data) {
  return el(
    "tr",
    {
      dataset: {
        conversationId: data.id,
        status: data.status,
        handledBy: data.handled_by,
        assigneeId: data.assignee_id || "",
        channelId: data.channel_id,
      },
    },
    el(
      "th",
      { scope: "row" },
      el("a", { class: "open", href: `/conversations/${encodeURIComponent(data.id)}` }, data.customer || t("inbox.anonymous")),
      el("span", { class: "channel" }, data.channel),
    ),
    el(
      "td",
      { class: "preview" },
      data.preview_private ? [el("span", { class: "badge note" }, t("inbox.note")), " "] : null,
      el("span", { class: "text" }, data.preview),
    ),
    el("td", { class: "ai" }, el("div", { class: "badges" }, badges(data))),
    el("td", { class: "handled" }, t(`inbox.handled.${data.handled_by}`)),
    el("td", { class: "assignee" }, data.assignee || t("inbox.nobody")),
    el(
      "td",
      { class: "time" },
      el("time", { datetime: data.last_activity_at }, when(data.last_activity_at)),
    ),
  );
}

// Refresh one row from the server (the same data as the first paint) and move it to the top.
const pending = new Map();
function refresh(id, { top = true, create = false } = {}) {
  clearTimeout(pending.get(id));
  pending.set(
    id,
    setTimeout(async () => {
      pending.delete(id);
      const existing = rowOf(id);
      if (!existing && !create) return;
      let data;
      try {
        data = await api("GET", `/inbox/rows/${encodeURIComponent(id)}`);
      } catch {
        return;
      }
      const row = build(data);
      if (existing) {
        if (existing.getAttribute("aria-selected")) row.setAttribute("aria-selected", "true");
        if (top) {
          existing.remove();
          body.prepend(row);
        } else existing.replaceWith(row);
      } else body.prepend(row);
      if (selected === id && document.activeElement?.closest("#inbox-rows")) {
        row.querySelector("a.open")?.focus({ preventScroll: true });
      }
      empty.hidden = rows().length > 0;
    }, 150),
  );
}

on("message.created", (data) => {
  refresh(data.conversation_id, { create: addsNew && data.sender_type === "customer" });
});
on("message.updated", (data) => refresh(data.conversation_id, { top: false }));
on("conversation.created", (data) => refresh(data.id, { create: addsNew }));
for (const name of ["conversation.updated", "conversation.assigned", "conversation.status_changed"]) {
  on(name, (data) => refresh(data.id, { top: false }));
}

body?.addEventListener("click", (event) => {
  const row = event.target.closest("tr[data-conversation-id]");
  if (row && !event.target.closest("a")) select(row);
});
body?.addEventListener("focusin", (event) => {
  const row = event.target.closest("tr[data-conversation-id]");
  if (row) {
    for (const other of rows()) other.removeAttribute("aria-selected");
    row.setAttribute("aria-selected", "true");
    selected = row.dataset.conversationId;
  }
});

shortcut("j", t("inbox.key.next"), () => move(1));
shortcut("k", t("inbox.key.previous"), () => move(-1));
shortcut("Enter", t("inbox.key.open"), () => open());
shortcut("o", t("inbox.key.open"), () => open());
shortcut("r", t("inbox.key.reply"), () => open(true));
shortcut("e", t("inbox.key.resolve"), resolve);

for (const node of document.querySelectorAll("#inbox-rows time[datetime]")) {
  node.textContent = when(node.getAttribute("datetime"));
}
