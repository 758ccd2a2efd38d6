// Text that came from outside (a registry's platforms, labels, history, dates, error messages, archive entry names)
// as the UI and the CLI show it: control characters and the bidi controls that reorder what is shown (Trojan Source:
// `abc\u202egnp.exe` displays as "abcexe.png") become visible escapes (`\x1b`, `\u202e`), so what is on screen is
// what was sent, and nothing can drive a terminal.

// C0 controls, DEL, C1 controls; and the bidi controls.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with its controls escaped; line breaks stay unless `singleLine`. */
export function visibleText(text: string, singleLine = false): string {
  return text.replace(singleLine ? CONTROL : CONTROL_BUT_NEWLINE, escape);
}

// A text file's content (`stevedore cat` on a terminal, the app's file viewer): line breaks and tabs are its layout,
// CR only before LF (Windows line ends); every other control (an escape sequence, a lone CR that overwrites a line, a
// bidi override) is escaped.
// eslint-disable-next-line no-control-regex -- as above
const FILE_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

/** A text file's content with its controls escaped, its lines and tabs kept. */
export function visibleFileText(text: string): string {
  return text.replace(FILE_CONTROL, escape);
}
