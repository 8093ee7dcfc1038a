/** A pub/sub message as JSON, or undefined when it is not JSON (then a schema check rejects it). */
export function safeJson(message: string): unknown {
  try {
    return JSON.parse(message);
  } catch {
    return undefined;
  }
}
