"""Train a classifier (with or without an advisor) from a config.

The flags are MMPretrain's ``tools/train.py`` flags, plus ``--overwrite``,
``--dist-timeout`` and ``--repeatable``. Examples::

    python tools/train.py configs/quickstart/resnet20-mfrw-mes_1xb64_digits-flip0.6.py
    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
    bash tools/dist_train.sh CONFIG 8 --amp
    python tools/train.py CONFIG --repeatable  # same weights on any x86-64 CPU
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmadvisor.datasets.annotation_io import check_custom_ann_files
from mmadvisor.utils.checkpoint_file import (
    CheckpointFileError, check_state_dict, load_checkpoint_file,
    state_dict_of)
from mmadvisor.utils.dist_progress import explain_failure
from mmadvisor.utils.launch import (META_WRAPPERS,
                                    add_repeatable_numerics_hook, apply_amp,
                                    load_config,
                                    dist_timeout, finish_distributed,
                                    init_cpu_distributed, launch_rank)
from mmadvisor.utils.numerics import start_repeatable
from mmadvisor.utils.work_dir import (RUN_CHECKPOINT, WorkDirError,  # noqa
                                      check_work_dir)

#: What stops a run before it starts: printed without a traceback. (A
#: missing file stays a FileNotFoundError.)
USER_ERRORS = (WorkDirError, CheckpointFileError, ValueError)


def parse_args():
    parser = argparse.ArgumentParser(description='Train a classifier')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='continue the run of the work dir: from this checkpoint, or '
        'without a path from the one WORK_DIR/last_checkpoint names (stops '
        'if there is none). The learning-rate schedule follows the config '
        'where it agrees with the checkpoint up to the resume point; see '
        'README, "What is checked".')
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='delete the earlier run in the work dir (checkpoints, logs, '
        'generated/, advice/) before training; without it a work dir that '
        'holds a run is refused unless --resume is given')
    parser.add_argument(
        '--dist-timeout',
        type=float,
        metavar='SECONDS',
        help='how long a rank waits in a collective for the others before '
        'the run stops with a message naming the rank that stopped '
        'answering (env_cfg.dist_cfg.timeout; torch default: 1800)')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='enable automatic-mixed-precision training (with an advisor: '
        'the meta step runs under autocast, bf16 where available)')
    parser.add_argument(
        '--repeatable',
        action='store_true',
        help='train with the numerics every x86-64 CPU repeats bit for bit '
        '(ATen scalar kernels, MKL_CBWR=COMPATIBLE, oneDNN and NNPACK off, '
        'one thread; 1.5-3x the time): the process starts again in that '
        'environment if needed; see README, "Repeatable numerics"')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='whether not to evaluate the checkpoint during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='whether to auto scale the learning rate according to the '
        'actual batch size and the original batch size.')
    parser.add_argument(
        '--no-pin-memory',
        action='store_true',
        help='whether to disable the pin_memory option in dataloaders.')
    parser.add_argument(
        '--no-persistent-workers',
        action='store_true',
        help='whether to disable the persistent_workers option in '
        'dataloaders.')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override some settings in the used config, the key-value pair '
        'in xxx=yyy format will be merged into config file. If the value to '
        'be overwritten is a list, it should be like key="[a,b]" or key=a,b '
        'It also allows nested list/tuple values, e.g. key="[(a,b),(c,d)]" '
        'Note that the quotation marks are necessary and that no white space '
        'is allowed.')
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
    """Merge CLI arguments into the config (as MMPretrain does)."""
    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        apply_amp(cfg)
    if args.repeatable:
        add_repeatable_numerics_hook(cfg)
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if args.dist_timeout is not None:
        cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
        cfg.env_cfg.dist_cfg.timeout = args.dist_timeout

    # The meta set's loader lives in the optim wrapper of advisor configs.
    loaders = [cfg.get(field) for field in
               ('train_dataloader', 'val_dataloader', 'test_dataloader')]
    loaders.append(cfg.get('optim_wrapper', {}).get('meta_dataloader'))
    for loader in loaders:
        if loader is None:
            continue
        if args.no_pin_memory:
            loader['pin_memory'] = False
        if args.no_persistent_workers:
            loader['persistent_workers'] = False
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def resume_checkpoint(cfg: Config) -> str:
    """The checkpoint ``--resume`` continues from (found in the work dir
    when no path was given; MMEngine would start from scratch)."""
    if cfg.get('load_from'):
        return cfg.load_from
    pointer = osp.join(cfg.work_dir, 'last_checkpoint')
    if not osp.isfile(pointer):
        raise FileNotFoundError(
            f'--resume found nothing to resume in {cfg.work_dir!r} (no '
            'last_checkpoint file): pass the checkpoint (--resume '
            'WORK_DIR/epoch_N.pth), point --work-dir at the run to continue, '
            'or drop --resume to start a new run.')
    with open(pointer) as f:
        path = f.read().strip()
    if not path or not osp.isfile(path):
        found = sorted(
            (n for n in os.listdir(cfg.work_dir) if RUN_CHECKPOINT.fullmatch(n)),
            key=lambda n: osp.getmtime(osp.join(cfg.work_dir, n)))
        what = 'is empty' if not path else f'names {path!r}, which is missing'
        hint = (f'resume from the newest checkpoint there: --resume '
                f'{osp.join(cfg.work_dir, found[-1])}' if found else
                'the work dir holds no checkpoint to resume: drop --resume')
        raise CheckpointFileError(
            f'--resume: {pointer} {what} (the run was probably stopped while '
            f'writing it, e.g. on a full disk); {hint}.')
    cfg.load_from = path
    return path


def check_resume(runner: Runner, checkpoint: dict, path: str) -> None:
    """Stop unless ``checkpoint`` can continue this config's run."""
    optim = checkpoint.get('optimizer')
    if optim is None or 'param_schedulers' not in checkpoint \
            and runner.cfg.get('param_scheduler'):
        raise CheckpointFileError(
            f'checkpoint {path!r} holds weights only (no optimizer or '
            'scheduler state, e.g. written by strip_advisor.py), so it '
            'cannot be resumed: start from its weights with --cfg-options '
            'load_from=CKPT (without --resume).')
    wrapper = runner.cfg.get('optim_wrapper', {}).get('type', 'OptimWrapper')
    advisor_ckpt = isinstance(optim, dict) and 'meta_optimizer' in optim
    advisor_cfg = wrapper in META_WRAPPERS
    if advisor_ckpt != advisor_cfg:
        which = ('an advisor run (its optimizer state holds the advisor\'s '
                 'meta_optimizer)' if advisor_ckpt else
                 'a run without an advisor')
        raise CheckpointFileError(
            f'checkpoint {path!r} was written by {which}, but this config '
            f'trains with optim_wrapper.type={wrapper!r}: resume it with the '
            'config it was trained with, or start this config from its '
            'weights with --cfg-options load_from=CKPT (without --resume).')
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    check_state_dict(model, state_dict_of(checkpoint, path), path,
                     written_by=checkpoint.get('meta', {}).get(
                         'experiment_name'))


