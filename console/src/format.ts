/** Formatting shared by pages: times in UTC, as the API stores them. */

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}

/** A grant's window in words: "always", "from …", "until …", "… to …"; whole UTC days as dates, end inclusive. */
export function window(from: string | null, until: string | null): string {
  if (!from && !until) return 'always';
  const midnight = (iso: string | null) => !iso || /T00:00:00(\.0+)?Z$/.test(iso);
  if (midnight(from) && midnight(until)) {
    const first = from?.slice(0, 10);
    const last = until ? new Date(Date.parse(until) - 86_400_000).toISOString().slice(0, 10) : null;
    if (first && last) return `${first} to ${last} (UTC days)`;
    if (first) return `from ${first} (UTC)`;
    return `until the end of ${last} (UTC)`;
  }
  if (!until) return `from ${when(from)}`;
  if (!from) return `until ${when(until)}`;
  return `${when(from)} → ${when(until)}`;
}

/** Whether a grant's window holds now. */
export function current(from: string | null, until: string | null, at = Date.now()): boolean {
  return (!from || Date.parse(from) <= at) && (!until || at < Date.parse(until));
}

/** The day after a date (YYYY-MM-DD), as the exclusive end of a term's window. */
export function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** A date input's value as the start of that day in UTC (RFC 3339), or undefined when empty. */
export function startOfDay(date: string): string | undefined {
  return date ? `${date}T00:00:00Z` : undefined;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** An instant to the second, in UTC (access review answers are about a precise instant). */
export function instant(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
