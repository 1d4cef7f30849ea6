/**
 * Lets the event loop run (signal handlers, timers, progress redraws) between long synchronous
 * steps: setImmediate in Node, a MessageChannel round trip in browsers (no 4 ms timer clamp).
 */
export function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => void };
  if (g.setImmediate) return new Promise((resolve) => g.setImmediate!(resolve));
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(null);
  });
}
