import type { DynamoDBRecord } from 'aws-lambda';
import { streamCounter } from '../../functions/integrations/stream-counter';
import type { Key } from '../../functions/store/items/item';

const record = (sequence: string, pk: string, sk: string, organiser?: string): DynamoDBRecord => ({
  eventName: 'MODIFY',
  dynamodb: {
    SequenceNumber: sequence,
    Keys: { pk: { S: pk }, sk: { S: sk } },
    NewImage: { gsi3pk: { S: 'RECOUNT#someone' }, ...(organiser ? { organiser: { M: { id: { S: organiser } } } } : {}) },
  },
});

describe('the stream counter', () => {
  it('recounts each entry of a batch once, one member at a time, members side by side', async () => {
    const running = new Map<string, number>();
    const seen: string[] = [];
    let overlapping = 0;
    const counter = streamCounter({
      async recount(key: Key) {
        const member = key.sk === 'MEETING' ? 'organiser' : key.sk;
        running.set(member, (running.get(member) ?? 0) + 1);
        if (running.get(member)! > 1) overlapping += 1;
        seen.push(`${key.pk} ${key.sk}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running.set(member, running.get(member)! - 1);
      },
    });
    const answer = await counter({
      Records: [
        record('1', 'MEETING#a', 'MEETING', 'organiser'),
        record('2', 'MEETING#a', 'MEMBER#g'),
        record('3', 'MEETING#a', 'MEETING', 'organiser'),
        record('4', 'MEETING#b', 'MEETING', 'organiser'),
        record('5', 'MEETING#b', 'MEMBER#g'),
      ],
    });
    expect(answer).toEqual({ batchItemFailures: [] });
    expect([...seen].sort()).toEqual(['MEETING#a MEETING', 'MEETING#a MEMBER#g', 'MEETING#b MEETING', 'MEETING#b MEMBER#g']);
    expect(overlapping).toBe(0);
  });

  it('names every record of an entry that could not be recounted, and only those', async () => {
    const errors: Key[] = [];
    const counter = streamCounter(
      {
        async recount(key: Key) {
          if (key.pk === 'MEETING#bad') throw new Error('throttled');
        },
      },
      (_, key) => errors.push(key),
    );
    const answer = await counter({
      Records: [record('1', 'MEETING#bad', 'MEMBER#g'), record('2', 'MEETING#ok', 'MEMBER#g'), record('3', 'MEETING#bad', 'MEMBER#g')],
    });
    expect(answer.batchItemFailures).toEqual([{ itemIdentifier: '1' }, { itemIdentifier: '3' }]);
    expect(errors).toEqual([{ pk: 'MEETING#bad', sk: 'MEMBER#g' }]);
  });

  it("leaves alone the counter's own writes and deletions", async () => {
    const seen: Key[] = [];
    const counter = streamCounter({ recount: async (key: Key) => void seen.push(key) });
    const settled = {
      eventName: 'MODIFY' as const,
      dynamodb: { SequenceNumber: '1', Keys: { pk: { S: 'MEETING#a' }, sk: { S: 'MEETING' } }, NewImage: {} },
    };
    const deleted = {
      eventName: 'REMOVE' as const,
      dynamodb: { SequenceNumber: '2', Keys: { pk: { S: 'MEETING#a' }, sk: { S: 'MEMBER#g' } } },
    };
    expect(await counter({ Records: [settled, deleted] })).toEqual({ batchItemFailures: [] });
    expect(seen).toEqual([]);
  });

  it('fails the whole batch when nothing of it could be done', async () => {
    const counter = streamCounter({
      async recount() {
        throw new Error('down');
      },
    });
    await expect(counter({ Records: [record('1', 'MEETING#a', 'MEETING', 'o')] })).rejects.toThrow('none of the 1 changes');
  });
});
