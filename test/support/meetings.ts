import { ulid } from 'ulid';
import type { Meeting } from '../../functions/domain/meetings';
import { services } from '../../functions/services';
import type { LoggedIn } from './api';

/** Stores a meeting as it would have been booked earlier, straight through the store: the API refuses past bookings. */
export async function storedMeeting(
  organiser: Pick<LoggedIn, 'user'>,
  date: string,
  hour: number,
  guests: Array<Pick<LoggedIn, 'user'>> = [],
  title = 'Stored',
): Promise<Meeting> {
  const stamp = new Date().toISOString();
  const meeting: Meeting = {
    id: ulid(),
    title,
    description: null,
    slot: { date, hour },
    status: 'active',
    organiser: organiser.user,
    participants: [organiser.user, ...guests.map((guest) => guest.user)],
    version: 1,
    created: stamp,
    modified: stamp,
  };
  await services().meetings.create(meeting);
  return meeting;
}
