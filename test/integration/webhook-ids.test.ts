/**
 * A subscription or delivery id that cannot exist (not a ULID, however long) is simply not
 * found: 404 on every webhook route, as for meetings, never a 400 or 500 from the database
 * refusing a key too long for it.
 */
import { provideDeliveryQueue } from '../../functions/delivery-queue';
import { call, signedInUser } from '../support/api';

// Pings go to a queue that holds them: this test only asks which ids are found.
provideDeliveryQueue({ enqueue: async () => undefined });

it('answers 404 for a webhook or delivery id that cannot exist, however long', async () => {
  const owner = await signedInUser('whids');
  const created = await call('POST', '/api/webhooks/', { headers: owner.auth, body: { url: 'http://127.0.0.1:9/in', events: ['*'] } });
  expect(created.status).toBe(201);
  const real = created.body.id as string;
  for (const id of ['b'.repeat(1100), 'b'.repeat(30), 'not-an-id', `${real}x`]) {
    for (const [method, path, body] of [
      ['GET', `/api/webhooks/${id}/`],
      ['PATCH', `/api/webhooks/${id}/`, { description: 'x' }],
      ['DELETE', `/api/webhooks/${id}/`],
      ['POST', `/api/webhooks/${id}/rotate_secret/`],
      ['POST', `/api/webhooks/${id}/ping/`],
      ['GET', `/api/webhooks/${id}/deliveries/`],
      ['POST', `/api/webhooks/${id}/deliveries/${real}/redeliver/`],
      ['POST', `/api/webhooks/${real}/deliveries/${id}/redeliver/`],
    ] as const) {
      const answer = await call(method, path, { headers: owner.auth, ...(body ? { body } : {}) });
      expect({ method, path: path.slice(0, 60), status: answer.status, body: answer.body }).toEqual({
        method,
        path: path.slice(0, 60),
        status: 404,
        body: { detail: 'Not found.' },
      });
    }
  }
  expect((await call('GET', `/api/webhooks/${real}/`, { headers: owner.auth })).status).toBe(200);
});
