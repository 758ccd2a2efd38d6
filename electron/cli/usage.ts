// What `stevedore --help` and `stevedore <command> --help` print, and parse errors turned into one clean line.

export const HELP = `stevedore: container registries from the command line

Usage:
  stevedore ls <registry>            list the repositories in a registry's catalog
  stevedore tags <repository>        list a repository's tags (--long: digest, size, created, platforms)
  stevedore inspect <reference>      show an image: digest, platforms, layers, sizes, config
  stevedore delete <reference>       delete the manifest a tag or digest names
  stevedore push <archive> [<ref>]   push a docker-archive or oci-archive tarball (gzip-wrapped too)
  stevedore inspect <archive>        show the images in a tarball: tags, platforms, layers, compression
  stevedore copy <src> <dst>         copy an image between registries (or within one), digests unchanged
  stevedore pull <ref> <file>        save an image to a docker-archive or oci-archive tarball
  stevedore pull <ref>... -o <file>  several images into one docker-archive, as docker save does
  stevedore serve [--port N]         the app's UI for a browser, on 127.0.0.1 with a session token
  stevedore files <ref|archive>      the files of an image with sizes and directory totals (--layer N: that layer's changes)
  stevedore diff <a> <b>             the files that differ between two images, largest size change first
  stevedore waste <ref|archive>      wasted space as dive counts it; exit code 3 above --max-wasted-bytes / below --min-efficiency
  stevedore cat <ref|archive> <path> a text file of an image (up to 1 MB)

Run stevedore <command> --help for a command's options and examples.

Options:
  --json                 machine-readable output
  -l, --long             tags: one row per tag with its size
  --sort name|created|size  tags: order (name is version-aware: 1.10 after 1.9)
  --creds USER:PASS      credentials (default: ~/.docker/config.json and its credential helpers)
  --username USER --password-stdin
  --ca-file FILE         trust this CA for the registry (also read: /etc/docker/certs.d/<host>/*.crt)
  --cert-dir DIR         a docker certs.d-style directory (*.crt, *.cert, *.key) for the registry
  --insecure             allow plain HTTP and unverified TLS (loopback registries may use HTTP without it)
  --plain-http           use plain HTTP (implies --insecure)
  -j, --jobs N           concurrent requests: sizes (default 16), push uploads (default 4)
  --page-size N          catalog and tag page size (default 1000)
  --cache-dir DIR        content cache (default ~/.cache/stevedore); --no-cache to skip it
  push:
  --image N / --all      which image of a multi-image archive (default: the only one, or all to their own tags)
  --compression gzip|keep  gzip uncompressed layers on the way (default), or push them as stored
  --chunk-size SIZE      upload chunk size (push: default 4M; copy: each blob streams in one request unless set)
  --level N              gzip level 1-9 (default 1 with libdeflate, 2 with zlib)
  --json                 progress as one JSON event per line
  files, diff, waste, cat:
  --platform OS/ARCH     which platform of a multi-platform image (default: the only one, or linux/amd64)
  --layer N              files: what layer N (1 = the base) added, changed and removed
  --max-wasted-bytes N / --min-efficiency F   waste: thresholds (F from 0 to 1)
  copy:
  --platform OS/ARCH[/VARIANT]  one platform of an index (default: the whole index, every platform)
  --all-tags             copy every tag of the source repository (name repositories without tags)
  --referrers            also copy what refers to the image: signatures, SBOMs, attestations
  --src-creds USER:PASS / --dest-creds USER:PASS  credentials for one side (default: --creds, docker config)
  pull:
  --format docker-archive|oci-archive  (default docker-archive: one platform; oci-archive: the whole index)
  --platform OS/ARCH[/VARIANT]  which platform of an index (docker-archive default: this machine's)
  -o, --output FILE      the tarball, when several references are given
  serve:
  --port N               listen on this port (default: a free one)
  --max-upload SIZE      largest tarball a browser may upload (default 20G; env STEVEDORE_MAX_UPLOAD)
  -v, --verbose          write the structured log (JSON lines: requests, push plans and outcomes, errors) to stderr
  --log-level LEVEL      debug, info (default), warn or error; or STEVEDORE_LOG_LEVEL
  -h, --help             this text
  --version              the version

Environment:
  STEVEDORE_LOG=FILE     append the structured log to FILE (--verbose wins); secrets are always redacted
                         serve logs to $XDG_STATE_HOME/stevedore/stevedore.log (~/.local/state/...) by default
  DOCKER_CONFIG=DIR      where docker's config.json (logins, credential helpers) is read (default ~/.docker)
  STEVEDORE_CACHE_DIR=DIR  the cache (as --cache-dir; default $XDG_CACHE_HOME/stevedore)
  NODE_EXTRA_CA_CERTS=FILE  more CA certificates to trust, for every registry
  HTTPS_PROXY, HTTP_PROXY, NO_PROXY   a proxy to reach registries through
  STEVEDORE_HTTP_TIMEOUT, STEVEDORE_HTTP_IDLE_TIMEOUT   seconds to wait for an answer, or for a stalled transfer
`;

