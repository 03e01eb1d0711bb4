// Forms whose answer holds a secret shown once (an API key, a webhook's signing secret), and
// the webhooks' deliveries log and test button.

import { api } from "./api.js";
import { el, when } from "./dom.js";
import { t } from "./i18n.js";
import { toast } from "./shell.js";
import { formBody, reloadWith, submit } from "./settings.js";

const panel = document.getElementById("secret-once");

for (const form of document.querySelectorAll("form[data-shows-secret]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(form, form.dataset.method, form.dataset.path, formBody(form), (created) => {
      form.reset();
      document.getElementById("secret-value").value = created[form.dataset.showsSecret];
      panel.hidden = false;
      panel.focus();
    });
  });
}
document.getElementById("secret-done")?.addEventListener("click", () =>
  reloadWith(t("settings.saved")));

function deliveryRow(delivery) {
  const kind = delivery.state === "failed" ? "danger" : delivery.state === "delivered" ? "ok" : "warn";
  return el("tr", {},
    el("td", {}, el("time", { datetime: delivery.created_at }, when(delivery.created_at))),
    el("td", {}, el("code", {}, delivery.event)),
    el("td", {}, el("span", { class: `badge ${kind}` }, t(`settings.webhooks.state.${delivery.state}`))),
    el("td", {}, String(delivery.attempts)),
    el("td", {}, delivery.response_status ? String(delivery.response_status) : "",
      delivery.error ? el("span", { class: "error" }, ` ${delivery.error}`) : ""));
}

async function loadDeliveries(table) {
  const body = table.querySelector("tbody");
  try {
    const page = await api("GET", `/api/v1/webhooks/${table.dataset.deliveries}/deliveries`,
      { query: { limit: 20 } });
    body.replaceChildren(...(page.items.length ? page.items.map(deliveryRow)
      : [el("tr", {}, el("td", { colspan: 5, class: "muted" }, t("settings.webhooks.no_deliveries")))]));
  } catch (error) {
    body.replaceChildren(el("tr", {}, el("td", { colspan: 5, class: "error" }, error.message)));
  }
}

for (const details of document.querySelectorAll("details.webhook")) {
  details.addEventListener("toggle", () => {
    if (details.open) loadDeliveries(details.querySelector("[data-deliveries]"));
  });
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-test-webhook]");
  if (!button) return;
  button.disabled = true;
  try {
    await api("POST", `/api/v1/webhooks/${button.dataset.testWebhook}/test`);
    toast(t("settings.webhooks.test_sent"));
    const table = document.querySelector(`[data-deliveries="${button.dataset.testWebhook}"]`);
    if (table) await loadDeliveries(table);
  } catch (error) {
    toast(error.message || t("settings.error"), "error");
  } finally {
    button.disabled = false;
  }
});
