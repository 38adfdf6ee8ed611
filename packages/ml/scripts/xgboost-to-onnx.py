#!/usr/bin/python3
"""Converts an XGBoost model saved as JSON (booster.save_model('model.json'), XGBoost 1.7) into an ONNX
model whose `ai.onnx.ml` TreeEnsembleRegressor node is written here with onnx.helper (onnxmltools is not
needed).

    /usr/bin/python3 packages/ml/scripts/xgboost-to-onnx.py model.json model.onnx

The graph: input `input` float[N, F] -> TreeEnsembleRegressor (the raw margin: base_score, then the trees)
-> the objective's transform -> output `output` float[N, K]:

- Splits are XGBoost's `x < split_condition` (BRANCH_LT on float32 values, as XGBoost compares them);
  a missing value (NaN) follows the node's default direction (nodes_missing_value_tracks_true).
- base_score is stored in the objective's output space; the margin added to every row is its inverse
  link, computed in float32 as XGBoost does: logit for binary:logistic and reg:logistic, log for
  count:poisson, reg:gamma, reg:tweedie, survival:cox and survival:aft, identity otherwise.
- Transform: Sigmoid (binary:logistic, reg:logistic), Softmax over classes (multi:softprob), ArgMax as
  float (multi:softmax), Exp (the log-link objectives), margin > 0 as 1 or 0 (binary:hinge), none else.
- Trees of class k (tree_info) add to output column k; DART tree weights (weight_drop) scale the leaves.
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

IDENTITY = ('reg:squarederror', 'reg:squaredlogerror', 'reg:pseudohubererror', 'reg:absoluteerror',
            'binary:logitraw', 'rank:pairwise', 'rank:ndcg', 'rank:map')
LOGISTIC = ('binary:logistic', 'reg:logistic')
LOG_LINK = ('count:poisson', 'reg:gamma', 'reg:tweedie', 'survival:cox', 'survival:aft')
MULTI = ('multi:softprob', 'multi:softmax')


def base_margin(objective, base_score):
    b = np.float32(base_score)
    if objective in LOGISTIC:
        return float(np.float32(-np.log(np.float32(1.0) / b - np.float32(1.0))))
    if objective in LOG_LINK:
        return float(np.float32(np.log(b)))
    return float(b)


def convert(model):
    learner = model['learner']
    objective = learner['objective']['name']
    if objective not in IDENTITY + LOGISTIC + LOG_LINK + MULTI + ('binary:hinge',):
        raise ValueError(f'objective {objective!r} is not supported')
    booster = learner['gradient_booster']
    weights = None
    if booster['name'] == 'dart':
        weights = booster['weight_drop']
        booster = booster['gbtree']
    elif booster['name'] != 'gbtree':
        raise ValueError(f"booster {booster['name']!r} is not supported (gbtree and dart are)")
    param = learner['learner_model_param']
    num_feature = int(param['num_feature'])
    num_class = max(1, int(param['num_class']))
    margin = base_margin(objective, float(param['base_score']))
    trees = booster['model']['trees']
    tree_info = booster['model']['tree_info']

    n = dict(treeids=[], nodeids=[], featureids=[], values=[], modes=[], trueids=[], falseids=[], missing_true=[])
    t = dict(treeids=[], nodeids=[], ids=[], weights=[])
    # XGBoost starts each row at the base margin and adds the trees in order, in float32; ONNX Runtime
    # adds base_values after the trees. A first tree that is one leaf per class holding the base margin
    # (and base_values of 0) keeps XGBoost's order of additions.
    n['treeids'].append(0)
    n['nodeids'].append(0)
    n['featureids'].append(0)
    n['values'].append(0.0)
    n['modes'].append('LEAF')
    n['trueids'].append(0)
    n['falseids'].append(0)
    n['missing_true'].append(0)
    for k in range(num_class):
        t['treeids'].append(0)
        t['nodeids'].append(0)
        t['ids'].append(k)
        t['weights'].append(margin)
    for position, tree in enumerate(trees):
        tree_id = position + 1
        if any(int(s) != 0 for s in tree.get('split_type', [])):
            raise ValueError(f'tree {position}: categorical splits are not supported')
        left, right = tree['left_children'], tree['right_children']
        cond, index, default_left = tree['split_conditions'], tree['split_indices'], tree['default_left']
        scale = 1.0 if weights is None else float(weights[position])
        for node in range(len(left)):
            n['treeids'].append(tree_id)
            n['nodeids'].append(node)
            if left[node] == -1:
                n['featureids'].append(0)
                n['values'].append(0.0)
                n['modes'].append('LEAF')
                n['trueids'].append(0)
                n['falseids'].append(0)
                n['missing_true'].append(0)
                t['treeids'].append(tree_id)
                t['nodeids'].append(node)
                t['ids'].append(int(tree_info[position]))
                # DART scales each leaf in float32, as its predictor does.
                t['weights'].append(float(np.float32(cond[node]) * np.float32(scale)))
            else:
                n['featureids'].append(int(index[node]))
                n['values'].append(float(np.float32(cond[node])))
                n['modes'].append('BRANCH_LT')
                n['trueids'].append(int(left[node]))
                n['falseids'].append(int(right[node]))
                n['missing_true'].append(int(default_left[node]))

    ensemble = helper.make_node(
        'TreeEnsembleRegressor', ['input'], ['margin'], domain='ai.onnx.ml', name='trees',
        n_targets=num_class, aggregate_function='SUM', post_transform='NONE',
        base_values=[0.0] * num_class,
        nodes_treeids=n['treeids'], nodes_nodeids=n['nodeids'], nodes_featureids=n['featureids'],
        nodes_values=n['values'], nodes_modes=n['modes'], nodes_truenodeids=n['trueids'],
        nodes_falsenodeids=n['falseids'], nodes_missing_value_tracks_true=n['missing_true'],
        nodes_hitrates=[1.0] * len(n['treeids']),
        target_treeids=t['treeids'], target_nodeids=t['nodeids'], target_ids=t['ids'], target_weights=t['weights'])
    nodes = [ensemble]
    initializers = []
    if objective in LOGISTIC:
        nodes.append(helper.make_node('Sigmoid', ['margin'], ['output']))
    elif objective == 'multi:softprob':
        nodes.append(helper.make_node('Softmax', ['margin'], ['output'], axis=1))
    elif objective == 'multi:softmax':
        nodes.append(helper.make_node('ArgMax', ['margin'], ['class'], axis=1, keepdims=1))
        nodes.append(helper.make_node('Cast', ['class'], ['output'], to=TensorProto.FLOAT))
    elif objective in LOG_LINK:
        nodes.append(helper.make_node('Exp', ['margin'], ['output']))
    elif objective == 'binary:hinge':
        initializers.append(helper.make_tensor('zero', TensorProto.FLOAT, [], [0.0]))
        nodes.append(helper.make_node('Greater', ['margin', 'zero'], ['positive']))
        nodes.append(helper.make_node('Cast', ['positive'], ['output'], to=TensorProto.FLOAT))
    else:
        nodes.append(helper.make_node('Identity', ['margin'], ['output']))
    out_width = 1 if objective == 'multi:softmax' else num_class
    graph = helper.make_graph(
        nodes, 'xgboost',
        [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['N', num_feature])],
        [helper.make_tensor_value_info('output', TensorProto.FLOAT, ['N', out_width])],
        initializer=initializers)
    onnx_model = helper.make_model(
        graph, producer_name='rxtrade xgboost-to-onnx.py',
        opset_imports=[helper.make_opsetid('', 15), helper.make_opsetid('ai.onnx.ml', 3)])
    onnx_model.ir_version = 8
    helper.set_model_props(onnx_model, {'objective': objective, 'xgboost_version': '.'.join(map(str, model['version']))})
    onnx.checker.check_model(onnx_model)
    return onnx_model


def main(argv):
    if len(argv) != 3:
        raise SystemExit('usage: xgboost-to-onnx.py model.json model.onnx')
    with open(argv[1]) as f:
        model = json.load(f)
    onnx.save(convert(model), argv[2])


if __name__ == '__main__':
    main(sys.argv)
