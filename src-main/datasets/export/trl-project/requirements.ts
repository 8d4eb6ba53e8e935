// The exported project's requirements.txt: the versions its scripts are written against (TRL 0.19's trainer API,
// the transformers 4.x LLaVA classes), pinned so that a cluster installs the same set every time.
export const PINNED_REQUIREMENTS: Readonly<Record<string, string>> = {
  torch: '2.7.1',
  transformers: '4.53.3',
  trl: '0.19.1',
  accelerate: '1.9.0',
  deepspeed: '0.17.2',
  datasets: '4.0.0',
  pillow: '11.3.0',
};

export function requirementsTxt(): string {
  return `${Object.entries(PINNED_REQUIREMENTS).map(([name, version]) => `${name}==${version}`).join('\n')}\n`;
}
