// Options of the commands that move images out of a registry: copy (to another registry) and pull (to a tarball).
export interface TransferOptions {
  readonly platform?: string;
  readonly allTags: boolean;
  readonly referrers: boolean;
  readonly srcCreds?: string;
  readonly destCreds?: string;
  readonly format?: string;
  readonly output?: string;
}
