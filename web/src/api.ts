/**
 * The calendar API as the page uses it: same origin, authenticated by the session cookie
 * that login sets (HttpOnly, never seen here); unsafe methods carry the `csrftoken`
 * cookie's value as `X-CSRFToken`, as the contract asks. No token is ever stored.
 */

export interface User {
  id: number | string;
  username: string;
  email: string;
}

export interface Day {
  date: string;
  blocked_slots: number[];
  available_time_slots: number[];
}

export type Answer = 'accepted' | 'declined' | 'needs_action';

export interface Meeting {
  id: string;
  title: string;
  description: string | null;
  time_slot: string;
  organiser: string;
  participants: string[];
  status: 'active' | 'cancelled';
  responses?: Record<string, Answer>;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface Common {
  users: string[];
  common: string[];
  best: { time_slot: string; free: string[]; busy: string[] }[];
}

/** An answer that is not a success, with the API's messages in words a person can read. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
    /** Messages by request field, for validation failures. */
    readonly fields: Record<string, string[]>,
  ) {
    super(messages.join(' '));
  }
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

/** The contract's error shapes: `{"detail"}`, `{"err_message": [...]}`, `{"<field>": [...], "err_message": [...]}`. */
export function errorOf(status: number, body: unknown): ApiError {
  const fields: Record<string, string[]> = {};
  let messages: string[] = [];
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record.detail === 'string') messages = [record.detail];
    if (isStrings(record.err_message)) messages = record.err_message;
    for (const [name, value] of Object.entries(record)) {
      if (name !== 'err_message' && name !== 'detail' && isStrings(value)) fields[name] = value;
    }
    if (messages.length === 0) messages = Object.entries(fields).flatMap(([name, list]) => list.map((text) => `${name}: ${text}`));
  }
  if (messages.length === 0) {
    messages = [
      status === 429
        ? 'Too many requests just now: wait a moment and try again.'
        : `The service could not answer (HTTP ${status}). Try again in a moment.`,
    ];
  }
  return new ApiError(status, messages, fields);
}

function cookie(name: string): string | undefined {
  const pair = document.cookie.split('; ').find((entry) => entry.startsWith(`${name}=`));
  return pair === undefined ? undefined : decodeURIComponent(pair.slice(name.length + 1));
}

/** Called when the session has ended (401 on a call that needs one): the page shows the login. */
let onSignedOut: () => void = () => undefined;
export const whenSignedOut = (callback: () => void) => {
  onSignedOut = callback;
};

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const csrf = cookie('csrftoken');
  if (method !== 'GET' && csrf) headers['x-csrftoken'] = csrf;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, ['The service cannot be reached. Check your connection and try again.'], {});
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = errorOf(response.status, parsed);
    if (response.status === 401 && !path.startsWith('/api/user/login/')) onSignedOut();
    throw error;
  }
  return parsed as T;
}

/** The path and query of a paging link: the API names itself absolutely, the page calls its own origin. */
export function relative(link: string): string {
  const url = new URL(link, location.origin);
  return `${url.pathname}${url.search}`;
}

/** Every page of a listing, following `next`. */
export async function everyPage<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let next: string | null = path;
  for (let pages = 0; next && pages < 50; pages++) {
    const page: Page<T> = await api<Page<T>>('GET', relative(next));
    items.push(...page.results);
    next = page.next;
  }
  return items;
}

export const query = (params: Record<string, string | undefined>) =>
  new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  ).toString();
