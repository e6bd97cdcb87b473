/**
 * The container's webhook secret box (composition root; kept apart so that only the
 * functions that seal or open secrets load KMS): KMS in AWS (`WEBHOOK_SECRET_KEY_ID`), a
 * local key under `npm start` and in tests (`WEBHOOK_SECRET_KEY`).
 */
import { config } from './config';
import type { SecretBox } from './domain/webhooks';
import { AwsJsonClient } from './store/aws-json';
import { kmsSecretBox, localSecretBox } from './store/secret-box';

let cached: SecretBox | undefined;

export function secretBox(): SecretBox {
  if (!cached) {
    const { secretKeyId, secretKey } = config().webhooks;
    if (secretKeyId) cached = kmsSecretBox(new AwsJsonClient({ service: 'kms', target: 'TrentService', version: '1.1' }), secretKeyId);
    else if (secretKey) cached = localSecretBox(secretKey);
    else throw new Error('No key for webhook secrets: set WEBHOOK_SECRET_KEY_ID (a KMS key) or WEBHOOK_SECRET_KEY');
  }
  return cached;
}
