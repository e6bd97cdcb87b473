import { logger } from '../../functions/http/logger';

/** The JSON lines the shared logger writes (at INFO and above, to stdout or stderr) while `run` runs. */
export async function captureLogs(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const chunks: string[] = [];
  const capture = ((chunk: string) => {
    chunks.push(String(chunk));
    return true;
  }) as never;
  const writes = [
    jest.spyOn(process.stdout, 'write').mockImplementation(capture),
    jest.spyOn(process.stderr, 'write').mockImplementation(capture),
  ];
  logger.setLogLevel('INFO');
  try {
    await run();
  } finally {
    logger.setLogLevel('SILENT');
    for (const write of writes) write.mockRestore();
  }
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
