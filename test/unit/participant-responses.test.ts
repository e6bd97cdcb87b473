import type { Meeting } from '../../functions/domain/model';
import { answerChanges, hourHolders, responseOf, responsesAfterChange, responsesOf } from '../../functions/domain/responses';
import type { PublicUser } from '../../functions/domain/users';

const person = (name: string): PublicUser => ({ id: `id-${name}`, username: name, email: `${name}@example.com` });
const [ann, bob, cat, dan] = ['ann', 'bob', 'cat', 'dan'].map(person) as [PublicUser, PublicUser, PublicUser, PublicUser];

/** Ann's meeting with Bob and Cat; `responses` as given (none: stored before guests could answer). */
const meeting = (fields: Partial<Meeting> = {}): Meeting => ({
  id: '01J0MEET000000000000000001',
  title: 'Planning',
  description: null,
  slot: { date: '2030-06-02', hour: 10 },
  status: 'active',
  organiser: ann,
  participants: [ann, bob, cat],
  version: 3,
  created: '2030-06-01T08:00:00.000Z',
  modified: '2030-06-01T08:00:00.000Z',
  ...fields,
});
const answers = (bobs: string, cats: string) => ({ [ann.id]: 'accepted', [bob.id]: bobs, [cat.id]: cats }) as Meeting['responses'];

describe("a participant's answer", () => {
  it('reads a meeting stored before guests could answer as organiser accepted, every guest needing action', () => {
    const legacy = meeting();
    expect([ann, bob, cat].map((who) => responseOf(legacy, who.id))).toEqual(['accepted', 'needs_action', 'needs_action']);
    expect(responsesOf(legacy)).toEqual({ [ann.id]: 'accepted', [bob.id]: 'needs_action', [cat.id]: 'needs_action' });
  });

  it('is the stored one for a guest, and always accepted for the organiser', () => {
    const answered = meeting({ responses: { [ann.id]: 'declined', [bob.id]: 'declined', [cat.id]: 'accepted' } });
    expect(responsesOf(answered)).toEqual({ [ann.id]: 'accepted', [bob.id]: 'declined', [cat.id]: 'accepted' });
  });

  it('lists every participant once, in participant order, and no one else', () => {
    const stray = meeting({ responses: { [dan.id]: 'accepted', [cat.id]: 'declined' } });
    expect(Object.entries(responsesOf(stray))).toEqual([
      [ann.id, 'accepted'],
      [bob.id, 'needs_action'],
      [cat.id, 'declined'],
    ]);
  });
});

describe('whose hour a meeting holds', () => {
  it('is every participant but the guests who declined, while active', () => {
    expect(hourHolders(meeting({ responses: answers('declined', 'accepted') }))).toEqual([ann, cat]);
    expect(hourHolders(meeting({ responses: answers('needs_action', 'accepted') }))).toEqual([ann, bob, cat]);
    expect(hourHolders(meeting())).toEqual([ann, bob, cat]);
  });

  it('is no one once cancelled', () => {
    expect(hourHolders(meeting({ status: 'cancelled', responses: answers('accepted', 'accepted') }))).toEqual([]);
  });
});

describe('answers after an organiser’s change', () => {
  const before = meeting({ responses: answers('accepted', 'declined') });

  it('keeps the answers of the guests an edit keeps', () => {
    expect(responsesAfterChange(before, { ...before, title: 'Renamed', version: 4 })).toEqual(answers('accepted', 'declined'));
  });

  it('asks a guest the edit adds, and drops the answer of one it removes', () => {
    const after = { ...before, participants: [ann, cat, dan], version: 4 };
    expect(responsesAfterChange(before, after)).toEqual({ [ann.id]: 'accepted', [cat.id]: 'declined', [dan.id]: 'needs_action' });
  });

  it('asks again a guest removed earlier and added back', () => {
    const without = {
      ...before,
      participants: [ann, cat],
      responses: responsesAfterChange(before, { ...before, participants: [ann, cat] }),
    };
    const back = { ...without, participants: [ann, cat, bob] };
    expect(responsesAfterChange(without, back)[bob.id]).toBe('needs_action');
  });

  it('asks again, on a move, the guests who had accepted; who declined stays declined', () => {
    const moved = { ...before, slot: { date: '2030-06-02', hour: 11 }, version: 4 };
    expect(responsesAfterChange(before, moved)).toEqual(answers('needs_action', 'declined'));
  });

  it('asks again, on a re-activation, the guests who had accepted; who declined stays declined', () => {
    const cancelled = { ...before, status: 'cancelled' as const };
    expect(responsesAfterChange(before, cancelled)).toEqual(answers('accepted', 'declined'));
    expect(responsesAfterChange(cancelled, { ...cancelled, status: 'active' })).toEqual(answers('needs_action', 'declined'));
  });

  it('keeps the organiser accepted, and a guest needing action as they were', () => {
    const unanswered = meeting();
    const moved = { ...unanswered, slot: { date: '2030-06-03', hour: 9 } };
    expect(responsesAfterChange(unanswered, moved)).toEqual(answers('needs_action', 'needs_action'));
  });
});

describe('which answers differ between two versions', () => {
  it('names the participants of the later version whose answer changed', () => {
    const before = meeting({ responses: answers('accepted', 'needs_action') });
    expect(answerChanges(before, { ...before, responses: answers('declined', 'needs_action') })).toEqual([bob]);
    expect(answerChanges(before, { ...before, responses: answers('accepted', 'needs_action') })).toEqual([]);
    expect(answerChanges(meeting(), { ...before, responses: answers('needs_action', 'needs_action') })).toEqual([]);
  });
});
