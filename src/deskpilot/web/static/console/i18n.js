// The page's words (the console catalog, in the viewer's language), for scripts.

const words = JSON.parse(document.getElementById("console-words")?.textContent || "{}");

/** t("inbox.title") or t("shell.error", {message}) -> the text in the viewer's language. */
export function t(key, values = {}) {
  const text = words[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

export const viewer = JSON.parse(document.getElementById("console-viewer")?.textContent || "{}");
