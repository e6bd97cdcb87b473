/**
 * The table's shape, shared by the CDK stack and the local runtime so both create the
 * very same table. Plain data: no CDK or SDK imports.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  /**
   * Keys-only indexes (a page of ids, then one batched read of the meetings) unless they
   * name the `nonKeyAttributes` they carry.
   */
  globalSecondaryIndexes: [
    /** A user's meetings (organiser or guest) in time order, any status. */
    { indexName: 'byMemberTime', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** A user's meetings of one status in time order. */
    { indexName: 'byMemberStatusTime', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /**
     * A user's meeting entries written since their counters last caught up with them
     * (sparse: see `items/meeting-counts.ts`), with what each counts as and is counted as.
     */
    { indexName: 'byRecount', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', nonKeyAttributes: ['countAs', 'counted'] },
  ],
} as const;
