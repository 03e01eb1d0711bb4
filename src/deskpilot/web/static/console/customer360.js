// The Customer 360 sidebar: profile, identities, computed traits, segments, recent orders, a
// short timeline, and merge / unmerge for agents. Everything comes from the JSON API.
// mountCustomer360(element, customerId) is used by the customer page and the conversation page.

import { api } from "./api.js";
import { el, when } from "./dom.js";
import { t, viewer } from "./i18n.js";
import { toast } from "./shell.js";

const ORDERS = 5;
const TIMELINE = 8;
let mounted = 0; // a prefix for ids, so two sidebars on one page never share one

const canAct = () => ["agent", "admin", "owner"].includes(viewer.role);

function section(prefix, name, ...children) {
  const id = `${prefix}-${name}`;
  return el(
    "section",
    { class: `c360-section c360-${name}`, "aria-labelledby": id },
    el("h2", { id }, t(`c360.${name}`)),
    ...children,
  );
}

function facts(pairs) {
  const shown = pairs.filter(([, value]) => value !== null && value !== undefined && value !== "");
  if (!shown.length) return el("p", { class: "muted" }, t("c360.nothing"));
  return el("dl", { class: "c360-facts" }, shown.flatMap(([label, value]) => [
    el("dt", {}, label),
    el("dd", {}, value),
  ]));
}

