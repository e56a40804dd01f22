// A thin binding to the reference Argon2 implementation compiled to WebAssembly (the
// .wasm shipped by @phi-ag/argon2). We call its C exports ourselves because the
// package's JavaScript wrapper passes a string's UTF-16 length as its byte length,
// which would silently drop the tail of non-ASCII passwords.

interface Argon2Exports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  malloc(size: number): number;
  free(pointer: number): void;
  argon2_hash(
    timeCost: number,
    memoryCost: number,
    parallelism: number,
    password: number,
    passwordLength: number,
    salt: number,
    saltLength: number,
    hash: number,
    hashLength: number,
    encoded: number,
    encodedLength: number,
    type: number,
    version: number,
  ): number;
  argon2_verify(encoded: number, password: number, passwordLength: number, type: number): number;
  argon2_encodedlen(
    timeCost: number,
    memoryCost: number,
    parallelism: number,
    saltLength: number,
    hashLength: number,
    type: number,
  ): number;
}

const ARGON2ID = 2;
const VERSION_13 = 0x13;
const ARGON2_OK = 0;
const ARGON2_VERIFY_MISMATCH = -35;

export interface Argon2Params {
  /** Memory cost in KiB. */
  memoryKiB: number;
  passes: number;
  parallelism: number;
}

export class Argon2 {
  private readonly exports: Argon2Exports;

  constructor(instance: WebAssembly.Instance) {
    this.exports = instance.exports as unknown as Argon2Exports;
    this.exports._initialize();
  }

  /** Returns the PHC string `$argon2id$v=19$m=...,t=...,p=...$salt$hash`. */
  hash(password: Uint8Array, salt: Uint8Array, params: Argon2Params, hashLength = 32): string {
    const e = this.exports;
    const encodedLength = e.argon2_encodedlen(
      params.passes,
      params.memoryKiB,
      params.parallelism,
      salt.length,
      hashLength,
      ARGON2ID,
    );
    const passwordPtr = this.copyIn(password);
    const saltPtr = this.copyIn(salt);
    const hashPtr = e.malloc(hashLength);
    const encodedPtr = e.malloc(encodedLength);
    try {
      const result = e.argon2_hash(
        params.passes,
        params.memoryKiB,
        params.parallelism,
        passwordPtr,
        password.length,
        saltPtr,
        salt.length,
        hashPtr,
        hashLength,
        encodedPtr,
        encodedLength,
        ARGON2ID,
        VERSION_13,
      );
      if (result !== ARGON2_OK) throw new Error(`argon2_hash failed with code ${result}`);
      const bytes = new Uint8Array(e.memory.buffer, encodedPtr, encodedLength - 1);
      return new TextDecoder().decode(bytes);
    } finally {
      this.wipeAndFree(passwordPtr, password.length);
      e.free(saltPtr);
      e.free(hashPtr);
      e.free(encodedPtr);
    }
  }

  /** Constant-time verification inside the C code; false on mismatch or malformed input. */
  verify(encoded: string, password: Uint8Array): boolean {
    const e = this.exports;
    const encodedBytes = new TextEncoder().encode(`${encoded}\0`);
    const encodedPtr = this.copyIn(encodedBytes);
    const passwordPtr = this.copyIn(password);
    try {
      const result = e.argon2_verify(encodedPtr, passwordPtr, password.length, ARGON2ID);
      if (result === ARGON2_OK) return true;
      if (result === ARGON2_VERIFY_MISMATCH) return false;
      return false;
    } finally {
      this.wipeAndFree(passwordPtr, password.length);
      e.free(encodedPtr);
    }
  }

  private copyIn(bytes: Uint8Array): number {
    const pointer = this.exports.malloc(Math.max(1, bytes.length));
    if (pointer === 0) throw new Error("argon2: out of memory");
    new Uint8Array(this.exports.memory.buffer, pointer, bytes.length).set(bytes);
    return pointer;
  }

  private wipeAndFree(pointer: number, length: number) {
    new Uint8Array(this.exports.memory.buffer, pointer, length).fill(0);
    this.exports.free(pointer);
  }
}
