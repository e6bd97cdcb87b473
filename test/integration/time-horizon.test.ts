import { call, freshDate, signedInUser } from '../support/api';

const tooFar = {
  time_slot: ['Time slots must fall between 1970-01-01 and 10 years from today.'],
  err_message: ['time_slot: Time slots must fall between 1970-01-01 and 10 years from today.'],
};

describe('time slots outside the bookable horizon', () => {
  it('refuses a slot that becomes year 10000 in the service zone, storing nothing', async () => {
    const me = await signedInUser('y10k');
    const booked = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'Far', time_slot: '9999-12-31T23:00:00-01:00', participants: [] },
    });
    expect(booked.status).toBe(400);
    expect(booked.body).toEqual(tooFar);
    const listed = await call('GET', '/api/event/?from=9999-12-01', { headers: me.auth });
    expect(listed.body.count).toBe(0);
  });

  it('refuses a slot more than 10 years ahead, and accepts one within', async () => {
    const me = await signedInUser('horizon');
    const year = new Date().getUTCFullYear();
    const far = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'Far', time_slot: `${year + 11}-01-01 10:00:00`, participants: [] },
    });
    expect(far.status).toBe(400);
    expect(far.body).toEqual(tooFar);
    const near = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'Near', time_slot: `${year + 9}-01-01 10:00:00`, participants: [] },
    });
    expect(near.status).toBe(201);
  });

  it('refuses moving a meeting beyond the horizon, keeping it where it was', async () => {
    const me = await signedInUser('movefar');
    const slot = `${freshDate()} 10:00:00`;
    const booked = await call('POST', '/api/event/', { headers: me.auth, body: { title: 'M', time_slot: slot, participants: [] } });
    const moved = await call('PATCH', `/api/event/${booked.body.response.id}/`, {
      headers: me.auth,
      body: { time_slot: '9999-12-31T23:30:00-00:30' },
    });
    expect(moved.status).toBe(400);
    expect(moved.body).toEqual(tooFar);
    expect((await call('GET', `/api/event/${booked.body.response.id}/`, { headers: me.auth })).body.time_slot).toBe(slot);
  });

  it('refuses a slot before 1970 the same way (an offset can move 1970-01-01 back into 1969)', async () => {
    const me = await signedInUser('y1969');
    const booked = await call('POST', '/api/event/', {
      headers: me.auth,
      body: { title: 'Old', time_slot: '1970-01-01T00:30:00+01:30', participants: [] },
    });
    expect(booked.status).toBe(400);
    expect(booked.body).toEqual(tooFar);
  });
});
