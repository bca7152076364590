/**
 * Node's side of the WASM option (main.go.txt, built by build.sh): loads the
 * module once, then validates one object per call, in memory.
 */
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';

export interface WasmVerdict {
  /** `decode`: the API server's decoder refused the object; `unknown`: a kind outside the scope. */
  verdict: 'accept' | 'refuse' | 'decode' | 'unknown';
  errors?: string[];
}

export interface ApiServerWasm {
  validate(object: unknown): WasmVerdict;
  /** Milliseconds spent compiling the module and running Go's initialisation. */
  startup: { compileMs: number; initMs: number };
}

/** The parts of the WebAssembly global this module uses (the project's TypeScript libs do not declare it). */
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<{ exports: object }>;
};

interface Exports {
  memory: { buffer: ArrayBuffer };
  ladder_alloc(size: number): number;
  ladder_free(pointer: number): void;
  ladder_validate(pointer: number, length: number): bigint;
}

export async function loadApiServerWasm(path: string): Promise<ApiServerWasm> {
  const started = performance.now();
  const module = await WebAssembly.compile(await readFile(path));
  const compiled = performance.now();
  // klog reads os.Args[0] at start-up; the server's own logging goes nowhere.
  const wasi = new WASI({ version: 'preview1', args: ['ladder-apiserver'], env: {}, stdout: 2, stderr: 2 });
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  wasi.initialize(instance as never);
  const initialised = performance.now();
  const exports = instance.exports as unknown as Exports;
  return {
    startup: { compileMs: compiled - started, initMs: initialised - compiled },
    validate(object) {
      const input = Buffer.from(JSON.stringify(object));
      const pointer = exports.ladder_alloc(input.length);
      new Uint8Array(exports.memory.buffer, pointer, input.length).set(input);
      const packed = exports.ladder_validate(pointer, input.length);
      exports.ladder_free(pointer);
      const outPointer = Number(packed >> 32n);
      const length = Number(packed & 0xffffffffn);
      const text = Buffer.from(new Uint8Array(exports.memory.buffer, outPointer, length)).toString('utf8');
      exports.ladder_free(outPointer);
      return JSON.parse(text) as WasmVerdict;
    },
  };
}
