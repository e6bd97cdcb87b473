/**
 * The table's shape, shared by the CDK stack and the local runtime so both create the
 * very same table. Plain data: no CDK or SDK imports.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
} as const;
