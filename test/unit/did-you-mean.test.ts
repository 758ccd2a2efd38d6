// What the command line suggests for an unknown command or option: crane's and skopeo's names, near misses, and
// nothing at all where two names are as near or none is.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandSuggestion, guessOption, optionSuggestion } from '../../electron/cli/did-you-mean.js';
import { COMMAND_HELP } from '../../electron/cli/usage.js';

const COMMANDS = Object.keys(COMMAND_HELP);
const OPTIONS = ['json', 'long', 'sort', 'creds', 'username', 'password-stdin', 'ca-file', 'cert-dir', 'insecure', 'plain-http', 'jobs', 'page-size', 'cache-dir', 'no-cache', 'platform', 'all-tags', 'format', 'output', 'verbose', 'log-level', 'help', 'version'];

describe('did you mean', () => {
  it('names our command for crane\'s and skopeo\'s, and for a typo', () => {
    assert.equal(commandSuggestion('catalog', COMMANDS), 'stevedore ls');
    assert.equal(commandSuggestion('list-tags', COMMANDS), 'stevedore tags');
    assert.equal(commandSuggestion('CP', COMMANDS), 'stevedore copy');
    assert.equal(commandSuggestion('tgas', COMMANDS), 'stevedore tags');
    assert.equal(commandSuggestion('pus', COMMANDS), 'stevedore push');
    assert.equal(commandSuggestion('inpsect', COMMANDS), 'stevedore inspect');
    // crane tag is a copy within a repository, never a listing of tags, however near the word.
    assert.equal(commandSuggestion('tag', COMMANDS), 'stevedore copy');
    assert.equal(commandSuggestion('version', COMMANDS), 'stevedore --version');
  });

  it('suggests nothing when nothing is near, when two are as near, or for a name every object has', () => {
    assert.equal(commandSuggestion('frobnicate', COMMANDS), undefined);
    // pusl: one edit from pull and from push.
    assert.equal(commandSuggestion('pusl', COMMANDS), undefined);
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) assert.equal(commandSuggestion(name, COMMANDS), undefined, name);
    assert.equal(optionSuggestion('--constructor', OPTIONS), undefined);
    assert.equal(optionSuggestion('--no-such-option', OPTIONS), undefined);
  });

  it('names our option for skopeo\'s, for a prefix of one option, and for a typo', () => {
    assert.equal(optionSuggestion('--tls-verify', OPTIONS), '--insecure');
    assert.equal(optionSuggestion('--dest-tls-verify=false', OPTIONS), '--insecure');
    assert.equal(optionSuggestion('--ca', OPTIONS), '--ca-file');
    assert.equal(optionSuggestion('--src-cert-dir', OPTIONS), '--cert-dir');
    assert.equal(optionSuggestion('--page', OPTIONS), '--page-size');
    assert.equal(optionSuggestion('--plat', OPTIONS), '--platform');
    assert.equal(optionSuggestion('--insecrue', OPTIONS), '--insecure');
    assert.equal(optionSuggestion('--jsno', OPTIONS), '--json');
    // "--no" begins no-cache alone, but two letters say too little.
    assert.equal(optionSuggestion('--no', OPTIONS), undefined);
  });

  it('shows a Go-style -option as typed (parseArgs saw its first letter), and reads it as the long option', () => {
    assert.deepEqual(guessOption('-i', ['ls', '-insecure', 'localhost:5000'], OPTIONS), { typed: '-insecure', meant: '--insecure' });
    assert.deepEqual(guessOption('-t', ['ls', '-tls-verify=false', 'localhost:5000'], OPTIONS), { typed: '-tls-verify', meant: '--insecure' });
    assert.deepEqual(guessOption('-x', ['ls', '-x'], OPTIONS), { typed: '-x' });
    assert.deepEqual(guessOption('--frobnicate', ['ls', '--frobnicate'], OPTIONS), { typed: '--frobnicate' });
  });
});
