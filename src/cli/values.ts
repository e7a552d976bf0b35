/** `--param k=v` values arrive as text; degradations take booleans and numbers. */
export function parseValue(text: string): number | boolean | string {
  if (text === 'true' || text === 'false') return text === 'true';
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}
