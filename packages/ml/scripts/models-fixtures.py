#!/usr/bin/python3
"""Fixture models of packages/ml/src/models and the outputs PyTorch gives for them.

Run from the repository root with Debian's Python (python3-torch 1.13, python3-onnx 1.12):

    /usr/bin/python3 packages/ml/scripts/models-fixtures.py

It writes, under packages/ml/src/models/__fixtures__/:

- tiny-cnn-lstm.onnx: Conv1d(3 -> 4, kernel 3) + ReLU, LSTM(4 -> 6), Linear(6 -> 2) on the last hidden
  state, float32, input "x" [batch, 8, 3] (a window of 8 bars by 3 features, oldest bar first), output
  "y" [batch, 2]; exported by torch.onnx.export (opset 13) with a dynamic batch.
- tiny-linear-f64.onnx: Flatten + Linear(24 -> 1) in float64, input "x" [batch, 8, 3], output "y".
- tiny-cnn-lstm-tfjs/model.json + weights.bin: the same CNN+LSTM as a TensorFlow.js layers model
  (Conv1D, LSTM with sigmoid gates, Dense), written from the PyTorch weights: Keras kernels are the
  transposed PyTorch weights, and the LSTM's one bias is the sum of PyTorch's two (same gate order
  i, f, g/c, o in both).
- models-reference.json: the inputs (windows of z-scored GOOG daily features, from
  examples/sma-crossover/fixtures/goog.csv) and PyTorch's outputs of both models.
"""
import csv
import json
import os
import struct

import numpy as np
import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
OUT = os.path.join(ROOT, 'packages', 'ml', 'src', 'models', '__fixtures__')
WINDOW, FEATURES = 8, 3

torch.manual_seed(7)


class TinyCnnLstm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv1d(FEATURES, 4, kernel_size=3)
        self.lstm = torch.nn.LSTM(4, 6, batch_first=True)
        self.head = torch.nn.Linear(6, 2)

    def forward(self, x):  # x: [batch, window, features], as rxtrade windows are laid out
        h = torch.relu(self.conv(x.permute(0, 2, 1)))  # [batch, 4, window - 2]
        seq, _ = self.lstm(h.permute(0, 2, 1))  # [batch, window - 2, 6]
        return self.head(seq[:, -1, :])


