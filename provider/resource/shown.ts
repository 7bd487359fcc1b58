/**
 * A value as an error message shows it: JSON (so a NUL or a newline is visible, never raw) and
 * short, whatever its size. A 10 MB argument must not become a 10 MB message.
 */

/** The longest excerpt of a value a message shows. */
const MAX_SHOWN = 60;

/** `value` for a message: its JSON text, cut to an excerpt that says how long the whole is. */
export function shown(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  if (text.length <= MAX_SHOWN) return text;
  return `${text.slice(0, MAX_SHOWN - 20)}… (${text.length} characters)`;
}
