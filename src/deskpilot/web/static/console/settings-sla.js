// Business hours: each weekday typed as "09:00-12:00, 13:00-17:00" (empty: closed) becomes the
// API's {"mon": [["09:00", "12:00"], ["13:00", "17:00"]]}.

import { t } from "./i18n.js";
import { formBody, reloadWith, submit } from "./settings.js";

function intervals(text) {
  return text.split(",").map((part) => part.trim()).filter(Boolean)
    .map((part) => part.split(/\s*[-–]\s*/));
}

for (const form of document.querySelectorAll("form[data-calendar-form]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = formBody(form);
    body.hours = {};
    for (const input of form.querySelectorAll("[data-day]")) {
      const found = intervals(input.value);
      if (found.length) body.hours[input.dataset.day] = found;
    }
    submit(form, form.dataset.method, form.dataset.path, body, () =>
      reloadWith(t("settings.saved")));
  });
}
