// Calls a test engine holds until the test's condition lets them go, or until a generous safety timeout lets every one
// go (then `gaveUp` is set, and the test's own assertion tells what did not happen).
export class HeldCalls {
  readonly #waiting: (() => void)[] = [];
  gaveUp = false;

  get count(): number {
    return this.#waiting.length;
  }

  hold(timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.gaveUp = true;
        this.releaseAll();
      }, timeoutMs);
      this.#waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  releaseAll(): void {
    for (const release of this.#waiting.splice(0)) release();
  }
}