function plain(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function money(total, currency) {
  try {
    return new Intl.NumberFormat(document.documentElement.lang, {
      style: "currency",
      currency,
    }).format(Number(total));
  } catch {
    return `${total} ${currency}`;
  }
}

function profile(prefix, customer) {
  const consents = customer.consents.map((c) =>
    el("li", {}, `${c.purpose}: ${t(`c360.consent.${c.status}`)}`),
  );
  return section(
    prefix,
    "profile",
    facts([
      [t("customers.name"), customer.name || t("customers.unnamed")],
      [t("customers.email"), customer.email],
      [t("customers.phone"), customer.phone],
      [t("customers.language"), customer.language],
      [t("c360.country"), customer.country],
      [t("c360.city"), customer.city],
    ]),
    el("h3", {}, t("c360.consents")),
    consents.length ? el("ul", { class: "c360-list" }, consents) : el("p", { class: "muted" }, t("c360.nothing")),
  );
}

function identities(prefix, customer) {
  const items = customer.identities.map((identity) =>
    el(
      "li",
      {},
      el("span", { class: "c360-kind" }, t(`c360.identity.${identity.kind}`)),
      " ",
      identity.value,
      " ",
      el(
        "span",
        { class: identity.verified ? "badge ok" : "badge" },
        identity.verified ? t("c360.verified") : t("c360.unverified"),
      ),
    ),
  );
  return section(prefix, "identities", items.length ? el("ul", { class: "c360-list" }, items) : el("p", { class: "muted" }, t("c360.nothing")));
}

function traits(prefix, customer) {
  const pairs = Object.entries(customer.computed || {}).map(([name, value]) => [name, plain(value)]);
  return section(prefix, "traits", facts(pairs));
}

function segments(prefix, customer) {
  const items = customer.segments.map((segment) => el("li", {}, segment.name));
  return section(prefix, "segments", items.length ? el("ul", { class: "c360-tags" }, items) : el("p", { class: "muted" }, t("c360.no_segments")));
}

function orders(prefix, page) {
  if (!page.items.length) return section(prefix, "orders", el("p", { class: "muted" }, t("c360.no_orders")));
  const head = ["c360.order.number", "c360.order.status", "c360.order.total", "c360.order.date"];
  return section(
    prefix,
    "orders",
    el(
      "table",
      { class: "c360-orders" },
      el("thead", {}, el("tr", {}, head.map((key) => el("th", { scope: "col" }, t(key))))),
      el(
        "tbody",
        {},
        page.items.map((order) =>
          el(
            "tr",
            {},
            el("td", {}, order.external_id),
            el("td", {}, order.status),
            el("td", {}, money(order.total, order.currency)),
            el("td", {}, when(order.placed_at || order.created_at)),
          ),
        ),
      ),
    ),
  );
}

function kindLabel(kind) {
  const key = `c360.kind.${kind}`;
  const label = t(key);
  return label === key ? kind : label;
}

function timeline(prefix, customer) {
  const items = customer.timeline.items.slice(0, TIMELINE).map((entry) =>
    el(
      "li",
      {},
      el("time", { datetime: entry.at }, when(entry.at)),
      " ",
      el("span", { class: "badge" }, kindLabel(entry.kind)),
      " ",
      entry.summary,
    ),
  );
  return section(prefix, "timeline", items.length ? el("ol", { class: "c360-timeline" }, items) : el("p", { class: "muted" }, t("c360.nothing")));
}

function mergeHistory(prefix, customer, merges, refresh) {
  if (!merges.length) return section(prefix, "merges", el("p", { class: "muted" }, t("c360.no_merges")));
  const items = merges.map((merge) =>
    el(
      "li",
      {},
      t("c360.merged_on", { id: merge.merged_id, when: when(merge.created_at) }),
      merge.reason ? el("span", { class: "muted" }, ` — ${merge.reason}`) : null,
      canAct()
        ? el(
            "button",
            {
              type: "button",
              class: "secondary",
              onclick: async (event) => {
                event.currentTarget.disabled = true;
                try {
                  await api("POST", `/api/v1/customers/merges/${encodeURIComponent(merge.id)}/undo`);
                  toast(t("c360.unmerged"));
                } catch (error) {
                  toast(t("shell.error", { message: error.message }), "error");
                }
                await refresh();
              },
            },
            t("c360.unmerge"),
          )
        : null,
    ),
  );
  return section(prefix, "merges", el("ul", { class: "c360-list" }, items));
}

function mergeForm(prefix, customer, refresh) {
  const results = el("ul", { class: "c360-results", "aria-live": "polite" });
  const query = el("input", { id: `${prefix}-merge-q`, type: "search", maxlength: 400, autocomplete: "off" });
  const reason = el("input", { id: `${prefix}-merge-reason`, type: "text", maxlength: 200, value: t("c360.merge.default_reason") });

  const confirm = (other) => {
    const name = other.name || other.email || other.phone || other.id;
    const box = el(
      "div",
      { class: "c360-confirm", role: "group", "aria-label": t("c360.merge.confirm_title") },
      el("p", {}, t("c360.merge.confirm", { other: name, customer: customer.name || customer.id })),
      el("button", {
        type: "button",
        class: "danger",
        onclick: async (event) => {
          event.currentTarget.disabled = true;
          try {
            await api("POST", `/api/v1/customers/${encodeURIComponent(customer.id)}/merge`, {
              body: { other_id: other.id, reason: reason.value.trim() || t("c360.merge.default_reason") },
            });
            toast(t("c360.merged"));
          } catch (error) {
            toast(t("shell.error", { message: error.message }), "error");
          }
          await refresh();
        },
      }, t("c360.merge.confirm_button")),
      " ",
      el("button", { type: "button", class: "secondary", onclick: () => box.remove() }, t("c360.merge.cancel")),
    );
    results.replaceChildren(el("li", {}, box));
    box.querySelector("button")?.focus();
  };

  const search = async (event) => {
    event.preventDefault();
    const q = query.value.trim();
    if (!q) return;
    try {
      const page = await api("GET", "/api/v1/customers", { query: { q, limit: 10 } });
      const others = page.items.filter((c) => c.id !== customer.id);
      results.replaceChildren(
        ...(others.length
          ? others.map((other) =>
              el(
                "li",
                {},
                el("span", {}, [other.name || t("customers.unnamed"), other.email, other.phone].filter(Boolean).join(" · ")),
                " ",
                el("button", { type: "button", class: "secondary", onclick: () => confirm(other) }, t("c360.merge.choose")),
              ),
            )
          : [el("li", { class: "muted" }, t("customers.none_found"))]),
      );
    } catch (error) {
      toast(t("shell.error", { message: error.message }), "error");
    }
  };

  return section(
    prefix,
    "merge",
    el(
      "form",
      { class: "c360-merge", onsubmit: search, role: "search" },
      el("label", { for: query.id }, t("c360.merge.search")),
      query,
      el("label", { for: reason.id }, t("c360.merge.reason")),
      reason,
      el("button", { type: "submit" }, t("customers.search.submit")),
    ),
    results,
  );
}

/** Draw the 360 of `customerId` into `element` (again on every merge or unmerge). */
export async function mountCustomer360(element, customerId) {
  const prefix = `c360-${++mounted}`;
  element.setAttribute("aria-busy", "true");
  const refresh = async () => {
    const id = encodeURIComponent(customerId);
    try {
      const [customer, orderPage, merges] = await Promise.all([
        api("GET", `/api/v1/customers/${id}`),
        api("GET", `/api/v1/customers/${id}/orders`, { query: { limit: ORDERS } }),
        api("GET", `/api/v1/customers/${id}/merges`),
      ]);
      customerId = customer.id; // a merged profile's id answers with its survivor
      element.replaceChildren(
        el("h2", { class: "c360-name" }, customer.name || t("customers.unnamed")),
        profile(prefix, customer),
        identities(prefix, customer),
        traits(prefix, customer),
        segments(prefix, customer),
        orders(prefix, orderPage),
        timeline(prefix, customer),
        mergeHistory(prefix, customer, merges, refresh),
        canAct() ? mergeForm(prefix, customer, refresh) : null,
      );
    } catch (error) {
      element.replaceChildren(el("p", { class: "error", role: "alert" }, t("c360.load_failed", { message: error.message })));
    } finally {
      element.removeAttribute("aria-busy");
    }
  };
  await refresh();
  return { refresh };
}
