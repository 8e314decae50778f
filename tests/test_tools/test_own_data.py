"""README, "Train on your own data": the template config, copied into a
project outside the repository with its EDIT lines changed, trains a
tiny image folder (real digits as PNG files, CustomDataset lists with a
noisy training list and a clean meta list) under this project's and
MMPretrain's own tools/train.py; and the meta-list splitter."""
import glob
import os
import os.path as osp
import re
import subprocess
import sys

import mmpretrain
import pytest
import torch

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))
from image_folder import write_image_folder  # noqa: E402

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TEMPLATE = osp.join(ROOT, 'configs', 'custom',
                    'resnet18-mfrw-mes_1xb32_custom.py')
MMPRETRAIN_TRAIN = osp.join(osp.dirname(mmpretrain.__file__), '.mim',
                            'tools', 'train.py')


def edit(template: str, data_root: str) -> str:
    """What a user does: change the lines marked EDIT (and, for a quick
    try on a CPU, 32 px crops, one process, two epochs)."""
    text = template
    for pattern, value in (
            (r"data_root = 'data/my_dataset'", f'data_root = {data_root!r}'),
            (r'image_size = 224', 'image_size = 32'),
            (r'num_workers=4', 'num_workers=0'),
            (r'num_workers=2', 'num_workers=0'),
            (r'persistent_workers=True', 'persistent_workers=False'),
            (r'max_epochs=30', 'max_epochs=2'),
            (r'T_max=30', 'T_max=2')):
        assert re.search(pattern, text), pattern  # the template has it
        text = re.sub(pattern, value, text)
    return text


@pytest.fixture(scope='module')
def project(tmp_path_factory):
    top = tmp_path_factory.mktemp('my_project')
    write_image_folder(str(top / 'data'), per_class=12, meta_per_class=2,
                       test_per_class=3, val_per_class=3)
    config = top / 'my_config.py'
    config.write_text(edit(open(TEMPLATE).read(), str(top / 'data')))
    return top, config


def _run(args, cwd):
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


@pytest.mark.parametrize('tool', ['mmadvisor', 'mmpretrain'])
def test_template_trains_an_image_folder_from_outside_the_repo(project,
                                                               tool):
    top, config = project
    work_dir = top / f'work_{tool}'
    script = osp.join(ROOT, 'tools', 'train.py') if tool == 'mmadvisor' \
        else MMPRETRAIN_TRAIN
    log = _run([sys.executable, script, str(config), '--work-dir',
                str(work_dir)], cwd=top)
    assert 'loss_meta' in log and 'advice_w_f' in log
    checkpoint = torch.load(work_dir / 'epoch_2.pth', map_location='cpu',
                            weights_only=False)
    state = checkpoint['state_dict']
    # the training list's 120 images in batches of 32: 4 iterations an
    # epoch, each with an advisor update (the advisor's Adam stepped 8x)
    meta_state = checkpoint['optimizer']['meta_optimizer']['state']
    assert {int(s['step']) for s in meta_state.values()} == {8}
    assert state['head.fc.weight'].shape == (10, 512)
    assert any(k.startswith('head.advisor.') for k in state)
    # the validation list was evaluated every epoch (the best checkpoint
    # on it is kept)
    assert glob.glob(str(work_dir / 'best_accuracy_top1_epoch_*.pth'))


def test_template_refuses_a_meta_list_of_training_images(project, tmp_path):
    """What the checks refuse, as the README says: a meta list whose
    images are in the training list stops the run (both launchers run the
    check; here MMPretrain's)."""
    top, config = project
    data = top / 'data'
    train = (data / 'train.txt').read_text().splitlines()
    (data / 'meta_bad.txt').write_text('\n'.join(train[::12]) + '\n')
    bad = tmp_path / 'bad_meta.py'
    bad.write_text(config.read_text().replace("'meta.txt'", "'meta_bad.txt'"))
    env = dict(os.environ, OMP_NUM_THREADS='1', PYTHONWARNINGS='ignore')
    proc = subprocess.run([sys.executable, MMPRETRAIN_TRAIN, str(bad),
                           '--work-dir', str(tmp_path / 'run')], cwd=top,
                          env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode != 0
    assert 'meta-set images are also in the training set' in proc.stderr
    assert not glob.glob(str(tmp_path / 'run' / 'epoch_*.pth'))


def test_split_meta_list_takes_a_held_out_meta_set(tmp_path):
    lines = [f'c{c}/{i}.png {c}' for c in range(3) for i in range(5)]
    source = tmp_path / 'all.txt'
    source.write_text('\n'.join(lines) + '\n')
    _run([sys.executable,
          osp.join(ROOT, 'tools', 'dataset_converters',
                   'split_meta_list.py'), str(source), '--per-class', '2',
          '--meta', str(tmp_path / 'meta.txt'), '--rest',
          str(tmp_path / 'train.txt'), '--seed', '0'], cwd=tmp_path)
    meta = (tmp_path / 'meta.txt').read_text().splitlines()
    rest = (tmp_path / 'train.txt').read_text().splitlines()
    assert sorted(meta + rest) == sorted(lines)  # a partition
    assert sorted(int(m.split()[1]) for m in meta) == [0, 0, 1, 1, 2, 2]
    # seeded: the same split again
    _run([sys.executable,
          osp.join(ROOT, 'tools', 'dataset_converters',
                   'split_meta_list.py'), str(source), '--per-class', '2',
          '--meta', str(tmp_path / 'meta2.txt'), '--rest',
          str(tmp_path / 'train2.txt'), '--seed', '0'], cwd=tmp_path)
    assert (tmp_path / 'meta2.txt').read_text().splitlines() == meta
    # a class with too few images for a meta set and a training set
    env = dict(os.environ, PYTHONWARNINGS='ignore')
    proc = subprocess.run(
        [sys.executable, osp.join(ROOT, 'tools', 'dataset_converters',
                                  'split_meta_list.py'), str(source),
         '--per-class', '5', '--meta', str(tmp_path / 'm.txt'), '--rest',
         str(tmp_path / 'r.txt')], env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert 'class 0 has 5 images' in proc.stderr
    assert not (tmp_path / 'm.txt').exists()
