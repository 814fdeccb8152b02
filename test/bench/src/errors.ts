/** A bench service could not start or a bench operation failed; the message carries the service log tail. */
export class BenchError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BenchError";
  }
}
