// Connecting a channel: the settings form is drawn from the type's JSON schema
// (GET /api/v1/channels/types, embedded in the page): strings, numbers, booleans, enums and
// lists of strings; secrets as password fields. Nested objects keep their defaults.

import { el } from "./dom.js";
import { t } from "./i18n.js";
import { formBody, reloadWith, submit } from "./settings.js";

const types = JSON.parse(document.getElementById("channel-types")?.textContent || "[]");

/** The schema of a property without its "or null" branch. */
function plain(schema) {
  const options = schema.anyOf || schema.oneOf;
  if (!options) return schema;
  const chosen = options.find((o) => o.type !== "null") || {};
  return { ...chosen, ...schema, anyOf: undefined, oneOf: undefined, type: chosen.type };
}

function control(id, name, schema, secret, required) {
  const common = { id, name, required: required || null };
  const fallback = schema.default ?? "";
  if (schema.enum) {
    return el("select", { ...common, "data-type": "optional" },
      schema.enum.map((v) => el("option", { value: v, selected: v === fallback || null }, v)));
  }
  if (schema.type === "boolean") {
    return el("input", { ...common, type: "checkbox", "data-type": "bool",
      checked: schema.default === true || null });
  }
  if (schema.type === "integer" || schema.type === "number") {
    return el("input", { ...common, type: "number", "data-type": "number optional",
      min: schema.minimum ?? null, max: schema.maximum ?? null,
      step: schema.type === "integer" ? "1" : "any", value: fallback });
  }
  if (schema.type === "array") {
    const area = el("textarea", { ...common, rows: 3, "data-type": "lines optional" });
    area.value = (schema.default || []).join("\n");
    return area;
  }
  return el("input", {
    ...common,
    type: secret ? "password" : schema.format === "uri" ? "url" : "text",
    autocomplete: secret ? "new-password" : "off",
    maxlength: schema.maxLength ?? null,
    "data-type": "optional",
    value: secret ? "" : fallback,
  });
}

function fields(container, group, schema) {
  const legend = container.querySelector("legend");
  container.replaceChildren(legend);
  const required = new Set(schema.required || []);
  let count = 0;
  for (const [key, raw] of Object.entries(schema.properties || {})) {
    const property = plain(raw);
    if (raw.$ref || property.type === "object" || (!property.type && !property.enum)) continue;
    const name = `${group}.${key}`;
    const id = `field-${group}-${key}`;
    const input = control(id, name, property, group === "secrets", required.has(key));
    const hint = property.description
      ? el("p", { class: "hint muted", id: `${id}-hint` }, property.description) : null;
    if (hint) input.setAttribute("aria-describedby", hint.id);
    const label = el("label", { for: id }, property.title || key,
      required.has(key) ? el("span", { class: "required" }, ` (${t("settings.required")})`) : null);
    const box = el("div", { class: input.type === "checkbox" ? "field check" : "field" });
    if (input.type === "checkbox") box.append(input, label);
    else box.append(label, input);
    box.append(hint || "", el("p", { class: "field-error", "data-error-for": name, hidden: true }));
    container.append(box);
    count += 1;
  }
  container.hidden = count === 0;
}

function draw(form) {
  const chosen = types.find((item) => item.type === form.elements.type.value);
  if (!chosen) return;
  fields(document.getElementById("channel-config"), "config", chosen.config_schema);
  fields(document.getElementById("channel-secrets"), "secrets", chosen.secrets_schema);
}

const form = document.getElementById("connect-channel");
if (form) {
  draw(form);
  form.elements.type.addEventListener("change", () => draw(form));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { config: {}, secrets: {}, ...formBody(form) };
    submit(form, "POST", "/api/v1/channels", body, () =>
      reloadWith(t("settings.channels.connected")));
  });
}
