"""A tiny image folder with MMPretrain ``CustomDataset`` lists, as a user
would export their own data: real digits (scikit-learn's 8x8 images,
upscaled to 32x32 grey PNGs), a noisy training list, a clean meta list of
a few images per class, a clean test list."""
import os
import os.path as osp
from typing import Dict

import numpy as np


def write_image_folder(root: str, per_class: int = 20, meta_per_class: int = 3,
                       test_per_class: int = 5, flip: float = 0.3,
                       seed: int = 0, val_per_class: int = 0
                       ) -> Dict[str, str]:
    """Write ``root/images/<class>/<i>.png`` and the lists.

    - ``train.txt``: ``per_class`` images per class, a fraction ``flip`` of
      the labels moved to the next class (noise);
    - ``meta.txt``: ``meta_per_class`` other images per class, clean;
    - ``test.txt``: ``test_per_class`` other images per class, clean;
    - ``val.txt`` (with ``val_per_class``): other images, clean.

    Returns:
        dict: The paths of the lists and of the image prefix.
    """
    from PIL import Image
    from sklearn.datasets import load_digits
    digits = load_digits()
    rng = np.random.default_rng(seed)
    lists = dict(train=[], meta=[], test=[])
    if val_per_class:
        lists['val'] = []
    for c in range(10):
        idx = rng.permutation(np.flatnonzero(digits.target == c))
        bounds = np.cumsum([0, per_class, meta_per_class, test_per_class,
                            val_per_class])
        parts = {split: idx[bounds[i]:bounds[i + 1]]
                 for i, split in enumerate(lists)}
        os.makedirs(osp.join(root, 'images', str(c)), exist_ok=True)
        for split, ids in parts.items():
            for i in ids:
                name = f'{c}/{i}.png'
                img = (digits.images[i] * 16).clip(0, 255).astype(np.uint8)
                Image.fromarray(img).resize((32, 32)).save(
                    osp.join(root, 'images', name))
                label = c
                if split == 'train' and rng.random() < flip:
                    label = (c + 1) % 10
                lists[split].append(f'{name} {label}')
    paths = dict(prefix=osp.join(root, 'images'))
    for split, lines in lists.items():
        paths[split] = osp.join(root, f'{split}.txt')
        with open(paths[split], 'w') as f:
            f.write('\n'.join(lines) + '\n')
    return paths
