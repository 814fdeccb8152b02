/** CPU, peak RSS and wall time of one measured step, for the bench tables (orientation, not a metric). */
export interface StepCost {
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  readonly wallMs: number;
}

/** Runs `step` and says what it cost this process. */
export async function measureCost<T>(step: () => Promise<T>): Promise<{ value: T; cost: StepCost }> {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const cpu = process.cpuUsage();
  const started = performance.now();
  try {
    const value = await step();
    const used = process.cpuUsage(cpu);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return {
      value,
      cost: {
        cpuMs: Math.round((used.user + used.system) / 1000),
        peakRssMiB: Math.round(peakRss / 2 ** 20),
        wallMs: Math.round(performance.now() - started),
      },
    };
  } finally {
    clearInterval(sampler);
  }
}
