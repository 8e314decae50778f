"""Evaluate a checkpoint (an advisor run's, stripped or not, or any).

The checkpoint must fit the config's model: a missing, unexpected or
differently shaped backbone/neck/head tensor stops the test (the advisor's
tensors may be absent or extra: it is not used at test time).

Examples::

    python tools/test.py CONFIG CHECKPOINT
    bash tools/dist_test.sh CONFIG CHECKPOINT 8
    python tools/test.py CONFIG CHECKPOINT --repeatable  # any x86-64 CPU
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmadvisor.utils.checkpoint_file import (
    ADVISOR_PREFIX, CheckpointFileError, check_state_dict,
    load_checkpoint_file, state_dict_of)
from mmadvisor.utils.launch import (add_repeatable_numerics_hook,
                                    finish_distributed,
                                    init_cpu_distributed)
from mmadvisor.utils.numerics import (RepeatableNumericsError,
                                      enable_repeatable_numerics,
                                      ensure_repeatable_env)


def parse_args():
    parser = argparse.ArgumentParser(description='Evaluate a classifier')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save logs and results')
    parser.add_argument(
        '--out', help='dump the metrics to this file (.json, .yaml, .pkl)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override some settings in the used config, in xxx=yyy format')
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


def main():
    args = parse_args()
    if args.repeatable:
        # Start again in the mode's environment if needed (same process
        # id), then switch torch's paths.
        try:
            ensure_repeatable_env()
            enable_repeatable_numerics()
        except RepeatableNumericsError as err:
            raise SystemExit(f'test.py: {err}')
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.repeatable:
        add_repeatable_numerics_hook(cfg)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    try:
        checkpoint = load_checkpoint_file(args.checkpoint)
    except (FileNotFoundError, CheckpointFileError) as err:
        raise SystemExit(f'test.py: {err}')
    cfg.load_from = args.checkpoint
    if args.launcher == 'pytorch':
        init_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    # MMEngine loads non-strictly: weights of another model only log a
    # missing/unexpected-keys line and the test reports an accuracy. Every
    # backbone/neck/head tensor must fit; the advisor's may be absent (it
    # is unused at test time, e.g. a stripped checkpoint) or extra.
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
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
    if args.out:
        import mmengine
        mmengine.dump({k: float(v) for k, v in metrics.items()}, args.out)
    return metrics


if __name__ == '__main__':
    main()