def main():
    args = parse_args()
    if args.repeatable:
        start_repeatable('train.py')
    cfg = load_config(args.config)
    cfg = merge_args(cfg, args)
    checkpoint = path = None
    try:
        if args.overwrite and cfg.get('resume'):
            raise ValueError('--overwrite deletes the run that --resume '
                             'continues: pass only one of them.')
        check_custom_ann_files(cfg)
        main_process = launch_rank() == 0
        check_work_dir(cfg.work_dir, bool(cfg.get('resume')),
                       args.overwrite, main_process)
        if cfg.get('resume'):
            path = resume_checkpoint(cfg)
            checkpoint = load_checkpoint_file(path)
        elif cfg.get('load_from') and '://' not in cfg.load_from:
            if not osp.exists(cfg.load_from):
                raise FileNotFoundError(
                    f'load_from={cfg.load_from!r} does not exist: pass the '
                    'checkpoint to start from (--cfg-options '
                    'load_from=PATH), or drop load_from to train from '
                    'scratch.')
            load_checkpoint_file(cfg.load_from)
        dist_timeout(cfg)
    except USER_ERRORS as err:
        raise SystemExit(f'train.py: {err}')
    if args.launcher == 'pytorch':
        init_cpu_distributed(cfg)
    runner = Runner.from_cfg(cfg)
    if checkpoint is not None:
        try:
            check_resume(runner, checkpoint, path)
        except CheckpointFileError as err:
            raise SystemExit(f'train.py: {err}')
        del checkpoint
    try:
        runner.train()
    except Exception as err:
        message = explain_failure(err, dist_timeout(cfg))
        if message is None:
            raise
        raise SystemExit(f'train.py: {message}')
    finish_distributed()


if __name__ == '__main__':
    main()
