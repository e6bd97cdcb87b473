/**
 * The caller's meetings, in time order, a page at a time: by opaque cursor (the default),
 * by `?limit=&offset=`, or by `?page=`, with `?status=` and `?from=&to=` filters.
 */
import { NotFound, ValidationFailed } from './errors';
import { describeMeeting } from './meetings';
import { MEETING_STATUSES, type MeetingStatus } from './model';
import type { MeetingRange, MeetingStore, PageRequest } from './ports';
import { dateMessages } from './availability';
import { firstUnbegunSlot, formatSlot, parseDate } from './time';
import type { PublicUser } from './users';

export const PAGE_SIZE = 10;
export const MAX_LIMIT = 100;
/** The deepest a listing may be read by position: larger offsets and pages are refused (400). */
export const MAX_OFFSET = 100_000;
export const MAX_PAGE = MAX_OFFSET / PAGE_SIZE;

const pagingParameters = ['page', 'limit', 'offset', 'cursor'];

type Style = { kind: 'cursor'; request: PageRequest } | { kind: 'offset'; offset: number; limit: number } | { kind: 'page'; page: number };

/** DRF's reading of a positive integer parameter: anything else is absent. */
function positiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  const number = Number(value);
  return number > 0 ? number : undefined;
}

const atMost = (max: number) => `Ensure this value is less than or equal to ${max}.`;

function readStyle(params: Record<string, string | undefined>): Style {
  if (params.page !== undefined) {
    // Stryker disable next-line StringLiteral: equivalent: 'last' is no positive integer either, so it reads as undefined on both branches
    const page = params.page === 'last' ? undefined : positiveInteger(params.page);
    if (page === undefined) throw new NotFound('Invalid page.');
    if (page > MAX_PAGE) throw ValidationFailed.field('page', atMost(MAX_PAGE));
    return { kind: 'page', page };
  }
  if (params.limit !== undefined || params.offset !== undefined) {
    const limit = Math.min(positiveInteger(params.limit) ?? PAGE_SIZE, MAX_LIMIT);
    const offset = params.offset !== undefined && /^\d+$/.test(params.offset.trim()) ? Number(params.offset) : 0;
    if (offset > MAX_OFFSET) throw ValidationFailed.field('offset', atMost(MAX_OFFSET));
    return { kind: 'offset', offset, limit };
  }
  return { kind: 'cursor', request: { kind: 'cursor', cursor: params.cursor || undefined, limit: PAGE_SIZE } };
}

function readRange(params: Record<string, string | undefined>, userId: string, zone: string, now: Date): MeetingRange {
  const fields: Record<string, string[]> = {};
  let status: MeetingStatus | undefined;
  if (params.status !== undefined && params.status !== '') {
    if ((MEETING_STATUSES as readonly string[]).includes(params.status)) status = params.status as MeetingStatus;
    else fields.status = [`"${params.status}" is not a valid choice.`];
  }
  const dates: Record<'from' | 'to', string | undefined> = { from: undefined, to: undefined };
  for (const name of ['from', 'to'] as const) {
    const value = params[name];
    if (value === undefined || value === '') continue;
    if (parseDate(value) === undefined) fields[name] = [dateMessages.format];
    else dates[name] = value;
  }
  if (Object.keys(fields).length > 0) throw new ValidationFailed(fields, fields.status ? { status: MEETING_STATUSES } : undefined);
  return {
    userId,
    status,
    from: dates.from ? `${dates.from} 00:00:00` : formatSlot(firstUnbegunSlot(zone, now)),
    to: dates.to ? `${dates.to} 23:00:00` : undefined,
    // The filters as asked: a cursor is honoured only under the filters it was issued for
    // (the default `from`, "now", moves on: a cursor outlives it).
    filters: JSON.stringify([status ?? null, dates.from ?? null, dates.to ?? null]),
  };
}

/** `base` with the query's own filters kept and the paging parameters replaced. */
function link(base: string, params: Record<string, string | undefined>, paging: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && !pagingParameters.includes(name)) query.set(name, value);
  }
  for (const [name, value] of Object.entries(paging)) if (value !== undefined) query.set(name, String(value));
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}

/**
 * Lists the caller's meetings.
 * 1. Read the filters (status, from/to dates; from now on by default) and the paging style.
 * 2. Count the matching meetings and read one page, both from the time-ordered index.
 * 3. Answer `count`, absolute `next` / `previous` links in the request's own style, and the page.
 */
export async function listMeetings(
  params: Record<string, string | undefined>,
  deps: { meetings: MeetingStore; caller: PublicUser; zone: string; now: Date; baseUrl: string },
) {
  const style = readStyle(params);
  const range = readRange(params, deps.caller.id, deps.zone, deps.now);
  const request: PageRequest =
    style.kind === 'cursor'
      ? style.request
      : style.kind === 'offset'
        ? { kind: 'offset', offset: style.offset, limit: style.limit }
        : { kind: 'offset', offset: (style.page - 1) * PAGE_SIZE, limit: PAGE_SIZE };
  const [count, page] = await Promise.all([deps.meetings.count(range), deps.meetings.page(range, request)]);

  let next: string | null = null;
  let previous: string | null = null;
  if (style.kind === 'cursor') {
    if (page.hasNext) next = link(deps.baseUrl, params, { cursor: page.after });
    if (page.hasPrevious) previous = link(deps.baseUrl, params, { cursor: page.before });
  } else if (style.kind === 'offset') {
    if (style.offset + style.limit < count) next = link(deps.baseUrl, params, { limit: style.limit, offset: style.offset + style.limit });
    if (style.offset > 0) {
      const earlier = style.offset - style.limit;
      previous = link(deps.baseUrl, params, { limit: style.limit, offset: earlier > 0 ? earlier : undefined });
    }
  } else {
    if (style.page > 1 && (style.page - 1) * PAGE_SIZE >= count) throw new NotFound('Invalid page.');
    if (style.page * PAGE_SIZE < count) next = link(deps.baseUrl, params, { page: style.page + 1 });
    if (style.page > 1) previous = link(deps.baseUrl, params, { page: style.page > 2 ? style.page - 1 : undefined });
  }
  return { count, next, previous, results: page.meetings.map(describeMeeting) };
}
