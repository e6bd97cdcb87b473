import type { SQSRecord } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { type Delivery, MAX_WEBHOOKS_PER_USER, secretOf, type Webhook } from '../../functions/domain/webhooks';
import { userResource } from '../../functions/integrations/eventbridge-transport';
import {
  MAX_VISIBILITY_SECONDS,
  readMessage,
  SqsDeliveryQueue,
  sqsDeliveryWorker,
  type TaskMessage,
  waitSeconds,
} from '../../functions/integrations/sqs-delivery-queue';
import type { Sender, SendOutcome } from '../../functions/integrations/webhook-delivery';
import { MemoryWebhookStore, plainBox } from './webhook-fakes';

const NOW = new Date('2030-01-01T10:00:00.000Z');
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/webhooks';
const HOUR = 60 * 60 * 1000;

/** The webhook store in memory, whose delivery reads can be made to fail. */
class MemoryWebhooks extends MemoryWebhookStore {
  failReads = false;

  override async getDelivery(ownerId: string, webhookId: string, deliveryId: string): Promise<Delivery | undefined> {
    if (this.failReads) throw new Error('the table is unreachable');
    return super.getDelivery(ownerId, webhookId, deliveryId);
  }
}

const webhookOf = (ownerId: string, id: string): Webhook => ({
  id,
  ownerId,
  url: 'https://receiver.example.com/hooks',
  events: ['*'],
  description: '',
  active: true,
  created: NOW.toISOString(),
  modified: NOW.toISOString(),
  secret: secretOf(new Uint8Array(24).fill(7)),
});

const pending = (webhook: Webhook, attempts: number): Delivery => ({
  id: '01JGQ5Z0000000000000000001',
  webhookId: webhook.id,
  ownerId: webhook.ownerId,
  eventId: 'M1:1',
  eventType: 'meeting.booked',
  payload: '{"id":"M1:1"}',
  status: 'pending',
  attempts,
  lastStatusCode: null,
  lastError: null,
  nextAttemptAt: NOW.toISOString(),
  created: NOW.toISOString(),
});

const taskOf = (delivery: Delivery, notBefore: number): TaskMessage => ({
  ownerId: delivery.ownerId,
  webhookId: delivery.webhookId,
  deliveryId: delivery.id,
  attempt: delivery.attempts + 1,
  notBefore,
});

/** An event as the bus rule puts it on the queue: the EventBridge event, its body in `detail`. */
const busMessage = (detail: object, users: string[]) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'meeting.booked',
  source: 'calendar.booking',
  account: '123456789012',
  time: NOW.toISOString(),
  region: 'us-east-1',
  resources: users.map(userResource),
  detail,
});

const booked = {
  id: 'M1:1',
  type: 'meeting.booked',
  timestamp: NOW.toISOString(),
  version: '1',
  data: { meeting: { id: 'M1', title: 'Planning', version: 1 } },
};

