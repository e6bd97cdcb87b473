/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles. Lambda puts the
 * function role's credentials in the environment, so the SDK's whole default chain (SSO,
 * INI files, IMDS, STS clients: about 80 KB and 20 ms of cold load) is dead weight there.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
