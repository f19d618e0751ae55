/**
 * The charset a request body declares. Every body is decoded as UTF-8 (JSON is UTF-8, RFC 8259
 * §8.1), so a body that says it is something else would be read as other text than was sent:
 * it is refused (415) rather than guessed at.
 */

/** UTF-8's labels in the WHATWG Encoding Standard that a client may plausibly send. */
const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

/**
 * Whether a Content-Type header leaves the body as UTF-8: no charset parameter, or one naming
 * UTF-8 (case-insensitive, quoted or not, RFC 9110 §8.3.1). A charset given twice must agree.
 */
export function declaresUtf8(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    let value = param.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1');
    if (!UTF8_LABELS.has(value.trim().toLowerCase())) return false;
  }
  return true;
}
