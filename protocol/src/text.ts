/** True when the text contains a C0 control character (U+0000 to U+001F). */
export function hasControlChars(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 0x20) return true;
  }
  return false;
}
