"""An accessibility check written for DeskPilot's pages (no third-party engine to download).

``assert_accessible(page)`` runs one script in the page that reports: images without alt text,
form controls, buttons and links without an accessible name, a missing ``<html lang>``, a
missing ``<main>`` landmark, duplicate ids, positive tabindex, and text whose contrast with its
background is below WCAG AA (4.5:1, or 3:1 for large text). Only rendered elements outside
``aria-hidden`` subtrees count. Colours are read through a canvas, so any CSS colour syntax works;
a background is found by walking up to the first opaque one (semi-transparent layers blended),
and text over a background image is skipped (its contrast cannot be computed).
"""

from __future__ import annotations

from collections.abc import Iterable

from playwright.async_api import Page

_SCRIPT = r"""
() => {
  const problems = [];
  const canvas = document.createElement('canvas');
  canvas.width = 1; canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });

  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = '#000';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  const hex = ([r, g, b]) => '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');
  const luminance = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const blend = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => Math.round(top[i] * a + bottom[i] * (1 - a))).concat([1]);
  };

  const hidden = (el) => {
    if (el.closest('[aria-hidden="true"], [hidden]')) return true;
    if (el.checkVisibility) return !el.checkVisibility({ visibilityProperty: true });
    return el.getClientRects().length === 0;
  };
  const text = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const describe = (el) => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    else if (el.getAttribute('name')) d += `[name="${el.getAttribute('name')}"]`;
    else if (el.classList.length) d += '.' + [...el.classList].join('.');
    const t = text(el.textContent).slice(0, 40);
    return t ? `${d} "${t}"` : d;
  };
  const labelledBy = (el) => text((el.getAttribute('aria-labelledby') || '').split(/\s+/)
    .map((id) => document.getElementById(id)).filter(Boolean)
    .map((n) => n.textContent).join(' '));
  const ariaName = (el) =>
    labelledBy(el) || text(el.getAttribute('aria-label')) || text(el.getAttribute('title'));
  const contentName = (el) => text(el.innerText || el.textContent) ||
    [...el.querySelectorAll('img[alt], [role="img"][aria-label]')]
      .map((i) => text(i.getAttribute('alt') || i.getAttribute('aria-label'))).join(' ').trim();

  const visible = (selector) => [...document.querySelectorAll(selector)].filter((e) => !hidden(e));

  if (!text(document.documentElement.getAttribute('lang'))) {
    problems.push('<html> has no lang attribute');
  }
  if (document.querySelectorAll('main, [role="main"]').length === 0) {
    problems.push('no <main> landmark');
  }

  const ids = new Map();
  for (const el of document.querySelectorAll('[id]')) {
    ids.set(el.id, (ids.get(el.id) || 0) + 1);
  }
  for (const [id, count] of ids) {
    if (count > 1) problems.push(`duplicate id "${id}" (${count} elements)`);
  }

  for (const el of document.querySelectorAll('[tabindex]')) {
    if (parseInt(el.getAttribute('tabindex'), 10) > 0) {
      problems.push(`positive tabindex ${el.getAttribute('tabindex')}: ${describe(el)}`);
    }
  }

  for (const el of visible('img:not([alt]), input[type="image"]:not([alt])')) {
    problems.push(`image without alt text: ${describe(el)} src=${el.getAttribute('src')}`);
  }
  for (const el of visible('[role="img"]')) {
    if (!ariaName(el)) problems.push(`role="img" without a name: ${describe(el)}`);
  }

  const buttonTypes = ['submit', 'reset', 'button', 'image'];
  for (const el of visible('input, select, textarea')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    if (type === 'hidden' || buttonTypes.includes(type)) continue;
    const fromLabel = text([...(el.labels || [])].map((l) => l.textContent).join(' '));
    if (!fromLabel && !ariaName(el)) {
      problems.push(`form control without a label: ${describe(el)}`);
    }
  }

  for (const el of visible('button, [role="button"], input[type="submit"], input[type="reset"],'
      + ' input[type="button"], a[href], [role="link"]')) {
    const type = (el.getAttribute('type') || '').toLowerCase();
    let name = ariaName(el);
    if (!name && el.tagName === 'INPUT') {
      name = text(el.value) || (type === 'submit' || type === 'reset' ? type : '');
    }
    if (!name) name = contentName(el);
    if (!name) {
      const kind = el.matches('a, [role="link"]') ? 'link' : 'button';
      problems.push(`${kind} without a name: ${describe(el)}`);
    }
  }

  const background = (start) => {
    const layers = [];
    for (let el = start; el; el = el.parentElement) {
      const style = getComputedStyle(el);
      if (style.backgroundImage && style.backgroundImage !== 'none') return null;
      const color = rgba(style.backgroundColor);
      if (color[3] > 0) layers.push(color);
      if (color[3] >= 1) break;
    }
    let result = [255, 255, 255, 1];
    if (!layers.length || layers[layers.length - 1][3] < 1) {
      result = rgba(getComputedStyle(document.documentElement).colorScheme.includes('dark')
        && matchMedia('(prefers-color-scheme: dark)').matches ? 'Canvas' : '#fff');
    }
    for (const layer of layers.reverse()) result = blend(layer, result);
    return result;
  };

  const seen = new Set();
  const walker = document.createTreeWalker(document.body || document.documentElement,
    NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || seen.has(el) || !text(node.nodeValue)) continue;
    seen.add(el);
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
    if (hidden(el) || el.closest(':disabled')) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    if (bg === null) continue;
    const fg = blend(rgba(style.color), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && parseInt(style.fontWeight, 10) >= 700);
    const needed = large ? 3 : 4.5;
    if (ratio < needed) {
      problems.push(`contrast ${ratio.toFixed(2)}:1 (needs ${needed}:1): ${describe(el)}`
        + ` ${hex(fg)} on ${hex(bg)}`);
    }
  }
  return problems;
}
"""


