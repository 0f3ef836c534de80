// Runs tasks one at a time per key (a chat or thread), so two quick messages are answered in order,
// while different chats proceed in parallel. Shared by the Telegram and Zalo adapters.

export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Queues `task` behind earlier tasks of the same key; the returned promise settles when it has run. */
  push(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }

  /** Resolves once every task queued so far has finished (or the timeout passed). */
  async drain(timeoutMs = 10_000): Promise<void> {
    const pending = Promise.all([...this.tails.values()]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      timer.unref();
    });
    await Promise.race([pending, timeout]);
    clearTimeout(timer);
  }
}
