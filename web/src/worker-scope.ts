/**
 * The dedicated worker's global scope, typed for what the workers use (the page's TypeScript
 * config has the DOM library, whose `self` is a Window).
 */
export interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export const workerScope = self as unknown as WorkerScope;
