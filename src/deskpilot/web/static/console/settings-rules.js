// The rule editor: conditions and actions as rows (field, operator, value; action and its
// parameters; a macro has actions only), saved as the API's JSON, and a dry run on recent tickets before saving.

import { api } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { formBody, reloadWith, showErrors, submit } from "./settings.js";

const vocabulary = JSON.parse(document.getElementById("rule-vocabulary")?.textContent || "{}");
const NO_VALUE = ["changed", "is_set", "is_empty"];
const MANY = ["in", "not_in"];
const NUMBER = ["gt", "gte", "lt", "lte"];
let counter = 0;

function select(label, options, value) {
  const id = `rule-row-${(counter += 1)}`;
  const box = el("select", { id }, options.map((o) => el("option", { value: o, selected: o === value || null }, o)));
  return [el("label", { for: id, class: "visually-hidden" }, label), box];
}

function text(label, value, placeholder = "") {
  const id = `rule-row-${(counter += 1)}`;
  const input = el("input", { id, placeholder: placeholder || null, value: value ?? "" });
  return [el("label", { for: id }, label), input];
}

function removeButton(item) {
  return el("button", { type: "button", class: "secondary small", onclick: () => item.remove() },
    t("settings.remove"));
}

function conditionRow(condition = {}) {
  const item = el("li", { class: "rule-row", dataset: { kind: "condition" } });
  const fields = Object.keys(vocabulary.fields);
  const [fieldLabel, field] = select(t("settings.rules.field"), fields, condition.field || fields[0]);
  const [opLabel, op] = select(t("settings.rules.operator"), vocabulary.ops, condition.op || "eq");
  const shown = Array.isArray(condition.value) ? condition.value.join(", ") : condition.value;
  const [valueLabel, value] = text(t("settings.rules.value"), shown);
  valueLabel.classList.add("visually-hidden");
  const sync = () => { value.hidden = NO_VALUE.includes(op.value); };
  op.addEventListener("change", sync);
  sync();
  item.append(fieldLabel, field, opLabel, op, valueLabel, value, removeButton(item));
  item.read = () => {
    const found = { field: field.value, op: op.value };
    if (NO_VALUE.includes(op.value)) return found;
    const kind = vocabulary.fields[field.value]?.kind;
    if (MANY.includes(op.value) || kind === "list" || kind === "segments") {
      found.value = value.value.split(",").map((s) => s.trim()).filter(Boolean);
    } else if (NUMBER.includes(op.value) || kind === "number") {
      found.value = Number(value.value);
    } else found.value = value.value;
    return found;
  };
  return item;
}

function actionRow(action = {}) {
  const item = el("li", { class: "rule-row", dataset: { kind: "action" } });
  const types = Object.keys(vocabulary.actions);
  const [typeLabel, type] = select(t("settings.rules.action"), types, action.type || types[0]);
  const params = el("span", { class: "params" });
  const draw = () => {
    const spec = vocabulary.actions[type.value];
    params.replaceChildren();
    for (const name of [...spec.required, ...spec.optional]) {
      const shown = Array.isArray(action[name]) ? action[name].join(", ") : action[name];
      params.append(...text(name, type.value === action.type ? shown : ""));
      params.lastChild.dataset.param = name;
    }
  };
  type.addEventListener("change", draw);
  draw();
  item.append(typeLabel, type, params, removeButton(item));
  item.read = () => {
    const found = { type: type.value };
    for (const input of params.querySelectorAll("[data-param]")) {
      const name = input.dataset.param;
      const raw = input.value.trim();
      if (!raw) continue;
      const many = name === "labels" || (name === "to" && !["assignee", "team"].includes(raw));
      found[name] = many ? raw.split(",").map((s) => s.trim()).filter(Boolean) : raw;
    }
    return found;
  };
  return item;
}

function body(form) {
  const found = formBody(form);
  for (const group of ["conditions", "actions"]) {
    if (!form.querySelector(`[data-rows="${group}"]`)) continue;
    found[group] = [...form.querySelectorAll(`[data-rows="${group}"] .rule-row`)].map((r) => r.read());
  }
  return found;
}

async function dryRun(form) {
  const out = form.querySelector(".dry-run");
  const { is_active: _, ...rule } = body(form);
  try {
    const result = await api("POST", "/api/v1/automation/rules/dry-run", { body: { ...rule, limit: 100 } });
    const matched = result.tickets.filter((ticket) => ticket.matched);
    out.replaceChildren(
      el("p", {}, t("settings.rules.dry_run_result", { matched: result.matched, evaluated: result.evaluated })),
      matched.length ? el("ul", {}, matched.map((ticket) => el("li", {},
        el("a", { href: `/tickets/${ticket.ticket_id}` }, ticket.reference), " ",
        ticket.actions.map((a) => a.type).join(", ")))) : "",
    );
  } catch (error) {
    out.replaceChildren();
    showErrors(form, error);
  }
}

for (const form of document.querySelectorAll("form[data-rule-form]")) {
  const saved = form.dataset.rule ? JSON.parse(form.dataset.rule)
    : { conditions: [], actions: [{}] };
  const list = (group) => form.querySelector(`[data-rows="${group}"] .row-list`);
  list("conditions")?.append(...saved.conditions.map(conditionRow));
  list("actions").append(...saved.actions.map(actionRow));
  form.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-row]");
    if (add) {
      const group = add.dataset.addRow;
      const row = group === "conditions" ? conditionRow() : actionRow();
      list(group).append(row);
      row.querySelector("select").focus();
    }
    if (event.target.closest("[data-dry-run]")) dryRun(form);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(form, form.dataset.method, form.dataset.path, body(form), () =>
      reloadWith(t("settings.saved")));
  });
}
