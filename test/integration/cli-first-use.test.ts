// The CLI as a new user meets it: an empty answer is said on stderr (stdout stays an empty list for scripts), a CA
// file that is not there is one line naming it and the registry it is for, a mistyped command or option (or crane's
// and skopeo's word for it) points to ours, and an option error names the option.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { layerTar, legacyDockerArchive, testImage, writeTar } from '../harness/archives.js';
import { runCli } from '../harness/cli.js';
import { freePort } from '../harness/ports.js';
import { startRegistry, type TestRegistry } from '../harness/registry.js';
import { closeSeeders, seedImage } from '../harness/seed.js';

describe('CLI: first use', () => {
  let reg: TestRegistry;
  let home: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    reg = await startRegistry('none');
    home = await mkdtemp(join(tmpdir(), 'stevedore-cli-first-use-'));
    env = { ...process.env, DOCKER_CONFIG: home, STEVEDORE_CACHE_DIR: join(home, 'cache') };
  });
  after(async () => {
    await closeSeeders(reg);
    await reg.stop();
    await rm(home, { recursive: true, force: true });
  });

  it('an empty registry, an empty repository and an --all-tags copy of one: said on stderr, exit 0, stdout empty', async () => {
    // First, while the registry holds nothing at all: ls printed nothing and exited 0, as a broken command might.
    const ls = await runCli(['ls', reg.host], env);
    assert.equal(ls.code, 0, ls.stderr);
    assert.equal(ls.stdout, '');
    assert.equal(ls.stderr, `no repositories in ${reg.host}\n`);
    // --json is its own answer: an empty list, nothing on stderr.
    const json = await runCli(['ls', reg.host, '--json'], env);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), []);
    assert.equal(json.stderr, '');

    // A repository whose only tag was deleted: it exists, with no tags.
    const gone = await seedImage(reg, 'team/empty', 'x');
    assert.equal((await runCli(['delete', `${reg.host}/team/empty@${gone.digest}`], env)).code, 0);
    const tags = await runCli(['tags', `${reg.host}/team/empty`], env);
    assert.equal(tags.code, 0, tags.stderr);
    assert.equal(tags.stdout, '');
    assert.equal(tags.stderr, `no tags in ${reg.host}/team/empty\n`);
    const copy = await runCli(['copy', `${reg.host}/team/empty`, `${reg.host}/team/copied`, '--all-tags'], env);
    assert.equal(copy.code, 0, copy.stderr);
    assert.equal(copy.stdout, '');
    assert.equal(copy.stderr, `no tags in ${reg.host}/team/empty: nothing copied\n`);
    // And a registry with repositories says nothing more than their names.
    const listed = await runCli(['ls', reg.host], env);
    assert.equal(listed.stdout, 'team/empty\n');
    assert.equal(listed.stderr, '');
  });

  it('a missing CA file or certificate directory: one line naming it and the registry it is for, not ENOENT', async () => {
    const missing = join(home, 'no-such-ca.pem');
    for (const command of [['ls', reg.host], ['tags', `${reg.host}/team/empty`], ['inspect', `${reg.host}/team/empty:1`]]) {
      const result = await runCli([...command, '--ca-file', missing], env);
      assert.equal(result.code, 1, command.join(' '));
      assert.equal(result.stderr, `stevedore: CA file ${missing} for ${reg.host} does not exist [CONFIG]\n`, command.join(' '));
    }
    const dir = join(home, 'no-such-certs.d');
    const certDir = await runCli(['ls', reg.host, '--cert-dir', dir], env);
    assert.equal(certDir.code, 1);
    assert.equal(certDir.stderr, `stevedore: certificate directory ${dir} for ${reg.host} does not exist [CONFIG]\n`);
  });

  it('a mistyped command, or crane\'s or skopeo\'s name for one, points to ours; no name is looked up on Object', async () => {
    for (const [typed, meant] of [['catalog', 'ls'], ['list-tags', 'tags'], ['cp', 'copy'], ['tgas', 'tags'], ['inpsect', 'inspect'], ['lss', 'ls']] as const) {
      const result = await runCli([typed, reg.host], env);
      assert.equal(result.code, 2, typed);
      assert.equal(result.stderr, `stevedore: unknown command "${typed}" (did you mean stevedore ${meant}?); see stevedore --help\n`, typed);
    }
    const far = await runCli(['frobnicate'], env);
    assert.equal(far.stderr, 'stevedore: unknown command "frobnicate"; see stevedore --help\n');
    // Names every object has: `stevedore constructor --help` printed a function, `help toString` threw a TypeError.
    for (const args of [['constructor'], ['toString', reg.host], ['__proto__']]) {
      const result = await runCli(args, env);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr, `stevedore: unknown command "${args[0]}"; see stevedore --help\n`, args.join(' '));
    }
    for (const args of [['constructor', '--help'], ['help', 'toString'], ['help', 'hasOwnProperty']]) {
      const result = await runCli(args, env);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /^stevedore: container registries from the command line\n/, args.join(' '));
    }
  });

  it('an option from crane or skopeo, a near miss, or a value given to a switch: one line saying what to type', async () => {
    const line = async (args: readonly string[]): Promise<string> => {
      const result = await runCli(args, env);
      assert.equal(result.code, 2, args.join(' '));
      return result.stderr;
    };
    assert.equal(await line(['ls', reg.host, '--tls-verify=false']), 'stevedore: unknown option --tls-verify (did you mean --insecure?); see stevedore ls --help\n');
    assert.equal(await line(['ls', reg.host, '--ca', '/x.pem']), 'stevedore: unknown option --ca (did you mean --ca-file?); see stevedore ls --help\n');
    // Go's flag style: parseArgs reads -insecure as -i -n -s ..., and said "unknown option -i".
    assert.equal(await line(['ls', reg.host, '-insecure']), 'stevedore: unknown option -insecure (did you mean --insecure?); see stevedore ls --help\n');
    assert.equal(await line(['tags', `${reg.host}/team/empty`, '--page', '10']), 'stevedore: unknown option --page (did you mean --page-size?); see stevedore tags --help\n');
    assert.equal(await line(['tags', `${reg.host}/team/empty`, '--lnog']), 'stevedore: unknown option --lnog (did you mean --long?); see stevedore tags --help\n');
    // A switch given a value was told it "needs a value".
    assert.equal(await line(['ls', reg.host, '--insecure=true']), 'stevedore: --insecure takes no value: give it alone to turn it on; see stevedore ls --help\n');
    assert.equal(await line(['tags', `${reg.host}/team/empty`, '--jobs']), 'stevedore: --jobs needs a value; see stevedore tags --help\n');
  });

  it('https:// to a registry that speaks plain HTTP says so, without advice about CA certificates', async () => {
    const result = await runCli(['ls', `https://${reg.host}`], env);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^stevedore: ${reg.host.replace(/\./g, '\\.')} answers in plain HTTP, not HTTPS \\([A-Z_]+\\): use an http:// address, and opt in to insecure access if you trust this network \\(--plain-http\\) \\[TLS\\]\\n$`));
    assert.equal((await runCli(['ls', `http://${reg.host}`], env)).code, 0);
  });

  it('push of an archive whose own name means Docker Hub says so before it goes there', async () => {
    const archive = join(home, 'hub-named.tar');
    await writeTar(archive, legacyDockerArchive([{ image: testImage([await layerTar('hub', 1000)]), tags: ['team/real:1', 'alpine:3'] }]));
    // No network here: a proxy on a closed loopback port refuses at once, where a DNS lookup might wait.
    const closed = await freePort();
    const result = await runCli(['push', archive], { ...env, HTTPS_PROXY: `http://127.0.0.1:${closed}`, NO_PROXY: '' });
    assert.equal(result.code, 1);
    const lines = result.stderr.split('\n');
    assert.equal(lines[0], `team/real:1, the archive's own name, means Docker Hub: pushing to docker.io/team/real:1; to push elsewhere, give a reference: stevedore push ${archive} <registry>/team/real:1`);
    assert.equal(lines[1], `alpine:3, the archive's own name, means Docker Hub: pushing to docker.io/library/alpine:3; to push elsewhere, give a reference: stevedore push ${archive} <registry>/alpine:3`);
    // A reference given, or a name with its registry, goes where it says without a word.
    const named = join(home, 'registry-named.tar');
    await writeTar(named, legacyDockerArchive([{ image: testImage([await layerTar('named', 1000)]), tags: [`${reg.host}/team/named:1`] }]));
    for (const args of [['push', named], ['push', archive, `${reg.host}/team/real:1`]]) {
      const pushed = await runCli(args, env);
      assert.equal(pushed.code, 0, pushed.stderr);
      assert.doesNotMatch(pushed.stderr, /Docker Hub/);
    }
  });

  it('a repository the registry does not know points to the list of those it has', async () => {
    const result = await runCli(['tags', `${reg.host}/team/nope`], env);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `stevedore: tags of ${reg.host}/team/nope: repository name not known to registry (stevedore ls ${reg.host} lists the repositories it has) [NOT_FOUND]\n`);
  });

  it('a size option that is no size names the option, as the other option errors do', async () => {
    for (const args of [['push', join(home, 'app.tar'), `${reg.host}/x:1`, '--chunk-size', '4X'], ['copy', `${reg.host}/a:1`, `${reg.host}/b:1`, '--chunk-size', 'big']]) {
      const result = await runCli(args, env);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr, `stevedore: --chunk-size takes a size such as 4M, 512k or 1G, not "${args.at(-1) as string}"\n`, args.join(' '));
    }
    const serve = await runCli(['serve', '--max-upload', 'lots'], { ...env, XDG_STATE_HOME: join(home, 'state'), STEVEDORE_DATA_DIR: join(home, 'data') });
    assert.equal(serve.code, 2);
    assert.equal(serve.stderr, 'stevedore: --max-upload takes a size such as 4M, 512k or 1G, not "lots"\n');
  });

  it('--password-stdin without --username is refused, not dropped for an anonymous request', async () => {
    const result = await runCli(['ls', reg.host, '--password-stdin'], env, 'secret\n');
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'stevedore: --password-stdin needs --username USER [CONFIG]\n');
  });

  it('serve given a port as an argument says to use --port, instead of serving on another port', async () => {
    const result = await runCli(['serve', '8080'], { ...env, XDG_STATE_HOME: join(home, 'state'), STEVEDORE_DATA_DIR: join(home, 'data') });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'stevedore: serve takes no arguments: to listen on port 8080, give --port 8080; see stevedore serve --help\n');
  });
});