const CONNECTION = `Connection options:
  --creds USER:PASS, or --username USER --password-stdin   (default: docker config and credential helpers)
  --ca-file FILE, --cert-dir DIR, --insecure, --plain-http`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  ls: `Usage: stevedore ls <registry> [--json] [--page-size N]

Lists every repository in the registry's catalog, printing each page as it arrives. An empty catalog prints
nothing on stdout (--json: []) and "no repositories in <registry>" on stderr.

Examples:
  stevedore ls localhost:5000
  stevedore ls registry.example.com --json > repositories.json

${CONNECTION}
`,
  tags: `Usage: stevedore tags <repository> [-l] [--sort name|created|size] [--json] [-j N]

Lists a repository's tags, in version order (1.10 after 1.9, 1.0.0-rc.1 before 1.0.0). A repository without tags
prints nothing on stdout (--json: []) and "no tags in <repository>" on stderr.
  -l, --long     one row per tag: digest, compressed size, created date, platforms
  --sort KEY     name (default), created or size (newest and largest first)
  -j, --jobs N   concurrent requests while reading sizes (default 16)

Examples:
  stevedore tags localhost:5000/team/app
  stevedore tags localhost:5000/team/app -l --sort size
  stevedore tags docker.io/library/alpine --sort created --json

${CONNECTION}
`,
  inspect: `Usage: stevedore inspect <reference | archive> [--json]

Shows an image in a registry (digest, platforms, layers with sizes and the commands that made them, config),
or what an image tarball holds. A path to a file is read as an archive; anything else is a reference.

Examples:
  stevedore inspect localhost:5000/team/app:1.0
  stevedore inspect localhost:5000/team/app@sha256:…
  stevedore inspect ./image.tar

${CONNECTION}
`,
  delete: `Usage: stevedore delete <repository>:<tag> | <repository>@<digest> [--json]

Deletes the manifest the tag or digest names. Every tag on that digest goes with it.

Examples:
  stevedore delete localhost:5000/team/app:old
  stevedore delete localhost:5000/team/app@sha256:…

${CONNECTION}
`,
  push: `Usage: stevedore push <archive> [<reference>] [options]

Pushes a docker-archive or oci-archive tarball (gzip-wrapped too): to the tags stored in it, or to <reference>.
A stored tag without a registry (team/app:1, as docker save writes it) names Docker Hub, as docker push reads it.
  --image N / --all         which image of a multi-image archive
  --compression gzip|keep   gzip uncompressed layers on the way (default), or push them as stored
  -j, --jobs N              concurrent uploads (default 4)
  --chunk-size SIZE         upload chunk size (default 4M)
  --level N                 gzip level 1-9 (default 1 with the libdeflate addon, 2 with zlib, its slower fallback)
  --json                    progress as one JSON event per line

Output: the plan on stderr (blobs to compress, upload, mount, already there), each blob's progress too on a terminal,
then what it did (bytes uploaded, layers gzipped and with what, or nothing to upload); <reference>@<digest> on stdout.
Exit code 0 once every tag names the pushed image; 1 on an error (one line on stderr, its code in brackets);
2 on a usage error; 130 when interrupted (Ctrl+C: no tag is written).

Examples:
  stevedore push image.tar
  stevedore push image.tar localhost:5000/team/app:2.0 --jobs 4 --compression gzip

${CONNECTION}
`,
  serve: `Usage: stevedore serve [--port N] [--max-upload SIZE]

Serves the app to a browser on 127.0.0.1, behind a random session token; prints the address to open.
  --port N           listen on this port (default: a free one)
  --max-upload SIZE  largest tarball a browser may upload (default 20G; env STEVEDORE_MAX_UPLOAD)

Examples:
  stevedore serve
  stevedore serve --port 8080
`,
  copy: `Usage: stevedore copy <source> <destination> [options]

Copies an image between registries (or within one) with its manifest bytes unchanged, so digests and signatures
stay valid: an index whole, every platform, unless --platform picks one. Blobs the destination has are skipped.
  --platform OS/ARCH[/VARIANT]  one platform of an index
  --all-tags                    every tag of the source repository (name repositories, without tags)
  --referrers                   also copy signatures, SBOMs and attestations
  --src-creds USER:PASS         credentials for the source only (default: --creds, docker config)
  --dest-creds USER:PASS        credentials for the destination only
  -j, --jobs N                  concurrent blobs
  --chunk-size SIZE             upload in chunks of SIZE (default: each blob in one request)
  --json                        progress as one JSON event per line

Examples:
  stevedore copy localhost:5000/team/app:1.0 registry.example.com/prod/app:1.0
  stevedore copy localhost:5000/team/app:1.0 localhost:5001/app:1.0-arm64 --platform linux/arm64
  stevedore copy localhost:5000/team/app localhost:5001/team/app --all-tags

${CONNECTION}
`,
  pull: `Usage: stevedore pull <reference> <file> [options]
       stevedore pull <reference>... -o <file> [options]

Saves images from a registry into a tarball: a docker-archive that docker load and podman load read (one platform
per image), or an oci-archive of the whole index. The file appears only once it is complete.
  --format docker-archive|oci-archive  (default docker-archive)
  --platform OS/ARCH[/VARIANT]         which platform of an index (docker-archive default: this machine's)
  -o, --output FILE                    the tarball, when several references are given
  --json                               progress as one JSON event per line

Examples:
  stevedore pull localhost:5000/team/app:1.0 app.tar
  stevedore pull localhost:5000/team/app:1.0 app.oci.tar --format oci-archive
  stevedore pull localhost:5000/a:1 localhost:5000/b:2 -o both.tar

${CONNECTION}
`,
  files: `Usage: stevedore files <reference | archive> [--platform OS/ARCH] [--layer N] [--json]

Lists every file of an image (the layers applied in order) with sizes and directory totals, read from the
registry or a tarball without writing layers to disk.
  --platform OS/ARCH  which platform of a multi-platform image (default: the only one, or linux/amd64)
  --layer N           what layer N (1 = the base) added, changed and removed

Examples:
  stevedore files localhost:5000/team/app:1.2.1
  stevedore files ./image.tar --layer 3
  stevedore files localhost:5000/team/app:1.2.1 --json | jq '.files[] | select(.size > 1000000)'

${CONNECTION}
`,
  diff: `Usage: stevedore diff <a> <b> [--platform OS/ARCH] [--json]

The files that differ between two images (registry references or tarballs, in any mix), largest size change first,
under a one-line answer to what made <b> bigger or smaller than <a>.

Examples:
  stevedore diff localhost:5000/team/app:1.0.0 localhost:5000/team/app:1.2.1
  stevedore diff localhost:5000/team/app:1.2.1 ./image.tar

${CONNECTION}
`,
  waste: `Usage: stevedore waste <reference | archive> [--max-wasted-bytes N] [--min-efficiency F] [--json]

Wasted space as dive counts it: every copy of a path that two or more layers hold (written, then overwritten or
deleted), dive's efficiency score and the top offenders. The percentage is the wasted bytes over the file bytes of
all layers (each copy counted), never above 100 %. --json adds dive's userWastedPercent (wasted bytes over the layers
above the first), which passes 100 % when a later layer rewrites much of the first.
Exits with code 3 when a threshold given is crossed, so a CI pipeline can gate on it.
  --max-wasted-bytes N  fail when the wasted bytes (every copy counted, as dive) are more than N
  --min-efficiency F    fail when dive's efficiency (each path's smallest copy over all its copies, 0 to 1) is below F
  --platform OS/ARCH    which platform of a multi-platform image

Examples:
  stevedore waste localhost:5000/team/app:1.2.1
  stevedore waste ./image.tar --max-wasted-bytes 20000000 --min-efficiency 0.95

${CONNECTION}
`,
  cat: `Usage: stevedore cat <reference | archive> <path> [--platform OS/ARCH] [--json]

Prints a text file of an image (up to 1 MB), reading its layer only up to that file; a binary or larger file is
described instead (size, layer, sha256).

Examples:
  stevedore cat localhost:5000/team/app:1.2.1 /etc/os-release
  stevedore cat ./image.tar etc/passwd

${CONNECTION}
`,
};

