/**
 * HTML escaping for every piece of text the report writes into markup, and a safe way to embed JSON
 * in a `<script>` element (no `</script>` or `<!--` can end or confuse it).
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for use in HTML element content or a quoted attribute value.
 *
 * @example
 * ```ts
 * escapeHtml('<b>"A&B"</b>') // '&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;'
 * ```
 */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * Serializes a value as JSON that can sit inside `<script type="application/json">`: `<`, `>`, `&` and
 * the JS line separators are written as `\u` escapes, which `JSON.parse` reads back unchanged.
 *
 * @example
 * ```ts
 * jsonForScript({ name: '</script>' }) // '{"name":"\\u003c/script\\u003e"}'
 * ```
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
