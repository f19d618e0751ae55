/**
 * The receive path of the load generator: scans raw SSE bytes without building event objects.
 * It looks for the end of each event (`\n\n`) and for the timestamp marker `"_t":` that every
 * benchmark payload carries, parses the number after it straight from the bytes and records
 * publish→receive latency. Chunked transfer framing (`<hex>\r\n`) never contains either pattern,
 * so it needs no decoding.
 */
import { record } from './histogram.mjs';

/** The bytes that precede the publish timestamp in every payload: `{"_t":1796...123.456,...}`. */
export const MARKER = Buffer.from('"_t":');
const SEP = Buffer.from('\n\n');
const ID_LINE = Buffer.from('\nid: ');
const HEADER_END = Buffer.from('\r\n\r\n');

/** Reused result of `scanEvents` (one object per process, not per chunk). */
export const result = { end: 0, events: 0, markers: 0, badStamps: 0, idStart: -1, idEnd: -1 };

/** Parses an unsigned decimal (digits, optional fraction) at `i`; NaN when there is none. */
export function readNumber(buf, i, end) {
  let v = 0;
  let c = 0;
  const first = i;
  while (i < end && (c = buf[i]) >= 48 && c <= 57) {
    v = v * 10 + (c - 48);
    i++;
  }
  if (i === first) return NaN;
  if (i < end && buf[i] === 46) {
    i++;
    let f = 0.1;
    while (i < end && (c = buf[i]) >= 48 && c <= 57) {
      v += (c - 48) * f;
      f /= 10;
      i++;
    }
  }
  return v;
}

/**
 * Scans `buf[start..]` up to its last complete event. Fills `result`: `end` is where the
 * incomplete tail begins (keep it for the next chunk), `events` counts `\n\n` terminators
 * (heartbeats and `ready` included), `markers` counts timestamped deliveries (each recorded into
 * `hist` as `receivedAt - stamp`), and `idStart/idEnd` locate the last `id:` value, if any.
 */
export function scanEvents(buf, start, hist, receivedAt, wantId) {
  const last = buf.lastIndexOf(SEP);
  result.events = 0;
  result.markers = 0;
  result.badStamps = 0;
  result.idStart = -1;
  result.idEnd = -1;
  if (last < start) {
    result.end = start;
    return result;
  }
  const end = last + 2;
  result.end = end;
  let p = start;
  while ((p = buf.indexOf(SEP, p)) !== -1 && p < end) {
    result.events++;
    p += 2;
  }
  p = start;
  while ((p = buf.indexOf(MARKER, p)) !== -1 && p < end) {
    p += MARKER.length;
    const stamp = readNumber(buf, p, end);
    if (Number.isNaN(stamp)) result.badStamps++;
    else {
      result.markers++;
      record(hist, receivedAt - stamp);
    }
  }
  if (wantId) {
    // The id line starts a line: after the previous event's blank line or the headers' CRLF.
    const at = buf.lastIndexOf(ID_LINE, end - 1);
    if (at >= start - 1 && at !== -1) {
      const s = at + ID_LINE.length;
      let e = s;
      while (e < end && buf[e] !== 10 && buf[e] !== 13) e++;
      result.idStart = s;
      result.idEnd = e;
    }
  }
  return result;
}

/**
 * Finds the end of the HTTP response head. Returns -1 until it is complete, else the offset of
 * the body; `status` of the first line is left in `head.status`.
 */
export const head = { status: 0 };
export function scanHead(buf) {
  const at = buf.indexOf(HEADER_END);
  if (at === -1) return -1;
  // "HTTP/1.1 200 OK": the status is bytes 9..11.
  head.status = readNumber(buf, 9, 12);
  return at + 4;
}
