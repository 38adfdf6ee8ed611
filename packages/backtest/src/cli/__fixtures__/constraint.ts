/** A sweep constraint for the CLI tests: leaves out every set with fast = 10. */
export function notTen(params: Readonly<Record<string, unknown>>): boolean {
  return params.fast !== 10;
}
