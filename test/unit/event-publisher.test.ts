import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import type { DomainEvent } from '../../functions/domain/events';
import type { Meeting } from '../../functions/domain/model';
import type { PublicUser } from '../../functions/domain/users';
import { EventPublisher } from '../../functions/integrations/event-publisher';
import type { EventTransport } from '../../functions/integrations/event-transport';
import {
  EVENT_SOURCE,
  eventBridgeTransport,
  type PutEventsEntry,
  userOfResource,
  userResource,
} from '../../functions/integrations/eventbridge-transport';
import { streamPublisher } from '../../functions/integrations/stream-publisher';
import { blockedHourItem } from '../../functions/store/items/day';
import { toMeetingItem } from '../../functions/store/items/meeting';

const ann: PublicUser = { id: '01J0ANN0000000000000000000', username: 'ann', email: 'ann@example.com' };
const bob: PublicUser = { id: '01J0B0B0000000000000000000', username: 'bob', email: 'bob@example.com' };

const meeting = (index: number, version = 1): Meeting => ({
  id: `01J0MEET${String(index).padStart(18, '0')}`,
  title: `Meeting ${index}`,
  description: '',
  slot: { date: '2030-06-02', hour: index % 24 },
  status: 'active',
  organiser: ann,
  participants: [ann, bob],
  version,
  created: '2030-06-01T08:00:00.000Z',
  modified: `2030-06-01T08:${String(version).padStart(2, '0')}:00.000Z`,
});

let sequence = 0;
const image = (item: object) => marshall(item, { removeUndefinedValues: true }) as Record<string, AttributeValue>;
/** A stream record as the Lambda event source hands it over. */
function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', newItem?: object, oldItem?: object): DynamoDBRecord {
  sequence += 1;
  return {
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      SequenceNumber: String(sequence).padStart(21, '0'),
      ApproximateCreationDateTime: 1_900_000_000,
      ...(newItem ? { NewImage: image(newItem) } : {}),
      ...(oldItem ? { OldImage: image(oldItem) } : {}),
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}
const booking = (index: number) => streamRecord('INSERT', toMeetingItem(meeting(index), `w${index}`));

type Answer = (input: { Entries: PutEventsEntry[] }) => Record<string, unknown>;
/** EventBridge as its JSON protocol answers: `answer` answers (or throws for) each PutEvents. */
let answer: Answer;
const eventBridge = {
  call: jest.fn(async (operation: string, input: unknown): Promise<Record<string, unknown>> => {
    if (operation !== 'PutEvents') throw new Error(`unexpected ${operation}`);
    return answer(input as { Entries: PutEventsEntry[] });
  }),
};
beforeEach(() => {
  eventBridge.call.mockClear();
  answer = (input) => accepted(input.Entries.length);
});
/** Throws `error` for the first call, then answers as `then`. */
const failingOnce =
  (error: Error, then: Answer): Answer =>
  () => {
    answer = then;
    throw error;
  };

/** What PutEvents was sent, call by call. */
const sentEntries = (): PutEventsEntry[][] =>
  eventBridge.call.mock.calls.map(([, input]) => (input as { Entries: PutEventsEntry[] }).Entries);
const ids = (entries: PutEventsEntry[]) => entries.map((entry) => (JSON.parse(entry.Detail ?? '{}') as DomainEvent).id);
const accepted = (count: number) => ({ FailedEntryCount: 0, Entries: Array.from({ length: count }, (_, i) => ({ EventId: `e${i}` })) });

const publisher = (options: Parameters<typeof streamPublisher>[1] = {}) =>
  streamPublisher(eventBridgeTransport(eventBridge, 'calendar-events'), { baseDelayMs: 1, ...options });

