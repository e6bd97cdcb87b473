import { call, freshDate, signedInUser, uniqueUser } from '../support/api';

const fieldError = (field: string, message: string) => ({ [field]: [message], err_message: [`${field}: ${message}`] });
const controlMessage = 'This field may not contain control or bidirectional formatting characters.';

describe('usernames', () => {
  it('are stored NFKC-normalised: a full-width name becomes its plain form', async () => {
    const candidate = uniqueUser('nfkc');
    const wide = candidate.username.replace(/[a-z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) + 0xfee0));
    const response = await call('POST', '/api/user/sign_up/', { body: { ...candidate, username: wide } });
    expect(response.status).toBe(201);
    expect(response.body.username).toBe(candidate.username);
    const login = await call('POST', '/api/user/login/', { body: { username: wide, password: candidate.password } });
    expect(login.status).toBe(200);
  });

  it('refuses a name confusable with an existing one (Cyrillic а for a), answering on the field', async () => {
    const original = uniqueUser('admin');
    expect((await call('POST', '/api/user/sign_up/', { body: original })).status).toBe(201);
    const lookalike = uniqueUser('other');
    const response = await call('POST', '/api/user/sign_up/', {
      body: { ...lookalike, username: original.username.replace('a', '\u0430') },
    });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(fieldError('username', 'A user with a confusingly similar username already exists.'));
  });

  it('still answers the exact duplicate with the original message', async () => {
    const original = uniqueUser('dupe');
    expect((await call('POST', '/api/user/sign_up/', { body: original })).status).toBe(201);
    const response = await call('POST', '/api/user/sign_up/', { body: { ...uniqueUser('x'), username: original.username.toUpperCase() } });
    expect(response.body).toEqual(fieldError('username', 'A user with that username already exists.'));
  });
});

describe('control and bidi characters', () => {
  it.each([
    ['title', 'Pay\u202Egnp.exe'],
    ['title', 'Tab\there'],
    ['description', 'isolate \u2066x\u2069'],
    ['description', 'bell \u0007'],
  ])('are refused in a meeting %s with a clear 400', async (field, value) => {
    const me = await signedInUser('bidi');
    const body = { title: 'Fine', description: 'fine', time_slot: `${freshDate()} 10:00:00`, participants: [], [field]: value };
    const response = await call('POST', '/api/event/', { headers: me.auth, body });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(fieldError(field, controlMessage));
  });

  it('leave line breaks in a description alone', async () => {
    const me = await signedInUser('lines');
    const body = { title: 'Fine', description: 'line one\nline two\r\n\tindented', time_slot: `${freshDate()} 10:00:00`, participants: [] };
    expect((await call('POST', '/api/event/', { headers: me.auth, body })).status).toBe(201);
  });

  it('are refused in a username', async () => {
    const candidate = uniqueUser('ctl');
    const response = await call('POST', '/api/user/sign_up/', { body: { ...candidate, username: `${candidate.username}\u202E` } });
    expect(response.status).toBe(400);
    expect(response.body.username).toContain(controlMessage);
  });
});

describe('a blank username', () => {
  it.each(['', '   '])('%j answers only that it may not be blank, as the original did', async (username) => {
    const response = await call('POST', '/api/user/sign_up/', { body: { ...uniqueUser('blank'), username } });
    expect(response.status).toBe(400);
    expect(response.body.username).toEqual(['This field may not be blank.']);
    expect(response.body.err_message).toEqual(['username: This field may not be blank.']);
  });
});
