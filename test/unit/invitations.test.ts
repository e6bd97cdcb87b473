import { Throttled } from '../../functions/domain/errors';
import { spendInvitations } from '../../functions/domain/invitations';
import { expectRejection } from './expect-error';
import { RecordingLimiter } from './fakes';

const now = new Date('2030-06-01T12:00:00Z');
const limits = { meetingsPerHour: 20, guestsPerHour: 200 };

describe('the invitation budget', () => {
  it("spends the caller's meetings and guests for the hour, each by its count", async () => {
    const limiter = new RecordingLimiter();
    await spendInvitations({ limiter, limits, now }, 'id-ann', { meetings: 1, guests: 3 });
    expect(limiter.spends).toEqual([
      {
        budgets: [
          { key: 'meetings-by:id-ann', limit: 20, windowSeconds: 3600, cost: 1 },
          { key: 'guests-by:id-ann', limit: 200, windowSeconds: 3600, cost: 3 },
        ],
        now,
      },
    ]);
  });

  it('spends only the guests when no meeting is created', async () => {
    const limiter = new RecordingLimiter();
    await spendInvitations({ limiter, limits, now }, 'id-ann', { meetings: 0, guests: 2 });
    expect(limiter.spends[0]?.budgets).toEqual([{ key: 'guests-by:id-ann', limit: 200, windowSeconds: 3600, cost: 2 }]);
  });

  it('spends only the meeting when it has no guests', async () => {
    const limiter = new RecordingLimiter();
    await spendInvitations({ limiter, limits, now }, 'id-ann', { meetings: 1, guests: 0 });
    expect(limiter.spends[0]?.budgets).toEqual([{ key: 'meetings-by:id-ann', limit: 20, windowSeconds: 3600, cost: 1 }]);
  });

  it('asks the limiter nothing when nothing is sent', async () => {
    const limiter = new RecordingLimiter(60);
    await spendInvitations({ limiter, limits, now }, 'id-ann', { meetings: 0, guests: 0 });
    expect(limiter.spends).toEqual([]);
  });

  it('refuses once a budget is spent, saying when to retry', async () => {
    const error = await expectRejection(
      spendInvitations({ limiter: new RecordingLimiter(90), limits, now }, 'id-ann', { meetings: 1, guests: 1 }),
      Throttled,
      'Request was throttled. Expected available in 90 seconds.',
    );
    expect(error.retryAfterSeconds).toBe(90);
  });
});
