// Files the user chose in the native save dialog for "Export…". The dialog asks before replacing a file, so such a
// file may be replaced, by the next export to it only: a path that merely reached the host (typed, or sent by a
// compromised page) never replaces anything.
const MAX_REMEMBERED = 16;

export class SaveChoices {
  readonly #chosen: string[] = [];

  remember(path: string): void {
    this.#chosen.push(path);
    if (this.#chosen.length > MAX_REMEMBERED) this.#chosen.shift();
  }

  /** Whether `path` was chosen in the dialog; a choice is used once. */
  take(path: string): boolean {
    const at = this.#chosen.indexOf(path);
    if (at < 0) return false;
    this.#chosen.splice(at, 1);
    return true;
  }
}
