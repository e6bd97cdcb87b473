/**
 * How webhook signing secrets are kept at rest. A secret must be readable in the clear to
 * sign a delivery, so it cannot be hashed as tokens are; it is sealed instead, before it
 * is stored, and opened only by the delivery code:
 * - in AWS by KMS (`Encrypt` for the routes that make a secret, `Decrypt` for the webhook
 *   worker alone, both bound to an encryption context): anyone else who reads the item,
 *   the table's stream or a backup sees ciphertext;
 * - locally by AES-256-GCM under a key the local runtime keeps (in DATA_DIR).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretBox } from '../domain/webhooks';
import type { AwsJsonClient } from './aws-json';

/** Binds every sealed secret to its purpose: KMS refuses to open it for anything else. */
export const SECRET_CONTEXT = { purpose: 'calendar-webhook-secret' } as const;

const KMS_PREFIX = 'kms:v1:';
const LOCAL_PREFIX = 'aes:v1:';

/** KMS's own client: its JSON protocol (1.1, `TrentService`), blobs as base64. */
export type KmsClient = Pick<AwsJsonClient, 'call'>;

export function kmsSecretBox(client: KmsClient, keyId: string): SecretBox {
  // An opened secret is kept for the container's life: one Decrypt per secret, not per delivery.
  const opened = new Map<string, string>();
  return {
    async seal(secret) {
      const { CiphertextBlob } = await client.call('Encrypt', {
        KeyId: keyId,
        Plaintext: Buffer.from(secret, 'utf8').toString('base64'),
        EncryptionContext: SECRET_CONTEXT,
      });
      if (typeof CiphertextBlob !== 'string' || !CiphertextBlob) throw new Error('KMS answered no ciphertext');
      return `${KMS_PREFIX}${CiphertextBlob}`;
    },
    async open(sealed) {
      if (!sealed.startsWith(KMS_PREFIX)) throw new Error('not a secret sealed by KMS');
      const known = opened.get(sealed);
      if (known) return known;
      const { Plaintext } = await client.call('Decrypt', {
        KeyId: keyId,
        CiphertextBlob: sealed.slice(KMS_PREFIX.length),
        EncryptionContext: SECRET_CONTEXT,
      });
      if (typeof Plaintext !== 'string') throw new Error('KMS answered no plaintext');
      const secret = Buffer.from(Plaintext, 'base64').toString('utf8');
      opened.set(sealed, secret);
      return secret;
    },
  };
}

/** AES-256-GCM under a 32-byte key, the purpose as associated data. */
export function localSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('the webhook secret key must be 32 bytes');
  const context = Buffer.from(SECRET_CONTEXT.purpose);
  return {
    async seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(context);
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `${LOCAL_PREFIX}${[iv, sealed, cipher.getAuthTag()].map((part) => part.toString('base64')).join('.')}`;
    },
    async open(sealed) {
      if (!sealed.startsWith(LOCAL_PREFIX)) throw new Error('not a secret sealed by this key');
      const [iv, data, tag] = sealed
        .slice(LOCAL_PREFIX.length)
        .split('.')
        .map((part) => Buffer.from(part, 'base64'));
      if (!iv || !data || !tag) throw new Error('a sealed secret is malformed');
      const decipher = createDecipheriv('aes-256-gcm', key, iv).setAAD(context).setAuthTag(tag);
      return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
    },
  };
}
