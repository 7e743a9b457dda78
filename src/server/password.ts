// The UI password, held only as a salted scrypt hash, and checked off the event loop: scrypt
// runs on libuv's thread pool, a few at a time, with a bounded queue. A burst of guesses then
// costs the guessers (503 past the queue), not every other request's latency.
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";

export const SCRYPT_KEYLEN = 32;

/** The queue is full: the caller answers 503 with Retry-After. */
export class LoginBusyError extends Error {
  constructor() {
    super("Too many sign-ins are being checked right now; try again in a few seconds.");
    this.name = "LoginBusyError";
  }
}

interface Job {
  password: string;
  salt: Buffer;
  resolve(hash: Buffer): void;
  reject(err: Error): void;
}

/** At most `concurrency` scrypt runs at once and `maxWaiting` waiting; more are refused at once. */
export class ScryptQueue {
  private active = 0;
  private readonly waiting: Job[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  hash(password: string, salt: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      const job = { password, salt, resolve, reject };
      if (this.active < this.concurrency) this.start(job);
      else if (this.waiting.length < this.maxWaiting) this.waiting.push(job);
      else reject(new LoginBusyError());
    });
  }

  /** Checks running and waiting (for tests and logs). */
  get load(): number {
    return this.active + this.waiting.length;
  }

  private start(job: Job): void {
    this.active++;
    scrypt(job.password, job.salt, SCRYPT_KEYLEN, (err, hash) => {
      this.active--;
      if (err) job.reject(err);
      else job.resolve(hash);
      const next = this.waiting.shift();
      if (next) this.start(next);
    });
  }
}

export class PasswordCheck {
  constructor(
    readonly salt: Buffer,
    readonly hash: Buffer,
    private readonly queue: ScryptQueue,
  ) {}

  /** Hashes `password` with a new salt (synchronously: once, at start-up). */
  static create(password: string, queue: ScryptQueue): PasswordCheck {
    const salt = randomBytes(16);
    return new PasswordCheck(salt, scryptSync(password, salt, SCRYPT_KEYLEN), queue);
  }

  /** Whether `password` is the one this check was made from (start-up: synchronous). */
  isSync(password: string): boolean {
    return timingSafeEqual(scryptSync(password, this.salt, SCRYPT_KEYLEN), this.hash);
  }

  /** Throws LoginBusyError when the queue is full. */
  async matches(candidate: string): Promise<boolean> {
    if (candidate.length > 1024) return false;
    return timingSafeEqual(await this.queue.hash(candidate, this.salt), this.hash);
  }
}
