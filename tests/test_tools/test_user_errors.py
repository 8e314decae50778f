"""Mistakes a user makes through the tools: each stops with a message that
names the value, the file and the fix, or warns once (README, "What is
checked"). The tools run in this process on a tiny model (TinyNet of
conftest.py) and 200 8x8 digits: a few seconds per training."""
import glob
import importlib.util
import os
import os.path as osp
import shutil
import sys

import numpy as np
import pytest
import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
ADVISOR = osp.join(ROOT, 'configs', 'quickstart',
                   'resnet20-mfrw-mes_1xb64_digits-flip0.6.py')
CE = osp.join(ROOT, 'configs', 'quickstart',
              'resnet20-ce_1xb64_digits-flip0.6.py')

# 100 noisy training images (4 iterations of 32), 100 meta images, 40 test
# images, a tanh MLP instead of ResNet-20; a checkpoint every epoch.
TINY = '''_base_ = {base!r}
digits = dict(indices=200, img_size=8)
train_dataloader = dict(
    batch_size=32, dataset=dict(dataset=dict(dataset=digits)))
val_dataloader = dict(dataset=dict(indices=40, img_size=8))
test_dataloader = val_dataloader
model = dict(
    backbone=dict(_delete_=True, type='TinyNet', in_dim=192),
    neck=None,
    head=dict(in_channels=6))
train_cfg = dict(max_epochs=2, val_interval=1)
default_hooks = dict(
    checkpoint=dict(interval=1, max_keep_ckpts=-1), logger=dict(interval=1))
'''
META = '''optim_wrapper = dict(
    meta_dataloader=dict(batch_size=20, dataset=dict(dataset=digits)))
'''


def tiny_config(tmp_path, base=ADVISOR, extra='', name='tiny.py'):
    text = TINY.format(base=base) + (META if base == ADVISOR else '')
    path = tmp_path / name
    path.write_text(text + extra)
    return str(path)


def run_tool(script, *argv):
    """Run ``tools/<script>``'s ``main()`` in this process."""
    spec = importlib.util.spec_from_file_location(
        'tool_' + osp.basename(script)[:-3], osp.join(ROOT, 'tools', script))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    old, sys.argv = sys.argv, [script] + [str(a) for a in argv]
    try:
        return tool.main()
    finally:
        sys.argv = old


def train(*argv):
    return run_tool('train.py', *argv)


def logs(work_dir):
    text = ''
    for path in sorted(glob.glob(osp.join(str(work_dir), '*', '*.log'))):
        with open(path) as f:
            text += f.read()
    return text


def tensors(path):
    ckpt = torch.load(path, map_location='cpu', weights_only=True)
    out = dict(ckpt['state_dict'])
    for part in ('optimizer', 'meta_optimizer'):
        for idx, state in ckpt['optimizer'][part]['state'].items():
            for name, value in state.items():
                out[f'{part}/{idx}/{name}'] = value
    return out


@pytest.fixture(scope='module')
def advisor_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp('advisor')
    work_dir = tmp / 'run'
    train(tiny_config(tmp), '--work-dir', work_dir)
    return tmp, work_dir


# ----------------------------------------------------------- data loss
def test_work_dir_with_a_run_is_refused(advisor_run):
    tmp, work_dir = advisor_run
    before = {p: osp.getmtime(work_dir / p) for p in os.listdir(work_dir)}
    with pytest.raises(SystemExit, match='already holds a run .*--resume.*'
                       '--overwrite'):
        train(tiny_config(tmp), '--work-dir', work_dir)
    after = {p: osp.getmtime(work_dir / p) for p in os.listdir(work_dir)}
    assert after == before


