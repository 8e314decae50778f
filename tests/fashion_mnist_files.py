"""Tiny Fashion-MNIST files in the real on-disk format, for the tests."""
import gzip
import os
import struct

import numpy as np


def write_idx(path, array, magic):
    """Write ``array`` as a gzip idx file (big-endian header, uint8 data)."""
    header = struct.pack('>I', magic) + b''.join(
        struct.pack('>I', d) for d in array.shape)
    with gzip.open(str(path) + '.gz', 'wb') as f:
        f.write(header + array.astype(np.uint8).tobytes())


def write_fashion_mnist(root, train_per_class: int, test_per_class: int):
    """Random 28x28 images in Fashion-MNIST's real files (idx, gzip),
    ``train_per_class`` / ``test_per_class`` per class, under ``root``."""
    rng = np.random.default_rng(0)
    for prefix, per_class in (('train', train_per_class),
                              ('t10k', test_per_class)):
        labels = np.repeat(np.arange(10), per_class)
        images = rng.integers(0, 256, (len(labels), 28, 28))
        write_idx(os.path.join(root, f'{prefix}-images-idx3-ubyte'), images,
                  2051)
        write_idx(os.path.join(root, f'{prefix}-labels-idx1-ubyte'), labels,
                  2049)
