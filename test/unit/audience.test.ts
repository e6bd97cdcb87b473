import fc from 'fast-check';
import { audienceOf, receives } from '../../functions/domain/audience';
import { publicationOf } from '../../functions/domain/events';
import type { Meeting } from '../../functions/domain/model';
import type { PublicUser } from '../../functions/domain/users';
import { readImage } from '../../functions/store/change-images';
import { toMeetingItem } from '../../functions/store/items/meeting';

const person = (name: string): PublicUser => ({
  id: `01J0${name.toUpperCase().padEnd(22, '0')}`,
  username: name,
  email: `${name}@example.com`,
});
const [ann, bob, cat, dan] = ['ann', 'bob', 'cat', 'dan'].map(person) as [PublicUser, PublicUser, PublicUser, PublicUser];

const meeting = (participants: PublicUser[], version = 1): Meeting => ({
  id: '01J0MEET000000000000000001',
  title: 'Planning',
  description: '',
  slot: { date: '2030-06-02', hour: 10 },
  status: 'active',
  organiser: ann,
  participants,
  version,
  created: '2030-06-01T08:00:00.000Z',
  modified: '2030-06-01T08:00:00.000Z',
});
const entity = (participants: PublicUser[]) => ({ kind: 'meeting' as const, meeting: meeting(participants) });

describe('who an event concerns', () => {
  it('is every participant of a new meeting', () => {
    expect(audienceOf(undefined, entity([ann, bob]))).toEqual([ann.id, bob.id]);
  });

  it('includes a guest removed by the change, so that the removed guest is told', () => {
    expect(audienceOf(entity([ann, bob, cat]), entity([ann, dan]))).toEqual([ann.id, dan.id, bob.id, cat.id]);
  });

  it("is the owner alone for a change of a user's blocks", () => {
    const day = { owner: bob, date: '2030-06-02', blockedHours: [9], version: 1, modified: '2030-06-01T08:00:00.000Z' };
    expect(audienceOf(undefined, { kind: 'day', day })).toEqual([bob.id]);
  });

  it('is, for any change, exactly the participants before and after, each once', () => {
    const people = fc.subarray([ann, bob, cat, dan], { minLength: 1 });
    fc.assert(
      fc.property(people, fc.option(people, { nil: undefined }), (after, before) => {
        const audience = audienceOf(before && entity(before), entity(after));
        expect(new Set(audience).size).toBe(audience.length);
        expect(new Set(audience)).toEqual(new Set([...after, ...(before ?? [])].map((p) => p.id)));
      }),
    );
  });

  it('comes with the event of a change record, from the stored images', () => {
    const before = meeting([ann, bob], 1);
    const after = { ...meeting([ann, cat], 2), title: 'Moved on' };
    const publication = publicationOf(
      { eventName: 'MODIFY', sequenceNumber: '1', oldImage: toMeetingItem(before, 'w1'), newImage: toMeetingItem(after, 'w2') },
      readImage,
    );
    expect(publication?.event.type).toBe('meeting.updated');
    expect(publication?.audience).toEqual([ann.id, cat.id, bob.id]);
  });

  it("of a guest's answer is every participant, the guest who declined included", () => {
    const before = meeting([ann, bob, cat], 1);
    const after = {
      ...meeting([ann, bob, cat], 2),
      responses: { [ann.id]: 'accepted', [bob.id]: 'declined', [cat.id]: 'needs_action' } as const,
    };
    const publication = publicationOf(
      { eventName: 'MODIFY', sequenceNumber: '1', oldImage: toMeetingItem(before, 'w1'), newImage: toMeetingItem(after, 'w2') },
      readImage,
    );
    expect(publication?.event.type).toBe('meeting.responded');
    expect(publication?.audience).toEqual([ann.id, bob.id, cat.id]);
  });
});

describe('what a subscription receives', () => {
  const subscription = { ownerId: bob.id, events: ['meeting.booked', 'meeting.cancelled'], active: true };

  it('receives the types it asked for, of changes that concern its owner', () => {
    expect(receives(subscription, 'meeting.booked', [ann.id, bob.id])).toBe(true);
    expect(receives(subscription, 'meeting.cancelled', [bob.id])).toBe(true);
  });

  it('receives nothing that does not concern its owner, of another type, or while inactive', () => {
    expect(receives(subscription, 'meeting.booked', [ann.id, cat.id])).toBe(false);
    expect(receives(subscription, 'meeting.updated', [bob.id])).toBe(false);
    expect(receives({ ...subscription, active: false }, 'meeting.booked', [bob.id])).toBe(false);
  });

  it('receives every type with "*"', () => {
    for (const type of ['meeting.booked', 'meeting.rescheduled', 'availability.changed', 'webhook.ping']) {
      expect(receives({ ...subscription, events: ['*'] }, type, [bob.id])).toBe(true);
    }
  });
});
