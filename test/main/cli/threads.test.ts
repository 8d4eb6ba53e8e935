// `--threads N` on the commands that run the engine: a value that is not an integer from 1 to 1024 is refused
// before anything runs, with an error naming the flag and the value.
import { describe, expect, it } from 'vitest';
import { startPivot } from './run-pivot';

const COMMANDS: [string[], string][] = [
  [['bench', '--config', 'toy'], '0'],
  [['train', '--workspace', '/nonexistent', '--recipe', 'shapes-quick'], 'two'],
  [['demo', '--quick'], '1025'],
  [['hf', 'run', '/nonexistent', '--inputs', 'x', '--out', 'y'], '1.5'],
];

describe('--threads', () => {
  it.each(COMMANDS)('%j refuses --threads %s, naming the flag', async (args, value) => {
    const { code, stdout, stderr } = await startPivot([...args, '--threads', value]).done;
    expect(code).toBe(64);
    expect(stdout).toBe('');
    expect(stderr).toContain(`--threads must be an integer from 1 to 1024, got "${value}".`);
  }, 60_000);

  it('is offered by every command that runs the engine', async () => {
    const commands = ['train', 'demo', 'sweep', 'bench', 'eval qa', 'export', 'hf run', 'probe linear', 'probe gradcam', 'data rejections'];
    const helps = await Promise.all(commands.map((c) => startPivot([...c.split(' '), '--help']).done));
    for (const [i, help] of helps.entries()) expect(help.stdout, commands[i]).toContain('--threads <n>');
  }, 120_000);
});
