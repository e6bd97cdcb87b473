/**
 * Settings for one test file: handlers read their configuration when first loaded, and
 * each test file has its own modules, so a file sets what it needs before its first
 * request and puts the environment back afterwards.
 */
export function useSettings(settings: Record<string, string>): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const [name, value] of Object.entries(settings)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}
