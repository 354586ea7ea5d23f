// Strict ISO 8601 / RFC 3339 date-times with a zone. `Date.parse` rolls impossible dates over
// ('2027-02-30' becomes 2 March), so every field is range-checked before the instant is computed.

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/;

/** Milliseconds since the epoch, or undefined when `text` is not a real date and time with a zone. */
export function parseTimestamp(text: string): number | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  const fraction = m[7] ? Math.floor(Number(m[7]) * 1000) : 0;
  const [offsetHours, offsetMinutes] = m[8] === 'Z' ? [0, 0] : [Number(m[10]), Number(m[11])];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  // The last day of that month (day 0 of the next), leap years included.
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000 * (m[9] === '-' ? -1 : 1);
  return local - offset;
}
