import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { SlotConflict, SlotUnavailable } from '../domain/errors';
import type { Meeting } from '../domain/meetings';
import type { MeetingStore } from '../domain/ports';
import { formatSlot } from '../domain/time';
import { failedConditions } from './cancellation';
import { keys } from './keys';
import { withRetries } from './retry';

/** The meeting item: the meeting itself, indexed as the organiser's membership. */
export function meetingItem(meeting: Meeting): Record<string, unknown> {
  const timeSlot = formatSlot(meeting.slot);
  return {
    ...keys.meeting(meeting.id),
    ...keys.memberIndex(meeting.organiser.id, meeting.status, timeSlot, meeting.id),
    type: 'meeting',
    id: meeting.id,
    title: meeting.title,
    description: meeting.description,
    timeSlot,
    status: meeting.status,
    organiser: meeting.organiser,
    participants: meeting.participants,
    version: meeting.version,
    created: meeting.created,
    modified: meeting.modified,
  };
}

export class DynamoMeetingStore implements MeetingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * One transaction: the meeting, one hour item per participant (put only if that hour
   * is free: `attribute_not_exists`), and one membership per guest. DynamoDB then
   * guarantees that no two meetings ever take one person's hour.
   */
  async create(meeting: Meeting): Promise<void> {
    const timeSlot = formatSlot(meeting.slot);
    const hours = meeting.participants.map((participant) => ({
      Put: {
        TableName: this.tableName,
        Item: {
          ...keys.hour(participant.id, meeting.slot.date, meeting.slot.hour),
          type: 'hour',
          kind: 'meeting',
          meetingId: meeting.id,
          userId: participant.id,
          date: meeting.slot.date,
          hour: meeting.slot.hour,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    }));
    const memberships = meeting.participants
      .filter((participant) => participant.id !== meeting.organiser.id)
      .map((guest) => ({
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.membership(meeting.id, guest.id),
            ...keys.memberIndex(guest.id, meeting.status, timeSlot, meeting.id),
            type: 'membership',
            meetingId: meeting.id,
            userId: guest.id,
          },
        },
      }));
    const command = new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: this.tableName, Item: meetingItem(meeting), ConditionExpression: 'attribute_not_exists(pk)' } },
        ...hours,
        ...memberships,
      ],
    });
    try {
      await withRetries(() => this.client.send(command));
    } catch (error) {
      const failures = failedConditions(error);
      // Hour items follow the meeting item, in participant order: the first failure
      // names the first participant who is not free.
      const first = failures?.find((failure) => failure.index >= 1 && failure.index <= hours.length);
      if (!first) throw error;
      const participant = meeting.participants[first.index - 1]!;
      throw first.existing?.kind === 'blocked' ? new SlotUnavailable(participant.email) : new SlotConflict(participant.email);
    }
  }
}
