# Copyright (c) mmadvisor contributors.
"""Loaders of the real on-disk formats, on tiny files written in them."""
import gzip
import pickle
import struct

import numpy as np
import pytest
from mmpretrain.registry import DATASETS
from PIL import Image

from mmadvisor.datasets.clothing1m import Clothing1M
from mmadvisor.datasets.imagenet_lt import ImageNetLT
from mmadvisor.datasets.offline_cifar10 import OfflineCIFAR10
from mmadvisor.datasets.offline_cifar100 import OfflineCIFAR100
from mmadvisor.datasets.offline_fashion_mnist import OfflineFashionMNIST
from mmadvisor.datasets.places_lt import PlacesLT

PIPELINE = [dict(type='LoadImageFromFile'), dict(type='PackInputs')]


def write_image(path, color, size=(6, 4), fmt=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new('RGB', size, color).save(path, format=fmt)


# ImageNet-LT / Places-LT ----------------------------------------------------


@pytest.fixture
def imagenet_lt_root(tmp_path):
    write_image(tmp_path / 'train/n01/a.JPEG', (255, 0, 0), fmt='JPEG')
    write_image(tmp_path / 'train/n02/b.JPEG', (0, 255, 0), fmt='JPEG')
    write_image(tmp_path / 'val/c.png', (0, 0, 255))
    (tmp_path / 'ImageNet_LT_train.txt').write_text(
        'train/n01/a.JPEG 0\ntrain/n02/b.JPEG 999\n')
    (tmp_path / 'ImageNet_LT_test.txt').write_text('val/c.png 7\n')
    return tmp_path


def test_imagenet_lt_split_and_pipeline(imagenet_lt_root):
    ds = DATASETS.build(
        dict(
            type='ImageNetLT',
            data_root=str(imagenet_lt_root),
            split='train',
            pipeline=PIPELINE))
    assert len(ds) == 2 and len(ds.CLASSES) == 1000
    assert ds.CLASSES[:3] == ('0', '1', '2')
    assert ds.get_gt_labels().tolist() == [0, 999]
    out = ds[1]
    assert out['inputs'].shape == (3, 4, 6)
    # JPEG of a pure green image: the middle channel (G in BGR) dominates.
    assert out['inputs'][1].float().mean() > 200
    assert out['inputs'][0].float().mean() < 50
    assert out['data_samples'].gt_label.tolist() == [999]
    assert out['data_samples'].img_path.endswith('train/n02/b.JPEG')

    test = ImageNetLT(data_root=str(imagenet_lt_root), split='test',
                      pipeline=PIPELINE)
    assert test.get_gt_labels().tolist() == [7]
    blue = test[0]['inputs']  # lossless PNG, loaded in BGR order
    assert (blue[0] == 255).all() and (blue[1:] == 0).all()


def test_long_tail_explicit_ann_file_prefix_and_class_file(tmp_path):
    write_image(tmp_path / 'images/a/airfield/1.jpg', (9, 9, 9), fmt='JPEG')
    (tmp_path / 'meta').mkdir()
    # Places-LT style leading '/' is relative to the image prefix.
    (tmp_path / 'meta/my_split.txt').write_text('/a/airfield/1.jpg 364\n')
    names = tmp_path / 'names.txt'
    names.write_text('\n'.join(f'place{i}' for i in range(365)))
    ds = PlacesLT(
        data_root=str(tmp_path),
        ann_file='meta/my_split.txt',
        data_prefix='images',
        classes=str(names),
        check_files=True,
        pipeline=PIPELINE)
    assert len(ds.CLASSES) == 365 and ds.CLASSES[364] == 'place364'
    assert ds[0]['data_samples'].gt_label.tolist() == [364]

    names.write_text('only\ntwo\n')
    with pytest.raises(ValueError, match='365 classes but 2 class names'):
        PlacesLT(data_root=str(tmp_path), ann_file='meta/my_split.txt',
                 classes=str(names))


@pytest.mark.parametrize('line, match', [
    ('no_label_here.jpg', 'line 2: cannot parse'),
    ('a.jpg zero', r"line 2: cannot parse 'a.jpg zero'"),
    ('a.jpg 365', 'line 2: label 365 .* outside \\[0, 365\\)'),
    ('a.jpg -1', 'line 2: label -1'),
])
def test_long_tail_bad_lines(tmp_path, line, match):
    ann = tmp_path / 'Places_LT_val.txt'
    ann.write_text(f'ok.jpg 3\n{line}\n')
    with pytest.raises(ValueError, match=match) as err:
        PlacesLT(data_root=str(tmp_path), split='val')
    assert str(ann) in str(err.value)


def test_long_tail_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match='ImageNet_LT_val.txt.*"relative/path label"'):
        ImageNetLT(data_root=str(tmp_path), split='val')
    with pytest.raises(ValueError, match="split='meta' must be one of"):
        ImageNetLT(data_root=str(tmp_path), split='meta')
    (tmp_path / 'ImageNet_LT_val.txt').write_text('gone/x.jpg 1\n')
    with pytest.raises(FileNotFoundError, match='gone/x.jpg'):
        ImageNetLT(data_root=str(tmp_path), split='val', check_files=True)
    # Without check_files the missing image is named when it is read.
    ds = ImageNetLT(data_root=str(tmp_path), split='val', pipeline=PIPELINE,
                    test_mode=True)
    with pytest.raises(FileNotFoundError, match='gone/x.jpg'):
        ds[0]


