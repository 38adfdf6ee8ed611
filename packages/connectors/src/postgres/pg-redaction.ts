/**
 * What the PostgreSQL journal and the PostgreSQL catalog both need to keep a database password out of
 * their errors and logs: the password of a connection URL, and a redactor of every secret they know.
 */

/** An error's message, with the PostgreSQL error code when the message does not carry it. */
export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    return typeof code === 'string' && !e.message.includes(code) ? `${e.message} [${code}]` : e.message;
  }
  return String(e);
}

/** The password of a postgres:// URL, when it has one and parses. */
export function urlPassword(connectionString: string): string | undefined {
  try {
    const url = new URL(connectionString);
    const fromQuery = url.searchParams.get('password');
    return url.password ? decodeURIComponent(url.password) : (fromQuery ?? undefined);
  } catch {
    return undefined;
  }
}

/** Replaces every secret (as given and URL-encoded), and the whole connection string, in a text meant for an error or a log. */
export function redactor(secrets: readonly string[], connectionString: string | undefined): (text: string) => string {
  const needles = new Set<string>();
  if (connectionString) needles.add(connectionString);
  for (const s of secrets) {
    if (s.length === 0) continue;
    needles.add(s);
    needles.add(encodeURIComponent(s));
  }
  const sorted = [...needles].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const n of sorted) out = out.split(n).join(n === connectionString ? '<connection string>' : '***');
    // Any other URL with credentials: keep the user, drop the password.
    return out.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*):[^@\s]*@/gi, '$1:***@');
  };
}
