// The web host's private temporary directory for uploads. Its name carries the owning process id
// (`stevedore-uploads-<pid>-XXXXXX`), so ownership is atomic with its creation: no separate lock file that a crash
// between two steps could leave missing. At start, directories whose process is gone (a crash, kill -9) are removed;
// on exit, even an abrupt one, our own goes too.
import { rmSync } from 'node:fs';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'stevedore-uploads-';
const OWNED = /^stevedore-uploads-(\d+)-[A-Za-z0-9]{6}$/;

export interface UploadDir {
  readonly path: string;
  remove(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes upload directories under `root` left by Stevedore processes that no longer run; returns their paths. */
export async function removeStaleUploadDirs(root: string): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(root).catch(() => [] as string[]);
  const uid = process.getuid?.();
  for (const name of names) {
    const pid = Number(OWNED.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    const path = join(root, name);
    const info = await lstat(path).catch(() => undefined);
    // Only real directories of this user: never follow a link, never touch another user's files.
    if (!info?.isDirectory() || (uid !== undefined && info.uid !== uid)) continue;
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    removed.push(path);
  }
  return removed;
}

export async function openUploadDir(root: string = tmpdir()): Promise<UploadDir> {
  await removeStaleUploadDirs(root);
  const path = await mkdtemp(join(root, `${PREFIX}${process.pid}-`));
  const onExit = (): void => rmSync(path, { recursive: true, force: true });
  process.once('exit', onExit);
  return {
    path,
    async remove() {
      process.removeListener('exit', onExit);
      await rm(path, { recursive: true, force: true });
    },
  };
}
