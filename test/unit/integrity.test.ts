import { integrityProblems } from '../../functions/store/integrity';

const ann = { id: 'ann', username: 'ann', email: 'ann@x.example' };
const bob = { id: 'bob', username: 'bob', email: 'bob@x.example' };
const user = (who: typeof ann) => [
  { pk: `USER#${who.id}`, sk: 'PROFILE', type: 'user', ...who },
  { pk: `USERNAME#${who.username}`, sk: 'GUARD', type: 'usernameGuard', ...who },
  { pk: `EMAIL#${who.email}`, sk: 'GUARD', type: 'emailGuard', ...who },
];
const meeting = (status: string) => ({
  pk: 'MEETING#m1',
  sk: 'MEETING',
  type: 'meeting',
  id: 'm1',
  status,
  timeSlot: '2030-01-01 10:00:00',
  organiser: ann,
  participants: [ann, bob],
});
const hour = (who: typeof ann, meetingId = 'm1', at = 10) => ({
  pk: `USER#${who.id}`,
  sk: `DAY#2030-01-01#${at}`,
  type: 'hour',
  kind: 'meeting',
  meetingId,
  userId: who.id,
  date: '2030-01-01',
  hour: at,
});
const membership = (status = 'active') => ({
  pk: 'MEETING#m1',
  sk: 'MEMBER#bob',
  type: 'membership',
  meetingId: 'm1',
  userId: 'bob',
  gsi1sk: '2030-01-01 10:00:00#m1',
  gsi2pk: `MEMBER#bob#${status}`,
});
type Item = Record<string, unknown> & { pk: string; sk: string };
const consistent = (): Item[] => [...user(ann), ...user(bob), meeting('active'), hour(ann), hour(bob), membership()];

describe('the integrity checker', () => {
  it('finds nothing wrong in a consistent table', () => {
    expect(integrityProblems(consistent())).toEqual([]);
  });

  it("finds a day record whose blocks differ from its owner's blocked hours", () => {
    const blocked = (at: number) => ({
      ...hour(ann, undefined, at),
      kind: 'blocked',
      meetingId: undefined,
      sk: `DAY#2030-01-01#${String(at).padStart(2, '0')}`,
    });
    const record = (blockedHours: number[] | undefined, version: number | null = 2) => ({
      pk: 'USER#ann',
      sk: 'DAY#2030-01-01',
      type: 'day',
      userId: 'ann',
      date: '2030-01-01',
      ...(version !== null && { version }),
      ...(blockedHours && { blockedHours: new Set(blockedHours) }),
    });
    expect(integrityProblems([...consistent(), record([3, 4]), blocked(4), blocked(3)])).toEqual([]);
    expect(integrityProblems([...consistent(), record(undefined)])).toEqual([]);
    // A record written before it counted its writes is not judged.
    expect(integrityProblems([...consistent(), record([3], null)])).toEqual([]);
    expect(integrityProblems([...consistent(), record([3, 4]), blocked(4)])).toEqual([
      'day record of ann on 2030-01-01 lists blocks [3,4] but the blocked hours are [4]',
    ]);
    expect(integrityProblems([...consistent(), record(undefined), blocked(5)])).toEqual([
      'day record of ann on 2030-01-01 lists blocks [] but the blocked hours are [5]',
    ]);
  });

  it("finds an active meeting that lost a participant's hour", () => {
    const items = consistent().filter((item) => !(item.type === 'hour' && item.userId === 'bob'));
    expect(integrityProblems(items)).toEqual(['active meeting m1 holds no hour of bob']);
  });

  it('finds a cancelled meeting still holding hours', () => {
    const items = [...user(ann), ...user(bob), meeting('cancelled'), hour(ann), membership('cancelled')];
    expect(integrityProblems(items)).toEqual([
      'hour of ann at 2030-01-01 10 is held by cancelled meeting m1',
      'cancelled meeting m1 still holds an hour of ann',
    ]);
  });

  it('finds an hour pointing to a missing meeting, or at another time', () => {
    expect(integrityProblems([...consistent(), hour(ann, 'ghost', 11)])).toEqual([
      'hour of ann at 2030-01-01 11 points to missing meeting ghost',
    ]);
    const moved = consistent().map((item) =>
      item.type === 'hour' && item.userId === 'bob' ? { ...item, sk: 'DAY#2030-01-01#12', hour: 12 } : item,
    );
    expect(integrityProblems(moved)).toEqual(['hour of bob at 2030-01-01 12 is held by meeting m1, which is at 2030-01-01 10:00:00']);
  });

  it('finds a guard without its user and a user without a guard', () => {
    const items = consistent().filter((item) => item.pk !== 'USER#bob' || item.sk !== 'PROFILE');
    expect(integrityProblems(items.filter((item) => item.pk !== 'EMAIL#ann@x.example'))).toEqual([
      'USERNAME#bob names missing user bob',
      'EMAIL#bob@x.example names missing user bob',
      'user ann has no EMAIL#ann@x.example guard',
    ]);
  });

  it('finds a stale membership index', () => {
    const items = consistent().map((item) => (item.type === 'membership' ? { ...item, gsi2pk: 'MEMBER#bob#cancelled' } : item));
    expect(integrityProblems(items)).toEqual(['membership of bob in meeting m1 is indexed at a stale time or status']);
  });

  it('finds nothing wrong with a declined guest holding no hour of an active meeting', () => {
    const declined = { ...meeting('active'), responses: { ann: 'accepted', bob: 'declined' } };
    const items = [...user(ann), ...user(bob), declined, hour(ann), membership()];
    expect(integrityProblems(items)).toEqual([]);
  });

  it('finds an hour held for a guest who declined', () => {
    const declined = { ...meeting('active'), responses: { ann: 'accepted', bob: 'declined' } };
    const items = [...user(ann), ...user(bob), declined, hour(ann), hour(bob), membership()];
    expect(integrityProblems(items)).toEqual(['hour of bob at 2030-01-01 10 is held by meeting m1, which that user declined']);
  });

  it('finds an active meeting that lost the hour of a guest who accepted or has not answered', () => {
    for (const answer of ['accepted', 'needs_action']) {
      const answered = { ...meeting('active'), responses: { ann: 'accepted', bob: answer } };
      expect(integrityProblems([...user(ann), ...user(bob), answered, hour(ann), membership()])).toEqual([
        'active meeting m1 holds no hour of bob',
      ]);
    }
  });

  it('judges only the given users when asked', () => {
    const items = [...consistent().filter((item) => !(item.type === 'hour' && item.userId === 'bob'))];
    expect(integrityProblems(items, new Set(['ann']))).toEqual([]);
    expect(integrityProblems(items, new Set(['bob']))).toEqual(['active meeting m1 holds no hour of bob']);
  });
});

