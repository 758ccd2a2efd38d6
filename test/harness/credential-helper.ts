// Writes a real docker-credential-<name> program (a shell script speaking the helper protocol) into a bin dir.
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `entries` maps server URL to [username, secret]; every call is appended to `<dir>/calls.log`. */
export async function writeCredentialHelper(binDir: string, name: string, entries: Readonly<Record<string, readonly [string, string]>>): Promise<string> {
  const cases = Object.entries(entries)
    .map(([server, [user, secret]]) => `  '${server}') printf '{"ServerURL":"%s","Username":"%s","Secret":"%s"}' '${server}' '${user}' '${secret}' ;;`)
    .join('\n');
  const script = `#!/bin/sh
read -r server
echo "$1 $server" >> '${join(binDir, 'calls.log')}'
[ "$1" = get ] || { echo "unsupported" ; exit 1 ; }
case "$server" in
${cases}
  *) echo "credentials not found in native keychain" ; exit 1 ;;
esac
`;
  const path = join(binDir, `docker-credential-${name}`);
  await writeFile(path, script);
  await chmod(path, 0o755);
  return path;
}
