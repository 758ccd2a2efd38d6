// Tells node-gyp where libdeflate is and how to link it, statically wherever a static library exists, so a packaged
// app never depends on a libdeflate the user does not have. `include` prints include dirs, `libraries` link flags.
// LIBDEFLATE_PREFIX (a dir with include/ and lib/) wins; otherwise the usual places of apt/dnf, Homebrew and vcpkg.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

function brewPrefix() {
  try {
    return execFileSync('brew', ['--prefix', 'libdeflate'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function prefixes() {
  const list = [];
  if (process.env.LIBDEFLATE_PREFIX) list.push(process.env.LIBDEFLATE_PREFIX);
  if (process.platform === 'darwin') list.push(brewPrefix(), '/opt/homebrew', '/usr/local');
  if (process.platform === 'win32' && process.env.VCPKG_ROOT) list.push(join(process.env.VCPKG_ROOT, 'installed', `${process.env.VCPKG_TARGET_ARCH ?? 'x64'}-windows-static`));
  if (process.platform === 'linux') list.push('/usr', '/usr/local');
  return list.filter((p) => p && existsSync(p));
}

function libDirs(prefix) {
  const lib = join(prefix, 'lib');
  const dirs = [lib, join(prefix, 'lib64')];
  // Debian's multiarch layout: /usr/lib/x86_64-linux-gnu.
  if (existsSync(lib)) for (const name of readdirSync(lib)) if (name.endsWith('-linux-gnu')) dirs.push(join(lib, name));
  return dirs.filter((d) => existsSync(d));
}

function findStatic() {
  const names = process.platform === 'win32' ? ['deflatestatic.lib', 'deflate.lib', 'libdeflate.lib'] : ['libdeflate.a'];
  for (const prefix of prefixes()) {
    for (const dir of libDirs(prefix)) {
      for (const name of names) if (existsSync(join(dir, name))) return { prefix, file: join(dir, name) };
    }
  }
  return undefined;
}

const found = findStatic();
const mode = process.argv[2];
if (mode === 'include') {
  const prefix = found?.prefix ?? prefixes()[0];
  process.stdout.write(prefix && existsSync(join(prefix, 'include')) ? join(prefix, 'include') : '');
} else if (mode === 'libraries') {
  // Without a static library the build links the shared one: fine for a developer's own machine, never shipped
  // (the release workflow checks that the addon does not depend on a libdeflate shared object).
  process.stdout.write(found ? found.file : '-ldeflate');
} else {
  process.stderr.write('usage: libdeflate-flags.mjs include|libraries\n');
  process.exit(2);
}
