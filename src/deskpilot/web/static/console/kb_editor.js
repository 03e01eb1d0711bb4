// The knowledge base editor: live preview, save, publish, archive, diff, rollback; and
// "mark reviewed" on the review queue. Everything goes through the JSON API (/api/v1/kb).

import { api } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { toast } from "./shell.js";

const FLASH = "deskpilot-kb-flash";

// A message to show after the page reloads with the new state.
function reloadWith(message, target = location.pathname) {
  sessionStorage.setItem(FLASH, message);
  location.assign(target);
}

const flash = sessionStorage.getItem(FLASH);
if (flash) {
  sessionStorage.removeItem(FLASH);
  toast(flash);
}

function failed(error) {
  toast(t("kb.error", { message: error.message }), "error");
}

// The preview: the server renders with the help center's renderer (raw HTML escaped); the result
// is parsed in an inert document and copied element by element through an allow-list, so nothing
// but plain formatting reaches the page.
const ALLOWED = new Set(
  ("p h1 h2 h3 h4 h5 h6 ul ol li a em strong code pre blockquote hr br img table thead tbody " +
    "tr th td del").split(" "),
);
const SAFE_URL = /^(https?:|mailto:|\/|#|\.)/i;

function copyClean(node) {
  if (node.nodeType === Node.TEXT_NODE) return document.createTextNode(node.nodeValue);
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const tag = node.tagName.toLowerCase();
  if (!ALLOWED.has(tag)) return document.createTextNode(node.textContent);
  const attributes = {};
  const href = node.getAttribute("href");
  const src = node.getAttribute("src");
  if (tag === "a" && href && SAFE_URL.test(href)) {
    Object.assign(attributes, { href, rel: "noopener noreferrer", target: "_blank" });
  }
  if (tag === "img" && src && SAFE_URL.test(src)) attributes.src = src;
  if (tag === "img") attributes.alt = node.getAttribute("alt") || "";
  if (tag === "ol" && node.getAttribute("start")) attributes.start = node.getAttribute("start");
  return el(tag, attributes, [...node.childNodes].map(copyClean));
}

function showPreview(target, html) {
  const parsed = new DOMParser().parseFromString(html, "text/html");
  target.replaceChildren(...[...parsed.body.childNodes].map(copyClean).filter(Boolean));
}

function tags(text) {
  return text
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
}

function setupEditor(root) {
  const form = document.getElementById("kb-form");
  const articleId = root.dataset.articleId;
  const field = (name) => form.elements.namedItem(name);
  const errorLine = document.getElementById("kb-error");
  const preview = document.getElementById("kb-preview");
  let timer = null;
  let asked = 0;

  async function refreshPreview() {
    const ticket = ++asked;
    preview.setAttribute("aria-busy", "true");
    try {
      const result = await api("POST", "/api/v1/kb/preview", { body: { body: field("body").value } });
      if (ticket === asked) showPreview(preview, result.html);
    } catch (error) {
      if (ticket === asked) toast(t("kb.preview_failed", { message: error.message }), "error");
    } finally {
      if (ticket === asked) preview.removeAttribute("aria-busy");
    }
  }
  field("body").addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, 250);
  });
  // text typed (or restored by the browser) before this script ran has had no preview yet
  if (field("body").value !== field("body").defaultValue) refreshPreview();

  // what the page was loaded with: an edit sends only the fields changed since, so it never
  // puts back what another editor changed meanwhile in a field this one did not touch
  const loaded = (name) => {
    const input = field(name);
    if (input.tagName !== "SELECT") return input.defaultValue;
    const chosen = [...input.options].find((option) => option.defaultSelected);
    return chosen ? chosen.value : input.options[0]?.value ?? "";
  };
  const fields = (value) => ({
    title: value("title").trim(),
    body: value("body"),
    category: value("category") || null,
    language: value("language").trim(),
    visibility: value("visibility"),
    tags: tags(value("tags")),
    owner_team: value("owner_team").trim() || null,
    review_due_on: value("review_due_on") || null,
  });

  function payload() {
    const body = fields((name) => field(name).value);
    if (articleId) {
      const before = fields(loaded);
      for (const name of Object.keys(body)) {
        if (JSON.stringify(body[name]) === JSON.stringify(before[name])) delete body[name];
      }
      // the version this edit started from: a newer one saved meanwhile is a 409, not lost
      body.base_version = Number(root.dataset.currentVersion);
    }
    const note = field("note").value.trim();
    if (note) body.note = note;
    return body;
  }

  async function save() {
    errorLine.textContent = "";
    const body = payload();
    if (!field("title").value.trim()) {
      errorLine.textContent = t("kb.title_required");
      field("title").focus();
      return null;
    }
    try {
      if (!articleId) {
        const created = await api("POST", "/api/v1/kb/articles", { body });
        reloadWith(t("kb.created"), `/kb/${encodeURIComponent(created.id)}`);
        return null;
      }
      const path = `/api/v1/kb/articles/${encodeURIComponent(articleId)}`;
      const saved = await api("PATCH", path, { body });
      // what is saved is what the page now started from (a publish that fails next, say)
      root.dataset.currentVersion = String(saved.current_version);
      for (const input of form.elements) {
        if ("defaultValue" in input) input.defaultValue = input.value;
        for (const option of input.options || []) option.defaultSelected = option.selected;
      }
      return saved;
    } catch (error) {
      const where = error.fields.map((f) => `${f.field.replace(/^body\./, "")}: ${f.reason}`).join("; ");
      errorLine.textContent = t("kb.error", { message: where || error.message });
      return null;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (await save()) reloadWith(t("kb.saved"));
  });

  const action = (path, message, body) => async () => {
    try {
      await api("POST", `/api/v1/kb/articles/${encodeURIComponent(articleId)}/${path}`, { body });
      reloadWith(message);
    } catch (error) {
      failed(error);
    }
  };

  document.getElementById("kb-publish")?.addEventListener("click", async () => {
    // unsaved edits are saved first, so what is published is what the agent sees; the
    // version is checked again, so a version saved since by someone else is not published
    const saved = await save();
    if (saved) await action("publish", t("kb.published"), { version: saved.current_version })();
  });
  document.getElementById("kb-archive")?.addEventListener("click", () => {
    if (confirm(t("kb.confirm_archive"))) action("archive", t("kb.archived"))();
  });
  for (const button of document.querySelectorAll(".kb-rollback")) {
    button.addEventListener("click", () => {
      const number = Number(button.dataset.version);
      if (!confirm(t("kb.confirm_rollback", { number }))) return;
      action("rollback", t("kb.rolled_back", { number }), { version: number })();
    });
  }

  document.getElementById("kb-diff-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const diffForm = event.target;
    const query = { from: diffForm.elements.from.value, to: diffForm.elements.to.value };
    try {
      const path = `/api/v1/kb/articles/${encodeURIComponent(articleId)}/diff`;
      showDiff(await api("GET", path, { query }));
    } catch (error) {
      failed(error);
    }
  });
}

