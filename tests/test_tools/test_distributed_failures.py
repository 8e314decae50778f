"""Distributed failures with real torchrun processes (gloo, CPU): a rank
that stops answering is named, and complete runs end without an abort."""
import os
import os.path as osp
import subprocess
import sys

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(osp.dirname(HERE))
CONFIG = osp.join(ROOT, 'configs', 'quickstart',
                  'resnet20-mfrw-mes_1xb64_digits-flip0.6.py')


def env(**extra):
    return dict(
        os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore',
        PYTHON=sys.executable,
        PYTHONPATH=os.pathsep.join([HERE, os.environ.get('PYTHONPATH', '')]),
        **extra)


def test_a_rank_that_stops_answering_is_named(tmp_path):
    config = tmp_path / 'stall.py'
    config.write_text(f'''_base_ = {CONFIG!r}
custom_imports = dict(imports=['mmadvisor', 'stall_hook'],
                      allow_failed_imports=False)
custom_hooks = _base_.custom_hooks + [
    dict(type='StallRankHook', rank=1, iteration=2)]
digits = dict(indices=200, img_size=8)
train_dataloader = dict(
    batch_size=16, dataset=dict(dataset=dict(dataset=digits)))
optim_wrapper = dict(
    meta_dataloader=dict(batch_size=10, dataset=dict(dataset=digits)))
val_dataloader = dict(dataset=dict(indices=40, img_size=8))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=1)
default_hooks = dict(logger=dict(interval=1))
''')
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', str(config), '2', '--work-dir',
         str(tmp_path / 'run'), '--dist-timeout', '10'],
        cwd=ROOT, env=env(PORT='29631'), capture_output=True, text=True,
        timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, log[-3000:]
    assert 'rank 1 stopped answering: rank 0 waited 10 s for it in a ' \
        'collective in iteration 3' in log, log[-3000:]
    assert 'rank 1 last reported: finished iteration 2' in log
    assert '--dist-timeout SECONDS' in log


def test_complete_runs_end_without_an_abort():
    # Without finish_distributed(), about every second such run ended with
    # "terminate called without an active exception" (SIGABRT) on a rank:
    # five runs miss that with probability ~3 %.
    failures = []
    for i in range(5):
        proc = subprocess.run(
            [sys.executable, '-m', 'torch.distributed.run',
             '--nproc_per_node=2', f'--master_port={29640 + i}',
             osp.join(HERE, 'dist_exit_check.py')],
            cwd=ROOT, env=env(), capture_output=True, text=True, timeout=120)
        log = proc.stdout + proc.stderr
        if proc.returncode != 0 or 'terminate called' in log:
            failures.append(log[-1500:])
    assert failures == []
