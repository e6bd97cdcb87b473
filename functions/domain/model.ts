/**
 * The entities that use cases and ports share (kept apart so that ports and use cases
 * import them, not each other).
 */
import type { Slot } from './time';
import type { PublicUser } from './users';

export type MeetingStatus = 'active' | 'cancelled';

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
  created: string;
  modified: string;
  /**
   * The client request that wrote this version, when it carried an Idempotency-Key (its
   * scope: caller, method, path, key and body, hashed): a retry of that request whose
   * first answer was lost recognises its own write by it.
   */
  requestKey?: string;
}