# Clothing1M ------------------------------------------------------------------


@pytest.fixture
def clothing_root(tmp_path):
    for key, color in [('images/0/00/a.jpg', (200, 0, 0)),
                       ('images/0/00/b.jpg', (0, 200, 0)),
                       ('images/1/11/c.jpg', (0, 0, 200))]:
        write_image(tmp_path / key, color, fmt='JPEG')
    (tmp_path / 'noisy_label_kv.txt').write_text(
        'images/0/00/a.jpg 3\nimages/0/00/b.jpg 13\nimages/1/11/c.jpg 5\n')
    (tmp_path / 'clean_label_kv.txt').write_text(
        'images/0/00/a.jpg 4\nimages/1/11/c.jpg 0\n')
    (tmp_path / 'noisy_train_key_list.txt').write_text(
        'images/0/00/b.jpg\nimages/0/00/a.jpg\n')
    (tmp_path / 'clean_val_key_list.txt').write_text('images/1/11/c.jpg\n')
    (tmp_path / 'clean_test_key_list.txt').write_text('images/0/00/a.jpg\n')
    names = ['T-Shirt', 'Shirt', 'Knitwear', 'Chiffon', 'Sweater', 'Hoodie',
             'Windbreaker', 'Jacket', 'Downcoat', 'Suit', 'Shawl', 'Dress',
             'Vest', 'Underwear']
    (tmp_path / 'category_names_eng.txt').write_text('\n'.join(names) + '\n')
    return tmp_path


def test_clothing1m_splits(clothing_root):
    train = DATASETS.build(
        dict(type='Clothing1M', data_root=str(clothing_root), split='train',
             pipeline=PIPELINE))
    val = Clothing1M(data_root=str(clothing_root), split='val')
    test = Clothing1M(data_root=str(clothing_root), split='test',
                      check_files=True)
    # Train: noisy list order, noisy labels; val/test: clean labels.
    assert train.get_gt_labels().tolist() == [13, 3]
    assert val.get_gt_labels().tolist() == [0]
    assert test.get_gt_labels().tolist() == [4]
    assert train.CLASSES[8] == 'Downcoat' and len(train.CLASSES) == 14
    out = train[0]
    assert out['data_samples'].gt_label.tolist() == [13]
    assert out['data_samples'].img_path.endswith('images/0/00/b.jpg')
    assert out['inputs'][1].float().mean() > 150  # green image


def test_clothing1m_errors(clothing_root):
    (clothing_root / 'clean_val_key_list.txt').write_text(
        'images/1/11/c.jpg\nimages/0/00/b.jpg\n')
    with pytest.raises(ValueError,
                       match="line 2: key 'images/0/00/b.jpg' has no label "
                       '.*clean_label_kv.txt'):
        Clothing1M(data_root=str(clothing_root), split='val')

    (clothing_root / 'clean_label_kv.txt').write_text('images/0/00/a.jpg 14\n')
    with pytest.raises(ValueError, match='line 1: label 14'):
        Clothing1M(data_root=str(clothing_root), split='test')

    (clothing_root / 'noisy_train_key_list.txt').unlink()
    with pytest.raises(FileNotFoundError, match='noisy_train_key_list.txt'):
        Clothing1M(data_root=str(clothing_root), split='train')


def test_clothing1m_missing_and_corrupt_images(clothing_root):
    (clothing_root / 'images/0/00/a.jpg').unlink()
    with pytest.raises(FileNotFoundError, match='images/0/00/a.jpg'):
        Clothing1M(data_root=str(clothing_root), split='test',
                   check_files=True)
    ds = Clothing1M(data_root=str(clothing_root), split='test',
                    pipeline=PIPELINE)
    with pytest.raises(FileNotFoundError, match='images/0/00/a.jpg'):
        ds[0]

    # A corrupt (truncated garbage) image: LoadImageFromFile names it, also in
    # training mode where mmengine would retry another index on `None`.
    (clothing_root / 'images/1/11/c.jpg').write_bytes(b'\xff\xd8not a jpeg')
    ds = Clothing1M(data_root=str(clothing_root), split='val',
                    pipeline=PIPELINE)
    with pytest.raises(AssertionError,
                       match='failed to load image: .*images/1/11/c.jpg'):
        ds[0]


