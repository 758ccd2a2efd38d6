// What the CLI prints that came from outside (registry messages, archive entry names, image labels) cannot drive
// the terminal: control characters and bidi overrides are shown as escapes (`\x1b`, `\u202e`), never sent raw.

// C0 controls, DEL, C1 controls; and the bidi controls that reorder what is shown (Trojan Source).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// Inside JSON text the C0 controls are escaped by JSON.stringify already; DEL, C1 and bidi are not.
const JSON_UNESCAPED = /[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

function jsonEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Text for the terminal; `multiline` keeps line breaks where the caller prints a block of lines. */
export function terminalText(text: string, multiline = false): string {
  return text.replace(multiline ? CONTROL_BUT_NEWLINE : CONTROL, visible);
}

/** JSON text (from JSON.stringify) with the characters it leaves raw escaped as \uXXXX: still the same JSON value. */
export function terminalJson(json: string): string {
  return json.replace(JSON_UNESCAPED, jsonEscape);
}
