# Copyright (c) mmadvisor contributors.
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.optim import OptimWrapper
from mmengine.runner import Runner
from torch.utils.data import DataLoader

import mmadvisor.engine.hooks.dump_generated_hook as hook_module
from mmadvisor.datasets import MetaSplit, load_dump
from mmadvisor.engine.hooks import DumpGeneratedHook

DIGITS = dict(type='Digits', split='train', img_size=8,
              pipeline=[dict(type='PackInputs')])


class TinyModel(BaseModel):

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3 * 8 * 8, 10)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        logits = self.fc(torch.stack(inputs).float().flatten(1) / 255)
        if mode == 'loss':
            labels = torch.cat([s.gt_label for s in data_samples])
            return dict(loss=F.cross_entropy(logits, labels))
        return logits


def make_runner(tmp_path):
    model = TinyModel()
    optim_wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.1))
    # the meta optim wrapper of mmadvisor exposes its meta set this way
    meta_set = MetaSplit(dict(type='Digits', split='train', img_size=8,
                              pipeline=[dict(type='PackInputs')]),
                         split='meta', num_per_class=5)
    optim_wrapper.meta_dataloader = DataLoader(
        meta_set, batch_size=4, collate_fn=lambda x: x)
    train_set = dict(
        type='LabelNoiseDataset', noise_type='flip2', noise_ratio=0.4,
        dataset=dict(type='MetaSplit', split='train', num_per_class=5,
                     dataset=DIGITS))
    return Runner(
        model=model,
        work_dir=str(tmp_path),
        train_dataloader=dict(
            dataset=train_set,
            sampler=dict(type='DefaultSampler', shuffle=True),
            batch_size=8,
            num_workers=0),
        optim_wrapper=optim_wrapper,
        train_cfg=dict(by_epoch=False, max_iters=1),
        default_hooks=dict(checkpoint=None),
        custom_hooks=[dict(type='DumpGeneratedHook')],
        default_scope='mmpretrain',
        experiment_name=f'dump_hook_{id(tmp_path)}')


def test_hook_dumps_in_real_runner(tmp_path):
    runner = make_runner(tmp_path)
    runner.train()
    out = tmp_path / 'generated'
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(f'{p}.{ext}' for p in [
        'train_0_LabelNoiseDataset', 'train_1_MetaSplit', 'meta_0_MetaSplit'
    ] for ext in ('npz', 'json'))
    noise = runner.train_dataloader.dataset
    rec = load_dump(str(out / 'train_0_LabelNoiseDataset'))
    np.testing.assert_array_equal(rec['arrays']['noisy_labels'],
                                  noise.noisy_labels)
    assert rec['config']['noise_type'] == 'flip2'
    train_split = load_dump(str(out / 'train_1_MetaSplit'))
    meta_split = load_dump(str(out / 'meta_0_MetaSplit'))
    # both sides of the meta split agree
    np.testing.assert_array_equal(train_split['arrays']['meta_indices'],
                                  meta_split['arrays']['meta_indices'])
    assert meta_split['config']['split'] == 'meta'


def test_only_main_process_writes(tmp_path, monkeypatch):
    runner = make_runner(tmp_path)
    monkeypatch.setattr(hook_module, 'is_main_process', lambda: False)
    DumpGeneratedHook().before_train(runner)
    assert not (tmp_path / 'generated').exists()
    monkeypatch.setattr(hook_module, 'is_main_process', lambda: True)
    DumpGeneratedHook(out_dir=str(tmp_path / 'elsewhere')).before_train(runner)
    assert (tmp_path / 'elsewhere' / 'train_0_LabelNoiseDataset.npz').is_file()
