/**
 * Comments this process has taken on, by `<repo>#<comment id>`, so a
 * redelivered webhook does not run a comment's commands twice. Bounded: the
 * oldest entries go first. A comment whose run failed is released, so a
 * redelivery (GitHub's "Redeliver" button) tries it again.
 */
export class TakenComments {
  private readonly items = new Set<string>();
  constructor(private readonly limit = 5000) {}

  /** True when the comment was free and is now taken; false when it already was. */
  take(key: string): boolean {
    if (this.items.has(key)) return false;
    this.items.add(key);
    if (this.items.size > this.limit) this.items.delete(this.items.values().next().value!);
    return true;
  }

  release(key: string): void {
    this.items.delete(key);
  }
}
