/** What the kernels run on, as the page reports it (plain data, shared by the page, its workers and the tests). */
export interface BackendReport {
  backend: string;
  /** Threads the wasm kernels are split over (the calling thread included). */
  threads: number;
  /** Pool workers serving jobs when the kernels were reported. */
  workers: number;
  /** Whether the context is cross-origin isolated (SharedArrayBuffer available). */
  isolated: boolean;
}
