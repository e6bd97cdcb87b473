/**
 * The table's shape, shared by the CDK stack and the local runtime so both create the
 * very same table. Plain data: no CDK or SDK imports.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  /** Keys-only indexes: a page of ids, then one batched read of the meetings. */
  globalSecondaryIndexes: [
    /** A user's meetings (organiser or guest) in time order, any status. */
    { indexName: 'byMemberTime', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** A user's meetings of one status in time order. */
    { indexName: 'byMemberStatusTime', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;