/** A command's help, or undefined for a name that is no command (`constructor` included: no inherited property). */
export function commandHelp(command: string): string | undefined {
  return Object.hasOwn(COMMAND_HELP, command) ? COMMAND_HELP[command] : undefined;
}

/**
 * node:util parseArgs errors as one line a user can act on; `suggest` names the option meant by an unknown one
 * (did-you-mean.ts), when one is near.
 */
export function parseErrorLine(error: Error & { code?: string }, command: string | undefined, guess: (option: string) => { readonly typed: string; readonly meant?: string } = (typed) => ({ typed })): string {
  const help = command && commandHelp(command) !== undefined ? `stevedore ${command} --help` : 'stevedore --help';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const { typed, meant } = guess(/'([^']+)'/.exec(error.message)?.[1] ?? 'option');
    return `unknown option ${typed}${meant === undefined ? '' : ` (did you mean ${meant}?)`}; see ${help}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /(--[a-z-]+)/.exec(error.message)?.[1] ?? /'(-[a-z])/.exec(error.message)?.[1] ?? 'an option';
    // `--insecure=true`: a switch given a value, the opposite of a value missing.
    if (/does not take an argument/.test(error.message)) return `${option} takes no value: give it alone to turn it on; see ${help}`;
    return `${option} needs a value; see ${help}`;
  }
  return `${error.message.split('. ')[0] ?? error.message}; see ${help}`;
}

/** An unknown command as one line, with the command meant when one is near (or is crane's or skopeo's name for it). */
export function unknownCommandLine(command: string, suggestion: string | undefined): string {
  return `unknown command "${command}"${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}; see stevedore --help`;
}
