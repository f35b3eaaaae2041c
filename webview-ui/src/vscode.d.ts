// The API object VS Code injects into webviews. It may be acquired only once per page load,
// so main.ts acquires it and hands it around.
interface VsCodeWebviewApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState<T extends State>(state: T): T;
}

declare function acquireVsCodeApi<State = unknown>(): VsCodeWebviewApi<State>;
