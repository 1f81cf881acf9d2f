const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 31_536_000],
  ["month", 2_592_000],
  ["day", 86_400],
  ["hour", 3_600],
  ["minute", 60],
];
const format = new Intl.RelativeTimeFormat("en", { numeric: "auto", style: "short" });

/** "5 min. ago", "yesterday", "now": how long before `now` an RFC 3339 time was. */
export function ago(iso: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return "now";
}

/** Decimal id strings compared as numbers (64-bit ids do not fit a JavaScript number). */
export function newerThan(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}
