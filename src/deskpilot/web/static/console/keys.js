// Keyboard shortcuts: shortcut("j", "Next conversation", handler). "?" lists them.
// Shortcuts do nothing while the focus is in a text field (typing must stay typing).

import { el } from "./dom.js";
import { t } from "./i18n.js";

const shortcuts = new Map();

export function shortcut(key, description, handler) {
  shortcuts.set(key, { description, handler });
}

function typing(target) {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName))
  );
}

function showHelp() {
  const dialog = document.getElementById("shortcuts");
  const list = document.getElementById("shortcut-list");
  if (!dialog || !list) return;
  list.replaceChildren(
    ...[...shortcuts].flatMap(([key, { description }]) => [
      el("dt", {}, el("kbd", {}, key)),
      el("dd", {}, description),
    ]),
  );
  dialog.showModal();
}

shortcut("?", t("shell.shortcuts.help"), showHelp);

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if (typing(event.target)) return;
  const entry = shortcuts.get(event.key);
  if (!entry) return;
  event.preventDefault();
  entry.handler(event);
});
