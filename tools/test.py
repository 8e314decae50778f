"""Evaluate a checkpoint (an advisor run's, stripped or not, or any).

The flags are MMPretrain's ``tools/test.py`` flags, with its meaning:
``--out FILE`` writes the per-sample predictions (``--out-item pred``, the
default; MMEngine's ``DumpResults``, a pickle) or the metrics
(``--out-item metrics``: ``.json``, ``.yaml`` or ``.pkl``); ``--show-dir``
/ ``--show`` draw the predictions (MMPretrain's ``VisualizationHook``);
``--tta`` tests with flip test-time augmentation (or the config's
``tta_model`` / ``tta_pipeline``); ``--amp``, ``--no-pin-memory``. Plus
``--repeatable``. What this tool adds: the checkpoint must fit the
config's model: a missing, unexpected or differently shaped
backbone/neck/head tensor stops the test (the advisor's tensors may be
absent or extra: it is not used at test time), and it is read with
``weights_only=True`` only.

Examples::

    python tools/test.py CONFIG CHECKPOINT
    python tools/test.py CONFIG CHECKPOINT --out preds.pkl  # per sample
    python tools/test.py CONFIG CHECKPOINT --out metrics.json --out-item metrics
    bash tools/dist_test.sh CONFIG CHECKPOINT 8
    python tools/test.py CONFIG CHECKPOINT --repeatable  # any x86-64 CPU
"""
import argparse
import os
import os.path as osp
from copy import deepcopy

from mmengine.config import Config, ConfigDict, DictAction
from mmengine.evaluator import DumpResults
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmadvisor.utils.checkpoint_file import (
    ADVISOR_PREFIX, CheckpointFileError, check_state_dict,
    load_checkpoint_file, state_dict_of)
from mmadvisor.utils.launch import (add_repeatable_numerics_hook,
                                    load_config,
                                    finish_distributed,
                                    init_cpu_distributed)
from mmadvisor.utils.numerics import start_repeatable


def parse_args():
    parser = argparse.ArgumentParser(description='Evaluate a classifier')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save logs and results')
    parser.add_argument(
        '--out', help='write the predictions (default) or the metrics '
        '(--out-item metrics) to this file')
    parser.add_argument(
        '--out-item',
        choices=['metrics', 'pred'],
        help="what --out holds: 'pred', every sample's prediction (the "
        "default, MMEngine's DumpResults, a pickle), or 'metrics'")
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override some settings in the used config, in xxx=yyy format')
    parser.add_argument(
        '--amp', action='store_true',
        help='test with automatic mixed precision (test_cfg.fp16)')
    parser.add_argument(
        '--show-dir',
        help='save the images with their predictions drawn in this dir')
    parser.add_argument(
        '--show', action='store_true',
        help='display the images with their predictions in a window')
    parser.add_argument(
        '--interval', type=int, default=1,
        help='draw every INTERVAL-th sample')
    parser.add_argument(
        '--wait-time', type=float, default=2,
        help='seconds each window stays (--show)')
    parser.add_argument(
        '--no-pin-memory', action='store_true',
        help='do not pin the test loader\'s memory')
    parser.add_argument(
        '--tta', action='store_true',
        help='test-time augmentation: the config\'s tta_model and '
        'tta_pipeline, else the mean class score over the image and its '
        'horizontal flip')
    parser.add_argument(
        '--repeatable',
        action='store_true',
        help='evaluate with the numerics every x86-64 CPU repeats bit for '
        'bit (as train.py --repeatable; see README, "Repeatable numerics")')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args) -> Config:
    """Merge the command line into the config, as MMPretrain's test.py
    does (plus ``--repeatable``), but ``--cfg-options`` first: with
    ``--tta`` the model is wrapped, and ``model.*`` options still mean the
    config's model."""
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        cfg.test_cfg.fp16 = True
    if args.show or args.show_dir is not None:
        hook = cfg.get('default_hooks', {}).get('visualization')
        if hook is None:
            raise SystemExit(
                'test.py: --show/--show-dir draw with the config\'s '
                'default_hooks.visualization, which it lacks: add '
                "default_hooks = dict(visualization=dict(type='"
                "VisualizationHook', enable=False)) (MMPretrain's "
                'default_runtime.py has it).')
        hook.update(enable=True, show=args.show, wait_time=args.wait_time,
                    out_dir=args.show_dir, interval=args.interval)
    if args.tta:
        if 'tta_model' not in cfg:
            cfg.tta_model = dict(type='mmpretrain.AverageClsScoreTTA')
        if 'tta_pipeline' not in cfg:
            pipeline = cfg.test_dataloader.dataset.pipeline
            cfg.tta_pipeline = deepcopy(pipeline)
            cfg.tta_pipeline[-1] = dict(
                type='TestTimeAug',
                transforms=[[dict(type='RandomFlip', prob=1.),
                             dict(type='RandomFlip', prob=0.)],
                            [pipeline[-1]]])
        cfg.model = ConfigDict(**cfg.tta_model, module=cfg.model)
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
    if cfg.get('test_dataloader') is not None:
        loader = ConfigDict(pin_memory=True,
                            collate_fn=dict(type='default_collate'))
        loader.update(cfg.test_dataloader)
        if args.no_pin_memory:
            loader.pin_memory = False
        cfg.test_dataloader = loader
    if args.repeatable:
        add_repeatable_numerics_hook(cfg)
    return cfg


def main():
    args = parse_args()
    if args.repeatable:
        start_repeatable('test.py')
    if args.out is None and args.out_item is not None:
        raise SystemExit('test.py: --out-item says what --out writes: give '
                         '--out FILE too.')
    cfg = merge_args(load_config(args.config), args)
    try:
        checkpoint = load_checkpoint_file(args.checkpoint)
    except (FileNotFoundError, CheckpointFileError) as err:
        raise SystemExit(f'test.py: {err}')
    cfg.load_from = args.checkpoint
    if args.launcher == 'pytorch':
        init_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    if args.out and args.out_item in ('pred', None):
        runner.test_evaluator.metrics.append(
            DumpResults(out_file_path=args.out))
    # MMEngine loads non-strictly: weights of another model only log a
    # missing/unexpected-keys line and the test reports an accuracy. Every
    # backbone/neck/head tensor must fit; the advisor's may be absent (it
    # is unused at test time, e.g. a stripped checkpoint) or extra.
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    if args.tta:  # the classifier inside the TTA model
        model = model.module
    try:
        check_state_dict(
            model, state_dict_of(checkpoint, args.checkpoint),
            args.checkpoint, ignore=(ADVISOR_PREFIX, ),
            written_by=checkpoint.get('meta', {}).get('experiment_name'))
    except CheckpointFileError as err:
        raise SystemExit(f'test.py: {err}')
    del checkpoint
    metrics = runner.test()
    finish_distributed()
    if args.out and args.out_item == 'metrics':
        import mmengine
        mmengine.dump({k: float(v) for k, v in metrics.items()}, args.out)
    return metrics


if __name__ == '__main__':
    main()
