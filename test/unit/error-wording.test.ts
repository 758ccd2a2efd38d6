// Issue #10: errors the app shows never tell the user to pass a command-line option; the CLI names it in a hint.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toErrorInfo } from '../../electron/core/errors.js';
import { choosePlatform } from '../../electron/core/xray/image-source.js';
import { copyAllTags } from '../../electron/core/copy/copy-tags.js';
import type { CopyEndpoints } from '../../electron/core/copy/copy-image.js';
import { cliHint } from '../../electron/cli/error-hint.js';
import { toNetworkError } from '../../electron/core/http/network-errors.js';

const catchInfo = async (run: () => unknown): Promise<ReturnType<typeof toErrorInfo>> => {
  try {
    await run();
  } catch (error) {
    return toErrorInfo(error);
  }
  throw new Error('expected an error');
};

describe('error wording for the app and the CLI', () => {
  it('asks for a platform without naming --platform; the CLI adds the option', async () => {
    const info = await catchInfo(() => choosePlatform(['linux/arm64', 'linux/s390x'], (p) => ({ os: p.split('/')[0] as string, architecture: p.split('/')[1] as string }), undefined, 'team/web:1'));
    assert.equal(info.code, 'INVALID_ARGUMENT');
    assert.match(info.message, /choose a platform$/);
    assert.doesNotMatch(info.message, /--[a-z]/);
    assert.equal(`${info.message}${cliHint(info)}`.endsWith('choose a platform with --platform'), true);
  });

  it('words the every-tag copy without --all-tags; the CLI names the option', async () => {
    const ref = { registry: 'r.example', repository: 'team/web', tag: '1' };
    const info = await catchInfo(() => copyAllTags({ jobId: (t: string) => t, source: ref, target: { ...ref, tag: undefined } } as never, {} as CopyEndpoints));
    assert.equal(info.code, 'INVALID_ARGUMENT');
    assert.doesNotMatch(info.message, /--[a-z]/);
    assert.match(cliHint(info), /--all-tags/);
  });

  it('words an untrusted certificate without options; the CLI names --ca-file and --insecure', () => {
    const info = toErrorInfo(toNetworkError(Object.assign(new Error('unable to verify the first certificate'), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }), 'GET', 'https://127.0.0.1:5443/v2/'));
    assert.equal(info.code, 'TLS');
    assert.doesNotMatch(info.message, /--[a-z]/);
    assert.match(`${info.message}${cliHint(info)}`, /Add the registry's CA certificate, or opt in to insecure access if you trust this network\. \(--ca-file FILE, or --insecure\)$/);
  });

  it('a server answering TLS in plain HTTP: no CA advice, the CLI names --plain-http', () => {
    const said = Object.assign(new Error('800C898E167F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    const info = toErrorInfo(toNetworkError(said, 'GET', 'https://registry.example:5000/v2/'));
    assert.equal(info.code, 'TLS');
    assert.equal(info.details?.choice, 'plain-http');
    assert.equal(
      `${info.message}${cliHint(info)}`,
      'registry.example:5000 answers in plain HTTP, not HTTPS (ERR_SSL_WRONG_VERSION_NUMBER): use an http:// address, and opt in to insecure access if you trust this network (--plain-http)',
    );
  });

  it('keeps the credentials hint for AUTH_REQUIRED and AUTH_FAILED and adds nothing to other errors', () => {
    assert.equal(cliHint({ code: 'AUTH_REQUIRED', message: 'x' }), ' (or give --creds USER:PASS)');
    assert.equal(cliHint({ code: 'AUTH_FAILED', message: 'x' }), ' (or give --creds USER:PASS)');
    assert.equal(cliHint({ code: 'NOT_FOUND', message: 'x' }), '');
  });
});