def test_two_runs_of_a_config_without_work_dir_collide(tmp_path,
                                                       monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = tiny_config(tmp_path)
    train(config, '--cfg-options', 'train_cfg.max_epochs=1')
    first = tmp_path / 'work_dirs' / 'tiny' / 'epoch_1.pth'
    stamp = osp.getmtime(first)
    with pytest.raises(SystemExit, match='--work-dir NEW_DIR'):
        train(config, '--cfg-options', 'train_cfg.max_epochs=1',
              'optim_wrapper.optimizer.lr=0.05')
    assert osp.getmtime(first) == stamp


def test_overwrite_deletes_the_earlier_run_only(tmp_path, capsys):
    """--overwrite deletes what a run wrote, says so before it deletes,
    and keeps the user's files (the README strips the advisor into the
    work dir: classifier.pth)."""
    config = tiny_config(tmp_path)
    work_dir = tmp_path / 'run'
    train(config, '--work-dir', work_dir)
    (work_dir / 'advice').mkdir()
    (work_dir / 'advice' / 'epoch_2.npz').write_bytes(b'old run')
    run_tool('model_converters/strip_advisor.py', work_dir / 'epoch_2.pth',
             work_dir / 'classifier.pth')
    (work_dir / 'notes.txt').write_text('mine')
    capsys.readouterr()
    train(config, '--work-dir', work_dir, '--overwrite', '--cfg-options',
          'train_cfg.max_epochs=1')
    out = capsys.readouterr().out
    said = out.index('--overwrite: deleting the earlier run')
    assert 'epoch_2.pth' in out[said:].splitlines()[0]
    assert 'kept, not written by a run: classifier.pth, notes.txt' in out
    assert not (work_dir / 'advice').exists()
    assert not (work_dir / 'epoch_2.pth').exists()
    assert (work_dir / 'epoch_1.pth').exists()
    assert (work_dir / 'classifier.pth').exists()
    assert (work_dir / 'notes.txt').read_text() == 'mine'
    assert len(glob.glob(str(work_dir / '2*_*'))) == 1  # one run's logs


def test_strip_advisor_refuses_to_replace_its_input(advisor_run, tmp_path):
    _, work_dir = advisor_run
    ckpt = tmp_path / 'epoch_2.pth'
    shutil.copy(work_dir / 'epoch_2.pth', ckpt)
    with pytest.raises(SystemExit, match='is the input checkpoint'):
        run_tool('model_converters/strip_advisor.py', ckpt, ckpt)
    assert 'optimizer' in torch.load(ckpt, weights_only=True)
    run_tool('model_converters/strip_advisor.py', ckpt, tmp_path / 'c.pth')
    with pytest.raises(SystemExit, match='exists already.*--overwrite'):
        run_tool('model_converters/strip_advisor.py', ckpt,
                 tmp_path / 'c.pth')


# ------------------------------------------------------------- resume
SCHEDULE = ['param_scheduler.milestones=[3]']


@pytest.fixture(scope='module')
def interrupted(tmp_path_factory):
    """Epochs 1-2 of a run whose config then grows to 4 epochs."""
    tmp = tmp_path_factory.mktemp('interrupted')
    train(tiny_config(tmp), '--work-dir', tmp / 'run', '--cfg-options',
          *SCHEDULE, 'param_scheduler.end=2')
    return tmp


def test_resume_with_a_longer_schedule_equals_the_uninterrupted_run(
        interrupted, tmp_path):
    config = tiny_config(tmp_path)
    longer = [*SCHEDULE, 'param_scheduler.end=4', 'train_cfg.max_epochs=4']
    train(config, '--work-dir', tmp_path / 'full', '--cfg-options', *longer)
    resumed = tmp_path / 'resumed'
    shutil.copytree(interrupted / 'run', resumed)
    train(config, '--work-dir', resumed, '--resume', '--cfg-options', *longer)
    full = tensors(tmp_path / 'full' / 'epoch_4.pth')
    again = tensors(resumed / 'epoch_4.pth')
    assert full.keys() == again.keys()
    assert [k for k in full if not torch.equal(full[k], again[k])] == []
    # the milestone at epoch 3, inside the extension, fired
    lr = torch.load(resumed / 'epoch_4.pth', weights_only=True)[
        'optimizer']['optimizer']['param_groups'][0]['lr']
    assert lr == pytest.approx(0.01)
    assert 'continues on the config\'s schedule' in logs(resumed)


def test_resume_that_rewrites_the_past_schedule_stops(interrupted, tmp_path):
    resumed = tmp_path / 'resumed'
    shutil.copytree(interrupted / 'run', resumed)
    with pytest.raises(ValueError, match=r'milestones: \[3\] in the '
                       r'checkpoint, \[1\] in the config.*after 4 of the 8 '
                       'iterations.*load_from=CKPT'):
        train(tiny_config(tmp_path), '--work-dir', resumed, '--resume',
              '--cfg-options', 'param_scheduler.milestones=[1]',
              'param_scheduler.end=4', 'train_cfg.max_epochs=4')


@pytest.mark.parametrize('pointer', ['', 'gone'])
def test_resume_with_an_empty_or_stale_pointer_names_both(advisor_run,
                                                          tmp_path, pointer):
    """After a full disk: an empty (or stale) last_checkpoint beside a
    complete checkpoint. --resume names the pointer and the checkpoint to
    resume from instead (it does not pick one silently)."""
    tmp, work_dir = advisor_run
    run = tmp_path / 'run'
    shutil.copytree(work_dir, run)
    target = '' if not pointer else str(run / 'epoch_9.pth')
    (run / 'last_checkpoint').write_text(target)
    expected = ('is empty' if not pointer else
                f"names '{target}', which is missing")
    with pytest.raises(SystemExit) as err:
        train(tiny_config(tmp), '--work-dir', run, '--resume')
    message = str(err.value)
    assert f"{run / 'last_checkpoint'} {expected}" in message, message
    assert f"--resume {run / 'epoch_2.pth'}" in message, message


def test_resume_without_a_checkpoint_stops(tmp_path):
    with pytest.raises(FileNotFoundError, match='found nothing to resume '
                       'in .*empty.*drop --resume'):
        train(tiny_config(tmp_path), '--work-dir', tmp_path / 'empty',
              '--resume')
    assert not (tmp_path / 'empty' / 'epoch_1.pth').exists()


def test_resume_of_an_advisor_checkpoint_into_a_ce_config_stops(
        advisor_run, tmp_path):
    _, work_dir = advisor_run
    with pytest.raises(SystemExit, match='written by an advisor run.*'
                       "optim_wrapper.type='OptimWrapper'.*load_from=CKPT"):
        train(tiny_config(tmp_path, CE), '--work-dir', tmp_path / 'ce',
              '--resume', work_dir / 'epoch_2.pth')


# --------------------------------------------------------- checkpoints
def broken(kind, good, path):
    data = good.read_bytes()
    path.write_bytes({
        'empty': b'',
        'truncated': data[:len(data) // 2],
        'random': np.random.RandomState(0).bytes(4096)
    }[kind])
    return path


@pytest.mark.parametrize('kind', ['empty', 'truncated', 'random'])
def test_broken_checkpoints_name_the_file(advisor_run, tmp_path, kind):
    tmp, work_dir = advisor_run
    bad = broken(kind, work_dir / 'epoch_2.pth', tmp_path / f'{kind}.pth')
    with pytest.raises(SystemExit) as test_err:
        run_tool('test.py', tiny_config(tmp), bad, '--work-dir',
                 tmp_path / 'test')
    with pytest.raises(SystemExit) as train_err:
        train(tiny_config(tmp), '--work-dir', tmp_path / 'train', '--resume',
              bad)
    for err in (test_err, train_err):
        message = str(err.value)
        assert str(bad) in message and 'checkpoint' in message
        assert 'weights_only=False' not in message \
            or 'never loads' in message
    assert 'empty (0 bytes)' in message if kind == 'empty' else \
        'not a readable PyTorch checkpoint' in message


class _RunsACommand:
    """Unpickles into ``os.system(...)``: what a malicious checkpoint
    holds."""

    def __reduce__(self):
        return (os.system, ('echo the checkpoint ran a command',))


def test_a_checkpoint_that_would_run_code_is_refused(advisor_run, tmp_path,
                                                     capfd):
    tmp, work_dir = advisor_run
    checkpoint = torch.load(work_dir / 'epoch_2.pth', weights_only=False)
    checkpoint['meta']['payload'] = _RunsACommand()
    bad = tmp_path / 'malicious.pth'
    torch.save(checkpoint, bad)
    for tool, argv in (
            ('test.py', (tiny_config(tmp), bad, '--work-dir',
                         tmp_path / 'test')),
            ('train.py', (tiny_config(tmp), '--work-dir', tmp_path / 'train',
                          '--resume', bad))):
        with pytest.raises(SystemExit) as err:
            run_tool(tool, *argv)
        message = str(err.value)
        # the plug-in's explanation, with torch's reason (its wording
        # changed from "Unsupported global" to "unsupported GLOBAL")
        assert str(bad) in message and 'never loads' in message, message
        assert 'posix.system' in message or 'os.system' in message, message
    assert 'the checkpoint ran a command' not in capfd.readouterr().out


def test_test_tool_refuses_weights_of_another_model(tmp_path):
    from mmengine.config import Config
    from mmpretrain.registry import MODELS
    cfg = Config.fromfile(CE)
    cfg.model.backbone.depth = 32  # ResNet-32 weights, ResNet-20 config
    torch.save(dict(state_dict=MODELS.build(cfg.model).state_dict()),
               tmp_path / 'resnet32.pth')
    with pytest.raises(SystemExit, match='does not fit the model.*missing '
                       r'.*another shape|does not fit the model.*not in the '
                       'model'):
        run_tool('test.py', CE, tmp_path / 'resnet32.pth', '--work-dir',
                 tmp_path / 'test')


def test_test_tool_accepts_the_runs_checkpoint_stripped_or_not(
        advisor_run, tmp_path):
    tmp, work_dir = advisor_run
    run_tool('model_converters/strip_advisor.py', work_dir / 'epoch_2.pth',
             tmp_path / 'plain.pth')
    for ckpt in (work_dir / 'epoch_2.pth', tmp_path / 'plain.pth'):
        metrics = run_tool('test.py', tiny_config(tmp), ckpt, '--work-dir',
                           tmp_path / 'test')
        assert 'accuracy/top1' in metrics


def test_truncated_advice_record_names_the_file(tmp_path):
    advice = tmp_path / 'run' / 'advice'
    advice.mkdir(parents=True)
    np.savez(advice / 'epoch_1.npz', sample_idx=np.arange(50),
             pred_score=np.full((50, 3), 1 / 3))
    data = (advice / 'epoch_1.npz').read_bytes()
    (advice / 'epoch_1.npz').write_bytes(data[:len(data) // 2])
    spec = importlib.util.spec_from_file_location(
        'find_label_issues',
        osp.join(ROOT, 'tools', 'analysis_tools', 'find_label_issues.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    with pytest.raises(SystemExit, match=r'epoch_1\.npz.* truncated or '
                       'corrupt.*record the epoch again'):
        tool.main([str(tmp_path / 'run'), '--no-images'])


# ------------------------------------------------------ during training
def test_nan_loss_of_a_ce_run_stops_at_its_iteration(tmp_path):
    work_dir = tmp_path / 'run'
    with pytest.raises(FloatingPointError, match='non-finite loss at '
                       r'iteration 3 \(epoch 1\): loss=nan.*lr, now 1e\+30'):
        train(tiny_config(tmp_path, CE), '--work-dir', work_dir,
              '--cfg-options', 'optim_wrapper.optimizer.lr=1e30')
    assert not glob.glob(str(work_dir / '*.pth'))


def test_head_smaller_than_the_label_range_stops(tmp_path):
    # A training set that declares no classes (e.g. an annotation file
    # without a class list) and a head of 5 classes for labels 0..9.
    extra = '''train_dataloader = dict(dataset=dict(
    _delete_=True, type='Digits', split='train', img_size=8, indices=200,
    metainfo=dict(classes=None), pipeline=[dict(type='PackInputs')]))
model = dict(head=dict(num_classes=5), data_preprocessor=dict(num_classes=5))
'''
    with pytest.raises(ValueError, match='labels up to 9 .*num_classes=5: '
                       'set model.head.num_classes=10'):
        train(tiny_config(tmp_path, CE, extra), '--work-dir', tmp_path / 'r')


def test_meta_set_drawn_with_another_seed_stops(tmp_path):
    extra = '''optim_wrapper = dict(meta_dataloader=dict(
    dataset=dict(seed=1, dataset=digits)))
'''
    with pytest.raises(ValueError, match=r'of the 100 meta-set images are '
                       r"also training images.*MetaSplit\(split='train', "
                       r"num_per_class=10, seed=0\).*seed=1\).*tiny\.py"):
        train(tiny_config(tmp_path, extra=extra), '--work-dir',
              tmp_path / 'r')


def test_meta_batch_larger_than_the_meta_set_warns(tmp_path):
    work_dir = tmp_path / 'r'
    train(tiny_config(tmp_path), '--work-dir', work_dir, '--cfg-options',
          'optim_wrapper.meta_dataloader.batch_size=150',
          'train_cfg.max_epochs=1')
    log = logs(work_dir)
    assert log.count('meta_dataloader.batch_size=150 is larger than the '
                     'meta set (100 images): every meta batch repeats 50') \
        == 1


def test_virtual_params_prefix_that_matches_nothing_stops(tmp_path):
    with pytest.raises(ValueError, match=r"selects no trainable classifier "
                       r"parameter for the prefix\(es\) \['backbone.fc9'\]"
                       ".*'backbone.fc2'"):
        train(tiny_config(tmp_path), '--work-dir', tmp_path / 'r',
              '--cfg-options',
              "optim_wrapper.virtual_params=['head.fc','backbone.fc9']")


def test_missing_meta_optimizer_warns(tmp_path):
    work_dir = tmp_path / 'r'
    train(tiny_config(tmp_path), '--work-dir', work_dir, '--cfg-options',
          'optim_wrapper.meta_optimizer=None', 'train_cfg.max_epochs=1')
    assert "optim_wrapper has no meta_optimizer; the advisor trains with " \
        "{'type': 'Adam', 'lr': 0.0001}" in logs(work_dir)


def test_collapsing_advice_warns_once(tmp_path):
    # the check with another argument, the others kept
    extra = ("custom_hooks = [h for h in _base_.custom_hooks\n"
             "                if h.type != 'AdviceCollapseHook']\n"
             "custom_hooks.append(dict(type='AdviceCollapseHook', patience=5))\n")
    work_dir = tmp_path / 'r'
    train(tiny_config(tmp_path, extra=extra), '--work-dir', work_dir,
          '--cfg-options', 'optim_wrapper.meta_optimizer.lr=3.0')
    log = logs(work_dir)
    assert log.count('AdviceCollapseHook: at iteration') == 1
    assert 'sigmoid is saturated' in log
    assert 'lower optim_wrapper.meta_optimizer.lr (now 3), e.g. to 0.3' \
        in log


def test_advisor_on_a_model_whose_backbone_classifies_is_explained(tmp_path):
    """MMPretrain's LeNet-5 config classifies in the backbone and has a
    bare ClsHead: the advisor's head says what to set (was: "missing 2
    required positional arguments")."""
    config = tmp_path / 'lenet5_advisor.py'
    config.write_text(
        "_base_ = ['mmpretrain::lenet/lenet5_mnist.py',\n"
        "          'mmadvisor::_base_/methods/mfrw-mes.py']\n"
        "model = {{_base_.advisor_model}}\n")
    with pytest.raises(ValueError, match=r'AdvisorHead needs num_classes '
                       r'and in_channels.*backbone=dict\(num_classes=-1\)'):
        train(config, '--work-dir', tmp_path / 'run')
    # what the message says to do builds
    fixed = tmp_path / 'lenet5_advisor_fixed.py'
    fixed.write_text(
        "_base_ = './lenet5_advisor.py'\n"
        "model = dict(backbone=dict(num_classes=-1), head=dict("
        "num_classes=10, in_channels=84))\n")
    from mmengine.config import Config
    from mmpretrain.registry import MODELS
    model = MODELS.build(Config.fromfile(str(fixed)).model)
    assert model.head.advisor.feat_dim == 84


@pytest.mark.parametrize('bad,expected', [
    ('\n', 'line 3 is empty'),
    ('0/1.png\n', "line 3: '0/1.png' is not \"relative/path label\"")])
def test_custom_dataset_list_with_a_bad_line_names_file_and_line(
        tmp_path, bad, expected):
    """An empty line in a CustomDataset list: MMPretrain stops with 'not
    enough values to unpack', naming neither file nor line."""
    sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
    from image_folder import write_image_folder
    lists = write_image_folder(str(tmp_path / 'data'), per_class=2,
                               meta_per_class=1, test_per_class=1)
    lines = open(lists['train']).read().splitlines(True)
    with open(lists['train'], 'w') as f:
        f.writelines(lines[:2] + [bad] + lines[2:])
    config = tmp_path / 'own_data.py'
    config.write_text(
        f'_base_ = {CE!r}\n'
        'train_dataloader = dict(dataset=dict(_delete_=True, '
        f"type='CustomDataset', data_root={str(tmp_path / 'data')!r}, "
        "ann_file='train.txt', data_prefix='images', "
        "pipeline=[dict(type='LoadImageFromFile'), "
        "dict(type='PackInputs')]))\n")
    with pytest.raises(SystemExit) as err:
        train(config, '--work-dir', tmp_path / 'run')
    assert f'{lists["train"]}, {expected}' in str(err.value)
    assert not (tmp_path / 'run').exists()


def _own_data_config(tmp_path, lists, meta_list):
    """The tiny advisor config (TinyNet) on CustomDataset lists."""
    pipeline = ("[dict(type='LoadImageFromFile'), dict(type='Resize', "
                "scale=8), dict(type='PackInputs')]")
    data = str(tmp_path / 'data')

    def dataset(ann):
        return (f"dict(_delete_=True, type='CustomDataset', data_root={data!r}, "
                f"ann_file={ann!r}, data_prefix='images', "
                f'pipeline={pipeline})')
    return tiny_config(tmp_path, extra=(
        f'train_dataloader = dict(dataset={dataset("train.txt")})\n'
        f'optim_wrapper = dict(meta_dataloader=dict(batch_size=10, '
        f'dataset={dataset(meta_list)}))\n'
        f'val_dataloader = dict(dataset={dataset("test.txt")})\n'
        'test_dataloader = val_dataloader\n'), name='own_data.py')


def test_meta_list_whose_images_are_training_images_stops(tmp_path):
    """Two CustomDataset lists over one folder: the meta list must not name
    training images (was: trained silently; the index check compares one
    dataset's indices only)."""
    sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
    from image_folder import write_image_folder
    lists = write_image_folder(str(tmp_path / 'data'), per_class=3,
                               meta_per_class=1, test_per_class=1)
    train_lines = open(lists['train']).read().splitlines()
    # every third training line (one image per class) as the "meta" list
    overlap = [line for line in train_lines[::3]]
    (tmp_path / 'data' / 'meta_overlap.txt').write_text(
        '\n'.join(overlap) + '\n')
    config = _own_data_config(tmp_path, lists, 'meta_overlap.txt')
    with pytest.raises(ValueError, match=r'10 of the 10 meta-set images are '
                       r'also in the training set.*Training list: '
                       r'.*train\.txt; meta list: .*meta_overlap\.txt'):
        train(config, '--work-dir', tmp_path / 'run')
    assert not (tmp_path / 'run' / 'epoch_1.pth').exists()
    # the held-out list trains
    train(_own_data_config(tmp_path, lists, 'meta.txt'), '--work-dir',
          tmp_path / 'ok', '--cfg-options', 'train_cfg.max_epochs=1')
    assert (tmp_path / 'ok' / 'epoch_1.pth').exists()


@pytest.mark.parametrize('fast', [True, False])
def test_amp_on_a_cpu_without_bf16_units_warns(tmp_path, monkeypatch, fast,
                                               capfd):
    """--amp without a GPU is only fast where the CPU computes bfloat16
    natively; elsewhere the run is told (it was silently ~23x slower)."""
    from mmadvisor.utils import launch
    monkeypatch.setattr(launch, 'cpu_has_fast_bf16', lambda: fast)
    work_dir = tmp_path / 'run'
    train(tiny_config(tmp_path), '--work-dir', work_dir, '--amp',
          '--cfg-options', 'train_cfg.max_epochs=1')
    out = capfd.readouterr()
    warned = 'no native bfloat16 matrix units' in out.out + out.err
    assert warned == (not fast)
    assert (work_dir / 'epoch_1.pth').exists()


@pytest.mark.parametrize('lr,warned', [(1e-6, True), (3e-2, False)])
def test_advice_that_does_not_move_warns_once(tmp_path, lr, warned):
    """A short run at a meta lr too small for it: the advice stays at the
    sigmoid's 0.5 (a user saw advice_w_f 0.5004 -> 0.5019 and nothing
    said so)."""
    extra = "custom_hooks = [dict(type='AdviceCollapseHook', still_after=20)]\n"
    work_dir = tmp_path / 'r'
    train(tiny_config(tmp_path, extra=extra), '--work-dir', work_dir,
          '--cfg-options', f'optim_wrapper.meta_optimizer.lr={lr}',
          'train_cfg.max_epochs=5')  # 20 iterations, 20 advisor updates
    log = logs(work_dir)
    assert log.count('the advice has barely moved') == int(warned)
    if warned:
        assert 'after 20 advisor updates' in log
        assert 'meta_optimizer.lr=1e-06' in log and "this run's 20 updates" \
            in log


def test_test_tool_out_item_without_out_stops(advisor_run, tmp_path):
    tmp, work_dir = advisor_run
    with pytest.raises(SystemExit, match='--out-item says what --out '
                       'writes: give --out FILE too'):
        run_tool('test.py', tiny_config(tmp), work_dir / 'epoch_2.pth',
                 '--out-item', 'metrics')


def test_uninstalled_clone_says_to_install(tmp_path):
    """A clone on PYTHONPATH that was never pip-installed cannot resolve
    mmadvisor:: bases (MMEngine stopped at a missing
    mmadvisor/.mim/model-index.yml); the tool says to install it."""
    import subprocess
    clone = tmp_path / 'clone'
    ignore = shutil.ignore_patterns('__pycache__', '.mim')
    for name in ('mmadvisor', 'configs', 'tools'):
        shutil.copytree(osp.join(ROOT, name), clone / name, ignore=ignore)
    env = dict(os.environ, PYTHONPATH=str(clone), OMP_NUM_THREADS='1',
               PYTHONWARNINGS='ignore')
    proc = subprocess.run(
        [sys.executable, 'tools/train.py',
         'configs/custom/resnet18-mfrw-mes_1xb32_custom.py'],
        cwd=clone, env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert 'inherits an mmadvisor:: config' in proc.stderr, proc.stderr
    assert f"{clone / 'mmadvisor'}, which was never installed" in \
        proc.stderr
    assert 'pip install -r requirements.txt -e .' in proc.stderr
    assert 'Traceback' not in proc.stderr
