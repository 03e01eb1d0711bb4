// The AI settings form: the remote provider's fields only for a remote provider, and a key
// typed here is stored as the named workspace secret before the settings are saved. "Test
// connection" tries the saved configuration (POST /api/v1/ai/settings/check) and lists what
// each model answered.

import { api } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";
import { formBody, reloadWith, showErrors, submit } from "./settings.js";

const form = document.getElementById("ai-settings");

function showRemote() {
  const remote = form.querySelector("[data-remote]");
  const builtin = form.elements.provider.value === "builtin";
  remote.hidden = builtin;
  for (const field of remote.querySelectorAll("input")) field.disabled = builtin;
}

if (form) {
  showRemote();
  form.elements.provider.addEventListener("change", showRemote);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = form.querySelector("[data-key-value]");
    const body = formBody(form);
    if (key && !key.disabled && key.value) {
      const name = body.api_key_secret || "ai-api-key";
      body.api_key_secret = name;
      try {
        await api("PUT", `/api/v1/workspace/secrets/${encodeURIComponent(name)}`, {
          body: { value: key.value },
        });
      } catch (error) {
        showErrors(form, error);
        return;
      }
    }
    submit(form, "PATCH", "/api/v1/ai/settings", body, () => reloadWith(t("settings.saved")));
  });
}

function checkLine(label, result) {
  if (result === null) return el("li", {}, `${label}: ${t("settings.ai.check_not_set")}`);
  if (result.ok) {
    const took = result.latency_ms === null ? "" : ` (${Math.round(result.latency_ms)} ms)`;
    return el("li", { class: "check-ok" }, `${label}: ${t("settings.ai.check_ok")}${took}`);
  }
  const status = result.status === null ? "" : ` (${result.status})`;
  return el("li", { class: "check-failed error" }, `${label}: ${t("settings.ai.check_failed")}${status}: ${result.error}`);
}

const checkButton = document.getElementById("ai-check");
if (checkButton) {
  const results = document.getElementById("ai-check-results");
  checkButton.addEventListener("click", async () => {
    checkButton.disabled = true;
    results.replaceChildren(el("li", {}, t("settings.ai.check_running")));
    try {
      const found = await api("POST", "/api/v1/ai/settings/check");
      results.replaceChildren(
        checkLine(t("settings.ai.chat_model"), found.chat),
        checkLine(t("settings.ai.embedding_model"), found.embeddings),
      );
    } catch (error) {
      results.replaceChildren(el("li", { class: "error" }, error.message));
    } finally {
      checkButton.disabled = false;
    }
  });
}
