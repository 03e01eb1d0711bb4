// The AI settings form: the remote provider's fields only for a remote provider, and a key
// typed here is stored as the named workspace secret before the settings are saved.

import { api } from "./api.js";
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
