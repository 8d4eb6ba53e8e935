// How long each phase of a study took (report.json's durationsMs): a phase runs through `lap`, which records its
// time under its name even when it throws.
export type Lap = <T>(name: string, phase: () => Promise<T>) => Promise<T>;

export function phaseTimer(): { lap: Lap; durationsMs: Record<string, number> } {
  const durationsMs: Record<string, number> = {};
  const lap: Lap = async (name, phase) => {
    const t = Date.now();
    try {
      return await phase();
    } finally {
      durationsMs[name] = Date.now() - t;
    }
  };
  return { lap, durationsMs };
}