class TinyLinear(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(WINDOW * FEATURES, 1)

    def forward(self, x):
        return self.lin(x.reshape(x.shape[0], -1))


def goog_windows(count):
    """Windows of 3 features per day (log return, high-low range / close, log volume change), each
    column z-scored over the whole file, taken every 97 days."""
    with open(os.path.join(ROOT, 'examples', 'sma-crossover', 'fixtures', 'goog.csv')) as f:
        rows = list(csv.DictReader(f))
    close = np.array([float(r['Close']) for r in rows])
    high = np.array([float(r['High']) for r in rows])
    low = np.array([float(r['Low']) for r in rows])
    vol = np.array([float(r['Volume']) for r in rows])
    feats = np.stack([np.log(close[1:] / close[:-1]), (high[1:] - low[1:]) / close[1:], np.log(vol[1:] / vol[:-1])], axis=1)
    feats = (feats - feats.mean(axis=0)) / feats.std(axis=0)
    starts = [i * 97 for i in range(count)]
    return np.stack([feats[s : s + WINDOW] for s in starts]).astype(np.float32)


def tfjs_layers_model(model):
    conv_w = model.conv.weight.detach().numpy()  # [out, in, k]
    kernel = np.transpose(conv_w, (2, 1, 0))  # Keras Conv1D kernel: [k, in, out]
    lstm_kernel = model.lstm.weight_ih_l0.detach().numpy().T  # [in, 4 * units]
    lstm_recurrent = model.lstm.weight_hh_l0.detach().numpy().T  # [units, 4 * units]
    lstm_bias = (model.lstm.bias_ih_l0 + model.lstm.bias_hh_l0).detach().numpy()
    weights = [
        ('conv1d/kernel', kernel),
        ('conv1d/bias', model.conv.bias.detach().numpy()),
        ('lstm/kernel', lstm_kernel),
        ('lstm/recurrent_kernel', lstm_recurrent),
        ('lstm/bias', lstm_bias),
        ('dense/kernel', model.head.weight.detach().numpy().T),
        ('dense/bias', model.head.bias.detach().numpy()),
    ]
    layers = [
        {
            'class_name': 'Conv1D',
            'config': {
                'name': 'conv1d', 'trainable': True, 'batch_input_shape': [None, WINDOW, FEATURES], 'dtype': 'float32',
                'filters': 4, 'kernel_size': [3], 'strides': [1], 'padding': 'valid', 'data_format': 'channels_last',
                'dilation_rate': [1], 'activation': 'relu', 'use_bias': True,
            },
        },
        {
            'class_name': 'LSTM',
            'config': {
                'name': 'lstm', 'trainable': True, 'units': 6, 'activation': 'tanh', 'recurrent_activation': 'sigmoid',
                'use_bias': True, 'return_sequences': False, 'return_state': False, 'go_backwards': False,
                'stateful': False, 'unroll': False, 'unit_forget_bias': True, 'dropout': 0.0, 'recurrent_dropout': 0.0,
                'implementation': 1,
            },
        },
        {'class_name': 'Dense', 'config': {'name': 'dense', 'trainable': True, 'units': 2, 'activation': 'linear', 'use_bias': True}},
    ]
    manifest = {
        'format': 'layers-model',
        'generatedBy': 'packages/ml/scripts/models-fixtures.py from PyTorch ' + torch.__version__,
        'convertedBy': None,
        'modelTopology': {
            'class_name': 'Sequential',
            'config': {'name': 'tiny_cnn_lstm', 'layers': layers},
            'keras_version': 'tfjs-layers 4.22.0',
            'backend': 'tensor_flow.js',
        },
        'weightsManifest': [
            {'paths': ['weights.bin'], 'weights': [{'name': n, 'shape': list(w.shape), 'dtype': 'float32'} for n, w in weights]}
        ],
    }
    blob = b''.join(np.ascontiguousarray(w, dtype='<f4').tobytes() for _, w in weights)
    return manifest, blob


def main():
    os.makedirs(OUT, exist_ok=True)
    cnn = TinyCnnLstm().eval()
    lin = TinyLinear().double().eval()
    x = goog_windows(6)
    with torch.no_grad():
        y = cnn(torch.from_numpy(x)).numpy()
        y64 = lin(torch.from_numpy(x.astype(np.float64))).numpy()

    torch.onnx.export(cnn, torch.from_numpy(x[:1]), os.path.join(OUT, 'tiny-cnn-lstm.onnx'), input_names=['x'], output_names=['y'],
                      dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}}, opset_version=13)
    torch.onnx.export(lin, torch.from_numpy(x[:1].astype(np.float64)), os.path.join(OUT, 'tiny-linear-f64.onnx'), input_names=['x'],
                      output_names=['y'], dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}}, opset_version=13)

    tfjs_dir = os.path.join(OUT, 'tiny-cnn-lstm-tfjs')
    os.makedirs(tfjs_dir, exist_ok=True)
    manifest, blob = tfjs_layers_model(cnn)
    with open(os.path.join(tfjs_dir, 'model.json'), 'w') as f:
        json.dump(manifest, f, indent=1)
        f.write('\n')
    with open(os.path.join(tfjs_dir, 'weights.bin'), 'wb') as f:
        f.write(blob)

    ref = {
        'provenance': 'packages/ml/scripts/models-fixtures.py: PyTorch ' + torch.__version__ + ' outputs; inputs are windows of z-scored daily features of examples/sma-crossover/fixtures/goog.csv',
        'window': WINDOW,
        'features': FEATURES,
        'batch': int(x.shape[0]),
        # float32 inputs written as the doubles they are exactly, so that both sides read the same values
        'x': [float(v) for v in x.reshape(-1)],
        'cnnLstm': [float(v) for v in y.reshape(-1)],
        'linearF64': [float(v) for v in y64.reshape(-1)],
    }
    with open(os.path.join(OUT, 'models-reference.json'), 'w') as f:
        json.dump(ref, f, indent=1)
        f.write('\n')
    print('wrote', OUT)


if __name__ == '__main__':
    main()
