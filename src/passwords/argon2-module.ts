// Workers refuse to compile WebAssembly from bytes at request time, so the module is
// imported: wrangler (and the test runner) hand us an already compiled WebAssembly.Module.
import argon2Wasm from "@phi-ag/argon2/argon2.wasm";
import { Argon2 } from "./argon2";

let instance: Promise<Argon2> | undefined;

export function loadArgon2(): Promise<Argon2> {
  instance ??= WebAssembly.instantiate(argon2Wasm).then(
    (i) => new Argon2(i),
    (error: unknown) => {
      instance = undefined;
      throw error;
    },
  );
  return instance;
}
