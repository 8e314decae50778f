# Copyright (c) mmadvisor contributors.
import json
import math

import pytest
import torch
from mmpretrain.registry import METRICS
from mmpretrain.structures import DataSample

from mmadvisor.evaluation.metrics.shot_accuracy import ShotAccuracy

# Classes 0, 1 many-shot (>100); 2, 3 medium (20 and 100 are medium);
# 4 few (<20).
COUNTS = [500, 101, 100, 20, 19]


def samples(preds, labels, num_classes=5, as_scores=True):
    out = []
    for p, y in zip(preds, labels):
        ds = DataSample().set_gt_label(y)
        if as_scores:
            ds.set_pred_score(torch.eye(num_classes)[p] * 0.9 + 0.02)
        else:
            ds.set_pred_label(p)
        out.append(ds.to_dict())
    return out


def evaluate(metric, preds, labels, **kwargs):
    metric.process(None, samples(preds, labels, **kwargs))
    return metric.evaluate(len(labels))


def test_by_hand():
    # label:   0 0 1 1 | 2 2 3 | 4 4 4
    # correct: 1 0 1 1 | 0 0 1 | 1 0 0
    labels = [0, 0, 1, 1, 2, 2, 3, 4, 4, 4]
    preds = [0, 1, 1, 1, 0, 3, 3, 4, 0, 1]
    metric = METRICS.build(dict(type='ShotAccuracy', class_counts=COUNTS))
    res = evaluate(metric, preds, labels)
    assert set(res) == {'shot/top1', 'shot/many', 'shot/medium', 'shot/few'}
    assert res['shot/top1'] == pytest.approx(50.0)
    # many: mean(class 0: 1/2, class 1: 2/2) = 75; medium: mean(0, 1) = 50.
    assert res['shot/many'] == pytest.approx(75.0)
    assert res['shot/medium'] == pytest.approx(50.0)
    assert res['shot/few'] == pytest.approx(100 / 3)
    # pred_label instead of pred_score gives the same numbers.
    metric = ShotAccuracy(class_counts=COUNTS)
    assert evaluate(metric, preds, labels, as_scores=False) == res


def test_counts_from_files_and_empty_group(tmp_path):
    path = tmp_path / 'counts.json'
    path.write_text(json.dumps({'class_counts': COUNTS}))
    metric = ShotAccuracy(class_counts=str(path), prefix='lt')
    res = evaluate(metric, [0, 1], [0, 0])
    assert res['lt/top1'] == 50.0 and res['lt/many'] == 50.0
    assert math.isnan(res['lt/medium']) and math.isnan(res['lt/few'])

    txt = tmp_path / 'counts.txt'
    txt.write_text('\n'.join(map(str, COUNTS)))
    assert ShotAccuracy(class_counts=str(txt)).class_counts.tolist() == COUNTS


def test_errors(tmp_path):
    metric = ShotAccuracy(class_counts=[5, 5])
    metric.process(None, samples([0], [4]))
    with pytest.raises(ValueError, match='label 4 has no entry'):
        metric.evaluate(1)
    with pytest.raises(FileNotFoundError, match='nope.json'):
        ShotAccuracy(class_counts=str(tmp_path / 'nope.json'))
    with pytest.raises(ValueError, match='non-negative integers'):
        ShotAccuracy(class_counts=[1.5, 2])