# CIFAR -----------------------------------------------------------------------


def write_cifar(root, folder, batches, label_key, meta_name, meta_key, n=3):
    rng = np.random.default_rng(0)
    base = root / folder
    base.mkdir(parents=True)
    for i, name in enumerate(batches):
        data = rng.integers(0, 256, (n, 3 * 32 * 32), dtype=np.uint8)
        labels = [(i + j) % 10 for j in range(n)]
        with open(base / name, 'wb') as f:
            pickle.dump({'data': data, label_key: labels}, f)
    with open(base / meta_name, 'wb') as f:
        pickle.dump({meta_key: [f'c{i}' for i in range(100)]}, f)
    with open(base / batches[-1], 'rb') as f:
        return pickle.load(f)


def test_offline_cifar10_real_layout(tmp_path):
    batches = [f'data_batch_{i}' for i in range(1, 6)] + ['test_batch']
    last = write_cifar(tmp_path, 'cifar-10-batches-py', batches, 'labels',
                       'batches.meta', 'label_names')
    cfg = dict(type='OfflineCIFAR10', data_root=str(tmp_path),
               check_integrity=False, pipeline=[dict(type='PackInputs')])
    train = DATASETS.build(dict(cfg, split='train'))
    test = DATASETS.build(dict(cfg, split='test'))
    assert len(train) == 15 and len(test) == 3
    assert test.get_gt_labels().tolist() == last['labels']
    assert train.CLASSES[0] == 'airplane'
    out = test[1]
    # PackInputs turns the HWC image into CHW: row-major CHW bytes of CIFAR.
    expected = last['data'][1].reshape(3, 32, 32)
    assert np.array_equal(out['inputs'].numpy(), expected)

    # The md5 check is on by default and reports the mismatch.
    with pytest.raises(RuntimeError, match='md5 .*check_integrity=False'):
        OfflineCIFAR10(data_root=str(tmp_path))
    # Missing files are still an error, naming the file; no download.
    (tmp_path / 'cifar-10-batches-py/data_batch_3').unlink()
    with pytest.raises(FileNotFoundError, match='data_batch_3'):
        OfflineCIFAR10(data_root=str(tmp_path), check_integrity=False)


def test_offline_cifar100_real_layout(tmp_path):
    last = write_cifar(tmp_path, 'cifar-100-python', ['train', 'test'],
                       'fine_labels', 'meta', 'fine_label_names', n=4)
    ds = OfflineCIFAR100(data_root=str(tmp_path), split='test',
                         check_integrity=False, metainfo=None)
    assert ds.get_gt_labels().tolist() == last['fine_labels']
    assert len(ds.CLASSES) == 100 and ds.CLASSES[0] == 'apple'
    assert ds.get_data_info(0)['img'].shape == (32, 32, 3)


# Fashion-MNIST ---------------------------------------------------------------


def idx_bytes(array, ndim):
    header = struct.pack('>I', 0x0800 + ndim)
    header += b''.join(struct.pack('>I', s) for s in array.shape)
    return header + array.astype(np.uint8).tobytes()


@pytest.mark.parametrize('compressed', [True, False])
def test_offline_fashion_mnist_idx(tmp_path, compressed):
    rng = np.random.default_rng(1)
    data = {}
    for prefix, n in [('train', 5), ('t10k', 3)]:
        imgs = rng.integers(0, 256, (n, 28, 28))
        labels = rng.integers(0, 10, n)
        data[prefix] = (imgs, labels)
        for kind, arr, nd in [('images-idx3', imgs, 3),
                              ('labels-idx1', labels, 1)]:
            name = f'{prefix}-{kind}-ubyte'
            raw = idx_bytes(arr, nd)
            if compressed:
                (tmp_path / (name + '.gz')).write_bytes(gzip.compress(raw))
            else:
                (tmp_path / name).write_bytes(raw)

    cfg = dict(type='OfflineFashionMNIST', data_root=str(tmp_path),
               pipeline=[dict(type='PackInputs')])
    train = DATASETS.build(dict(cfg, split='train'))
    test = DATASETS.build(dict(cfg, split='test'))  # no test_mode needed
    assert len(train) == 5 and len(test) == 3
    assert test.get_gt_labels().tolist() == data['t10k'][1].tolist()
    out = test[2]
    assert out['inputs'].shape == (1, 28, 28)
    assert np.array_equal(out['inputs'][0].numpy(), data['t10k'][0][2])
    assert train.CLASSES[0] == 'T-shirt/top'


def test_offline_fashion_mnist_missing(tmp_path):
    with pytest.raises(FileNotFoundError,
                       match=r"train-images-idx3-ubyte\[\.gz\]"):
        OfflineFashionMNIST(data_root=str(tmp_path))
