/** A tiny element builder: enough for the bell, with no framework in the bundle. */

type Attrs = Record<string, string | boolean | undefined>;

/**
 * Creates an element. String children become text nodes (never HTML), so notification content
 * can never inject markup; `html` is only for the constant icons.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (k === 'html') el.innerHTML = v as string;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** Only http(s) and same-origin relative links are followed: a `javascript:` URL is dropped. */
export function safeHref(url: string | undefined, base: string): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, base);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
