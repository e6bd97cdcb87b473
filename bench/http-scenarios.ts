/**
 * The measured operations over HTTP, against any server speaking the API. Every lane owns
 * its users and hours, so bookings and moves never conflict: any error is a real error.
 */
import { type Operation, timed } from './load';

export interface Account {
  username: string;
  email: string;
  password: string;
  token: string;
  id: string;
}

export class Api {
  constructor(readonly baseUrl: string) {}

  async send(method: string, path: string, body?: unknown, token?: string) {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Token ${token}` } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    const figure = (name: string) => {
      const value = response.headers.get(name);
      return value === null ? undefined : Number(value);
    };
    return {
      status: response.status,
      text,
      calls: figure('x-dynamodb-calls'),
      depth: figure('x-dynamodb-depth'),
      readUnits: figure('x-dynamodb-read-units'),
      writeUnits: figure('x-dynamodb-write-units'),
    };
  }

  async account(tag: string): Promise<Account> {
    const username = `${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const credentials = { username, email: `${username}@bench.example`, password: `pw-${username}-bench` };
    const signUp = await this.send('POST', '/api/user/sign_up/', credentials);
    if (signUp.status !== 201) throw new Error(`sign up: ${signUp.status} ${signUp.text}`);
    const login = await this.send('POST', '/api/user/login/', { username, password: credentials.password });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
    const body = JSON.parse(login.text);
    return { ...credentials, token: body.auth_token, id: body.user.id };
  }
}

/** The date `days` from today, UTC. */
export function dayFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A distinct future hour for each (lane, iteration), from day `firstDay` on. */
export function laneSlot(firstDay: number, iteration: number): string {
  return `${dayFromNow(firstDay + Math.floor(iteration / 24))} ${String(iteration % 24).padStart(2, '0')}:00:00`;
}

export interface Lanes {
  /** Per lane: an organiser and two guests of its own. */
  trios: Account[][];
  /** Per lane: a meeting to move around, and the next free hour for it. */
  movable: { id: string; organiser: Account }[];
  /** A user with blocks on `availabilityDate`, looked at by everyone. */
  watched: Account;
  availabilityDate: string;
  /** A user with a full first page of meetings. */
  lister: Account;
}

export function httpOperation(api: Api, lanes: Lanes, name: string, firstDay: number): Operation {
  const ok = (answer: Awaited<ReturnType<Api['send']>>, expected: number) => {
    if (answer.status !== expected) throw new Error(`${name}: ${answer.status} ${answer.text.slice(0, 200)}`);
    return { ok: true, calls: answer.calls, depth: answer.depth, readUnits: answer.readUnits, writeUnits: answer.writeUnits };
  };
  switch (name) {
    case 'booking':
      return (lane, iteration) =>
        timed(async () => {
          const [organiser, ...guests] = lanes.trios[lane]!;
          const body = {
            title: 'Bench',
            description: '',
            time_slot: laneSlot(firstDay, iteration),
            participants: guests.map((g) => g.email),
          };
          return ok(await api.send('POST', '/api/event/', body, organiser!.token), 201);
        });
    case 'availability':
      return (lane) =>
        timed(async () => {
          const viewer = lanes.trios[lane]![0]!;
          const path = `/api/user/get_available_slots/?date=${lanes.availabilityDate}&user=${encodeURIComponent(lanes.watched.email)}`;
          return ok(await api.send('GET', path, undefined, viewer.token), 200);
        });
    case 'listing':
      return () => timed(async () => ok(await api.send('GET', '/api/event/', undefined, lanes.lister.token), 200));
    case 'reschedule':
      return (lane, iteration) =>
        timed(async () => {
          const { id, organiser } = lanes.movable[lane]!;
          return ok(await api.send('PATCH', `/api/event/${id}/`, { time_slot: laneSlot(firstDay, iteration + 1) }, organiser.token), 200);
        });
    case 'login':
      return (lane) =>
        timed(async () => {
          // The lane's second guest: its logins (beyond TOKENS_PER_USER) revoke only its own old tokens, which nothing else uses.
          const account = lanes.trios[lane]![2]!;
          return ok(await api.send('POST', '/api/user/login/', { username: account.username, password: account.password }), 200);
        });
    default:
      throw new Error(`unknown operation ${name}`);
  }
}
