// One conversation: live messages and delivery updates, the reply box (Ctrl+Enter sends), canned
// responses and AI suggestions inserted at the cursor, and the controls (handling, assignee,
// labels, status). The ticket panel and the customer 360 come from their own modules.

import { api } from "./api.js";
import { el, when } from "./dom.js";
import { t } from "./i18n.js";
import { shortcut } from "./keys.js";
import { on } from "./live.js";
import { toast } from "./shell.js";

const root = document.getElementById("conversation");
const id = root.dataset.conversationId;
const attachmentUrl = (a) =>
  `/api/v1/conversations/${encodeURIComponent(id)}/attachments/${encodeURIComponent(a.id)}`;
const path = `/api/v1/conversations/${encodeURIComponent(id)}`;
const names = JSON.parse(document.getElementById("conv-names")?.textContent || "{}");
const list = document.getElementById("messages");
const reply = document.getElementById("reply-text");
const privateBox = document.getElementById("reply-private");
const $ = (selector) => document.getElementById(selector);

const failed = (error) => toast(t("shell.error", { message: error.message }), "error");

function delivery(message) {
  if (!message.delivery_status || message.direction !== "outbound") return "";
  const status = t(`conv.delivery.${message.delivery_status}`);
  return message.delivery_error ? `${status}: ${message.delivery_error}` : status;
}

function annotations(message) {
  const a = message.annotations || {};
  const sentiment = a.sentiment?.label;
  const confidence = typeof a.confidence === "number" ? ` (${Math.round(a.confidence * 100)}%)` : "";
  const item = (key, cls, value) => el("div", {}, el("dt", {}, t(key)), el("dd", { class: cls }, value));
  return el(
    "dl",
    { class: "annotations", hidden: !a.intent && !a.language },
    item("conv.ai.language", "a-language", a.language || "—"),
    item("conv.ai.intent", "a-intent", `${a.intent || "—"}${a.intent ? confidence : ""}`),
    item("conv.ai.sentiment", "a-sentiment", sentiment ? t(`inbox.sentiment.${sentiment}`) : "—"),
    item("conv.ai.urgency", "a-urgency", a.urgency || "—"),
    el("div", { class: "decision", hidden: true }, el("dt", {}, t("conv.ai.decision")), el("dd", { class: "a-decision" })),
  );
}

function build(message) {
  const sender = names[message.sender_id] || t(`conv.sender.${message.sender_type}`);
  return el(
    "li",
    {
      class: `msg ${message.sender_type}${message.is_private ? " private" : ""}`,
      dataset: { messageId: message.id },
    },
    el(
      "p",
      { class: "meta" },
      el("span", { class: "sender" }, sender),
      " ",
      message.is_private ? [el("span", { class: "badge note" }, t("conv.private")), " "] : null,
      el("time", { datetime: message.created_at }, when(message.created_at)),
      " ",
      el("span", { class: "delivery", dataset: { status: message.delivery_status || "" } }, delivery(message)),
    ),
    el("div", { class: "body", lang: message.annotations?.language || "" }, message.text),
    message.attachments?.length
      ? el(
          "ul",
          { class: "attachments" },
          message.attachments.map((a) =>
            el("li", {}, el("a", { href: attachmentUrl(a), download: a.filename }, a.filename), ` (${a.size} B)`),
          ),
        )
      : null,
    message.sender_type === "customer" ? annotations(message) : null,
  );
}

function show(message) {
  if (message.conversation_id !== id) return;
  const existing = list.querySelector(`[data-message-id="${CSS.escape(message.id)}"]`);
  const node = build(message);
  if (existing) {
    const decision = existing.querySelector(".decision");
    if (decision && !decision.hidden) node.querySelector(".decision")?.replaceWith(decision);
    existing.replaceWith(node);
  } else {
    list.append(node);
    node.scrollIntoView({ block: "nearest" });
  }
  if (message.sender_type === "customer") loadDecision(message.id);
}

async function loadDecision(messageId) {
  let runs;
  try {
    runs = await api("GET", "/api/v1/ai/runs", { query: { message_id: messageId } });
  } catch {
    return;
  }
  const run = runs[0];
  const node = list.querySelector(`[data-message-id="${CSS.escape(messageId)}"] .decision`);
  if (!run || !node) return;
  node.querySelector(".a-decision").textContent = `${t(`conv.decision.${run.decision}`)}: ${run.reason}`;
  node.hidden = false;
}

on("message.created", show);
on("message.updated", show);
for (const name of ["conversation.updated", "conversation.assigned", "conversation.status_changed"]) {
  on(name, (data) => data.id === id && state(data));
}

function state(conversation) {
  $("conv-status-text").textContent = t(`inbox.status.${conversation.status}`);
  $("conv-handled-text").textContent = t(`inbox.handled.${conversation.handled_by}`);
  $("status").value = conversation.status;
  $("assignee").value = conversation.assignee_id || "";
  $("labels").value = (conversation.labels || []).join(", ");
  const toggle = $("handled-toggle");
  toggle.dataset.handledBy = conversation.handled_by;
  toggle.textContent = t(conversation.handled_by === "bot" ? "conv.take_over" : "conv.give_back");
}

