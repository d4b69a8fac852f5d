/**
 * tests/conformance/known_failures.txt: one `<suite> <opcode-or-rom> <reason>` per line;
 * blank lines and lines starting with # are ignored.
 */

/** Known failures keyed by `<suite> <name>`, with their reasons. */
export function loadKnownFailures(): Map<string, string> {
  const text = Deno.readTextFileSync(new URL("known_failures.txt", import.meta.url));
  const known = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [suite, name, ...reason] = line.split(/\s+/);
    if (reason.length === 0) throw new Error(`known_failures.txt: missing reason in "${line}"`);
    known.set(`${suite} ${name}`, reason.join(" "));
  }
  return known;
}
