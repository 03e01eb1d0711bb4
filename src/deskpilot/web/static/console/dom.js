// Building DOM safely: text goes in as text, never as HTML.

/**
 * el("a", {href: "/x", class: "link"}, "text", otherNode) -> HTMLAnchorElement.
 * Attributes: `class`, `dataset` (an object), `on<event>` (a function), others as attributes;
 * null/undefined/false attributes are left out. Children: strings (as text) or nodes.
 */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on") && typeof value === "function") {
      node.addEventListener(name.slice(2), value);
    } else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A time as the viewer's locale shows it (short), or "" for nothing. */
export function when(iso, language = document.documentElement.lang) {
  if (!iso) return "";
  const date = new Date(iso);
  const sameDay = new Date().toDateString() === date.toDateString();
  const options = sameDay
    ? { hour: "2-digit", minute: "2-digit" }
    : { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" };
  return date.toLocaleString(language, options);
}