// the reply box

function insert(text) {
  const start = reply.selectionStart ?? reply.value.length;
  const end = reply.selectionEnd ?? start;
  reply.setRangeText(text, start, end, "end");
  reply.focus();
}

async function send() {
  const text = reply.value.trim();
  if (!text) return reply.focus();
  $("reply-send").disabled = true;
  try {
    const message = await api("POST", `${path}/messages`, { body: { text, private: privateBox.checked } });
    reply.value = "";
    show(message);
    toast(t("conv.sent"));
  } catch (error) {
    failed(error);
  } finally {
    $("reply-send").disabled = false;
  }
}

$("reply-form").addEventListener("submit", (event) => {
  event.preventDefault();
  send();
});
reply.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    send();
  }
});
privateBox.addEventListener("change", () => {
  $("reply-form").classList.toggle("private", privateBox.checked);
});

// canned responses

let cannedTimer = null;
async function searchCanned() {
  const target = $("canned-list");
  let found;
  try {
    found = await api("GET", "/api/v1/canned-responses", { query: { q: $("canned-q").value.trim(), limit: 8 } });
  } catch (error) {
    return failed(error);
  }
  target.replaceChildren(
    ...(found.length
      ? found.map((r) =>
          el("li", {}, el("button", { type: "button", class: "link", onclick: () => useCanned(r.id) }, `/${r.shortcut} · ${r.title}`)),
        )
      : [el("li", { class: "muted" }, t("conv.canned.none"))]),
  );
}

async function useCanned(responseId) {
  try {
    const rendered = await api("POST", `/api/v1/canned-responses/${encodeURIComponent(responseId)}/render`, {
      body: { conversation_id: id },
    });
    insert(rendered.text);
  } catch (error) {
    failed(error);
  }
}

$("canned-q").addEventListener("input", () => {
  clearTimeout(cannedTimer);
  cannedTimer = setTimeout(searchCanned, 200);
});
$("canned-q").addEventListener("focus", searchCanned, { once: true });

// the AI's suggestions

$("suggest").addEventListener("click", async () => {
  const target = $("suggestions");
  $("suggest").disabled = true;
  try {
    const assist = await api("GET", `/api/v1/ai/conversations/${encodeURIComponent(id)}/assist`);
    const items = assist.suggestions.filter((s) => s.reply);
    target.replaceChildren(
      ...(items.length
        ? items.map((s) =>
            el(
              "li",
              { class: "suggestion" },
              el("p", { class: "body" }, s.reply),
              s.citations.length
                ? el("p", { class: "muted" }, t("conv.sources", { titles: s.citations.map((c) => c.title).join(", ") }))
                : null,
              el("button", { type: "button", class: "secondary", onclick: () => insert(s.reply) }, t("conv.insert")),
            ),
          )
        : [el("li", { class: "muted" }, t("conv.suggest.none"))]),
    );
  } catch (error) {
    failed(error);
  } finally {
    $("suggest").disabled = false;
  }
});

// the controls

async function change(method, suffix, body) {
  try {
    state(await api(method, `${path}${suffix}`, { body }));
    toast(t("shell.saved"));
  } catch (error) {
    failed(error);
  }
}

$("handled-toggle").addEventListener("click", () => {
  const next = $("handled-toggle").dataset.handledBy === "bot" ? "human" : "bot";
  change("PATCH", "", { handled_by: next });
});
$("assignee").addEventListener("change", () => change("POST", "/assign", { assignee_id: $("assignee").value || null }));
$("labels-save").addEventListener("click", () => {
  const labels = $("labels").value.split(",").map((l) => l.trim()).filter(Boolean);
  change("PUT", "/labels", { labels });
});

function snoozeDefault() {
  const hours = Number($("snooze-until").dataset.defaultHours || 4);
  const date = new Date(Date.now() + hours * 3600_000);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

$("status-save").addEventListener("click", () => {
  const status = $("status").value;
  const body = { status };
  if (status === "snoozed") {
    if (!$("snooze-until").value) $("snooze-until").value = snoozeDefault();
    body.snoozed_until = new Date($("snooze-until").value).toISOString();
  }
  change("POST", "/status", body);
});

shortcut("r", t("conv.key.reply"), () => reply.focus());
shortcut("e", t("conv.key.resolve"), () => change("POST", "/status", { status: "resolved" }));

for (const node of list.querySelectorAll("time[datetime]")) node.textContent = when(node.getAttribute("datetime"));
if (location.hash === "#reply") reply.focus();
list.lastElementChild?.scrollIntoView({ block: "nearest" });

// the panels other modules provide
async function mount(modulePath, exportName, element, argument) {
  if (!element) return;
  try {
    const module = await import(modulePath);
    await module[exportName](element, argument);
  } catch (error) {
    console.warn(`${modulePath} is not available`, error);
  }
}
mount("./ticket_panel.js", "mountTicketPanel", $("ticket-panel"), id);
mount("./customer360.js", "mountCustomer360", $("customer-360"), root.dataset.customerId);
