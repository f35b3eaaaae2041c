/** Calls `fn` once, `ms` after the last of a burst of calls (file watcher and typing bursts). */
export function debounce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const call = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
  call.cancel = () => timer && clearTimeout(timer);
  return call;
}
