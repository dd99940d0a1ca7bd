// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers of any signature, typed per event map
type Handler = (...args: any[]) => void;

/** The smallest event emitter that runs in Node and browsers alike; a throwing handler is reported, not propagated. */
export class Emitter<Events extends Record<string, Handler>> {
  readonly #handlers = new Map<keyof Events, Set<Handler>>();

  on<E extends keyof Events>(event: E, handler: Events[E]): this {
    const set = this.#handlers.get(event) ?? new Set();
    set.add(handler);
    this.#handlers.set(event, set);
    return this;
  }

  off<E extends keyof Events>(event: E, handler?: Events[E]): this {
    if (handler) this.#handlers.get(event)?.delete(handler);
    else this.#handlers.delete(event);
    return this;
  }

  listenerCount(event: keyof Events): number {
    return this.#handlers.get(event)?.size ?? 0;
  }

  protected emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): void {
    for (const handler of [...(this.#handlers.get(event) ?? [])]) {
      try {
        handler(...args);
      } catch (error) {
        if (event !== 'error') this.emit('error' as E, ...([error] as Parameters<Events[E]>));
      }
    }
  }
}
