/**
 * Waits until `condition()` holds, checking after every turn of the event
 * loop that lets timers and I/O run; fails after `timeoutMs` with `what`.
 * For ordering on something that happens (a request arrives, a socket
 * closes) rather than on a sleep of a guessed length.
 */
export async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
