import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '@rxtrade/core';
import { OnnxModel } from './onnx-model';
import { CNN_LSTM_ONNX, LINEAR_F64_ONNX, maxRelativeError, modelsReference } from './__fixtures__/reference';

const ref = modelsReference();
const x32 = Float32Array.from(ref.x);
const open: OnnxModel[] = [];
const load = async (...args: Parameters<typeof OnnxModel.load>): Promise<OnnxModel> => {
  const m = await OnnxModel.load(...args);
  open.push(m);
  return m;
};
afterAll(async () => {
  for (const m of open) await m.dispose();
});

describe('OnnxModel', () => {
  it('reports the input and output of a PyTorch export: names, dims with a free batch, dtype', async () => {
    const model = await load(CNN_LSTM_ONNX);
    expect(model.inputShape).toEqual({ name: 'x', dims: [null, 8, 3], dtype: 'float32' });
    expect(model.outputShape).toEqual({ name: 'y', dims: [null, 2], dtype: 'float32' });
    expect(model.inputs).toEqual([model.inputShape]);
    expect(model.outputs).toEqual([model.outputShape]);
  });

  it('answers what PyTorch answered for the CNN+LSTM to 1e-5, loaded from a path or from bytes, batched or one by one', async () => {
    const fromPath = await load(CNN_LSTM_ONNX);
    const fromBytes = await load(readFileSync(CNN_LSTM_ONNX), { intraOpNumThreads: 1 });
    const batched = await fromPath.predict(x32, ref.batch);
    expect(batched).toBeInstanceOf(Float32Array);
    expect(maxRelativeError(batched, ref.cnnLstm)).toBeLessThan(1e-5);
    expect(await fromBytes.predict(x32, ref.batch)).toEqual(batched);
    const size = ref.window * ref.features;
    for (let b = 0; b < ref.batch; b++) {
      const one = await fromPath.predict(x32.subarray(b * size, (b + 1) * size), 1);
      expect(maxRelativeError(one, ref.cnnLstm.slice(2 * b, 2 * b + 2))).toBeLessThan(1e-5);
    }
    // A Float64Array input is converted to the graph's float32.
    expect(await fromPath.predict(Float64Array.from(ref.x), ref.batch)).toEqual(batched);
  });

  it('feeds a float64 graph in float64 and answers float32', async () => {
    const model = await load(LINEAR_F64_ONNX);
    expect(model.inputShape).toEqual({ name: 'x', dims: [null, 8, 3], dtype: 'float64' });
    expect(model.outputShape.dtype).toBe('float64');
    const y = await model.predict(Float64Array.from(ref.x), ref.batch);
    expect(y).toBeInstanceOf(Float32Array);
    expect(Array.from(y)).toEqual(ref.linearF64.map((v) => Math.fround(v)));
  });

  it('refuses an input of the wrong length, naming the field and the expected shape', async () => {
    const model = await load(CNN_LSTM_ONNX);
    await expect(model.predict(new Float32Array(47), 2)).rejects.toThrow('predict.input: expected 2 x [8, 3] = 48 values for input "x" [?, 8, 3] float32, got 47');
    await expect(model.predict(new Float32Array(24), 0)).rejects.toThrow('predict.batch: must be a positive integer, got 0');
    await expect(model.predict([1, 2, 3] as unknown as Float32Array, 1)).rejects.toThrow('predict.input: must be a Float32Array or a Float64Array, got Array');
  });

  it('refuses unknown options, outputs it does not have, fixed dims that disagree and bytes that are not a model', async () => {
    await expect(OnnxModel.load(CNN_LSTM_ONNX, { outptu: 'y' } as never)).rejects.toThrow('OnnxModel.outptu: unknown option; did you mean "output"?');
    await expect(OnnxModel.load(CNN_LSTM_ONNX, { output: 'z' })).rejects.toThrow('OnnxModel.output: the model has no output "z"; its outputs: y');
    await expect(OnnxModel.load(CNN_LSTM_ONNX, { input: 'features' })).rejects.toThrow('the model has no input "features"; its input is "x"');
    await expect(OnnxModel.load(CNN_LSTM_ONNX, { dims: [16, 3] })).rejects.toThrow('OnnxModel.dims[0]: is 16 but input "x" [?, 8, 3] fixes dimension 1 at 8');
    await expect(OnnxModel.load(CNN_LSTM_ONNX, { dims: [8] })).rejects.toThrow('OnnxModel.dims: gives 1 sizes; input "x" [?, 8, 3] has 2 dimensions after the batch');
    const error = await OnnxModel.load(new Uint8Array([1, 2, 3, 4])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/^OnnxModel\.source: ONNX Runtime could not load the model \(4 bytes\)/);
  });

  it('cannot predict once disposed', async () => {
    const model = await OnnxModel.load(CNN_LSTM_ONNX);
    await model.dispose();
    await expect(model.predict(x32, ref.batch)).rejects.toThrow('OnnxModel: was disposed');
  });
});