function showDiff(result) {
  document.getElementById("kb-diff-summary").textContent = t("kb.diff.between", {
    old: result.from_version,
    new: result.to_version,
  });
  const lines = [];
  for (const line of result.diff.split("\n")) {
    if (!line || line.startsWith("--- ") || line.startsWith("+++ ")) continue;
    const mark = (sign, label, wrapper, cls) =>
      el("li", { class: cls }, el(wrapper, {},
        el("span", { class: "kb-mark", "aria-hidden": "true" }, sign),
        el("span", { class: "kb-sr" }, `${label}: `),
        line.slice(1)));
    if (line.startsWith("@@")) lines.push(el("li", { class: "kb-hunk" }, line));
    else if (line.startsWith("+")) lines.push(mark("+", t("kb.diff.added"), "ins", "kb-add"));
    else if (line.startsWith("-")) lines.push(mark("−", t("kb.diff.removed"), "del", "kb-remove"));
    else {
      lines.push(el("li", { class: "kb-context" },
        el("span", { class: "kb-mark", "aria-hidden": "true" }, " "), line.slice(1)));
    }
  }
  const list = document.getElementById("kb-diff-lines");
  list.replaceChildren(...lines);
  if (!lines.length) list.replaceChildren(el("li", { class: "kb-context" }, t("kb.diff.same")));
}

function setupReview(table) {
  for (const button of table.querySelectorAll(".kb-reviewed")) {
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        const id = encodeURIComponent(button.dataset.articleId);
        await api("POST", `/api/v1/kb/articles/${id}/reviewed`);
        button.closest("tr").remove();
        toast(t("kb.reviewed"));
        if (!table.querySelector("tbody tr")) {
          table.hidden = true;
          document.getElementById("kb-review-empty").hidden = false;
        }
      } catch (error) {
        button.disabled = false;
        failed(error);
      }
    });
  }
}

const editor = document.getElementById("kb-editor");
if (editor) setupEditor(editor);
const review = document.getElementById("kb-review");
if (review) setupReview(review);