describe("the integrity checker's view of the meeting counters", () => {
  const counted = (item: Item, countAs: string, counted?: string, filed = countAs !== counted) => ({
    ...item,
    countAs,
    ...(counted !== undefined && { counted }),
    ...(filed && { gsi3pk: `RECOUNT#${item.type === 'meeting' ? 'ann' : 'bob'}` }),
  });
  const here = 'active#2030-01-01 10:00:00';
  const month = (who: string, values: Record<string, number>) => ({
    pk: `USER#${who}`,
    sk: 'COUNT#2030-01',
    type: 'meetingCounts',
    ...values,
  });
  const table = (entries: Item[], counters: Item[]) => [...user(ann), ...user(bob), hour(ann), hour(bob), ...entries, ...counters];

  it('accepts entries counted where they count, and entries filed for recount the counters do not hold yet', () => {
    expect(
      integrityProblems(table([counted(meeting('active'), here, here), counted(membership(), here)], [month('ann', { active01: 1 })])),
    ).toEqual([]);
  });

  it('finds counters that hold more or less than the entries counted there', () => {
    expect(
      integrityProblems(
        table([counted(meeting('active'), here, here), counted(membership(), here, here)], [month('ann', { active01: 2 })]),
      ),
    ).toEqual([
      'counter ann/2030-01/active01 holds 2 but 1 entries are counted there',
      'counter bob/2030-01/active01 holds 0 but 1 entries are counted there',
    ]);
  });

  it('finds an entry not counted as it counts that is not filed for recount, and one that counts as a stale time', () => {
    const stale = 'active#2030-01-02 10:00:00';
    expect(
      integrityProblems(
        table([counted(meeting('active'), here, undefined, false), counted(membership(), stale, stale)], [month('bob', { active02: 1 })]),
      ),
    ).toEqual([
      'membership of bob in meeting m1 counts as a stale time or status',
      `meeting entry of ann in MEETING#m1 is counted as undefined but counts as ${here}, and is not filed for recount`,
    ]);
  });

  it('finds an entry of a user counted from the start that says nothing of what it counts as', () => {
    const since = { pk: 'USER#ann', sk: 'COUNT#~', type: 'countedSince', userId: 'ann' };
    expect(integrityProblems(table([meeting('active'), counted(membership(), here)], [since]))).toEqual([
      'meeting entry of ann in MEETING#m1 says nothing of what it counts as, though its member is counted from the start',
    ]);
  });
});
