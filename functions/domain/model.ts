/**
 * The entities that use cases and ports share (kept apart so that ports and use cases
 * import them, not each other).
 */
import type { Slot } from './time';
import type { PublicUser } from './users';

export const MEETING_STATUSES = ['active', 'cancelled'] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** A participant's answer to a meeting: a guest who has not answered (or is asked again) needs action. */
export type ParticipantResponse = 'accepted' | 'declined' | 'needs_action';

export interface Meeting {
  id: string;
  title: string;
  description: string | null;
  slot: Slot;
  status: MeetingStatus;
  organiser: PublicUser;
  /** Organiser first, then the guests in the order they were given. */
  participants: PublicUser[];
  version: number;
  /**
   * Each participant's answer, by user id (see `responses.ts`). A participant without an
   * entry has not answered; meetings stored before guests could answer have none at all.
   */
  responses?: Readonly<Record<string, ParticipantResponse>>;
  created: string;
  modified: string;
  /**
   * The client request that wrote this version, when it carried an Idempotency-Key (its
   * scope: caller, method, path, key and body, hashed): a retry of that request whose
   * first answer was lost recognises its own write by it.
   */
  requestKey?: string;
}
