/**
 * docs/asyncapi.yaml describes what is really published: the document is valid AsyncAPI,
 * its examples match its own schemas, and every event the local pipeline (the stream
 * poller, the publisher and the in-process bus `npm start` runs) publishes for real API
 * calls matches the payload schema of its message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AsyncAPIDocumentInterface, Parser } from '@asyncapi/parser';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { DomainEvent } from '../../functions/domain/events';
import { streamPublisher } from '../../functions/integrations/stream-publisher';
import { InProcessBus } from '../../local/event-bus';
import { startStreamPoller, type StreamPoller } from '../../local/stream-poller';
import { sdkClient } from '../support/document-client';
import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';

const DOCUMENT = join(__dirname, '../../docs/asyncapi.yaml');
/** Spectral's severity of a diagnostic that makes the document invalid. */
const ERROR = 0;
/** The tag of messages that are in the contract but not published yet. */
const PLANNED = 'planned';

const at = (date: string, hour: number) => `${date} ${String(hour).padStart(2, '0')}:00:00`;
const succeeded = async (request: Promise<{ status: number; text: string; body: unknown }>, status = 200) => {
  const response = await request;
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${response.text}`);
  return response.body;
};

interface Message {
  type: string;
  planned: boolean;
  validate: ValidateFunction;
  examples: unknown[];
}

/** Each message of the document by its name (the event's `type`), its payload compiled. */
function messagesOf(document: AsyncAPIDocumentInterface): Map<string, Message> {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats(ajv);
  // The parser names every schema it dereferenced; the name is no constraint.
  ajv.addKeyword('x-parser-schema-id');
  const messages = new Map<string, Message>();
  for (const message of document.components().messages()) {
    const type = message.name();
    const payload = message.payload();
    if (!type || !payload) throw new Error(`message ${message.id()} has no name or no payload`);
    messages.set(type, {
      type,
      planned: message.tags().has(PLANNED),
      validate: ajv.compile(payload.json()),
      examples: message
        .examples()
        .all()
        .map((example) => example.payload()),
    });
  }
  return messages;
}

const errorsOf = (validate: ValidateFunction, value: unknown) => (validate(value) ? [] : (validate.errors ?? []));

let parsed: Awaited<ReturnType<Parser['parse']>>;
let messages: Map<string, Message>;

beforeAll(async () => {
  parsed = await new Parser().parse(readFileSync(DOCUMENT, 'utf8'), { source: DOCUMENT });
  if (parsed.document) messages = messagesOf(parsed.document);
});

describe('docs/asyncapi.yaml', () => {
  it('is a valid AsyncAPI 3.0.0 document', () => {
    const errors = parsed.diagnostics.filter((diagnostic) => diagnostic.severity === ERROR);
    expect(errors.map((error) => `${error.path.join('.')}: ${error.message}`)).toEqual([]);
    expect(parsed.document?.version()).toBe('3.0.0');
  });

  it("names one message per event type, each payload's type fixed to that name", () => {
    expect([...messages.keys()].sort()).toEqual([
      'availability.changed',
      'meeting.booked',
      'meeting.cancelled',
      'meeting.reactivated',
      'meeting.rescheduled',
      'meeting.responded',
      'meeting.updated',
    ]);
    expect([...messages.values()].filter((message) => message.planned).map((message) => message.type)).toEqual([]);
    for (const { type, validate } of messages.values()) {
      expect((validate.schema as { properties: { type: { const: string } } }).properties.type.const).toBe(type);
    }
  });

  it('has examples that match their own message', () => {
    for (const { type, validate, examples } of messages.values()) {
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) expect({ type, errors: errorsOf(validate, example) }).toEqual({ type, errors: [] });
    }
  });
});

describe('the events published for real changes', () => {
  const events: DomainEvent[] = [];
  let poller: StreamPoller;
  let organiser: LoggedIn;
  let meetingId: string;

  beforeAll(async () => {
    const bus = new InProcessBus();
    bus.subscribe(({ event }) => void events.push(event));
    poller = startStreamPoller({
      client: sdkClient(),
      tableName: process.env.TABLE_NAME!,
      handle: streamPublisher(bus),
      startAt: 'LATEST',
      idleMs: 20,
    });
    await poller.ready;

    organiser = await signedInUser('schemaorg');
    const guest = await signedInUser('schemaguest');
    const date = freshDate();
    const { auth } = organiser;
    const patch = (body: unknown) => succeeded(call('PATCH', `/api/event/${meetingId}/`, { headers: auth, body }));
    await succeeded(call('POST', '/api/user/block_slots/', { headers: auth, body: { date, blocked_slots: [8, 20] } }));
    const booked = (await succeeded(
      call('POST', '/api/event/', {
        headers: auth,
        body: { title: 'Schemas', description: null, time_slot: at(date, 10), participants: [guest.user.email] },
      }),
      201,
    )) as { response: { id: string } };
    meetingId = booked.response.id;
    await patch({ title: 'Schemas, renamed', description: 'Checked against docs/asyncapi.yaml' });
    await patch({ time_slot: at(date, 11), description: '' });
    await patch({ status: 'cancelled' });
    await patch({ status: 'active' });
    await patch({ title: 'Schemas, renamed' });
    const respond = (response: string) =>
      succeeded(call('POST', `/api/event/${meetingId}/respond/`, { headers: guest.auth, body: { response } }));
    await respond('declined');
    await respond('accepted');
    await poller.drained();
  }, 30_000);

  afterAll(() => poller.stop());

  /** Other test files write to the same table: only the events of this file's changes. */
  const ours = () =>
    events.filter((event) =>
      event.type === 'availability.changed' ? event.data.user.id === organiser.user.id : event.data.meeting.id === meetingId,
    );

  it('include every type the document says is published', () => {
    const published = [...messages.values()].filter((message) => !message.planned).map((message) => message.type);
    expect([...new Set(ours().map((event) => event.type))].sort()).toEqual(published.sort());
  });

  it('each match the payload schema of their message', () => {
    expect(ours().length).toBeGreaterThanOrEqual(9);
    for (const event of ours()) {
      const message = messages.get(event.type);
      expect({ id: event.id, type: event.type, known: message !== undefined }).toEqual({ id: event.id, type: event.type, known: true });
      expect({ id: event.id, errors: errorsOf(message!.validate, event) }).toEqual({ id: event.id, errors: [] });
    }
  });

  it('tell the rescheduling edits and an edit that changed nothing as the document describes', () => {
    const byVersion = ours()
      .filter((event) => event.type !== 'availability.changed')
      .map((event) => [event.id, event.type, 'changed' in event.data ? event.data.changed : undefined]);
    expect(byVersion).toEqual([
      [`${meetingId}:1`, 'meeting.booked', undefined],
      [`${meetingId}:2`, 'meeting.updated', ['title', 'description']],
      [`${meetingId}:3`, 'meeting.rescheduled', ['description']],
      [`${meetingId}:4`, 'meeting.cancelled', undefined],
      [`${meetingId}:5`, 'meeting.reactivated', undefined],
      [`${meetingId}:6`, 'meeting.updated', []],
      [`${meetingId}:7`, 'meeting.responded', undefined],
      [`${meetingId}:8`, 'meeting.responded', undefined],
    ]);
  });

  // The check can fail: a body that breaks the contract is refused.
  it.each<[string, (event: Record<string, unknown> & { data: Record<string, Record<string, unknown>> }) => void]>([
    ['a missing field of the meeting', (event) => delete event.data.meeting!.version],
    ['a field the contract does not have', (event) => (event.data.meeting!.location = 'Room 1')],
    ['a timestamp that is not ISO-8601 UTC', (event) => (event.timestamp = '2026-11-24 09:15:02')],
    ['a time slot off the hour', (event) => (event.data.meeting!.time_slot = '2026-12-01 10:30:00')],
    ['a cancelled meeting told as booked', (event) => (event.data.meeting!.status = 'cancelled')],
    ['no answers', (event) => delete event.data.meeting!.responses],
    ['an answer that is not one', (event) => (event.data.meeting!.responses = { 'a@example.com': 'maybe' })],
    ['another body version', (event) => (event.version = '2')],
  ])('refuse a booked event with %s', (_, breakIt) => {
    const booked = ours().find((event) => event.type === 'meeting.booked');
    const validate = messages.get('meeting.booked')!.validate;
    expect(errorsOf(validate, booked)).toEqual([]);
    const broken = structuredClone(booked) as unknown as Parameters<typeof breakIt>[0];
    breakIt(broken);
    expect(errorsOf(validate, broken).length).toBeGreaterThan(0);
  });
});
