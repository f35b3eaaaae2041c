/** Secrets for a run: asked once per run, and every value masked wherever output goes. */
import type { SecretName } from '../plan/actions';
import { MASK } from '../plan/preview';
import { redisString } from '../render/redis';

export interface SecretSource {
  /** The secret's value; the editor asks (and remembers in SecretStorage) when it has none. */
  get(name: SecretName): Promise<string>;
}

/** Replaces every known secret value (and its shell-quoted form) in text with ••••. */
export class Masker {
  private readonly values = new Set<string>();

  add(value: string): void {
    if (value.length === 0) return;
    this.values.add(value);
    // The forms it is written in, in case a tool echoes a command line or a config line:
    // shell-quoted, JSON / redis.conf-quoted.
    this.values.add(`'${value.replace(/'/g, `'\\''`)}'`);
    this.values.add(JSON.stringify(value));
    this.values.add(redisString(value));
  }

  mask(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const v of [...this.values].sort((a, b) => b.length - a.length)) {
      if (v && out.includes(v)) out = out.split(v).join(MASK);
    }
    return out;
  }
}

/** A SecretSource that asks each secret once per run and registers it with the masker. */
export function onceForRun(source: SecretSource, masker: Masker): SecretSource {
  const cache = new Map<SecretName, Promise<string>>();
  return {
    get(name) {
      if (!cache.has(name)) {
        cache.set(
          name,
          source.get(name).then((v) => {
            masker.add(v);
            return v;
          }),
        );
      }
      return cache.get(name)!;
    },
  };
}

/**
 * Masks a stream of output chunks. A secret can arrive split across two chunks, so text is held
 * back until a newline (or the end of the stream) before it is masked and passed on.
 */
export class LineMasker {
  private pending = '';

  constructor(
    private readonly mask: (text: string) => string,
    private readonly emit: (text: string) => void,
  ) {}

  write(chunk: string): void {
    this.pending += chunk;
    const cut = this.pending.lastIndexOf('\n');
    if (cut < 0) return;
    const ready = this.pending.slice(0, cut + 1);
    this.pending = this.pending.slice(cut + 1);
    this.emit(this.mask(ready));
  }

  end(): void {
    if (this.pending) this.emit(this.mask(this.pending));
    this.pending = '';
  }
}