function record(body: unknown, messageId = 'message-1'): SQSRecord {
  return {
    messageId,
    receiptHandle: `receipt-of-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: String(NOW.getTime()),
      SenderId: 'AIDEXAMPLE',
      ApproximateFirstReceiveTimestamp: String(NOW.getTime()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:webhooks',
    awsRegion: 'us-east-1',
  };
}

/** SQS as its JSON protocol answers, recording each call; `failing` makes an operation fail. */
const sqs = {
  failing: new Map<string, Error>(),
  call: jest.fn(async (operation: string, input: unknown): Promise<Record<string, unknown>> => {
    const failure = sqs.failing.get(operation);
    if (failure) throw failure;
    if (operation !== 'SendMessage') return {};
    const body = (input as { MessageBody: string }).MessageBody;
    return { MessageId: 'sent', MD5OfMessageBody: sqs.digest ?? createHash('md5').update(body).digest('hex') };
  }),
  /** A digest SQS answers instead of the body's. */
  digest: undefined as string | undefined,
};
const inputsOf = (operation: string) =>
  sqs.call.mock.calls.filter(([name]) => name === operation).map(([, input]) => input as Record<string, unknown>);

function setUp(outcome: SendOutcome = { ok: true, status: 204 }) {
  const webhooks = new MemoryWebhooks();
  const queue = new SqsDeliveryQueue(sqs, QUEUE_URL, () => NOW);
  const send = jest.fn<ReturnType<Sender>, Parameters<Sender>>(async () => outcome);
  const errors: unknown[] = [];
  const handler = sqsDeliveryWorker({
    webhooks,
    secrets: plainBox,
    queue,
    send,
    now: () => NOW,
    onError: (error) => errors.push(error),
  });
  const sent = () => inputsOf('SendMessage').map((input) => ({ ...input, MessageBody: JSON.parse(input.MessageBody as string) }));
  const postponed = () => inputsOf('ChangeMessageVisibility');
  return { webhooks, queue, send, errors, handler, sent, postponed };
}

beforeEach(() => {
  sqs.call.mockClear();
  sqs.failing.clear();
  sqs.digest = undefined;
});

describe('the webhook worker on SQS', () => {
  it('fans an event of the bus out to the subscriptions of the users it names, each a delivery task sent with no delay', async () => {
    const { webhooks, handler, sent, send } = setUp();
    const alices = webhookOf('alice', 'W1');
    await webhooks.create(alices, MAX_WEBHOOKS_PER_USER);
    await webhooks.create(webhookOf('carol', 'W3'), MAX_WEBHOOKS_PER_USER);

    const response = await handler({ Records: [record(busMessage(booked, ['alice', 'bob']))] });

    expect(response).toEqual({ batchItemFailures: [] });
    const [delivery, ...others] = [...webhooks.logged.values()];
    expect(others).toEqual([]);
    expect(delivery).toMatchObject({ ownerId: 'alice', webhookId: 'W1', eventId: 'M1:1', status: 'pending', attempts: 0 });
    expect(delivery!.payload).toBe(JSON.stringify(booked));
    expect(sent()).toEqual([
      {
        QueueUrl: QUEUE_URL,
        DelaySeconds: 0,
        MessageBody: { ownerId: 'alice', webhookId: 'W1', deliveryId: delivery!.id, attempt: 1, notBefore: NOW.getTime() },
      },
    ]);
    // The fan-out only queues: the attempt runs when its message comes back.
    expect(send).not.toHaveBeenCalled();
  });

  it('makes the attempt of a task message that is due, and sends nothing more when it is delivered', async () => {
    const { webhooks, handler, send, sent, postponed } = setUp({ ok: true, status: 200 });
    const webhook = webhookOf('alice', 'W1');
    await webhooks.create(webhook, MAX_WEBHOOKS_PER_USER);
    const delivery = pending(webhook, 0);
    await webhooks.addDelivery(delivery);

    const response = await handler({ Records: [record(taskOf(delivery, NOW.getTime()))] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]![0]).toBe(webhook.url);
    expect(send.mock.calls[0]![2]['webhook-id']).toBe(delivery.id);
    expect(await webhooks.getDelivery('alice', 'W1', delivery.id)).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });
    expect(sent()).toEqual([]);
    expect(postponed()).toEqual([]);
  });

  it('puts a task received before its time back for the seconds left, and reports it failed so that SQS keeps it', async () => {
    const { webhooks, handler, send, postponed, errors } = setUp();
    const webhook = webhookOf('alice', 'W1');
    await webhooks.create(webhook, MAX_WEBHOOKS_PER_USER);
    const delivery = pending(webhook, 3);
    await webhooks.addDelivery(delivery);
    // A 2-hour retry, received after SQS's 15-minute delay: 1 h 45 min still to wait.
    const notBefore = NOW.getTime() + 2 * HOUR - 15 * 60 * 1000;

    const response = await handler({ Records: [record(taskOf(delivery, notBefore), 'early')] });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'early' }] });
    expect(postponed()).toEqual([{ QueueUrl: QUEUE_URL, ReceiptHandle: 'receipt-of-early', VisibilityTimeout: 6300 }]);
    expect(send).not.toHaveBeenCalled();
    expect(await webhooks.getDelivery('alice', 'W1', delivery.id)).toEqual(delivery);
    // Waiting is not an error.
    expect(errors).toEqual([]);
  });

  it("asks for no more than SQS's 12 hours after the receive, and the task takes another round after that", async () => {
    const { webhooks, handler, postponed } = setUp();
    const webhook = webhookOf('alice', 'W1');
    const delivery = pending(webhook, 3);
    await webhooks.addDelivery(delivery);

    await handler({ Records: [record(taskOf(delivery, NOW.getTime() + 20 * HOUR))] });

    expect(postponed()).toEqual([expect.objectContaining({ VisibilityTimeout: MAX_VISIBILITY_SECONDS })]);
    expect(MAX_VISIBILITY_SECONDS).toBeLessThan(43_200);
    expect(MAX_VISIBILITY_SECONDS).toBeGreaterThan(43_200 - 15 * 60);
  });

  it('schedules the retry after a failed 4th attempt 2 hours on: DelaySeconds 900 (the most SQS takes) and notBefore at its time', async () => {
    const { webhooks, handler, sent } = setUp({ ok: false, status: 503 });
    const webhook = webhookOf('alice', 'W1');
    await webhooks.create(webhook, MAX_WEBHOOKS_PER_USER);
    const delivery = pending(webhook, 3);
    await webhooks.addDelivery(delivery);

    const response = await handler({ Records: [record(taskOf(delivery, NOW.getTime()))] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await webhooks.getDelivery('alice', 'W1', delivery.id)).toMatchObject({
      status: 'pending',
      attempts: 4,
      lastStatusCode: 503,
      nextAttemptAt: new Date(NOW.getTime() + 2 * HOUR).toISOString(),
    });
    expect(sent()).toEqual([
      {
        QueueUrl: QUEUE_URL,
        DelaySeconds: 900,
        MessageBody: { ownerId: 'alice', webhookId: 'W1', deliveryId: delivery.id, attempt: 5, notBefore: NOW.getTime() + 2 * HOUR },
      },
    ]);
  });

  it('reports a message that failed as a batch item failure, and the others of the batch as done', async () => {
    const { webhooks, handler, errors } = setUp();
    const webhook = webhookOf('alice', 'W1');
    await webhooks.create(webhook, MAX_WEBHOOKS_PER_USER);
    const delivery = pending(webhook, 0);
    await webhooks.addDelivery(delivery);

    const response = await handler({
      Records: [record(taskOf(delivery, NOW.getTime()), 'good'), record('{"neither": "event nor task"}', 'bad')],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(await webhooks.getDelivery('alice', 'W1', delivery.id)).toMatchObject({ status: 'delivered' });
    expect(errors).toHaveLength(1);
  });

  it('fails the invocation when every message failed (the worker errors alarm), but not when they only wait', async () => {
    const { webhooks, handler } = setUp();
    const webhook = webhookOf('alice', 'W1');
    await webhooks.create(webhook, MAX_WEBHOOKS_PER_USER);
    const delivery = pending(webhook, 0);
    await webhooks.addDelivery(delivery);
    webhooks.failReads = true;

    await expect(handler({ Records: [record(taskOf(delivery, NOW.getTime()), 'a'), record('not json', 'b')] })).rejects.toThrow(
      'Every message of the batch failed (2)',
    );
    await expect(handler({ Records: [record(taskOf(delivery, NOW.getTime() + HOUR), 'waits')] })).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'waits' }],
    });
  });

  it('reports a task as failed when it cannot be put back, so that it comes back after the visibility timeout', async () => {
    const { webhooks, handler, errors } = setUp();
    const delivery = pending(webhookOf('alice', 'W1'), 3);
    await webhooks.addDelivery(delivery);
    sqs.failing.set('ChangeMessageVisibility', new Error('throttled'));

    await expect(handler({ Records: [record(taskOf(delivery, NOW.getTime() + HOUR))] })).rejects.toThrow('Every message');
    expect(errors).toEqual([new Error('throttled')]);
  });
});

describe('the SQS delivery queue', () => {
  it.each([
    [0, 0],
    [5_000, 5],
    [1, 1],
    [300_000, 300],
    [900_000, 900],
    [2 * HOUR, 900],
    [10 * HOUR, 900],
  ])('sends a task due in %i ms with DelaySeconds %i and notBefore at its time', async (delayMs, delaySeconds) => {
    const { queue, sent } = setUp();
    await queue.enqueue({ ownerId: 'alice', webhookId: 'W1', deliveryId: 'D1', attempt: 2 }, delayMs);
    expect(sent()).toEqual([
      {
        QueueUrl: QUEUE_URL,
        DelaySeconds: delaySeconds,
        MessageBody: { ownerId: 'alice', webhookId: 'W1', deliveryId: 'D1', attempt: 2, notBefore: NOW.getTime() + delayMs },
      },
    ]);
  });

  it('refuses a send whose body SQS did not receive as sent (the digest it answers differs)', async () => {
    const { queue } = setUp();
    sqs.digest = createHash('md5').update('something else').digest('hex');
    await expect(queue.enqueue({ ownerId: 'alice', webhookId: 'W1', deliveryId: 'D1', attempt: 2 }, 0)).rejects.toThrow(
      'SQS received another message body than the one sent',
    );
  });

  it('runs a task within a second of its time at once rather than for another round', () => {
    expect(waitSeconds(NOW.getTime(), NOW)).toBe(0);
    expect(waitSeconds(NOW.getTime() - HOUR, NOW)).toBe(0);
    expect(waitSeconds(NOW.getTime() + 1_000, NOW)).toBe(0);
    expect(waitSeconds(NOW.getTime() + 1_001, NOW)).toBe(2);
    expect(waitSeconds(NOW.getTime() + 36_000_000 - 900_000, NOW)).toBe(35_100);
  });

  it('reads the audience of an event from its resources, ignoring resources that are not users', () => {
    const message = readMessage(
      JSON.stringify({ ...busMessage(booked, ['alice']), resources: [userResource('alice'), 'arn:aws:s3:::bucket', userResource('bob')] }),
    );
    expect(message).toEqual({ kind: 'event', publication: { event: booked, audience: ['alice', 'bob'] } });
  });

  it('refuses a message that is neither an event of the service nor a delivery task', () => {
    expect(() => readMessage(JSON.stringify({ ...busMessage(booked, ['alice']), source: 'aws.s3' }))).toThrow(
      'Not a webhook queue message',
    );
    expect(() => readMessage(JSON.stringify({ ownerId: 'alice', webhookId: 'W1', deliveryId: 'D1', attempt: 1 }))).toThrow(
      'Not a webhook queue message',
    );
  });
});
