// What every console page does: shortcuts help, toasts, and closing the user menu on Escape.

import "./keys.js";
import { el } from "./dom.js";

/** A short message at the bottom of the screen, read out by screen readers. */
export function toast(message, kind = "info") {
  const region = document.getElementById("toasts");
  if (!region) return;
  const item = el("p", { class: `toast ${kind}` }, message);
  region.append(item);
  setTimeout(() => item.remove(), 6000);
}

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  const menu = document.querySelector("details.usermenu[open]");
  if (menu) {
    menu.open = false;
    menu.querySelector("summary")?.focus();
  }
});