describe('the stream publisher on EventBridge', () => {
  it('puts one entry per change, in chunks of ten, in order, as the contract shapes them', async () => {
    answer = (input) => accepted(input.Entries.length);
    const records = Array.from({ length: 25 }, (_, index) => booking(index));
    expect(await publisher()({ Records: records })).toEqual({ batchItemFailures: [] });

    const calls = sentEntries();
    expect(calls.map((entries) => entries.length)).toEqual([10, 10, 5]);
    expect(calls.flat().map((entry) => JSON.parse(entry.Detail ?? '{}').id)).toEqual(
      Array.from({ length: 25 }, (_, index) => `${meeting(index).id}:1`),
    );
    const first = calls[0]?.[0];
    expect(first).toMatchObject({
      EventBusName: 'calendar-events',
      Source: EVENT_SOURCE,
      DetailType: 'meeting.booked',
      Resources: [userResource(ann.id), userResource(bob.id)],
    });
    expect(first?.Resources?.map(userOfResource)).toEqual([ann.id, bob.id]);
    expect(first?.Time).toBe(Date.parse('2030-06-01T08:01:00.000Z') / 1000);
    expect(Object.keys(JSON.parse(first?.Detail ?? '{}'))).toEqual(['id', 'type', 'timestamp', 'version', 'data']);
  });

  it('puts nothing for items that make no event and for removals', async () => {
    const records = [
      streamRecord('INSERT', blockedHourItem(ann.id, '2030-06-02', 9)),
      streamRecord('REMOVE', undefined, blockedHourItem(ann.id, '2030-06-02', 9)),
      streamRecord('REMOVE', undefined, toMeetingItem(meeting(1), 'w')),
    ];
    expect(await publisher()({ Records: records })).toEqual({ batchItemFailures: [] });
    expect(sentEntries()).toEqual([]);
  });

  it('sends again only the entries the bus refused, under the same ids, until they are accepted', async () => {
    let call = 0;
    answer = (input) => {
      call += 1;
      if (call > 1) return accepted(input.Entries.length);
      // The first answer refuses the second and the fourth entry.
      return {
        FailedEntryCount: 2,
        Entries: input.Entries.map((_, index) =>
          index === 1 || index === 3 ? { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' } : { EventId: `e${index}` },
        ),
      };
    };
    const records = Array.from({ length: 5 }, (_, index) => booking(100 + index));
    expect(await publisher()({ Records: records })).toEqual({ batchItemFailures: [] });
    const calls = sentEntries();
    expect(calls).toHaveLength(2);
    expect(ids(calls[1] ?? [])).toEqual([`${meeting(101).id}:1`, `${meeting(103).id}:1`]);
  });

  it('sends a chunk again when the whole call failed', async () => {
    answer = failingOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }), (input) =>
      accepted(input.Entries.length),
    );
    expect(await publisher()({ Records: [booking(200), booking(201)] })).toEqual({ batchItemFailures: [] });
    expect(sentEntries().map(ids)).toEqual([
      [`${meeting(200).id}:1`, `${meeting(201).id}:1`],
      [`${meeting(200).id}:1`, `${meeting(201).id}:1`],
    ]);
  });

  it('reports the record of an entry refused on every attempt, and only it, so that it is read again', async () => {
    const stubborn = `${meeting(301).id}:1`;
    answer = (input) => ({
      FailedEntryCount: 1,
      Entries: input.Entries.map((entry) =>
        JSON.parse(entry.Detail).id === stubborn ? { ErrorCode: 'InternalFailure', ErrorMessage: 'no' } : { EventId: 'ok' },
      ),
    });
    const records = [booking(300), booking(301), booking(302)];
    const refused: string[] = [];
    const outcome = await publisher({ attempts: 3, onRefused: (event) => refused.push(event.id) })({ Records: records });
    expect(outcome).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]?.dynamodb?.SequenceNumber }] });
    expect(refused).toEqual([stubborn, stubborn, stubborn]);
    // Read again (as the event source does from the failed record on), it keeps its id.
    eventBridge.call.mockClear();
    answer = (input) => accepted(input.Entries.length);
    expect(await publisher()({ Records: records.slice(1) })).toEqual({ batchItemFailures: [] });
    expect(sentEntries().flatMap(ids)).toEqual([stubborn, `${meeting(302).id}:1`]);
  });

  it('fails the invocation when no record could be done, so that the event source bisects the batch', async () => {
    answer = () => {
      throw Object.assign(new Error('down'), { name: 'InternalException' });
    };
    await expect(publisher({ attempts: 2 })({ Records: [booking(400), booking(401)] })).rejects.toThrow();
    const outcome = await publisher({ attempts: 2, throwOnFullBatchFailure: false })({ Records: [booking(402)] });
    expect(outcome.batchItemFailures).toHaveLength(1);
  });

  it('fails the record of a meeting change that lacks its old image (the stream must carry both)', async () => {
    answer = (input) => accepted(input.Entries.length);
    const broken = streamRecord('MODIFY', toMeetingItem(meeting(500, 2), 'w2'));
    const outcome = await publisher()({ Records: [booking(501), broken] });
    expect(outcome).toEqual({ batchItemFailures: [{ itemIdentifier: broken.dynamodb?.SequenceNumber }] });
  });
});

describe('the event publisher', () => {
  /** A transport that records what it was sent and accepts all. */
  function recordingTransport(maxEntries: number) {
    const sends: string[][] = [];
    const transport: EventTransport = {
      maxEntries,
      send: async (events) => {
        sends.push(events.map(({ event }) => event.id));
        return events.map(() => ({ ok: true }));
      },
    };
    return { transport, sends };
  }
  const event = (id: string) => ({ event: { id } as unknown as DomainEvent, audience: [] });

  it('sends the events of one turn together, in the order they came, in chunks of the transport size', async () => {
    const { transport, sends } = recordingTransport(3);
    const publisherOfThree = new EventPublisher(transport);
    await Promise.all(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => publisherOfThree.publish(event(id))));
    expect(sends).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    await publisherOfThree.publish(event('h'));
    expect(sends.at(-1)).toEqual(['h']);
  });

  it('rejects an event the transport never accepted, naming it', async () => {
    const transport: EventTransport = { maxEntries: 10, send: async (events) => events.map(() => ({ ok: false, error: 'full' })) };
    await expect(new EventPublisher(transport, { attempts: 2, baseDelayMs: 1 }).publish(event('x'))).rejects.toThrow(
      'event x was not accepted: full',
    );
  });
});
