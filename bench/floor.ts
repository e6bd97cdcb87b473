/**
 * The floor: each operation's very same DynamoDB calls, issued directly (no HTTP, no
 * middleware, no validation, no bcrypt), at the same concurrency, in the same steps: a
 * read by a caller the function has seen starts beside the check of the token, a
 * booking spends the invitation budget in its transaction, and people found by email
 * before are not read again. What our code adds is the distance between these figures
 * and the end-to-end ones.
 */
import { ulid } from 'ulid';
import { invitationBudgets } from '../functions/domain/invitations';
import type { Meeting } from '../functions/domain/meetings';
import { newSecret, seal, sha256 } from '../functions/domain/secrets';
import { slotOf } from '../functions/domain/time';
import { services } from '../functions/services';
import { type Account, type Lanes, laneSlot } from './http-scenarios';
import { type Operation, timed } from './load';

const user = (account: Account) => ({ id: account.id, username: account.username, email: account.email });

export function floorOperation(lanes: Lanes, name: string, firstDay: number): Operation {
  const { users, credentials, availability, meetings, config } = services();
  const authenticate = async (account: Account) => {
    if (!(await credentials.findToken(sha256(account.token)))) throw new Error('floor: token not found');
  };
  const done = { ok: true };
  switch (name) {
    case 'booking':
      return (lane, iteration) =>
        timed(async () => {
          const [organiser, ...guests] = lanes.trios[lane]!;
          await authenticate(organiser!);
          const found = await users.findByEmails(guests.map((guest) => guest.email));
          const stamp = new Date().toISOString();
          const meeting: Meeting = {
            id: ulid(),
            title: 'Floor',
            description: '',
            slot: slotOf(laneSlot(firstDay, iteration)),
            status: 'active',
            organiser: user(organiser!),
            participants: [user(organiser!), ...guests.map((guest) => found.get(guest.email)!)],
            version: 1,
            created: stamp,
            modified: stamp,
          };
          const budgets = invitationBudgets(config.invitationLimits, organiser!.id, { meetings: 1, guests: guests.length });
          await meetings.create(meeting, { budgets, now: new Date() });
          return done;
        });
    case 'availability':
      return (lane) =>
        timed(async () => {
          const read = async () => {
            const found = await users.findByEmails([lanes.watched.email]);
            await availability.getDay(found.get(lanes.watched.email)!.id, lanes.availabilityDate);
          };
          await Promise.all([authenticate(lanes.trios[lane]![0]!), read()]);
          return done;
        });
    case 'listing':
      return () =>
        timed(async () => {
          const range = { userId: lanes.lister.id, from: `${new Date().toISOString().slice(0, 13).replace('T', ' ')}:00:00`, filters: '' };
          await Promise.all([authenticate(lanes.lister), meetings.count(range), meetings.page(range, { kind: 'cursor', limit: 10 })]);
          return done;
        });
    case 'reschedule':
      return (lane, iteration) =>
        timed(async () => {
          const { id, organiser } = lanes.movable[lane]!;
          await authenticate(organiser);
          const before = (await meetings.get(id))!;
          await meetings.replace(before, { ...before, slot: slotOf(laneSlot(firstDay, iteration + 1)), version: before.version + 1 });
          return done;
        });
    case 'login':
      return (lane) =>
        timed(async () => {
          const account = lanes.trios[lane]![2]!; // as over HTTP: an account whose tokens nothing else uses
          const found = await users.findByUsername(account.username);
          const token = newSecret();
          const sessionId = newSecret();
          await credentials.save(
            {
              user: user(account),
              tokenHash: sha256(token),
              sessionHash: sha256(sessionId),
              csrfHash: sha256(newSecret()),
              sealedToken: seal(token, sessionId),
              sessionExpiresAt: Math.floor(Date.now() / 1000) + 3600,
              tokenExpiresAt: Math.floor(Date.now() / 1000) + 3600,
              created: new Date().toISOString(),
            },
            { keepAtMost: 10, now: new Date() },
          );
          if (!found) throw new Error('floor: user not found');
          return done;
        });
    default:
      throw new Error(`unknown operation ${name}`);
  }
}
