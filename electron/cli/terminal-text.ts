// What the CLI prints that came from outside (registry messages, archive entry names, image labels) cannot drive
// the terminal: the same escaping as the UI's (shared/visible-text.ts), plus JSON output kept valid.
import { visibleFileText, visibleText } from '../../shared/visible-text.js';

// Inside JSON text the C0 controls are escaped by JSON.stringify already; DEL, C1 and bidi are not.
const JSON_UNESCAPED = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function jsonEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text for the terminal; `multiline` keeps line breaks where the caller prints a block of lines. */
export function terminalText(text: string, multiline = false): string {
  return visibleText(text, !multiline);
}

/**
 * Outside text (an archive's image name, a label, a platform) placed inside a line of a block: its line breaks are
 * escaped too, so it cannot start a line of its own in what `out.line` prints.
 */
export function oneLine(text: string): string {
  return visibleText(text, true);
}

/** A file's text for the terminal (`stevedore cat` on a TTY); piped, the bytes go out as they are. */
export function terminalFileText(text: string): string {
  return visibleFileText(text);
}

/** JSON text (from JSON.stringify) with the characters it leaves raw escaped as \uXXXX: still the same JSON value. */
export function terminalJson(json: string): string {
  return json.replace(JSON_UNESCAPED, jsonEscape);
}
