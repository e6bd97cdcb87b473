import { randomBytes } from 'node:crypto';
import { kmsSecretBox, localSecretBox, SECRET_CONTEXT } from '../../functions/store/secret-box';

const secret = `whsec_${randomBytes(24).toString('base64')}`;

describe('the local secret box', () => {
  const key = randomBytes(32);

  it('seals a secret so that it does not show, and opens it again', async () => {
    const box = localSecretBox(key);
    const sealed = await box.seal(secret);
    expect(sealed).toMatch(/^aes:v1:/);
    expect(sealed).not.toContain(secret.slice(6, 20));
    expect(await box.open(sealed)).toBe(secret);
    // A fresh nonce each time: the same secret never seals alike.
    expect(await box.seal(secret)).not.toBe(sealed);
  });

  it('refuses a sealed secret that was changed, or sealed under another key', async () => {
    const sealed = await localSecretBox(key).seal(secret);
    const [iv, data, tag] = sealed.slice('aes:v1:'.length).split('.') as [string, string, string];
    const flipped = Buffer.from(data, 'base64');
    flipped[0] = (flipped[0] as number) ^ 1;
    await expect(localSecretBox(key).open(`aes:v1:${iv}.${flipped.toString('base64')}.${tag}`)).rejects.toThrow();
    await expect(localSecretBox(randomBytes(32)).open(sealed)).rejects.toThrow();
    await expect(localSecretBox(key).open('kms:v1:AAAA')).rejects.toThrow('not a secret sealed by this key');
  });

  it('wants a 32-byte key', () => {
    expect(() => localSecretBox(randomBytes(16))).toThrow('the webhook secret key must be 32 bytes');
  });
});

describe('the KMS secret box', () => {
  /** KMS as its JSON protocol answers: blobs in base64. */
  const kms = {
    call: jest.fn(async (operation: string, input: unknown): Promise<Record<string, unknown>> => {
      if (operation === 'Encrypt') return { CiphertextBlob: Buffer.from('ciphertext').toString('base64') };
      if (operation === 'Decrypt') return { Plaintext: Buffer.from(secret).toString('base64') };
      throw new Error(`unexpected ${operation} ${JSON.stringify(input)}`);
    }),
  };
  beforeEach(() => kms.call.mockClear());
  const calls = (operation: string) => kms.call.mock.calls.filter(([name]) => name === operation).map(([, input]) => input);
  const keyId = 'arn:aws:kms:us-east-1:111122223333:key/webhooks';

  it('seals with Encrypt and opens with Decrypt, both bound to the purpose, and opens each secret once', async () => {
    const box = kmsSecretBox(kms, keyId);
    const sealed = await box.seal(secret);
    expect(sealed).toBe(`kms:v1:${Buffer.from('ciphertext').toString('base64')}`);
    expect(calls('Encrypt')).toEqual([
      { KeyId: keyId, Plaintext: Buffer.from(secret).toString('base64'), EncryptionContext: SECRET_CONTEXT },
    ]);
    expect(await box.open(sealed)).toBe(secret);
    expect(await box.open(sealed)).toBe(secret);
    expect(calls('Decrypt')).toEqual([
      { KeyId: keyId, CiphertextBlob: Buffer.from('ciphertext').toString('base64'), EncryptionContext: SECRET_CONTEXT },
    ]);
  });

  it('refuses to open what KMS did not seal', async () => {
    const box = kmsSecretBox(kms, keyId);
    await expect(box.open('aes:v1:x.y.z')).rejects.toThrow('not a secret sealed by KMS');
    expect(calls('Decrypt')).toHaveLength(0);
  });
});
