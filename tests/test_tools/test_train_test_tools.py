"""End to end: tools/train.py, resume, strip, stock-MMPretrain inference."""
import os
import os.path as osp
import re
import subprocess
import sys

import numpy as np
import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs', 'quickstart',
                  'resnet20-mfrw-mes_1xb64_digits-flip0.6.py')

# A stock MMPretrain backbone (ResNet-18 with 16 base channels) on a 200
# image subset of digits: a few seconds per epoch.
TINY = [
    'model.backbone.type=ResNet', 'model.backbone.depth=18',
    'model.backbone.stem_channels=16', 'model.backbone.base_channels=16',
    'model.head.in_channels=128',
    'train_dataloader.dataset.dataset.dataset.indices=200',
    'optim_wrapper.meta_dataloader.dataset.dataset.indices=200',
    'train_dataloader.batch_size=32', 'optim_wrapper.meta_dataloader.'
    'batch_size=16', 'test_dataloader.dataset.indices=64',
    'val_dataloader.dataset.indices=64', 'train_cfg.val_interval=1',
    'default_hooks.checkpoint.interval=1',
    'default_hooks.checkpoint.max_keep_ckpts=10',
    'default_hooks.logger.interval=1'
]


def run(args, **kwargs):
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    proc = subprocess.run([sys.executable] + args, cwd=ROOT, env=env,
                          capture_output=True, text=True, **kwargs)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def train(work_dir, *extra):
    return run(['tools/train.py', CONFIG, '--work-dir', str(work_dir),
                '--cfg-options', *TINY, *extra])


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('run')
    proc = train(work_dir, 'train_cfg.max_epochs=4',
                 'param_scheduler.milestones=[2,3]', 'param_scheduler.end=4')
    return work_dir, proc


def test_train_logs_meta_step_and_saves_generated(trained):
    work_dir, proc = trained
    log = proc.stdout + proc.stderr
    assert 'loss_meta' in log and 'meta_lr' in log and 'eta' in log
    assert osp.exists(work_dir / 'epoch_4.pth')
    generated = sorted(os.listdir(work_dir / 'generated'))
    assert any('LabelNoiseDataset' in f and f.endswith('.npz')
               for f in generated)
    assert any(f.startswith('meta_') and 'MetaSplit' in f for f in generated)
    noise = np.load(work_dir / 'generated' /
                    'train_0_LabelNoiseDataset.npz')
    flags = noise['noise_flags']
    # 200 images - 10 per class for the meta set = 100; Flip p = 0.6.
    assert len(flags) == 100
    assert 0.4 < flags.mean() < 0.8


def test_resume_restores_everything(trained, tmp_path):
    work_dir, _ = trained
    train(tmp_path, 'train_cfg.max_epochs=2',
          'param_scheduler.milestones=[2,3]', 'param_scheduler.end=4')
    run(['tools/train.py', CONFIG, '--work-dir', str(tmp_path), '--resume',
         str(tmp_path / 'epoch_2.pth'), '--cfg-options', *TINY,
         'train_cfg.max_epochs=4', 'param_scheduler.milestones=[2,3]',
         'param_scheduler.end=4'])
    full = torch.load(work_dir / 'epoch_4.pth', weights_only=True)
    resumed = torch.load(tmp_path / 'epoch_4.pth', weights_only=True)
    for key, value in full['state_dict'].items():
        assert torch.equal(value, resumed['state_dict'][key]), key
    assert any(k.startswith('head.advisor.') for k in full['state_dict'])
    opt_full, opt_res = full['optimizer'], resumed['optimizer']
    assert opt_full['meta_consumed'] == opt_res['meta_consumed'] > 0
    assert opt_full['num_steps'] == opt_res['num_steps']
    assert torch.equal(opt_full['beta_rng'], opt_res['beta_rng'])
    for part in ('optimizer', 'meta_optimizer'):
        for idx, state in opt_full[part]['state'].items():
            for name, tensor in state.items():
                if torch.is_tensor(tensor):
                    assert torch.equal(
                        tensor, opt_res[part]['state'][idx][name]), (part,
                                                                     name)


STOCK_INFERENCE = r'''
import sys, json, numpy as np, torch
from mmengine.config import Config
from mmpretrain.apis import get_model
cfg = dict(
    type='ImageClassifier',
    data_preprocessor=dict(num_classes=10, mean=[77.8] * 3, std=[95.9] * 3),
    backbone=dict(type='ResNet', depth=18, stem_channels=16,
                  base_channels=16),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=10, in_channels=128))
model = get_model(Config(dict(model=cfg)), pretrained=sys.argv[1])
model.eval()
assert 'mmadvisor' not in sys.modules
x = torch.from_numpy(np.load(sys.argv[2]))
with torch.no_grad():
    logits = model(model.data_preprocessor(dict(inputs=list(x)))['inputs'],
                   mode='tensor')
np.save(sys.argv[3], logits.numpy())
'''


