/*
 * Calendar arithmetic in the user's IANA time zone with Intl alone: a week is Monday 00:00 to the
 * next Monday 00:00 local time, so it is 167 or 169 hours long across a DST change.
 */

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The hour of the local Monday morning at which the week's digest is due. */
export const DIGEST_LOCAL_HOUR = 6;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone itself when Intl knows it, else UTC (a stored zone may be stale or mistyped). */
export function safeTimeZone(timeZone: string): string {
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** The local wall-clock reading of an instant, as if it were a UTC instant (whole seconds). */
function wallMs(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

const offsetMs = (ms: number, timeZone: string) => wallMs(ms, timeZone) - Math.floor(ms / 1000) * 1000;

const parseDay = (day: string) => {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
};

/** `YYYY-MM-DD` of an instant in the zone. */
export function localDate(ms: number, timeZone: string): string {
  return new Date(wallMs(ms, timeZone)).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return new Date(parseDay(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 for Monday … 6 for Sunday. */
export function weekdayOf(day: string): number {
  return (new Date(parseDay(day)).getUTCDay() + 6) % 7;
}

/**
 * The instant the local clock reads `hour`:00 on `day`. In a DST gap (the reading never happens)
 * it is the first instant after the gap; in an overlap, the earlier of the two.
 */
export function zonedTime(day: string, hour: number, timeZone: string): number {
  const wall = parseDay(day) + hour * 3_600_000;
  let t = wall - offsetMs(wall, timeZone);
  t = wall - offsetMs(t, timeZone);
  if (wallMs(t, timeZone) >= wall) return t;
  // Landed before a gap: search the next hours, minute by minute, for the first reading past it.
  let lo = t / MINUTE_MS;
  let hi = lo + 180;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallMs(mid * MINUTE_MS, timeZone) >= wall) hi = mid;
    else lo = mid;
  }
  return hi * MINUTE_MS;
}

export interface LocalWeek {
  /** Monday and Sunday, local dates. */
  firstDay: string;
  lastDay: string;
  /** Monday 00:00 local, inclusive. */
  start: Date;
  /** The next Monday 00:00 local, exclusive. */
  end: Date;
}

export function weekStarting(firstDay: string, timeZone: string): LocalWeek {
  return {
    firstDay,
    lastDay: addDays(firstDay, 6),
    start: new Date(zonedTime(firstDay, 0, timeZone)),
    end: new Date(zonedTime(addDays(firstDay, 7), 0, timeZone)),
  };
}

/** Monday of the local week `now` falls in. */
export function mondayOf(now: Date, timeZone: string): string {
  const today = localDate(now.getTime(), timeZone);
  return addDays(today, -weekdayOf(today));
}

/** The last full week (Monday to Sunday) before the local week `now` falls in. */
export function lastFullWeek(now: Date, timeZone: string): LocalWeek {
  return weekStarting(addDays(mondayOf(now, timeZone), -7), timeZone);
}

/**
 * The week whose digest is due at `now`: the last full week once the local clock has passed
 * Monday {@link DIGEST_LOCAL_HOUR}:00; before that on a Monday, the week before it (so a digest
 * missed while no worker ran is still built, late).
 */
export function dueWeek(now: Date, timeZone: string): LocalWeek {
  const monday = mondayOf(now, timeZone);
  const dueAt = zonedTime(monday, DIGEST_LOCAL_HOUR, timeZone);
  return weekStarting(addDays(monday, now.getTime() >= dueAt ? -7 : -14), timeZone);
}
