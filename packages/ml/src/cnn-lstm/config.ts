/**
 * Configuration of the CNN+LSTM ({@link buildCnnLstm}): input window, convolution kernels, attention,
 * the stacked bidirectional LSTMs, the heads and the joint loss. Every field has a default except the
 * input's shape; unknown keys are errors naming the key.
 */
import { parseWith } from '@rxtrade/core';
import { z } from 'zod';

const positiveInt = z.number().int().positive();
const oddKernel = positiveInt.refine((k) => k % 2 === 1, { message: 'kernel sizes must be odd (same padding, centred window)' });

/** Schema of {@link CnnLstmConfig}. */
export const CnnLstmConfigSchema = z
  .strictObject({
    /** Time steps in one input window. */
    steps: positiveInt,
    /** Features per time step. */
    features: positiveInt,
    /** Kernel sizes of the parallel 1-D convolutions (odd, same padding). */
    kernelSizes: z.array(oddKernel).min(1).default([3, 5, 7, 11]),
    /** Filters of each convolution; the convolution block outputs `kernelSizes.length * filters` channels. */
    filters: positiveInt.default(32),
    /** Heads of both attention layers; each must divide the width it attends over. */
    attentionHeads: positiveInt.default(4),
    /** Units of each bidirectional LSTM layer (one entry per layer, each direction has this many). */
    lstmUnits: z.array(positiveInt).min(1).default([64]),
    /** Dropout after each LSTM layer and before the heads, during training only. */
    dropout: z.number().min(0).lt(1).default(0.1),
    /** Units of the dense layer shared by the heads (0: the heads read the pooled features directly). */
    headUnits: z.number().int().min(0).default(32),
    /** Weight of the cross-entropy of the classification head in the joint loss. */
    classificationWeight: z.number().min(0).finite().default(1),
    /** Weight of the mean squared error of the regression head in the joint loss. */
    regressionWeight: z.number().min(0).finite().default(1),
    /** Seed of the weight initialisation and of the dropout masks. */
    seed: z.number().int().min(0).max(0xffffffff).default(0),
  })
  .superRefine((c, ctx) => {
    const convWidth = c.kernelSizes.length * c.filters;
    if (convWidth % c.attentionHeads !== 0) {
      ctx.addIssue({ code: 'custom', path: ['attentionHeads'], message: `must divide the convolution width ${convWidth} (kernelSizes.length * filters)` });
    }
    const last = c.lstmUnits[c.lstmUnits.length - 1]!;
    if ((2 * last) % c.attentionHeads !== 0) {
      ctx.addIssue({ code: 'custom', path: ['attentionHeads'], message: `must divide the width of the last LSTM layer's output ${2 * last} (2 * lstmUnits[last])` });
    }
    if (c.classificationWeight === 0 && c.regressionWeight === 0) {
      ctx.addIssue({ code: 'custom', path: ['regressionWeight'], message: 'classificationWeight and regressionWeight cannot both be 0' });
    }
  });

/** Options of {@link buildCnnLstm} as given (defaults filled by parsing). */
export type CnnLstmConfigInput = z.input<typeof CnnLstmConfigSchema>;
/** The full configuration of a CNN+LSTM, defaults filled in. */
export type CnnLstmConfig = z.output<typeof CnnLstmConfigSchema>;

/**
 * Parses a CNN+LSTM configuration, filling defaults; throws a `ValidationError` naming each bad field.
 *
 * @example
 * ```ts
 * const config = parseCnnLstmConfig({ steps: 30, features: 20 });
 * config.kernelSizes; // [3, 5, 7, 11]
 * ```
 */
export function parseCnnLstmConfig(input: unknown): CnnLstmConfig {
  return parseWith(CnnLstmConfigSchema, input, 'config');
}
