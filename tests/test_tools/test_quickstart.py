"""tools/quickstart.py: a line per run and epoch while it trains, the table
at the end, and a rerun into its own work dirs."""
import importlib.util
import json
import os
import os.path as osp
import re
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'quickstart.py')


def load_quickstart():
    spec = importlib.util.spec_from_file_location('quickstart', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_progress_line():
    quickstart = load_quickstart()
    line = quickstart.progress_line('CE', 3, 30, 1.23456, (2, 45.678), 60.0)
    # 20 s per epoch so far, 27 epochs left
    assert line == ('[CE] epoch 3/30  loss 1.235  test top-1 45.68 % '
                    '(epoch 2)  ETA 0:09:00')
    assert quickstart.progress_line('CE', 30, 30, None, (30, 90.0),
                                    600.0) == (
                                        '[CE] epoch 30/30  test top-1 90.00 %'
                                        '  ETA 0:00:00')


def test_run_progress_reads_the_log_as_it_grows(tmp_path):
    quickstart = load_quickstart()
    old = tmp_path / '20261127_000000' / 'vis_data'
    old.mkdir(parents=True)
    (old / 'scalars.json').write_text('{"accuracy/top1": 1.0, "step": 9}\n')
    progress = quickstart.RunProgress('run', str(tmp_path), started=0.0)
    assert progress.poll(1.0) == []  # an earlier run's log is not followed
    vis = tmp_path / '20261128_000000' / 'vis_data'
    vis.mkdir(parents=True)
    (vis / 'config.py').write_text('train_cfg = dict(max_epochs=4)\n')
    records = [
        dict(loss=2.0, epoch=1, iter=10, step=10),
        dict(loss=1.5, epoch=2, iter=29, step=29),
        {'accuracy/top1': 50.0, 'step': 2},
        dict(loss=1.0, epoch=3, iter=48, step=48),
    ]
    text = ''.join(json.dumps(r) + '\n' for r in records)
    cut = text.index('{"accuracy') + 5
    (vis / 'scalars.json').write_text(text[:cut])  # a line half written
    assert progress.poll(10.0) == ['[run] epoch 1/4  loss 2.000  ETA 0:00:30']
    (vis / 'scalars.json').write_text(text)
    assert progress.poll(20.0) == [
        '[run] epoch 2/4  loss 1.500  test top-1 50.00 %  ETA 0:00:20'
    ]
    assert progress.poll(30.0, ended=True) == [
        '[run] epoch 3/4  loss 1.000  test top-1 50.00 % (epoch 2)  '
        'ETA 0:00:10'
    ]


def test_quickstart_shows_progress_and_reruns(tmp_path):
    # An earlier quickstart's run in the cross-entropy work dir: train.py
    # refuses such a dir unless told --overwrite.
    earlier = tmp_path / 'resnet20-ce_1xb64_digits-flip0.6'
    earlier.mkdir()
    (earlier / 'epoch_9.pth').write_bytes(b'')
    (earlier / 'last_checkpoint').write_text(str(earlier / 'epoch_9.pth'))
    # A shell that picks ATen's AVX2 kernels: the quickstart says once that
    # the repeatable mode overrides it.
    env = dict(os.environ, OMP_NUM_THREADS='1', ATEN_CPU_CAPABILITY='avx2',
               PYTHONWARNINGS='default')
    proc = subprocess.run(
        [sys.executable, SCRIPT, '--work-dir', str(tmp_path),
         '--cfg-options', 'train_cfg.max_epochs=2',
         'train_cfg.val_interval=2'],
        cwd=str(tmp_path), env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    out = proc.stdout
    for name in ('cross-entropy', 'MFRW-MES advisor'):
        first = re.search(rf'^\[{name}\] epoch 1/2  loss [\d.]+  '
                          r'ETA \d:\d\d:\d\d$', out, re.M)
        last = re.search(rf'^\[{name}\] epoch 2/2  loss [\d.]+  test top-1 '
                         r'([\d.]+) %  ETA 0:00:00$', out, re.M)
        assert first and last, out
        assert first.start() < last.start()
        row = re.search(rf'^\| {name} \| ([\d.]+) \| \d+ \|$', out, re.M)
        # the final checkpoint tested = the last validation (both: the
        # digits test split)
        assert row and row.group(1) == last.group(1), out
    # Repeatable numerics by default: both trainings and both tests.
    assert proc.stderr.count('ATEN_CPU_CAPABILITY=avx2 -> default') == 1
    for name in ('cross-entropy', 'MFRW-MES advisor'):
        assert re.search(rf'^\[{name}\] tools/train.py .* --overwrite '
                         '--repeatable ', out, re.M), out
    assert re.search(r'^total wall time: \d+ s \(.*repeatable numerics\)$',
                     out, re.M), out
    for run in tmp_path.glob('*/20*/vis_data/config.py'):
        assert "type='RepeatableNumericsHook'" in run.read_text()
    assert len(list(tmp_path.glob('*/20*/vis_data/config.py'))) == 4
    assert not (earlier / 'epoch_9.pth').exists()
    assert (earlier / 'epoch_2.pth').exists()


def test_second_quickstart_on_the_same_work_dirs_stops(tmp_path):
    """While a quickstart trains in its work dirs it holds their lock; a
    second one on the same dirs stops at once and deletes nothing (it used
    to --overwrite the first one's running runs: both died, and their
    trainings ran on)."""
    import fcntl
    run = tmp_path / 'resnet20-ce_1xb64_digits-flip0.6'
    run.mkdir()
    (run / 'epoch_1.pth').write_bytes(b'the first quickstart is writing')
    with open(tmp_path / 'quickstart.lock', 'a+') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.write('pid 4242\n')
        lock.flush()
        proc = subprocess.run(
            [sys.executable, SCRIPT, '--work-dir', str(tmp_path)],
            cwd=str(tmp_path), capture_output=True, text=True,
            env=dict(os.environ, PYTHONWARNINGS='ignore'))
    assert proc.returncode != 0
    assert f'{tmp_path} is in use by another quickstart (pid 4242)' \
        in proc.stderr
    assert (run / 'epoch_1.pth').read_bytes() == \
        b'the first quickstart is writing'
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        'quickstart.lock', run.name]


def test_killed_quickstart_takes_its_trainings_with_it(tmp_path):
    """kill -9 of the quickstart: its training processes end too."""
    import signal
    import time
    proc = subprocess.Popen(
        [sys.executable, SCRIPT, '--work-dir', str(tmp_path),
         '--fast-numerics', '--cfg-options', 'train_cfg.max_epochs=30'],
        cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=dict(os.environ, OMP_NUM_THREADS='1',
                            PYTHONWARNINGS='ignore'))

    def children():
        out = subprocess.run(['ps', '-o', 'pid=', '--ppid', str(proc.pid)],
                             capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    deadline = time.time() + 120
    while len(children()) < 2 and time.time() < deadline:
        time.sleep(0.5)
    trainings = children()
    assert len(trainings) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.time() + 60
    alive = trainings
    while alive and time.time() < deadline:
        time.sleep(0.5)
        alive = [p for p in trainings if osp.exists(f'/proc/{p}') and
                 'Z' not in open(f'/proc/{p}/stat').read().split()[2]]
    assert alive == []
