/**
 * `npm start` keeps the meeting counters from the table's stream, as the counter function
 * does in AWS: after racing bookings and changes, the counters catch up with every entry,
 * and the counts, answered by the counters alone, are what the listings page through.
 */
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { recountPartition } from '../../functions/store/items/meeting-counts';
import { localClient } from '../../local/table';
import { futureDate, uniqueUser } from '../support/api';
import { httpClient, httpUser } from '../support/http-client';
import { integrityOf } from '../support/integrity';
import { type LocalServer, startLocalServer } from '../support/local-server';

jest.setTimeout(180_000);

let server: LocalServer;
const request = httpClient(() => server.url);

beforeAll(async () => {
  server = await startLocalServer({ BCRYPT_ROUNDS: '4' });
});
afterAll(async () => {
  await server?.stop();
});

type Person = Awaited<ReturnType<typeof httpUser>>;

async function pendingOf(person: Person): Promise<number> {
  const client = DynamoDBDocumentClient.from(localClient(server.dynamoDbEndpoint, server.accessKeyId));
  const { Items } = await client.send(
    new QueryCommand({
      TableName: 'calendar',
      IndexName: 'byRecount',
      KeyConditionExpression: 'gsi3pk = :pk',
      ExpressionAttributeValues: { ':pk': recountPartition(person.user.id) },
    }),
  );
  return Items?.length ?? 0;
}

async function countAndPages(person: Person, query: string) {
  let page = (await request('GET', `/api/event/${query}${query ? '&' : '?'}limit=100`, { headers: person.auth })).body;
  const count = page.count as number;
  let listed = page.results.length as number;
  while (page.next) {
    page = (await request('GET', new URL(page.next).pathname + new URL(page.next).search, { headers: person.auth })).body;
    listed += page.results.length;
  }
  return { query, count, listed };
}

it('catches up with racing bookings and changes, and then counts from the counters alone', async () => {
  const people = await Promise.all(Array.from({ length: 4 }, (_, i) => httpUser(request, uniqueUser(`count${i}`))));
  const dates = [40, 41, 75].map(futureDate);
  const slots = dates.flatMap((date) => [9, 10, 11].map((hour) => `${date} ${hour}:00:00`));
  // Everyone books everyone at once, over the same hours: some win, the rest are refused.
  const booked = await Promise.all(
    people.flatMap((organiser, index) =>
      slots.map((time_slot, slot) =>
        request('POST', '/api/event/', {
          headers: organiser.auth,
          body: { title: 'Counted', description: '', time_slot, participants: slot % 2 ? [people[(index + 1) % 4]!.user.email] : [] },
        }).then((answer) => ({ answer, organiser })),
      ),
    ),
  );
  const made = booked.filter(({ answer }) => answer.status === 201);
  expect(made.length).toBeGreaterThanOrEqual(slots.length);
  // Then they move, cancel and re-invite them, all at once.
  await Promise.all(
    made.map(({ answer, organiser }, index) => {
      const path = `/api/event/${answer.body.response.id}/`;
      const change =
        index % 3 === 0
          ? { status: 'cancelled' }
          : index % 3 === 1
            ? { time_slot: `${futureDate(100 + (index % 5))} 12:00:00` }
            : { participants: [organiser.user.email] };
      return request('PATCH', path, { headers: organiser.auth, body: change });
    }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pending = await Promise.all(people.map(pendingOf));
    if (pending.every((count) => count === 0)) break;
    if (Date.now() > deadline) throw new Error(`the counters did not catch up: ${pending.join(', ')} entries still pending`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(await integrityOf({ endpoint: server.dynamoDbEndpoint, accessKeyId: server.accessKeyId, table: 'calendar' })).toEqual([]);
  for (const person of people) {
    for (const query of ['', '?status=cancelled', `?from=${dates[0]}&to=${dates[1]}`, `?from=${futureDate(90)}`]) {
      const { count, listed } = await countAndPages(person, query);
      expect({ query, count }).toEqual({ query, count: listed });
    }
  }
});
