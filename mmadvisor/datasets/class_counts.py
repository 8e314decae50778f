# Copyright (c) mmadvisor contributors.
"""Number of training images per class, as configs give it."""
import json
from typing import List, Sequence, Union

import numpy as np
from mmengine.fileio import exists, get_text


def load_class_counts(class_counts: Union[str, Sequence[int]]) -> List[int]:
    """Read per-class training image counts from a list or a file.

    Args:
        class_counts (str | Sequence[int]): The counts themselves, or a path
            to a ``.json`` file (a list, or a dict with key
            ``'class_counts'``) or a text file with one integer per line.

    Returns:
        List[int]: The counts, one per class.

    Raises:
        FileNotFoundError: If the file does not exist.
        ValueError: If the counts are empty, not integers, or negative.
    """
    source = 'class_counts'
    if isinstance(class_counts, str):
        source = class_counts
        if not exists(class_counts):
            raise FileNotFoundError(
                f'class_counts file {class_counts!r} not found; expected a '
                'JSON list or one integer per line.')
        text = get_text(class_counts)
        if class_counts.endswith('.json'):
            class_counts = json.loads(text)
            if isinstance(class_counts, dict):
                class_counts = class_counts['class_counts']
        else:
            class_counts = text.split()
    try:
        counts = np.asarray(class_counts, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        raise ValueError(f'{source} must hold numbers, got '
                         f'{class_counts!r:.200}.') from None
    if counts.size == 0 or np.any(counts != np.round(counts)) or np.any(
            counts < 0):
        raise ValueError(f'{source} must be a non-empty list of non-negative '
                         f'integers, got {counts.tolist()!r:.200}.')
    return counts.astype(np.int64).tolist()
