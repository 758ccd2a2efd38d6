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
`;

const CONNECTION = `Connection options:
  --creds USER:PASS, or --username USER --password-stdin   (default: docker config and credential helpers)
  --ca-file FILE, --cert-dir DIR, --insecure, --plain-http`;

export const COMMAND_HELP: Readonly<Record<string, string>> = {
  ls: `Usage: stevedore ls <registry> [--json] [--page-size N]

Lists every repository in the registry's catalog, printing each page as it arrives.

Examples:
  stevedore ls localhost:5000
  stevedore ls registry.example.com --json > repositories.json

${CONNECTION}
`,
  tags: `Usage: stevedore tags <repository> [-l] [--sort name|created|size] [--json] [-j N]

Lists a repository's tags, in version order (1.10 after 1.9, 1.0.0-rc.1 before 1.0.0).
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
  --image N / --all         which image of a multi-image archive
  --compression gzip|keep   gzip uncompressed layers on the way (default), or push them as stored
  -j, --jobs N              concurrent uploads (default 4)
  --chunk-size SIZE         upload chunk size (default 4M)
  --level N                 gzip level 1-9
  --json                    progress as one JSON event per line

Examples:
  stevedore push image.tar
  stevedore push image.tar localhost:5000/team/app:2.0 --jobs 4 --compression gzip

${CONNECTION}
`,
  serve: `Usage: stevedore serve [--port N]

Serves the app to a browser on 127.0.0.1, behind a random session token; prints the address to open.

Examples:
  stevedore serve
  stevedore serve --port 8080
`,
};

/** node:util parseArgs errors as one line a user can act on. */
export function parseErrorLine(error: Error & { code?: string }, command: string | undefined): string {
  const help = command && COMMAND_HELP[command] ? `stevedore ${command} --help` : 'stevedore --help';
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const option = /'([^']+)'/.exec(error.message)?.[1] ?? 'option';
    return `unknown option ${option}; see ${help}`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /(--[a-z-]+)/.exec(error.message)?.[1] ?? /'(-[a-z])/.exec(error.message)?.[1] ?? 'an option';
    return `${option} needs a value; see ${help}`;
  }
  return `${error.message.split('. ')[0] ?? error.message}; see ${help}`;
}