async def accessibility_problems(page: Page) -> list[str]:
    """What the check finds on the page as it is now, one readable line per problem."""
    problems: list[str] = await page.evaluate(_SCRIPT)
    return problems


async def assert_accessible(page: Page, *, ignore: Iterable[str] = ()) -> None:
    """Fail with the list of problems; ``ignore`` drops lines containing any of its strings."""
    skipped = tuple(ignore)
    problems = [p for p in await accessibility_problems(page) if not any(s in p for s in skipped)]
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        raise AssertionError(f"{len(problems)} accessibility problem(s) on {page.url}:\n{listing}")


_FOCUSED = r"""
() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  let d = el.tagName.toLowerCase();
  if (el.id) d += '#' + el.id;
  const label = [...(el.labels || [])].map((l) => l.textContent).join(' ');
  const name = (el.getAttribute('aria-label') || label || el.textContent || '')
    .replace(/\s+/g, ' ').trim().slice(0, 40);
  return { element: name ? `${d} "${name}"` : d, visible: outline || ring };
}
"""


async def focus_order(page: Page, max_steps: int = 40) -> list[tuple[str, bool]]:
    """Press Tab from the top of the page until focus comes back round (or ``max_steps``):
    each focused element, and whether it shows a focus indicator (an outline or a ring)."""
    await page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    visited: list[tuple[str, bool]] = []
    for _ in range(max_steps):
        await page.keyboard.press("Tab")
        focused: dict[str, object] | None = await page.evaluate(_FOCUSED)
        if focused is None:
            break
        entry = (str(focused["element"]), bool(focused["visible"]))
        if visited and entry == visited[0]:
            break
        visited.append(entry)
    return visited


async def assert_focus_visible(page: Page, max_steps: int = 40) -> None:
    """Every element reached with Tab shows where the focus is."""
    hidden = [element for element, visible in await focus_order(page, max_steps) if not visible]
    if hidden:
        listing = "\n".join(f"  - no visible focus: {element}" for element in hidden)
        raise AssertionError(f"{len(hidden)} focus problem(s) on {page.url}:\n{listing}")