def test_stripped_checkpoint_runs_in_stock_mmpretrain(trained, tmp_path):
    from mmengine.config import Config
    from mmengine.runner import load_checkpoint
    from mmpretrain.registry import MODELS
    work_dir, _ = trained
    ckpt = work_dir / 'epoch_4.pth'
    stripped = tmp_path / 'classifier.pth'
    proc = run(['tools/model_converters/strip_advisor.py', str(ckpt),
                str(stripped)])
    assert 'removed' in proc.stdout
    state = torch.load(stripped, weights_only=True)
    assert not any('advisor' in k for k in state['state_dict'])
    assert 'optimizer' not in state

    images = np.random.RandomState(0).randint(
        0, 255, (5, 3, 16, 16)).astype(np.uint8)
    np.save(tmp_path / 'x.npy', images)
    script = tmp_path / 'stock.py'
    script.write_text(STOCK_INFERENCE)
    run([str(script), str(stripped), str(tmp_path / 'x.npy'),
         str(tmp_path / 'stock.npy')])

    cfg = Config.fromfile(CONFIG)
    cfg.merge_from_dict(
        dict(x.split('=', 1) for x in TINY if x.startswith('model.')))
    cfg.model.backbone.stem_channels = 16
    cfg.model.backbone.base_channels = 16
    cfg.model.backbone.depth = 18
    cfg.model.head.in_channels = 128
    cfg.model.backbone.type = 'ResNet'
    model = MODELS.build(cfg.model)
    load_checkpoint(model, str(ckpt), map_location='cpu')
    model.eval()
    with torch.no_grad():
        ours = model(model.data_preprocessor(
            dict(inputs=list(torch.from_numpy(images))))['inputs'],
                     mode='tensor')
    stock = np.load(tmp_path / 'stock.npy')
    assert np.allclose(stock, ours.numpy(), atol=1e-6)
    # A trained model, not an untouched initialisation.
    assert np.abs(stock).max() > 0.1


def test_test_tool_evaluates(trained, tmp_path):
    """--out FILE --out-item metrics: the metrics, as MMPretrain's."""
    work_dir, _ = trained
    out = tmp_path / 'metrics.json'
    run(['tools/test.py', CONFIG, str(work_dir / 'epoch_4.pth'),
         '--work-dir', str(tmp_path), '--out', str(out), '--out-item',
         'metrics', '--cfg-options', *TINY])
    import glob
    import json
    metrics = json.loads(out.read_text())
    # the same weights on the same split (validation = the digits test
    # split): the top-1 that training logged after epoch 4
    (log, ) = glob.glob(str(work_dir / '*' / 'vis_data' / 'scalars.json'))
    logged = [json.loads(line) for line in open(log)]
    (val, ) = [r for r in logged if 'accuracy/top1' in r and r['step'] == 4]
    assert metrics['accuracy/top1'] == pytest.approx(val['accuracy/top1'])


def test_test_tool_writes_predictions_as_mmpretrains(tmp_path):
    """--out FILE alone: every sample's prediction (MMPretrain's default,
    MMEngine's DumpResults), whose accuracy is the metric's; --show-dir
    draws them; --tta (flip) evaluates the same checkpoint, loaded into
    the model inside the TTA wrapper."""
    import glob
    import pickle
    work_dir = tmp_path / 'run'
    train(work_dir, 'train_cfg.max_epochs=1')
    out = tmp_path / 'preds.pkl'
    proc = run(['tools/test.py', CONFIG, str(work_dir / 'epoch_1.pth'),
                '--work-dir', str(tmp_path / 'w'), '--out', str(out),
                '--show-dir', str(tmp_path / 'drawn'), '--interval', '8',
                '--cfg-options', *TINY])
    with open(out, 'rb') as f:
        preds = pickle.load(f)
    test_size = int(dict(o.split('=') for o in TINY)[
        'test_dataloader.dataset.indices'])
    assert len(preds) == test_size
    assert {'pred_label', 'pred_score', 'gt_label'} <= set(preds[0])
    correct = sum(int(p['pred_label']) == int(p['gt_label']) for p in preds)
    top1 = float(re.search(r'accuracy/top1: ([\d.]+)', proc.stdout +
                           proc.stderr).group(1))
    assert 100 * correct / test_size == pytest.approx(top1, abs=0.01)
    drawn = glob.glob(str(tmp_path / 'drawn' / '*.png'))
    assert len(drawn) == -(-test_size // 8)
    tta = run(['tools/test.py', CONFIG, str(work_dir / 'epoch_1.pth'),
               '--work-dir', str(tmp_path / 't'), '--tta', '--out',
               str(tmp_path / 'tta.pkl'), '--cfg-options', *TINY])
    log = tta.stdout + tta.stderr
    # the checkpoint's names reached the model's (module.* inside the TTA
    # wrapper): no missing or unexpected key
    assert 'Load checkpoint from' in log
    assert 'missing keys' not in log and 'unexpected key' not in log
    with open(tmp_path / 'tta.pkl', 'rb') as f:
        tta_preds = pickle.load(f)
    # the mean over the image and its flip: other scores than the image's
    # alone, of the same trained model
    plain = torch.stack([p['pred_score'] for p in preds])
    flip = torch.stack([p['pred_score'] for p in tta_preds])
    assert not torch.allclose(plain, flip)
    assert (plain.argmax(1) == flip.argmax(1)).float().mean() > 0.5


def test_bad_config_values_fail_clearly(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', CONFIG, '--work-dir',
         str(tmp_path), '--cfg-options', *TINY,
         'train_dataloader.dataset.noise_ratio=1.5'],
        cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert 'noise_ratio=1.5' in proc.stderr


def test_amp_flag_trains_the_meta_step_in_bf16(tmp_path):
    proc = run(
        ['tools/train.py', CONFIG, '--work-dir', str(tmp_path), '--amp',
         '--cfg-options', *TINY, 'train_cfg.max_epochs=1'])
    log = proc.stdout + proc.stderr
    assert "amp=True" in log and 'MetaOptimWrapper' in log
    losses = [float(x) for x in re.findall(r' loss: ([-\d.e+naif]+)', log)]
    assert losses and all(np.isfinite(losses))
