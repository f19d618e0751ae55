/**
 * A tiny `Cookie` header reader (RFC 6265 §5.4 shape: `name=value; name2=value2`). Only what
 * Herald needs: find one cookie by name. No dependency.
 */

/** Headers longer than this are not searched (browsers cap a cookie header near 8 KiB). */
const MAX_HEADER = 16_384;

/**
 * The value of the first cookie called `name`, or undefined. Surrounding double quotes are
 * removed; percent-escapes are decoded when valid and kept as sent otherwise.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined || header.length === 0 || header.length > MAX_HEADER) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}
