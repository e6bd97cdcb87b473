/**
 * The measured operations over HTTP, against any server speaking the API. Every lane owns
 * its users and hours, so bookings and moves never conflict: any error is a real error.
 */
import http from 'node:http';
import https from 'node:https';
import { type Operation, timed } from './load';

export interface Account {
  username: string;
  email: string;
  password: string;
  token: string;
  id: string;
}

/** An answer, with the DynamoDB figures the server tells when asked to (DYNAMODB_METRICS). */
export interface Answer {
  status: number;
  text: string;
  calls: number | undefined;
  depth: number | undefined;
  readUnits: number | undefined;
  writeUnits: number | undefined;
}

/**
 * The load's HTTP client: node's own, over kept-alive connections. The load shares the
 * machine's cores with the server it measures, so it must cost little per request: `fetch`
 * spends three to four times the CPU of `node:http` on each one (measured on these machines:
 * 0.2 against 0.06 ms for a small answer), and that time would be taken from the server.
 */
export class Api {
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(readonly baseUrl: string) {
    const secure = new URL(baseUrl).protocol === 'https:';
    this.agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.request = secure ? https.request : http.request;
  }

  send(method: string, path: string, body?: unknown, token?: string) {
    const payload = body !== undefined ? JSON.stringify(body) : undefined;
    const headers: http.OutgoingHttpHeaders = {
      ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
      ...(token ? { authorization: `Token ${token}` } : {}),
    };
    return new Promise<Answer>((resolve, reject) => {
      const sent = this.request(`${this.baseUrl}${path}`, { method, headers, agent: this.agent }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const figure = (name: string) => {
            const value = response.headers[name];
            return typeof value === 'string' ? Number(value) : undefined;
          };
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            calls: figure('x-dynamodb-calls'),
            depth: figure('x-dynamodb-depth'),
            readUnits: figure('x-dynamodb-read-units'),
            writeUnits: figure('x-dynamodb-write-units'),
          });
        });
      });
      sent.on('error', reject);
      sent.end(payload);
    });
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.agent.destroy();
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
  const ok = (answer: Answer, expected: number) => {
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
