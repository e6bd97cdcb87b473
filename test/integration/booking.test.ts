import { AwsServiceError } from '../../functions/store/aws-json';
import { call, freshDate, type LoggedIn, signedInUser } from '../support/api';
import { pinClock, unpinClock } from '../support/clock';
import { integrityOf } from '../support/integrity';
import { interceptStore } from '../support/store-faults';

const book = (who: LoggedIn, body: Record<string, unknown>) =>
  call('POST', '/api/event/', { headers: who.auth, body: { title: 'Meeting', description: '', participants: [], ...body } });
const blockedHours = async (viewer: LoggedIn, whose: LoggedIn, date: string) =>
  (await call('GET', `/api/user/get_available_slots/?date=${date}&user=${whose.user.email}`, { headers: viewer.auth })).body.response
    .blocked_slots as number[];
const timestamp = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

describe('POST /api/event/', () => {
  it('books the meeting and answers it, organiser included among the participants', async () => {
    const organiser = await signedInUser('org');
    const guest = await signedInUser('guest');
    const date = freshDate();
    const response = await book(organiser, {
      title: 'Planning',
      description: 'Next quarter',
      time_slot: `${date} 10:00:00`,
      participants: [guest.user.email],
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      response: {
        id: expect.any(String),
        participants: [organiser.user.email, guest.user.email],
        organiser: organiser.user.email,
        created: expect.stringMatching(timestamp),
        modified: expect.stringMatching(timestamp),
        title: 'Planning',
        description: 'Next quarter',
        time_slot: `${date} 10:00:00`,
        status: 'active',
        responses: { [organiser.user.email]: 'accepted', [guest.user.email]: 'needs_action' },
      },
    });
    expect(await blockedHours(organiser, guest, date)).toEqual([10]);
    expect(await blockedHours(organiser, organiser, date)).toEqual([10]);
  });

  it("counts a repeated email, in any case, and the organiser's own once", async () => {
    const organiser = await signedInUser('fold');
    const guest = await signedInUser('folded');
    const response = await book(organiser, {
      time_slot: `${freshDate()} 10:00:00`,
      participants: [guest.user.email, organiser.user.email, guest.user.email.toUpperCase()],
    });
    expect(response.status).toBe(201);
    expect(response.body.response.participants).toEqual([organiser.user.email, guest.user.email]);
  });

  it('books a meeting without guests, with a null description', async () => {
    const organiser = await signedInUser('alone');
    const response = await book(organiser, { time_slot: `${freshDate()} 08:00:00`, description: null });
    expect(response.status).toBe(201);
    expect(response.body.response).toMatchObject({ participants: [organiser.user.email], description: null });
  });

  it('refuses a guest who blocked the hour, writing nothing', async () => {
    const organiser = await signedInUser('org');
    const free = await signedInUser('free');
    const blocked = await signedInUser('blocked');
    const date = freshDate();
    await call('POST', '/api/user/block_slots/', { headers: blocked.auth, body: { date, blocked_slots: [14] } });
    const response = await book(organiser, { time_slot: `${date} 14:00:00`, participants: [free.user.email, blocked.user.email] });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ err_message: [`Time slot is not available for user : ${blocked.user.email}`] });
    expect(await blockedHours(organiser, free, date)).toEqual([]);
    expect(await blockedHours(organiser, organiser, date)).toEqual([]);
  });

  it('refuses a guest already in another meeting at that hour', async () => {
    const first = await signedInUser('first');
    const second = await signedInUser('second');
    const guest = await signedInUser('popular');
    const date = freshDate();
    expect((await book(first, { time_slot: `${date} 09:00:00`, participants: [guest.user.email] })).status).toBe(201);
    const response = await book(second, { time_slot: `${date} 09:00:00`, participants: [guest.user.email] });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ err_message: [`Time slot is conflicting with another event for user : ${guest.user.email}`] });
  });

  it('refuses an organiser who is not free, naming the organiser', async () => {
    const organiser = await signedInUser('busyorg');
    const date = freshDate();
    await call('POST', '/api/user/block_slots/', { headers: organiser.auth, body: { date, blocked_slots: [16] } });
    const response = await book(organiser, { time_slot: `${date} 16:00:00` });
    expect(response.body).toEqual({ err_message: [`Time slot is not available for user : ${organiser.user.email}`] });
  });

  it('names the first participant who is not free, in the order given', async () => {
    const organiser = await signedInUser('order');
    const booked = await signedInUser('booked');
    const blocked = await signedInUser('blocked');
    const other = await signedInUser('other');
    const date = freshDate();
    await call('POST', '/api/user/block_slots/', { headers: blocked.auth, body: { date, blocked_slots: [12] } });
    await book(other, { time_slot: `${date} 12:00:00`, participants: [booked.user.email] });
    const blockedFirst = await book(organiser, { time_slot: `${date} 12:00:00`, participants: [blocked.user.email, booked.user.email] });
    expect(blockedFirst.body.err_message).toEqual([`Time slot is not available for user : ${blocked.user.email}`]);
    const bookedFirst = await book(organiser, { time_slot: `${date} 12:00:00`, participants: [booked.user.email, blocked.user.email] });
    expect(bookedFirst.body.err_message).toEqual([`Time slot is conflicting with another event for user : ${booked.user.email}`]);
  });

  it('refuses an unknown participant with the contract message', async () => {
    const organiser = await signedInUser('unknowns');
    const response = await book(organiser, { time_slot: `${freshDate()} 10:00:00`, participants: ['nobody@nowhere.example'] });
    expect(response.status).toBe(400);
    expect(response.body.participants).toEqual(['Invalid email "nobody@nowhere.example" - object does not exist.']);
  });

  it('books a meeting of 50 participants in one transaction, and refuses 51', async () => {
    const organiser = await signedInUser('big');
    const guests = await Promise.all(Array.from({ length: 50 }, (_, i) => signedInUser(`crowd${i}`)));
    const date = freshDate();
    const fifty = await book(organiser, {
      time_slot: `${date} 10:00:00`,
      participants: guests.slice(0, 49).map((guest) => guest.user.email),
    });
    expect(fifty.status).toBe(201);
    expect(fifty.body.response.participants).toHaveLength(50);
    const fiftyOne = await book(organiser, { time_slot: `${date} 11:00:00`, participants: guests.map((guest) => guest.user.email) });
    expect(fiftyOne.status).toBe(400);
    expect(fiftyOne.body.participants).toEqual(['Ensure this field has no more than 50 elements.']);
  }, 60_000);

  describe('time slots', () => {
    it('refuses a time off the hour', async () => {
      const organiser = await signedInUser('offhour');
      const response = await book(organiser, { time_slot: `${freshDate()} 10:30:00` });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ err_message: ['Only hourly time slots are allowed. e.g DD:MM:YYYY hh:00:00'] });
    });

    describe('with the service clock pinned at 10:00:00.000 (UTC, the service zone here)', () => {
      afterEach(unpinClock);

      it.each([
        ['an earlier day', '2030-06-13 10:00:00'],
        ['an earlier hour of today', '2030-06-15 09:00:00'],
        ['the current hour (begun this very millisecond)', '2030-06-15 10:00:00'],
      ])('refuses a time slot in %s with the contract message, writing nothing', async (_, time_slot) => {
        const organiser = await signedInUser('pastslot');
        pinClock('2030-06-15T10:00:00.000Z');
        const response = await book(organiser, { time_slot });
        expect(response.status).toBe(400);
        expect(response.body).toEqual({ err_message: [`Event can not be booked for past datetime : ${time_slot}`] });
        expect(await blockedHours(organiser, organiser, time_slot.slice(0, 10))).toEqual([]);
      });

      it('books the next hour, the first that has not begun', async () => {
        const organiser = await signedInUser('nextslot');
        pinClock('2030-06-15T10:00:00.000Z');
        const response = await book(organiser, { time_slot: '2030-06-15 11:00:00' });
        expect(response.status).toBe(201);
        expect(response.body.response.time_slot).toBe('2030-06-15 11:00:00');
      });
    });

    it('converts ISO times with an offset or Z to the service zone (UTC here)', async () => {
      const organiser = await signedInUser('iso');
      const date = freshDate();
      const withZ = await book(organiser, { time_slot: `${date}T05:00:00Z` });
      expect(withZ.body.response.time_slot).toBe(`${date} 05:00:00`);
      const withOffset = await book(organiser, { time_slot: `${date}T12:00:00+05:00` });
      expect(withOffset.body.response.time_slot).toBe(`${date} 07:00:00`);
      const halfHourZone = await book(organiser, { time_slot: `${date}T12:00:00+05:30` });
      expect(halfHourZone.body).toEqual({ err_message: ['Only hourly time slots are allowed. e.g DD:MM:YYYY hh:00:00'] });
    });

    it.each(['tomorrow at ten', '2030-13-01 10:00:00', '2030-02-30 10:00:00', ''])(
      'refuses the unreadable time slot "%s"',
      async (time_slot) => {
        const organiser = await signedInUser('unreadable');
        const response = await book(organiser, { time_slot });
        expect(response.status).toBe(400);
        expect(response.body.time_slot).toEqual([expect.stringMatching(/^Datetime has wrong format/)]);
      },
    );
  });

  it.each([
    [{ title: '' }, 'title', 'This field may not be blank.'],
    [{ title: '   ' }, 'title', 'This field may not be blank.'],
    [{ title: 't'.repeat(61) }, 'title', 'Ensure this field has no more than 60 characters.'],
    [{ title: undefined }, 'title', 'This field is required.'],
    [{ description: 'd'.repeat(501) }, 'description', 'Ensure this field has no more than 500 characters.'],
    [{ participants: 'a@b.c' }, 'participants', 'Expected a list of items.'],
    [{ participants: undefined }, 'participants', 'This field is required.'],
    [{ time_slot: undefined }, 'time_slot', 'This field is required.'],
    [{ time_slot: `2031-01-01 10:00:00${' '.repeat(60)}` }, 'time_slot', 'Ensure this field has no more than 64 characters.'],
  ])('refuses %j on %s', async (override, field, message) => {
    const organiser = await signedInUser('fields');
    const response = await call('POST', '/api/event/', {
      headers: organiser.auth,
      body: { title: 'T', description: '', participants: [], time_slot: `${freshDate()} 10:00:00`, ...override },
    });
    expect(response.status).toBe(400);
    expect(response.body[field]).toContain(message);
  });

  it('needs authentication', async () => {
    expect((await call('POST', '/api/event/', { body: {} })).status).toBe(401);
  });
});

