/**
 * A meeting (`MEETING#<id>` / `MEETING`) and each guest's membership of it
 * (`MEETING#<id>` / `MEMBER#<userId>`). Both carry the index keys of one member's
 * listing: the meeting item the organiser's, a membership the guest's. The keys-only
 * indexes then list a user's meetings in time order, all statuses or one.
 */
import type { Meeting, MeetingStatus, ParticipantResponse } from '../../domain/model';
import { formatSlot, slotOf } from '../../domain/time';
import type { PublicUser } from '../../domain/users';
import type { Key, StoredItem } from './item';
import { countAs, recountPartition } from './meeting-counts';

const MEETING_PREFIX = 'MEETING#';

export const meetingKey = (meetingId: string): Key => ({ pk: `${MEETING_PREFIX}${meetingId}`, sk: 'MEETING' });
export const membershipKey = (meetingId: string, userId: string): Key => ({ pk: `${MEETING_PREFIX}${meetingId}`, sk: `MEMBER#${userId}` });

/** The meeting named by an index entry's partition key. */
export const meetingIdOf = (pk: string) => pk.slice(MEETING_PREFIX.length);
export const isMeetingPartition = (pk: string) => pk.startsWith(MEETING_PREFIX);

/** Index partitions of a user's meetings: all of them, or those of one status. */
export const memberPartition = (userId: string) => `MEMBER#${userId}`;
export const memberStatusPartition = (userId: string, status: string) => `MEMBER#${userId}#${status}`;

/** Index keys of one member's entry, sorted by `<time_slot>#<meetingId>`. */
export function memberIndex(userId: string, status: string, timeSlot: string, meetingId: string) {
  return {
    gsi1pk: memberPartition(userId),
    gsi1sk: `${timeSlot}#${meetingId}`,
    gsi2pk: memberStatusPartition(userId, status),
    gsi2sk: `${timeSlot}#${meetingId}`,
  };
}

/** The index attributes of an entry, all of which a removed guest's tombstone drops. */
export const MEMBER_INDEX_ATTRIBUTES = ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'countAs'] as const;

/**
 * What every write of a member's entry sets besides its listing keys: what it counts as,
 * and its place in the recount index until the counter has caught up with it (see
 * `meeting-counts.ts`). `counted` is the counter's alone: writes leave it as it is.
 */
export const countingOf = (userId: string, status: MeetingStatus, timeSlot: string, meetingId: string) => ({
  countAs: countAs(status, timeSlot),
  gsi3pk: recountPartition(userId),
  gsi3sk: meetingId,
});

/** A member's entry for `userId`: listing keys and counting. */
const memberEntry = (userId: string, status: MeetingStatus, timeSlot: string, meetingId: string) => ({
  ...memberIndex(userId, status, timeSlot, meetingId),
  ...countingOf(userId, status, timeSlot, meetingId),
});

/**
 * The meeting item. `writeId` tags the write attempt that puts it (the same across the
 * retries of one attempt, different for every other): a retry that finds the meeting
 * already written recognises its own success by it, never by version and timestamp,
 * which two concurrent changes can share.
 */
export function toMeetingItem(meeting: Meeting, writeId: string) {
  const timeSlot = formatSlot(meeting.slot);
  return {
    ...meetingKey(meeting.id),
    ...memberEntry(meeting.organiser.id, meeting.status, timeSlot, meeting.id),
    type: 'meeting' as const,
    id: meeting.id,
    title: meeting.title,
    description: meeting.description,
    timeSlot,
    status: meeting.status,
    organiser: meeting.organiser,
    participants: meeting.participants,
    version: meeting.version,
    ...(meeting.responses !== undefined && { responses: meeting.responses }),
    created: meeting.created,
    modified: meeting.modified,
    writeId,
    ...(meeting.requestKey !== undefined && { requestKey: meeting.requestKey }),
  };
}

export function meetingOf(item: StoredItem): Meeting {
  return {
    id: String(item.id),
    title: String(item.title),
    description: (item.description ?? null) as string | null,
    slot: slotOf(String(item.timeSlot)),
    status: item.status === 'cancelled' ? 'cancelled' : 'active',
    organiser: item.organiser as PublicUser,
    participants: item.participants as PublicUser[],
    version: Number(item.version),
    ...(isResponses(item.responses) && { responses: item.responses }),
    created: String(item.created),
    modified: String(item.modified),
    ...(typeof item.requestKey === 'string' && { requestKey: item.requestKey }),
  };
}

/** A stored map of answers by user id (absent from meetings stored before guests could answer). */
function isResponses(value: unknown): value is Record<string, ParticipantResponse> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const toMembershipItem = (meeting: Meeting, guest: PublicUser) => ({
  ...membershipKey(meeting.id, guest.id),
  ...memberEntry(guest.id, meeting.status, formatSlot(meeting.slot), meeting.id),
  type: 'membership' as const,
  meetingId: meeting.id,
  userId: guest.id,
});

/** Attributes a meeting item may lack, removed when a rewrite of it lacks them. */
export const MEETING_OPTIONAL_ATTRIBUTES = ['responses', 'requestKey'] as const;

/**
 * A guest removed from a meeting: the membership stays, out of every listing, until the
 * counter has taken it off the guest's counters and deletes it. `removed` tells it apart.
 */
export const membershipTombstone = (meetingId: string, guestId: string) => ({
  key: membershipKey(meetingId, guestId),
  set: { removed: true, gsi3pk: recountPartition(guestId), gsi3sk: meetingId },
  remove: MEMBER_INDEX_ATTRIBUTES,
});
