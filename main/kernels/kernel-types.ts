// Types shared by our custom kernels: the kernel call signature, and the parts of
// tfjs-backend-wasm's BackendWasm we use (its class is not exported for Node, so described here).
import type * as tf from '@tensorflow/tfjs';

export type CWrapped = (...args: unknown[]) => void;

export interface WasmBackend {
  wasm: {
    cwrap(name: string, returnType: null, argTypes: string[]): CWrapped;
    tfjs: { disposeData(id: number): void };
  };
  dataIdMap: {
    get(dataId: object): { id: number; memoryOffset: number };
    delete(dataId: object): void;
  };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo;
  disposeData(dataId: object): boolean;
  incRef(dataId: object): void;
  readSync(dataId: object): ArrayLike<number>;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

export interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}

export type KernelImplementation = (args: KernelArgs) => tf.TensorInfo;

export const product = (values: readonly number[]): number => values.reduce((a, b) => a * b, 1);
