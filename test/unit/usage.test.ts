// `stevedore <command> --help` exists for every command the general help lists, with its usage and examples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMAND_HELP, HELP } from '../../electron/cli/usage.js';

describe('command help', () => {
  const commands = [...new Set([...HELP.matchAll(/^ {2}stevedore ([a-z]+) /gm)].map((m) => m[1] as string))];

  it('finds the commands in the general help', () => {
    assert.deepEqual([...commands].sort(), ['cat', 'copy', 'delete', 'diff', 'files', 'inspect', 'ls', 'pull', 'push', 'serve', 'tags', 'waste']);
  });

  for (const command of commands) {
    it(`has usage and examples for ${command}`, () => {
      const help = COMMAND_HELP[command];
      assert.ok(help, `no help for ${command}`);
      assert.match(help, new RegExp(`^Usage: stevedore ${command} `));
      assert.match(help, /\nExamples:\n {2}stevedore /);
      for (const line of help.split('\n')) assert.ok(line.length <= 120, `${command}: a line of ${line.length} characters`);
    });
  }

  it('says what waste\'s thresholds and percentages measure, dive\'s figure above 100 % among them', () => {
    const help = COMMAND_HELP['waste'] ?? '';
    assert.match(help, /--max-wasted-bytes N {2}fail when the wasted bytes \(every copy counted, as dive\) are more than N/);
    assert.match(help, /--min-efficiency F {4}fail when dive's efficiency \(each path's smallest copy over all its copies, 0 to 1\) is below F/);
    assert.match(help, /wasted bytes over the file bytes of\nall layers \(each copy counted\), never above 100 %/);
    assert.match(help, /userWastedPercent \(wasted bytes over the layers\nabove the first\), which passes 100 %/);
  });
});
