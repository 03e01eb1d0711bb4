// Members and teams: a member's role and availability change as soon as they are chosen, and a
// member is added to a team from the team's list.

import { api } from "./api.js";
import { t } from "./i18n.js";
import { toast } from "./shell.js";
import { reloadWith } from "./settings.js";

async function change(select, method, path, body) {
  select.disabled = true;
  try {
    await api(method, path, { body });
    toast(t("settings.saved"));
    select.dataset.was = select.value;
  } catch (error) {
    toast(error.message || t("settings.error"), "error");
    select.value = select.dataset.was;
  } finally {
    select.disabled = false;
  }
}

for (const select of document.querySelectorAll("[data-member-role], [data-availability]")) {
  select.dataset.was = select.value;
  select.addEventListener("change", () => {
    if (select.dataset.memberRole) {
      change(select, "PATCH", `/api/v1/users/${select.dataset.memberRole}`, { role: select.value });
    } else {
      change(select, "PATCH", `/api/v1/availability/${select.dataset.availability}`,
        { availability: select.value });
    }
  });
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-add-to-team]");
  if (!button) return;
  const user = document.getElementById(button.dataset.select).value;
  try {
    await api("PUT", `/api/v1/teams/${button.dataset.addToTeam}/members/${user}`);
    reloadWith(t("settings.saved"));
  } catch (error) {
    toast(error.message || t("settings.error"), "error");
  }
});