describe('transient DynamoDB failures', () => {
  const conflict = () =>
    new AwsServiceError('TransactionCanceledException', 400, {
      message: 'Transaction cancelled',
      CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
    });

  afterEach(() => jest.restoreAllMocks());

  it('retries a transaction cancelled by a conflict, then books once', async () => {
    const organiser = await signedInUser('retry');
    let failures = 2;
    interceptStore((call) => {
      if (call.operation !== 'TransactWriteItems' || failures === 0) return undefined;
      failures -= 1;
      return Promise.reject(conflict());
    });
    const date = freshDate();
    const response = await book(organiser, { time_slot: `${date} 10:00:00` });
    expect(response.status).toBe(201);
    expect(failures).toBe(0);
    jest.restoreAllMocks();
    expect(await blockedHours(organiser, organiser, date)).toEqual([10]);
    expect(await integrityOf({ userIds: [organiser.user.id] })).toEqual([]);
  });

  it('answers 503 when the conflicts persist, having written nothing', async () => {
    const organiser = await signedInUser('giveup');
    interceptStore((call) => (call.operation === 'TransactWriteItems' ? Promise.reject(conflict()) : undefined));
    const date = freshDate();
    const response = await book(organiser, { time_slot: `${date} 10:00:00` });
    expect(response.status).toBe(503);
    expect(response.body).toEqual({ detail: 'The service is busy; nothing was changed. Retry shortly.' });
    expect(response.headers['retry-after']).toBe('1');
    jest.restoreAllMocks();
    expect(await blockedHours(organiser, organiser, date)).toEqual([]);
    expect(await integrityOf({ userIds: [organiser.user.id] })).toEqual([]);
  });
});
