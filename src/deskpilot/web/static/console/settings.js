// Settings pages: buttons and forms that call the JSON API, field errors next to the fields,
// copy buttons. Markup conventions:
//   <button data-api="PATCH" data-path="/api/v1/x" data-body='{"a":1}' data-confirm="Sure?"
//           data-done="Saved">  -> calls the API, then reloads the page
//   <form data-api-form data-method="POST" data-path="/api/v1/x" data-done="Saved">
//     inputs named by the body's field ("config.url" nests); data-type on an input:
//     number, integer, bool (checkbox), lines (one item a line), csv, optional (empty: left
//     out), nullable (empty: null)
//     <p class="field-error" data-error-for="config.url" hidden></p>
//   <button data-copy="element-id">  -> copies that field's value

import { api, ApiError } from "./api.js";
import { t } from "./i18n.js";
import { toast } from "./shell.js";

/** Put value at "a.b.c" inside body. */
function place(body, name, value) {
  const parts = name.split(".");
  let node = body;
  for (const part of parts.slice(0, -1)) node = node[part] ??= {};
  node[parts[parts.length - 1]] = value;
}

/** The JSON body of a form, typed by each field's data-type; null when nothing to send. */
export function formBody(form) {
  const body = {};
  for (const field of form.querySelectorAll("[name]")) {
    if (field.disabled || field.dataset.skip !== undefined) continue;
    const type = field.dataset.type || "";
    const raw = field.type === "checkbox" ? field.checked : field.value;
    let value = raw;
    if (type === "bool") value = field.checked;
    else if (field.type === "checkbox") {
      // a group of checkboxes with one name: a list of the checked values
      const list = body[field.name] ?? [];
      if (field.checked) list.push(field.value);
      place(body, field.name, list);
      continue;
    } else if (type === "lines" || type === "csv") {
      value = String(raw).split(type === "lines" ? /\n/ : /[,\n]/).map((s) => s.trim())
        .filter(Boolean);
      if (!value.length && type.includes("optional")) continue;
    } else if (type.includes("number") || type.includes("integer")) {
      if (raw === "") {
        if (type.includes("optional")) continue;
        value = null;
      } else value = Number(raw);
    } else if (raw === "" && type.includes("optional")) continue;
    else if (raw === "" && type.includes("nullable")) value = null;
    place(body, field.name, value);
  }
  return body;
}

export function clearErrors(form) {
  for (const slot of form.querySelectorAll("[data-error-for]")) {
    slot.hidden = true;
    slot.textContent = "";
  }
  for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
  const general = form.querySelector(".form-error");
  if (general) {
    general.hidden = true;
    general.textContent = "";
  }
}

/** The API's field errors next to their fields; the rest in the form's general error. */
export function showErrors(form, error) {
  clearErrors(form);
  const general = form.querySelector(".form-error");
  const left = [];
  const fields = error instanceof ApiError ? error.fields : [];
  let first = null;
  for (const { field, reason } of fields) {
    const name = String(field).replace(/^body\.?/, "");
    const slot = name && [...form.querySelectorAll("[data-error-for]")]
      .find((s) => [name, `${s.dataset.errorFor}.`, `${s.dataset.errorFor}[`]
        .some((start, i) => (i ? name.startsWith(start) : name === s.dataset.errorFor)));
    if (!slot) {
      left.push(name ? `${name}: ${reason}` : reason);
      continue;
    }
    slot.textContent = slot.textContent ? `${slot.textContent} ${reason}` : reason;
    slot.hidden = false;
    const input = form.querySelector(`[name="${CSS.escape(slot.dataset.errorFor)}"]`);
    if (input) {
      if (!slot.id) slot.id = `error-${slot.dataset.errorFor.replace(/\W/g, "-")}`;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", slot.id);
      first ??= input;
    }
  }
  if (!fields.length) left.push(error.message || t("settings.error"));
  if (general && left.length) {
    general.textContent = left.join("; ");
    general.hidden = false;
  }
  (first || general)?.focus?.();
  toast(t("settings.error"), "error");
}

/** Submit a JSON body; on success run done(result), on failure show the errors in the form. */
export async function submit(form, method, path, body, done) {
  const button = form.querySelector('button[type="submit"]');
  if (button) button.disabled = true;
  try {
    clearErrors(form);
    const result = await api(method, path, { body });
    await done(result);
  } catch (error) {
    showErrors(form, error);
  } finally {
    if (button) button.disabled = false;
  }
}

/** Reload after a change, telling the agent first (the message survives the reload). */
export function reloadWith(message) {
  if (message) sessionStorage.setItem("settings-toast", message);
  location.reload();
}

function bind() {
  const waiting = sessionStorage.getItem("settings-toast");
  if (waiting) {
    sessionStorage.removeItem("settings-toast");
    toast(waiting);
  }
  document.addEventListener("click", async (event) => {
    const copy = event.target.closest("[data-copy]");
    if (copy) {
      const field = document.getElementById(copy.dataset.copy);
      try {
        await navigator.clipboard.writeText(field.value);
      } catch {
        field.select();
        document.execCommand("copy");
      }
      toast(t("settings.copied"));
      return;
    }
    const button = event.target.closest("button[data-api]");
    if (!button) return;
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    button.disabled = true;
    try {
      const body = button.dataset.body ? JSON.parse(button.dataset.body) : undefined;
      await api(button.dataset.api, button.dataset.path, { body });
      reloadWith(button.dataset.done);
    } catch (error) {
      toast(error.message || t("settings.error"), "error");
      button.disabled = false;
    }
  });
  for (const form of document.querySelectorAll("form[data-api-form]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(form, form.dataset.method, form.dataset.path, formBody(form), () =>
        reloadWith(form.dataset.done));
    });
  }
}

bind();
